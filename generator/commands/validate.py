"""``ropa validate``: check the register and report every problem with file, line and column."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, root_argument, text
from generator.lint.report import format_github, format_gitlab, format_json, format_summary, format_text
from generator.lint.rules import Diagnostic
from generator.load.language import message_language
from generator.load.layout import ACTIVITIES, ORGANIZATION, PROCESSES, absolute, display_path
from generator.load.register import Focus, Register
from generator.vocab import LANGUAGES

FORMATS = {"text": format_text, "json": format_json, "github": format_github, "gitlab": format_gitlab}


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=text("validate.paths", lang))
    root_argument(p, lang)
    p.add_argument("--format", choices=sorted(FORMATS), default="text",
                   help=text("validate.format", lang))
    p.add_argument("--strict", action="store_true", help=text("validate.strict", lang))
    p.add_argument("--lang", choices=LANGUAGES, help=text("lang.messages", lang))


def select(reg: Register, paths: list[Path]) -> list[Diagnostic]:
    """The diagnostics about ``paths`` and about the files they reference."""
    return _about(reg, reported(reg, paths))


def _about(reg: Register, names: set[str]) -> list[Diagnostic]:
    """The diagnostics of the files ``names``, and those of the register's folders (a folder that
    cannot be listed, a register over its limits): whatever files are named, they were not read."""
    folders = _folders(reg)
    return [d for d in reg.diagnostics if d.file in names or d.file in folders]


def _folders(reg: Register) -> set[str]:
    """The register's folders, as diagnostics name them."""
    return {display_path(reg.root / folder) for folder in (ORGANIZATION.parent, ACTIVITIES, PROCESSES)}


def reported(reg: Register, paths: list[Path]) -> set[str]:
    """The files ``paths`` name and those they reference, as diagnostics name them.

    A folder selects the register files under it (so ``ropa validate .`` checks everything); a
    file that is not a register file is a usage error rather than a silent pass.
    """
    known = set(reg.paths) | {absolute(Path(d.file)) for d in reg.diagnostics}
    unread = [absolute(Path(d.file)) for d in reg.diagnostics if d.file in _folders(reg)]  # (reported as a whole)
    wanted: set[Path] = set()
    for path in paths:
        path = absolute(path)
        if not path.exists() and not path.is_symlink():
            raise UsageError.of("validate.no_such_path", path=str(path))
        try:
            path.relative_to(reg.root)
        except ValueError:
            raise UsageError.of("validate.outside_root", path=display_path(path), root=display_path(reg.root)) from None
        if path.is_dir():
            wanted.update(file for file in known if file.is_relative_to(path))
        elif path in known:
            wanted.add(path)
        elif any(path.is_relative_to(folder) for folder in unread):
            continue
        else:
            raise UsageError.of("validate.not_a_register_file", path=display_path(path))
    return {display_path(file) for file in reg.with_references(wanted)}


def _focus(paths: list[Path]) -> Focus:
    """Accepts the files ``paths`` name, and those under the folders they name."""
    resolved = {str(absolute(p)) for p in paths}
    under = tuple(p.rstrip(os.sep) + os.sep for p in resolved)

    def accepts(name: str) -> bool:
        return name in resolved or name.startswith(under)

    return accepts


def run(args: argparse.Namespace) -> int:
    from generator.lint.runner import load_register

    reg = load_register(args.root, focus=_focus(args.paths) if args.paths else None, cache=True)
    names = reported(reg, args.paths) if args.paths else None
    found = reg.diagnostics if names is None else _about(reg, names)
    lang = message_language(args.root, args.lang)
    sys.stdout.write(FORMATS[args.format](found, lang))
    # the files reported on: with PATH..., those and what they reference, not the whole register
    checked = len(reg.files) if names is None else len(names)
    if args.format == "text":
        sys.stderr.write(format_summary(found, checked, lang))
    failing = [d for d in found if d.severity == "error" or args.strict]
    return EXIT_PROBLEMS if failing else EXIT_OK
