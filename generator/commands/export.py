"""``ropa export``: the register as an XLSX workbook (CNIL layout), a CSV file or a JSON file.

The register is checked as ``ropa validate`` does: an invalid register is refused with every
problem printed (exit 1) and nothing is written. The check runs beside the export, from the
same register read (``export_check``), and the file is kept only once it says the register is
valid. Files are written atomically.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from generator import export, vocab
from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, root_argument, text
from generator.export import HEADER_CHOICES, PER_ACTIVITY, PER_CHOICES
from generator.load.layout import display_path
from generator.render import i18n

if TYPE_CHECKING:
    from generator.commands.export_check import Checking, Verdict
    from generator.load.register import Register

JOBS = (1, 2)
"""``--jobs``: one process (the default), or two on Linux: the check beside the file
(``export_check``) and half the XLSX sheets in a second process (``export.xlsx_fork``), the
bytes the same. One by default, so that memory and time grow with the register and nothing
else: on a busy machine (a CI runner) the second core is seldom free, and the processes together
hold more memory than one (below)."""
PARALLEL_UP_TO = 4000
"""Activities up to which ``--jobs 2`` uses a second core. The processes share the register
read, copy on write, but each soon holds its own copy of what it touches (measured, the
processes' proportional set sizes added: 87 MiB against 55 MiB for one process at 1,000
activities, 503 MiB against 299 MiB at 10,000): above this, one process, so that the memory
stays bounded."""

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
    p.add_argument("--jobs", "-j", type=int, choices=JOBS, default=1, help=text("export.jobs", lang))


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
    from generator.lint.runner import collector_paused

    with collector_paused():  # the whole export, not only its read and check
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from generator.commands.export_check import checking
    from generator.lint.runner import read_unchecked
    from generator.load.language import message_language
    from generator.model.process import process_models

    opts = options(args)
    reg = read_unchecked(args.root)
    lang = message_language(args.root, args.lang)
    process_models(reg)  # for the checks and the export: built once, before they part
    beside = args.jobs > 1 and len(reg.activities) <= PARALLEL_UP_TO
    with checking(reg, opts.format == "xlsx", beside) as check:
        for doc in reg.documents():  # the positions a serial check read again: the export needs the data only
            doc.forget_positions()
        answer = _Answer(check, len(reg.files), lang)
        if check.result is not None and answer.refused():  # checked first (``SERIAL``): no export
            return EXIT_PROBLEMS
        try:
            return _export(args, opts, reg, lang, answer, beside)
        except Exception:
            # The export was made of a register not known valid yet: if it is not, what broke
            # the export is one of its problems, and they are the answer.
            if answer.refused():
                return EXIT_PROBLEMS
            raise


class _Answer:
    """The check's verdict, printed once: the problems of an invalid register (then the
    export is refused), or the warnings of a valid one."""

    def __init__(self, check: Checking, files: int, lang: str) -> None:
        self.check = check
        self.files = files
        self.lang = lang
        self.given: bool | None = None

    def refused(self) -> bool:
        if self.given is None:
            self.given = self._print(self.check.verdict())
        return self.given

    def _print(self, verdict: Verdict) -> bool:
        from generator.lint.report import format_summary, format_text

        lang = self.lang
        if any(d.severity == "error" for d in verdict.diagnostics):
            sys.stderr.write(format_text(verdict.diagnostics, lang))
            sys.stderr.write(format_summary(verdict.diagnostics, self.files, lang))
            sys.stderr.write(f"ropa export: {i18n.message('export.has_errors', lang)}\n")
            return True
        if verdict.too_long:
            sys.stderr.write(format_text(verdict.too_long, lang))
            sys.stderr.write(f"ropa export: {i18n.message('export.too_long', lang)}\n")
            return True
        sys.stderr.write(format_text([d for d in verdict.diagnostics if d.severity == "warning"], lang))
        return False


class _Refused(Exception):
    """The register is not valid: the file made is not kept."""


def _export(args: argparse.Namespace, opts: export.Options, reg: Register, lang: str, answer: _Answer, fork: bool) -> int:
    """Make the export, and keep it if the check's verdict is that the register is valid."""
    from generator.atomic import writing

    path = target(args, export.default_filename(reg, opts))
    if path is None:
        # Spooled, so that an error while the file is made prints nothing but the error.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            export.write(reg, opts, spool, fork=fork)  # an ExportError is printed by cli.main
            if answer.refused():
                return EXIT_PROBLEMS
            spool.seek(0)
            sys.stdout.flush()
            shutil.copyfileobj(spool, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        with writing(path) as fh:
            export.write(reg, opts, fh, fork=fork)  # an ExportError is printed by cli.main
            size = fh.tell()
            if answer.refused():
                raise _Refused
    except _Refused:
        return EXIT_PROBLEMS
    except OSError as exc:
        if answer.refused():
            return EXIT_PROBLEMS
        error = str(exc.strerror or exc)
        sys.stderr.write(f"ropa export: {i18n.message('export.cannot_write', lang, path=display_path(path), error=error)}\n")
        return EXIT_PROBLEMS
    count = len(reg.activities)
    wrote = i18n.message("export.wrote", lang, path=display_path(path), size=i18n.format_number(size, lang),
                         count=count, activities=i18n.by_count(i18n.message("export.activities", lang), count, lang))
    sys.stderr.write(f"ropa export: {wrote}\n")
    return EXIT_OK
