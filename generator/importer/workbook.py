"""A workbook as the importer sees it, whatever read it: named sheets of numbered rows of plain
values (text, numbers, dates), formulas already dropped by the reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from generator.importer import MAX_ROWS, Notice, Where

Row = tuple[int, list[Any]]
"""A row: its number (from 1) and its values by column (from 0), None for an empty cell."""

PLAIN = (str, int, float, bool, dt.datetime, dt.date, dt.time, dt.timedelta)

MAX_FORMULA_NOTICES = 20
"""Formulas reported one by one per sheet; the rest are counted."""


def coordinate(row: int, col: int) -> str:
    """``(7, 1)`` → ``B7`` (column from 0, row from 1)."""
    return f"{get_column_letter(col + 1)}{row}"


def printable(name: str) -> str:
    """A sheet name as messages show it: control characters made visible."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


@dataclass
class Sheet:
    name: str
    hidden: bool
    read: Callable[[], Iterator[Row]]
    """Reads the sheet's rows afresh, streaming, each time it is called."""

    def rows(self, notices: list[Notice] | None, where: Where, limit: int = MAX_ROWS) -> Iterator[Row]:
        """The rows, at most ``limit``; past it, a notice (when ``notices`` is given)."""
        for count, row in enumerate(self.read(), start=1):
            if count > limit:
                if notices is not None:
                    notices.append(Notice(where, "too_many_rows", {"limit": limit}))
                return
            yield row


@dataclass
class Workbook:
    file: str
    sheets: list[Sheet]
    notices: list[Notice] = field(default_factory=list)
    close: Callable[[], None] = lambda: None
    """Releases the file (the command calls it when the import is done)."""

    def where(self, sheet: Sheet) -> Where:
        return Where(self.file, printable(sheet.name))


class FormulaLog:
    """Counts the formulas of one sheet and reports the first few, by cell: each cell once, however
    many times the sheet is read (its first rows to recognise it, then all of them)."""

    def __init__(self, notices: list[Notice], where: Where) -> None:
        self.notices = notices
        self.where = where
        self.seen: set[tuple[int, int]] = set()
        self.told_more = False

    @property
    def count(self) -> int:
        return len(self.seen)

    def add(self, row: int, col: int, text: Any) -> None:
        if (row, col) in self.seen:
            return
        self.seen.add((row, col))
        if self.count <= MAX_FORMULA_NOTICES:
            formula = str(text) if isinstance(text, str) else ""
            self.notices.append(
                Notice(self.where.at(cell=coordinate(row, col)), "formula", {"formula": formula[:80]})
            )

    def close(self) -> None:
        if self.count > MAX_FORMULA_NOTICES and not self.told_more:
            self.told_more = True
            self.notices.append(Notice(self.where, "more_formulas", {"count": self.count - MAX_FORMULA_NOTICES}))
