"""``ropa build``: check the register, write its site's source (``ropa generate``), then build
that source with MkDocs or Zensical (``--builder``, ``generator.site.builders``).

An invalid register is refused (the problems printed as ``ropa validate`` prints them, exit 1)
and a site built before is left as it was: the new site is built in a temporary folder next
to the target and swapped in only once complete, its downloads (made in a child process while
the pages are generated and rendered: ``generator.site.downloads``) included.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from generator import atomic, vocab
from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, root_argument, text
from generator.errors import RopaError
from generator.load import layout
from generator.load.language import message_language
from generator.load.layout import display_path
from generator.render import i18n


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    root_argument(p, lang)
    p.add_argument("--site-dir", type=Path, metavar="DIR",
                   help=text("build.site_dir", lang))
    p.add_argument("--lang", choices=vocab.LANGUAGES, help=text("lang.site", lang))
    p.add_argument("--builder", choices=("mkdocs", "zensical"), default="mkdocs", help=text("build.builder", lang))


def check_site_dir(target: Path, root: Path, docs_dir: Path) -> None:
    """Refuse a site folder whose replacement would destroy sources: the repository or a folder
    holding it, or a source folder (register/, processes/, docs/), in it or holding it."""
    sources = [*layout.sources(root), docs_dir]
    related = any(target == s or target in s.parents or s in target.parents for s in sources)
    if target == root or target in root.parents or related:
        raise UsageError.of("build.sources_site_dir", path=display_path(target))


def run(args: argparse.Namespace) -> int:
    from generator.site import builders, mkdocs_run, source
    from generator.site.downloads import Downloads

    root = args.root.resolve()
    mkdocs_run.config_file(root)
    reg = mkdocs_run.checked_register(root, "build", args.lang)
    if reg is None:
        return EXIT_PROBLEMS
    config = source.repository_config(root, site_dir_used=args.site_dir is None)
    target = args.site_dir.resolve() if args.site_dir else (root / str(config.get("site_dir") or "site")).resolve()
    check_site_dir(target, root, (root / str(config.get("docs_dir") or source.DOCS)).resolve())
    builder = builders.BUILDERS[args.builder]
    builder.check()
    lang = message_language(root, args.lang)
    staging = atomic.staging_dir(target)
    # removed by someone else (a cleaning job, a second build of the same site): not a bug
    gone = RopaError.of("build.staging_gone", path=display_path(staging))
    downloads = Downloads(staging / "downloads")  # made beside the pages, on the other core
    try:
        work = staging / "source"
        source.generate(root, reg, work, args.lang, downloads=downloads)
        built = builder.build(work, lang)
        if built is None:
            return EXIT_PROBLEMS
        downloads.finish(built)
        if not atomic.owns(staging):  # what was written after the deletion is not a whole site
            raise gone
        atomic.swap_in(built, target)
    except (FileNotFoundError, FileExistsError) as exc:  # a folder gone or made again under us
        if atomic.owns(staging) and staging not in Path(exc.filename or "/").parents:
            raise
        raise gone from exc
    finally:
        downloads.cancel()
        shutil.rmtree(staging, ignore_errors=True)
    print(i18n.message("build.built", lang, path=display_path(target), builder=builder.name), file=sys.stderr)
    return EXIT_OK
