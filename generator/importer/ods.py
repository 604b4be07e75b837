"""OpenDocument spreadsheets (.ods, the format the CNIL distributes its model in), read with
python-calamine: a maintained binding of the Rust ``calamine`` reader, which reads cell values
without evaluating any formula. It has no way to tell a formula cell from a typed one, so the
formulas are found in the file's ``content.xml`` (streamed) and their cells read as empty and
reported, as the XLSX reader does.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

import python_calamine

from generator.importer import MAX_ROWS, ImportProblem, Notice, Reason, Where
from generator.importer.workbook import PLAIN, FormulaLog, Row, Sheet, Workbook, printable
from generator.importer.xlsx import check_container

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


MAX_CELLS = 5_000_000
"""Most cells one sheet may span, from its first filled cell to its last (rows × columns):
python-calamine holds that rectangle in memory (about 34 bytes a cell, so 170 MB here), and a
few bytes of ``number-rows-repeated`` and ``number-columns-repeated`` can ask for billions of
them. A register's sheet spans at most a few hundred thousand."""

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
CELLS = (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell")


def _repeat(elem: Any, name: str) -> int:
    try:
        return max(1, int(elem.get(f"{{{TABLE}}}{name}", "1") or 1))
    except ValueError:
        return 1


def _formulas(path: Path, where: Where) -> dict[str, dict[tuple[int, int], str]]:
    """The formula cells of each sheet, ``{sheet: {(row from 1, column from 0): formula}}``,
    within the first ``MAX_ROWS`` rows. A sheet whose filled cells span more than
    ``MAX_CELLS`` is refused before python-calamine reads it."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    current: dict[tuple[int, int], str] = {}
    row = col = rows = 0
    name = ""
    top = left = bottom = right = -1  # the filled rectangle of the current sheet, from 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as fh:
            for event, elem in iterparse(fh, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    if tag == f"{{{TABLE}}}table":
                        name = str(elem.get(f"{{{TABLE}}}name", ""))
                        current = out.setdefault(name, {})
                        row = 0
                        top = left = bottom = right = -1
                    elif tag == f"{{{TABLE}}}table-row":
                        col = 0
                        rows = _repeat(elem, "number-rows-repeated")
                    elif tag in CELLS:
                        formula = elem.get(f"{{{TABLE}}}formula")
                        if formula is not None and row < MAX_ROWS:
                            current[(row + 1, col)] = formula
                    continue
                if tag == f"{{{TABLE}}}table-row":
                    row += rows
                elif tag in CELLS:
                    cols = _repeat(elem, "number-columns-repeated")
                    if elem.get(f"{{{OFFICE}}}value-type") is not None or len(elem):
                        top = row if top < 0 else min(top, row)
                        left = col if left < 0 else min(left, col)
                        bottom, right = max(bottom, row + rows - 1), max(right, col + cols - 1)
                        if (bottom - top + 1) * (right - left + 1) > MAX_CELLS:
                            raise ImportProblem(Where(where.file, printable(name)), "too_many_cells",
                                                rows=bottom - top + 1, columns=right - left + 1, limit=MAX_CELLS)
                    col += cols
                if tag in (f"{{{TABLE}}}table-row", f"{{{TABLE}}}table"):
                    elem.clear()
    except KeyError:
        raise ImportProblem(where, "corrupt", reason=Reason.of("no_content")) from None
    except (ParseError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportProblem(where, "corrupt", reason=f"{type(exc).__name__}: {exc}") from None
    return out


def _encrypted(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        try:
            manifest = archive.read("META-INF/manifest.xml")
        except KeyError:
            return False
    return f"{{{MANIFEST}}}encryption-data".encode() in manifest or b"encryption-data" in manifest


def _reader(book: Any, name: str, formulas: dict[tuple[int, int], str], where: Where, notices: list[Notice]) -> Any:
    log = FormulaLog(notices, where)  # one per sheet: a formula is reported once

    def read() -> Iterator[Row]:
        try:
            sheet = book.get_sheet_by_name(name)
            first_col = sheet.start[1] if sheet.start else 0
            for index, cells in enumerate(sheet.iter_rows()):
                number = index + 1
                values: list[Any] = [None] * first_col
                for offset, value in enumerate(cells):
                    col = first_col + offset
                    if (number, col) in formulas:
                        log.add(number, col, formulas[(number, col)])
                        value = None
                    elif value == "" or not isinstance(value, PLAIN):
                        value = None
                    values.append(value)
                yield number, values
        except python_calamine.CalamineError as exc:
            raise ImportProblem(where, "corrupt", reason=str(exc)) from None
        log.close()

    return read


def read(path: Path, display: str) -> Workbook:
    where = Where(display)
    check_container(path, where)
    if _encrypted(path):
        raise ImportProblem(where, "encrypted")
    formulas = _formulas(path, where)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        metadata = book.sheets_metadata
    except python_calamine.PasswordError:
        raise ImportProblem(where, "encrypted") from None
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise ImportProblem(where, "corrupt", reason=f"{type(exc).__name__}: {exc}") from None
    out = Workbook(display, [], close=book.close)
    for meta in metadata:
        name = str(meta.name)
        hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
        sheet_where = Where(display, printable(name))
        out.sheets.append(Sheet(name, hidden, _reader(book, name, formulas.get(name, {}), sheet_where, out.notices)))
    return out
