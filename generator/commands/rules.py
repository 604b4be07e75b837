"""``ropa rules``: the rule table — every problem ``ropa validate`` reports, its severity and
the law behind it — and ``--write-readme``, which regenerates README.md's rule tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from generator.lint import table
from generator.lint.rules import GROUPS, LANGUAGES

FORMATS = {"text": table.text, "markdown": table.markdown, "json": table.as_json}


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        name,
        help="list the rules ropa validate checks, with the law behind each",
        description="List every rule of the validator (generator/data/rules.yaml): id, severity, "
        "group, the GDPR article it encodes and what it checks. --write-readme FILE regenerates "
        "the rule tables between <!-- rules:begin group=... --> and <!-- rules:end --> in FILE.",
    )
    p.add_argument("--format", choices=sorted(FORMATS), default="text", help="text (default), markdown or json")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the summaries (default: en)")
    p.add_argument("--group", choices=GROUPS, action="append", help="only the rules of this group (repeatable)")
    p.add_argument("--write-readme", type=Path, metavar="FILE",
                   help="rewrite the marked rule tables of FILE (README.md) and print nothing else")


def run(args: argparse.Namespace) -> int:
    if args.write_readme is not None:
        path: Path = args.write_readme
        try:
            before = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--write-readme {path}: {exc.strerror or exc}") from None
        if not table.BLOCK.search(before):
            print(f"ropa rules: {path} has no <!-- rules:begin group=... --> block", file=sys.stderr)
            return EXIT_PROBLEMS
        after = table.rewrite_readme(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"ropa rules: rewrote the rule tables of {path}", file=sys.stderr)
        return EXIT_OK
    sys.stdout.write(FORMATS[args.format](table.selected(args.group), args.lang))
    return EXIT_OK
