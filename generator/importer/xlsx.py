"""XLSX and XLSM workbooks, read with openpyxl in read-only mode (rows streamed, so a sheet of
50,000 rows costs time in proportion and little memory).

A cell holding a formula is neither evaluated nor kept: it is read as empty and reported with
its cell (``data_only=False`` shows the formula; its cached value, computed by whatever last
saved the file, is not trusted). Macros of an ``.xlsm`` are never run nor kept.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from generator.importer import ImportProblem, Notice, Reason, Where
from generator.importer.workbook import PLAIN, FormulaLog, Row, Sheet, Workbook, printable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An OLE compound file: an encrypted (password-protected) OOXML workbook, or an old .xls."""


def check_container(path: Path, where: Where) -> None:
    """Refuses, with a message, what is not a zip: encrypted workbooks, .xls files, junk."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ImportProblem(where, "unreadable", reason=exc.strerror or str(exc)) from None
    if not head:
        raise ImportProblem(where, "empty_file")
    if head == OLE_MAGIC:
        raise ImportProblem(where, "encrypted")
    if not zipfile.is_zipfile(path):
        raise ImportProblem(where, "corrupt", reason=Reason.of("not_zip"))
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise ImportProblem(where, "corrupt", reason=str(exc)) from None
    if bad is not None:
        raise ImportProblem(where, "corrupt", reason=Reason.of("damaged_member", member=bad))


def _rows(ws: Any, log: FormulaLog) -> Iterator[Row]:
    for cells in ws.iter_rows():
        number = None
        values: list[Any] = []
        for col, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            if number is None and getattr(cell, "row", None):
                number = cell.row
            if getattr(cell, "data_type", None) == "f" or (value is not None and not isinstance(value, PLAIN)):
                log.add(number or 0, col, value)
                value = None
            values.append(value)
        if number is not None:
            yield number, values
    log.close()


def _reader(ws: Any, where: Where, notices: list[Notice]) -> Any:
    def read() -> Iterator[Row]:
        ws.reset_dimensions()
        try:
            yield from _rows(ws, FormulaLog(notices, where))
        except ImportProblem:
            raise
        except Exception as exc:
            # value errors of every kind all mean the same to the DPO: the sheet cannot be read
            raise ImportProblem(where, "corrupt", reason=f"{type(exc).__name__}: {exc}") from None

    return read


def read(path: Path, display: str) -> Workbook:
    where = Where(display)
    check_container(path, where)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, ParseError, KeyError, ValueError, TypeError, OSError,
            EOFError) as exc:
        raise ImportProblem(where, "corrupt", reason=f"{type(exc).__name__}: {exc}") from None
    book = Workbook(display, [], close=wb.close)
    with zipfile.ZipFile(path) as archive:
        if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
            book.notices.append(Notice(where, "macros"))
    for ws in wb.worksheets:
        sheet_where = Where(display, printable(ws.title))
        book.sheets.append(Sheet(ws.title, ws.sheet_state != "visible", _reader(ws, sheet_where, book.notices)))
    return book
