"""``ropa generate OUT``: write the site's builder-neutral source (``generator.site.source``).

OUT receives ``mkdocs.yml`` (read by MkDocs 1.6 with Material and by Zensical) and ``docs/``:
every page as Markdown, the hand-written pages, the stylesheets and scripts (Mermaid included)
and the downloads. The same register gives the same bytes. An invalid register is refused (its
problems printed as ``ropa validate`` prints them, exit 1); OUT is replaced only once complete.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from generator import atomic, vocab
from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, root_argument, text
from generator.load import layout
from generator.load.language import message_language
from generator.load.layout import display_path
from generator.render import i18n


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("out", type=Path, metavar="OUT", help=text("generate.out", lang))
    root_argument(p, lang)
    p.add_argument("--lang", choices=vocab.LANGUAGES, help=text("lang.site", lang))


def check_output(target: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would destroy the repository or its sources."""
    sources = [*layout.sources(root), root / "docs"]
    if target == root or target in root.parents or any(target == s or target in s.parents or s in target.parents
                                                        for s in sources):
        raise UsageError.of("generate.sources_out", path=display_path(target))


def run(args: argparse.Namespace) -> int:
    from generator.site import mkdocs_run, source

    root = args.root.resolve()
    mkdocs_run.config_file(root)
    target = args.out.resolve()
    check_output(target, root)
    reg = mkdocs_run.checked_register(root, "generate", args.lang)
    if reg is None:
        return EXIT_PROBLEMS
    staging = atomic.staging_dir(target)
    try:
        source.generate(root, reg, staging, args.lang)  # swap_in removes the staging folder's owner file
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    atomic.swap_in(staging, target)
    print(i18n.message("generate.written", message_language(root, args.lang), path=display_path(target)),
          file=sys.stderr)
    return EXIT_OK
