"""``ropa diff BASE [HEAD]``: what changed in the register between two git revisions, in words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, UsageError, command_parser, root_argument, text
from generator.diff import semdiff
from generator.load import git as gitinfo
from generator.render import i18n
from generator.vocab import LANGUAGES

FORMATS = {"text": semdiff.format_text, "markdown": semdiff.format_markdown}


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
        "--lang", choices=LANGUAGES, default=i18n.DEFAULT_LANG, help=text("lang.labels", lang, default=i18n.DEFAULT_LANG)
    )


def snapshot(root: Path, rev: str | None) -> semdiff.Snapshot:
    try:
        files = gitinfo.read_files(root, rev, semdiff.FOLDERS)
    except gitinfo.GitError as exc:
        raise UsageError(f"{rev}: {exc}" if rev else str(exc)) from None
    return semdiff.parse_files(files)


def run(args: argparse.Namespace) -> int:
    if not gitinfo.is_repository(args.root):
        raise UsageError(f"--root {args.root}: not inside a git repository")
    old = snapshot(args.root, args.base)
    new = snapshot(args.root, args.head)
    problems = [
        i18n.t("review.diff.unreadable", args.lang).format(
            rev=rev or i18n.t("review.diff.worktree", args.lang), problem=text
        )
        for rev, snap in ((args.base, old), (args.head, new))
        for text in snap.problems.values()
    ]
    changes = semdiff.diff(old, new, args.lang)
    sys.stdout.write(FORMATS[args.format](changes, problems, args.base, args.head, args.lang))
    return EXIT_OK
