"""``ropa import``: a register kept in a spreadsheet, turned into the register's YAML files.

One module per concern:

- ``xlsx`` and ``ods``: the readers of workbooks (openpyxl; python-calamine), giving sheets of
  rows (``Sheet``), formulas dropped and reported, never evaluated;
- ``cnil``: a workbook laid out like the CNIL register model (« Liste des traitements », one
  « fiche » per activity), which is also the layout of ``ropa export --format xlsx``;
- ``csv_source`` and ``json_source``: ``ropa export``'s CSV and JSON files;
- ``mapping``: French (and English) labels to codes, durations to ISO 8601;
- ``writer``: the YAML files, in the key order of ``ropa new``, with comments.

Every reader gives ``Entry`` objects (one file each) and ``Notice`` objects (what the DPO should
know: a formula dropped, a hidden sheet skipped), each naming the file, the sheet and the cell.
What cannot be mapped is kept verbatim behind the placeholder ``ropa validate`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from generator.render import i18n

if TYPE_CHECKING:
    from generator.importer import people

FORMATS = ("xlsx", "ods", "csv", "json")
SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".csv": "csv", ".json": "json"}

MAX_ROWS = 10_000
"""Rows read from one sheet (or CSV file) at most: a register has tens or hundreds of rows; a
sheet of 50,000 rows is a data dump, read no further than this."""

MAX_BYTES = 50 * 1024 * 1024
"""Largest file accepted (50 MiB)."""

Kind = Literal["organization", "activity", "process"]
FieldPath = tuple[Any, ...]


def message(key: str, lang: str, **values: Any) -> str:
    """A message of ``data/labels/importer.yaml`` in ``lang``, filled in (a ``Reason`` in the
    same language)."""
    return i18n.fill(i18n.t(f"importer.{key}", lang), lang,
                     {k: v.text(lang) if isinstance(v, Reason) else v for k, v in values.items()})


@dataclass(frozen=True)
class Reason:
    """Why a file cannot be read, in the reader's language: ``reason.<key>`` of importer.yaml."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Reason:
        return cls(key, tuple(values.items()))

    def text(self, lang: str) -> str:
        return message(f"reason.{self.key}", lang, **dict(self.values))


@dataclass(frozen=True)
class Where:
    """Where in the source a value or a problem is: file, and sheet and cell, or line, or field."""

    file: str
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None
    field: str | None = None

    def at(self, *, cell: str | None = None, line: int | None = None, field: str | None = None) -> Where:
        return Where(self.file, self.sheet, cell or self.cell, line or self.line, field or self.field)

    def text(self, lang: str) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(message("where.sheet", lang, sheet=self.sheet))
        if self.cell is not None:
            parts.append(message("where.cell", lang, cell=self.cell))
        if self.line is not None:
            parts.append(message("where.line", lang, line=self.line))
        if self.field is not None:
            parts.append(message("where.field", lang, field=self.field))
        return ", ".join(parts)


@dataclass(frozen=True)
class Notice:
    """Something the DPO should know about the source; ``key`` names its message."""

    where: Where
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return f"{self.where.text(lang)}{i18n.colon(lang)}{message('notice.' + self.key, lang, **self.values)}"


class ImportProblem(Exception):
    """The source cannot be read at all (corrupt, encrypted, empty, not the format it claims)."""

    def __init__(self, where: Where, key: str, **values: Any) -> None:
        super().__init__(key)
        self.notice = Notice(where, key, values)

    def text(self, lang: str) -> str:
        return self.notice.text(lang)


@dataclass
class Entry:
    """One file to write: an activity, the organisation, or a process, with where it came from
    and the comments to write above some of its values (``path`` → text)."""

    kind: Kind
    data: dict[str, Any]
    origin: Where
    comments: dict[FieldPath, str] = field(default_factory=dict)
    footer: list[str] = field(default_factory=list)
    """Comment lines written at the end of the file."""

    def guess(self, path: FieldPath, text: str) -> None:
        self.comments[path] = text


@dataclass
class Source:
    """What a reader found: the files to write and what to tell."""

    entries: list[Entry] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def placeholder(verbatim: Any = None, lang: str = i18n.DEFAULT_LANG) -> str:
    """« À COMPLÉTER », or « À COMPLÉTER : <what the spreadsheet said> »: the ``placeholder``
    rule of ``ropa validate`` reports it, and the DPO's words stay in the file."""
    mark = i18n.t("review.placeholder", lang)
    text = "" if verbatim is None else " ".join(str(verbatim).split())
    return f"{mark} : {text}" if text else mark


def postal_code_unsplit(contact: people.Contact, line: str, where: Where, lang: str, notices: list[Notice]) -> None:
    """A contact's place whose postal code and city could not be told apart (``Contact.unsplit``,
    a form ``data/postal_codes.yaml`` does not know): the city keeps it whole, the postal code is
    « À COMPLÉTER : <the place> » (``ropa validate`` reports it), and a notice names the cell
    or line where ``line`` was written."""
    if contact.unsplit is not None and contact.postal_code is None:
        contact.postal_code = placeholder(contact.unsplit, lang)
        notices.append(Notice(where, "address_unsplit", {"address": line, "place": contact.unsplit}))


def detect_format(path: Path, given: str | None) -> str | None:
    return given or SUFFIXES.get(path.suffix.lower())
