"""``ropa diff BASE [HEAD]``: what changed in the register between two git revisions, in words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import EXIT_OK, UsageError, command_parser, root_argument, text
from generator.errors import GitError
from generator.load import git as gitinfo
from generator.render import i18n
from generator.vocab import LANGUAGES

if TYPE_CHECKING:
    from generator.diff.snapshot import Snapshot

FORMATS = ("markdown", "text")


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("base", metavar="BASE", help=text("diff.base", lang))
    p.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        default=gitinfo.WORKTREE,
        help=text("diff.head", lang),
    )
    root_argument(p, lang)
    p.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help=text("diff.format", lang),
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, help=text("lang.labels_messages", lang, default=i18n.DEFAULT_LANG)
    )


def read_snapshot(root: Path, rev: str | None) -> Snapshot:
    from generator.diff.snapshot import parse_files

    try:
        files = gitinfo.read_files(root, rev)
    except GitError as exc:
        raise UsageError.of("diff.at_revision", rev=rev, problem=exc) if rev else UsageError.of("diff.in_worktree", problem=exc) from None
    return parse_files(files)


def run(args: argparse.Namespace) -> int:
    from generator.diff import compare, report
    from generator.load.language import message_language

    lang = message_language(args.root, args.lang)  # the register's language, as ropa validate
    if not gitinfo.is_repository(args.root):
        raise UsageError.of("diff.not_a_repository", root=str(args.root))
    old = read_snapshot(args.root, args.base)
    new = read_snapshot(args.root, args.head)
    problems = [
        i18n.t("review.diff.unreadable", lang).format(
            rev=rev or i18n.t("review.diff.worktree", lang),
            problem=f"{d.file}:{d.line}:{d.column}: {d.message(lang)}",
        )
        for rev, snap in ((args.base, old), (args.head, new))
        for d in snap.problems.values()
    ]
    changes = compare.diff(old, new, lang)
    formatter = report.format_markdown if args.format == "markdown" else report.format_text
    sys.stdout.write(formatter(changes, problems, args.base, args.head, lang))
    return EXIT_OK
