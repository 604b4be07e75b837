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
from xml.etree.ElementTree import ParseError, iterparse

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from generator.importer import MAX_ROWS, ImportProblem, Notice, Reason, Where
from generator.importer.workbook import PLAIN, FormulaLog, Row, Sheet, Workbook, printable

MAX_UNPACKED = 1024 * 1024 * 1024
"""Most bytes a workbook's members may unpack to (1 GiB): the largest register we know of (10,000
record sheets) unpacks to about 300 MB; a zip bomb of a few megabytes declares gigabytes, and
every byte would be inflated once to check it, once more to read it."""

MAX_CELLS = 500_000
"""Most cells one sheet may hold within the rows read (``MAX_ROWS``): openpyxl reads a cell in
about 85 µs, so a row of two million cells in a 260 KB file took minutes and 1.8 GB. A register's
largest sheet, the list of 10,000 activities, holds about 100,000."""

SCAN_FROM = 2 * 1024 * 1024
"""Sheets whose XML unpacks to more than this (2 MiB, some 50,000 cells) are counted before
they are read; smaller ones cannot hold ``MAX_CELLS``."""

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

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
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                raise ImportProblem(where, "too_large_unpacked", size=unpacked, limit=MAX_UNPACKED)
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


def _count_cells(ws: Any, where: Where) -> None:
    """Refuses a sheet of more than ``MAX_CELLS`` cells in its first ``MAX_ROWS`` rows, counted
    with the XML parser alone (a few seconds at worst) before openpyxl reads any."""
    archive, member = ws.parent._archive, ws._worksheet_path
    if archive.getinfo(member).file_size <= SCAN_FROM:
        return
    cells = rows = 0
    with archive.open(member) as fh:
        for _, elem in iterparse(fh):
            if elem.tag == f"{SHEET_NS}c":
                elem.clear()
                cells += 1
                if cells > MAX_CELLS:
                    raise ImportProblem(where, "too_many_cells_in_rows", rows=MAX_ROWS, limit=MAX_CELLS)
            elif elem.tag == f"{SHEET_NS}row":
                elem.clear()
                rows += 1
                if rows >= MAX_ROWS:
                    return


def _reader(ws: Any, where: Where, notices: list[Notice]) -> Any:
    checked: list[bool] = []
    log = FormulaLog(notices, where)  # one per sheet: a formula is reported once

    def read() -> Iterator[Row]:
        ws.reset_dimensions()
        try:
            if not checked:
                _count_cells(ws, where)
                checked.append(True)
            yield from _rows(ws, log)
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
