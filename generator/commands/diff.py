"""``ropa diff BASE [HEAD]``: what changed in the register between two git revisions, in words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import EXIT_OK, UsageError, root_argument
from generator.errors import GitError
from generator.load import git as gitinfo
from generator.render import i18n
from generator.vocab import LANGUAGES

if TYPE_CHECKING:
    from generator.diff.snapshot import Snapshot

FORMATS = ("markdown", "text")


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        name,
        help="summarise what changed in the register between two git revisions",
        description="Compare the register at git revision BASE with HEAD (default: the files on "
        "disk, committed or not) and list, in words, the activities added and removed and each "
        "changed field with its old and new value. The markdown format is meant to be posted "
        "as a pull-request comment.",
    )
    p.add_argument("base", metavar="BASE", help="the revision to compare from (a branch, a tag, a commit)")
    p.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        default=gitinfo.WORKTREE,
        help="the revision to compare to (default: the working tree)",
    )
    root_argument(p)
    p.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="text (default) or markdown (for a pull-request comment)",
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, default=i18n.DEFAULT_LANG, help="language of the labels (default: fr)"
    )


def read_snapshot(root: Path, rev: str | None) -> Snapshot:
    from generator.diff.snapshot import FOLDERS, parse_files

    try:
        files = gitinfo.read_files(root, rev, FOLDERS)
    except GitError as exc:
        raise UsageError(f"{rev}: {exc}" if rev else str(exc)) from None
    return parse_files(files)


def run(args: argparse.Namespace) -> int:
    from generator.diff import compare, report

    if not gitinfo.is_repository(args.root):
        raise UsageError(f"--root {args.root}: not inside a git repository")
    old = read_snapshot(args.root, args.base)
    new = read_snapshot(args.root, args.head)
    problems = [
        i18n.t("review.diff.unreadable", args.lang).format(
            rev=rev or i18n.t("review.diff.worktree", args.lang), problem=text
        )
        for rev, snap in ((args.base, old), (args.head, new))
        for text in snap.problems.values()
    ]
    changes = compare.diff(old, new, args.lang)
    formatter = report.format_markdown if args.format == "markdown" else report.format_text
    sys.stdout.write(formatter(changes, problems, args.base, args.head, args.lang))
    return EXIT_OK
