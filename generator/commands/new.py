"""``ropa new activity ID --role ROLE``: a new activity sheet with every key to fill in."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from generator import scaffold, shapes
from generator.cli import EXIT_OK, UsageError, root_argument
from generator.load.layout import ACTIVITIES, ORGANIZATION, display_path
from generator.load.yamlload import LoadError, load
from generator.resources import load_schema

ROLES = ("controller", "processor", "joint_controller")


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        name,
        help="create a new activity sheet to fill in",
        description="Write register/activities/ID.yaml with every key the role requires, the "
        "editor's schema line, today's date and comments saying what to write. Each "
        f"« {scaffold.placeholder()} » left is reported by ropa validate (rule placeholder).",
    )
    p.add_argument("kind", choices=("activity",), help="what to create (an activity sheet)")
    p.add_argument(
        "id",
        metavar="ID",
        help="the activity's identifier, also its file name: "
        "lowercase letters, digits and hyphens, such as gestion-candidatures",
    )
    p.add_argument(
        "--role",
        choices=ROLES,
        required=True,
        help="controller (Art. 30(1) record), processor (Art. 30(2) record, on behalf of a "
        "client) or joint_controller (Art. 26)",
    )
    root_argument(p)


def id_pattern() -> str:
    pattern: str = load_schema("activity")["properties"]["id"]["pattern"]
    return pattern


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
    if not re.match(id_pattern(), ident):
        raise UsageError(
            f"'{ident}' is not a valid activity id: use lowercase letters, digits and "
            "hyphens, starting with a letter or a digit (e.g. gestion-candidatures)"
        )
    if not (root / ORGANIZATION).is_file():
        raise UsageError(
            f"{display_path(root)} is not a register repository (no {ORGANIZATION}): "
            "run ropa init first, or give --root"
        )
    folder = root / ACTIVITIES
    taken = _existing_ids(folder)
    if ident in taken:
        raise UsageError(f"activity '{ident}' already exists: {display_path(taken[ident])}")
    parties = _parties(root)
    text = scaffold.render(
        "activity.yaml.j2",
        id=ident,
        role=args.role,
        today=shapes.today().isoformat(),
        controllers=parties.get("controller", []),
        joint_controllers=parties.get("joint_controller", []),
    )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{ident}.yaml"
    try:
        with open(target, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise UsageError(f"{display_path(target)} already exists") from None
    count = text.count(scaffold.placeholder())
    print(
        f"created {display_path(target)}: replace its {count} « {scaffold.placeholder()} », "
        "then run ropa validate",
        file=sys.stderr,
    )
    return EXIT_OK
