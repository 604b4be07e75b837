"""``ropa rules``: the rule table — every problem ``ropa validate`` reports, its severity and
the law behind it — and ``--write-readme``, which regenerates README.md's rule tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, text
from generator.lint import table
from generator.lint.rules import GROUPS
from generator.load.language import message_language
from generator.render import i18n
from generator.vocab import LANGUAGES

FORMATS = {"text": table.text, "markdown": table.markdown, "json": table.as_json}


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("--format", choices=sorted(FORMATS), default="text", help=text("rules.format", lang))
    p.add_argument("--lang", choices=LANGUAGES, help=text("rules.lang", lang))
    p.add_argument("--group", choices=GROUPS, action="append", help=text("rules.group", lang))
    p.add_argument("--write-readme", type=Path, metavar="FILE", help=text("rules.write_readme", lang))


def run(args: argparse.Namespace) -> int:
    lang = message_language(Path("."), args.lang)
    if args.write_readme is not None:
        path: Path = args.write_readme
        try:
            before = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError.of("rules.readme_unreadable", path=str(path), error=str(exc.strerror or exc)) from None
        if not table.BLOCK.search(before):
            print(f"ropa rules: {i18n.message('rules.no_block', lang, path=path)}", file=sys.stderr)
            return EXIT_PROBLEMS
        after = table.rewrite_readme(before)  # README.md is in English
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"ropa rules: {i18n.message('rules.rewritten', lang, path=path)}", file=sys.stderr)
        return EXIT_OK
    sys.stdout.write(FORMATS[args.format](table.selected(args.group), lang))
    return EXIT_OK
