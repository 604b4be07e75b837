"""``ropa export``: the register as an XLSX workbook (CNIL layout), a CSV file or a JSON file.

The register is checked first, as ``ropa validate`` does: an invalid register is refused with
every problem printed (exit 1) and nothing is written. Files are written atomically.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from generator import export, vocab
from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, root_argument, text
from generator.export import HEADER_CHOICES, PER_ACTIVITY, PER_CHOICES
from generator.load.layout import display_path
from generator.render import i18n

STDOUT = "-"
SPOOL_BYTES = 8 * 1024 * 1024
"""An export to standard output is kept in memory up to this size, then in a temporary file."""


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("--format", required=True, choices=export.FORMATS, help=text("export.format", lang))
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help=text("export.output", lang),
    )
    p.add_argument(
        "--lang",
        choices=vocab.LANGUAGES,
        help=text("lang.labels_messages", lang, default=i18n.DEFAULT_LANG),
    )
    root_argument(p, lang)
    p.add_argument(
        "--per",
        choices=PER_CHOICES,
        default=PER_ACTIVITY,
        help=text("export.per", lang),
    )
    p.add_argument(
        "--header",
        choices=HEADER_CHOICES,
        default="labels",
        help=text("export.header", lang),
    )
    p.add_argument(
        "--bom", action="store_true", help=text("export.bom", lang)
    )


def options(args: argparse.Namespace) -> export.Options:
    if args.format != "csv":
        used = [
            flag
            for flag, on in (
                ("--per", args.per != PER_ACTIVITY),
                ("--header", args.header != "labels"),
                ("--bom", args.bom),
            )
            if on
        ]
        if used:
            raise UsageError.of("export.csv_only", options=", ".join(used))
        if args.output == STDOUT and args.format == "xlsx":
            raise UsageError.of("export.xlsx_stdout")
    from generator.load.language import message_language

    # the register's language (theme.language of mkdocs.yml) unless --lang says otherwise, as
    # the site and every message: an English register exports in English
    return export.Options(args.format, message_language(args.root, args.lang), args.per, args.bom, args.header)


def target(args: argparse.Namespace, default_name: str) -> Path | None:
    """Where to write: ``None`` for standard output."""
    if args.output == STDOUT:
        return None
    path = Path(args.output) if args.output else Path(default_name)
    if path.is_dir():
        raise UsageError.of("export.output_is_folder", path=str(path))
    if not path.parent.is_dir():
        raise UsageError.of("export.output_folder_missing", path=str(path), folder=str(path.parent))
    return path


def run(args: argparse.Namespace) -> int:
    from generator.atomic import writing
    from generator.export.xlsx import too_long_texts
    from generator.lint.report import format_summary, format_text
    from generator.lint.runner import load_register
    from generator.load.language import message_language

    opts = options(args)
    reg = load_register(args.root)
    lang = message_language(args.root, args.lang)
    if not reg.ok:
        sys.stderr.write(format_text(reg.diagnostics, lang))
        sys.stderr.write(format_summary(reg.diagnostics, len(reg.files), lang))
        sys.stderr.write(f"ropa export: {i18n.message('export.has_errors', lang)}\n")
        return EXIT_PROBLEMS
    too_long = too_long_texts(reg) if opts.format == "xlsx" else []
    if too_long:
        sys.stderr.write(format_text(too_long, lang))
        sys.stderr.write(f"ropa export: {i18n.message('export.too_long', lang)}\n")
        return EXIT_PROBLEMS
    warnings = [d for d in reg.diagnostics if d.severity == "warning"]
    sys.stderr.write(format_text(warnings, lang))
    for doc in reg.documents():  # every message has been made: the export needs the data only
        doc.forget_positions()
    path = target(args, export.default_filename(reg, opts))
    if path is None:
        # Spooled, so that an error while the file is made prints nothing but the error.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            export.write(reg, opts, spool)  # an ExportError is printed by cli.main
            spool.seek(0)
            sys.stdout.flush()
            shutil.copyfileobj(spool, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        with writing(path) as fh:
            export.write(reg, opts, fh)  # an ExportError is printed by cli.main
            size = fh.tell()
    except OSError as exc:
        error = str(exc.strerror or exc)
        sys.stderr.write(f"ropa export: {i18n.message('export.cannot_write', lang, path=display_path(path), error=error)}\n")
        return EXIT_PROBLEMS
    count = len(reg.activities)
    wrote = i18n.message("export.wrote", lang, path=display_path(path), size=i18n.format_number(size, lang),
                         count=count, activities=i18n.by_count(i18n.message("export.activities", lang), count, lang))
    sys.stderr.write(f"ropa export: {wrote}\n")
    return EXIT_OK
