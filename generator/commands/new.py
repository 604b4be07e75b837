"""``ropa new activity ID --role ROLE``: a new activity sheet with every key a complete sheet
has (optional ones commented out); ``ropa new process ID``: a process model skeleton whose
identifiers already fit together, valid once its placeholders are replaced."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from generator import scaffold, shapes
from generator.cli import EXIT_OK, UsageError, command_parser, root_argument, text
from generator.errors import LoadError
from generator.load.language import message_language
from generator.load.layout import ACTIVITIES, ORGANIZATION, PROCESSES, display_path, windows_device
from generator.load.yamlload import load
from generator.render import i18n
from generator.resources import load_schema
from generator.vocab import LANGUAGES

ROLES = ("controller", "processor", "joint_controller")
KINDS = ("activity", "process")


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("kind", choices=KINDS, help=text("new.kind", lang))
    p.add_argument(
        "id",
        metavar="ID",
        help=text("new.id", lang),
    )
    p.add_argument(
        "--role",
        choices=ROLES,
        help=text("new.role", lang),
    )
    root_argument(p, lang)
    p.add_argument("--lang", choices=LANGUAGES, help=text("new.lang", lang))


def id_pattern() -> str:
    pattern: str = load_schema("activity")["properties"]["id"]["pattern"]
    return pattern


def id_max_length() -> int:
    """The longest id the schemas accept: an id names a file, and file systems cap names."""
    limit: int = load_schema("activity")["properties"]["id"]["maxLength"]
    return limit


def _existing_ids(folder: Path) -> dict[str, Path]:
    """Activity ids already used, by the file that uses them (file name or ``id`` key)."""
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml"):
            continue
        out.setdefault(path.stem, path)
        try:
            data = load(path, display_path(path)).data
        except LoadError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            out.setdefault(data["id"], path)
    return out


def _parties(root: Path) -> dict[str, list[str]]:
    """Party ids of the organisation by kind, for the comments; empty when unreadable."""
    try:
        data: Any = load(root / ORGANIZATION, str(ORGANIZATION)).data
    except LoadError:
        return {}
    out: dict[str, list[str]] = {}
    for party in (data.get("parties") if isinstance(data, dict) else None) or []:
        if isinstance(party, dict) and isinstance(party.get("id"), str):
            out.setdefault(str(party.get("kind")), []).append(party["id"])
    return out


def run(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    ident: str = args.id
    kind: str = args.kind
    lang = message_language(root, args.lang)
    if not re.match(id_pattern(), ident):
        raise UsageError.of("new.invalid_id", id=ident, kind=_kind_word(kind, lang))
    if windows_device(ident):
        raise UsageError.of("new.windows_device", id=ident, kind=_kind_word(kind, lang))
    if len(ident) > id_max_length():
        raise UsageError.of("new.id_too_long", kind=_kind_word(kind, lang), length=len(ident), max=id_max_length())
    if not (root / ORGANIZATION).is_file():
        raise UsageError.of("new.not_a_register", path=display_path(root), organization=str(ORGANIZATION))
    if kind == "process":
        if args.role is not None:
            raise UsageError.of("new.role_for_activity")
        folder = root / PROCESSES
        text = scaffold.render("process.yaml.j2", lang, id=ident, today=shapes.today().isoformat())
    else:
        if args.role is None:
            raise UsageError.of("new.role_needed")
        folder = root / ACTIVITIES
        text = _activity(root, folder, ident, args.role, lang)
    return _write(folder, ident, kind, text, lang)


def _activity(root: Path, folder: Path, ident: str, role: str, lang: str) -> str:
    taken = _existing_ids(folder)
    if ident in taken:
        raise UsageError.of("new.activity_exists", id=ident, path=display_path(taken[ident]))
    parties = _parties(root)
    return scaffold.render(
        "activity.yaml.j2",
        lang,
        id=ident,
        role=role,
        today=shapes.today().isoformat(),
        controllers=parties.get("controller", []),
        joint_controllers=parties.get("joint_controller", []),
        processors=parties.get("processor", []),
    )


def _kind_word(kind: str, lang: str) -> str:
    """« activité » / "activity", for the messages."""
    return i18n.message("new.kinds", lang).split("|")[KINDS.index(kind)]


def _write(folder: Path, ident: str, kind: str, text: str, lang: str) -> int:
    if kind == "process":
        taken = _existing_ids(folder)
        if ident in taken:
            raise UsageError.of("new.process_exists", id=ident, path=display_path(taken[ident]))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{ident}.yaml"
    try:
        with open(target, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise UsageError.of("new.file_exists", path=display_path(target)) from None
    count = sum(line.count(scaffold.placeholder(lang)) for line in text.splitlines() if not line.lstrip().startswith("#"))
    said = "new.created_process" if kind == "process" else "new.created"
    print(i18n.message(said, lang, path=display_path(target), count=count, placeholder=scaffold.placeholder(lang),
                       id=ident), file=sys.stderr)
    return EXIT_OK
