"""The XLSX workbook, laid out like the CNIL register model (registre-traitement-simplifie).

Sheets, in order:

- « Liste des traitements »: the organisation's header blocks (head, representative, DPO with
  « Société (si DPO externe) ») and the controller's record, Art. 30(1): one row per activity
  with the columns of the CNIL tab 2, plus the role and the controller; each name links to its
  sheet.
- « Registre sous-traitant » (when the organisation also acts as a processor): the same header
  blocks and the processor's record, Art. 30(2), as its own list.
- one sheet per activity, laid out like the CNIL fiche (tab 3), sections and labels in order,
  then the legal basis, the DPIA and the DPO's notes; each links back to its list.
- « Organisme et parties »: every detail of the organisation and of the parties its sheets
  name (clients, joint controllers, processors, recipients).

Every text is stored as a string cell, never a formula; text that looks like a formula also
gets Excel's quote prefix, so editing the cell keeps it text. Dates are real dates.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
import shutil
import zipfile
from dataclasses import dataclass
from typing import IO, Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator import __version__
from generator.export import model
from generator.export.model import Json, label
from generator.lint.diagnostics import Diagnostic
from generator.lint.schema import field_name
from generator.load.register import Register
from generator.render import i18n
from generator.render.escape import formula_like, xlsx_text
from generator.shapes import walk_strings

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters of one cell."""

MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]+")
_RESERVED_SHEET_NAMES = {"history"}

# Column widths (in characters of the default font, Calibri 11 pt) of each kind of sheet, chosen
# so that a sheet prints on A4 landscape with its body text at 9 pt or more: the list and the
# activity sheets fit the page's width at 88–93 % (see ``print_scale``); the parties table is
# wider than any page at a readable size, so its columns go onto three pages side by side,
# its first column (the party's name) repeated on each (the first 6 columns make the first page).
LIST_WIDTHS = (30, 11, 12, 12, 34, 10, 13, 16, 10, 14)
FICHE_WIDTHS = (30, 28, 26, 12, 16, 12, 12, 18)
PARTIES_WIDTHS = (30, 14, 14, 40, 16, 30, 16, 28, 36, 34, 36, 40)
PARTIES_FIRST_PAGE = 6

LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0

# A4 landscape less the margins below, in pixels at 96 dpi as spreadsheets measure columns
# (a column of width w characters is 7w + 5 px wide in Calibri 11 pt).
A4_LANDSCAPE_MM = 297.0
MARGIN_SIDE_IN = 0.4
PAGE_WIDTH_PX = (A4_LANDSCAPE_MM / 25.4 - 2 * MARGIN_SIDE_IN) * 96
BODY_PT = 11.0
TITLE_PT = 14.0
MIN_PRINT_PT = 9.0
MIN_SCALE = math.ceil(100 * MIN_PRINT_PT / BODY_PT)
"""The smallest print scale (%) at which 11 pt body text still prints at 9 pt or more."""

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every entry of the file gets this date: the bytes do not depend on when or where they are
written (the date the file is *about* is in its document properties)."""

_SECTION_FILL = "1F4E79"
_HEADER_FILL = "DDEBF7"
_LABEL_FILL = "F2F2F2"
_FULL_WIDTH = str.maketrans({"＝": "=", "＋": "+", "－": "-", "＠": "@"})


class ExportError(Exception):
    """A register that cannot be written in this format, with the reason."""


@dataclass(frozen=True)
class Link:
    """A cell that links to a place in the workbook (``location``) or to a web page (``url``).

    LibreOffice does not wrap the text of a cell that holds a link, so a link goes on a short
    text (a reference, « Ouvrir le lien ») and a long text stays in a plain, wrapped cell."""

    text: str
    location: str | None = None
    url: str | None = None


def _styles(lang: str) -> list[NamedStyle]:
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(wrap_text=True, vertical="top", horizontal="left")
    return [
        NamedStyle(
            "ropa-title",
            font=Font(bold=True, size=TITLE_PT, color=_SECTION_FILL),
            alignment=Alignment(vertical="top", wrap_text=True),
        ),
        NamedStyle(
            "ropa-subtitle",
            font=Font(italic=True, color="595959"),
            alignment=Alignment(vertical="top", wrap_text=True),
        ),
        NamedStyle(
            "ropa-section",
            font=Font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor=_SECTION_FILL),
            alignment=Alignment(vertical="center"),
        ),
        NamedStyle(
            "ropa-header",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=_HEADER_FILL),
            border=border,
            alignment=top,
        ),
        NamedStyle(
            "ropa-label",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=_LABEL_FILL),
            border=border,
            alignment=top,
        ),
        NamedStyle("ropa-text", border=border, alignment=top),
        NamedStyle(
            "ropa-date",
            border=border,
            alignment=Alignment(horizontal="left", vertical="top"),
            number_format=i18n.t("export.workbook.date_format", lang),
        ),
        NamedStyle("ropa-link", font=Font(color="0563C1", underline="single"), border=border, alignment=top),
        NamedStyle("ropa-nav", font=Font(color="0563C1", underline="single")),
    ]


def iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _truncate(text: str, limit: int) -> str:
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text.rstrip()


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused sheet name close to ``wanted``: at most 31 characters (UTF-16 units, as
    Excel counts), none of ``[]:*?/\\``, no leading or trailing apostrophe, unique whatever the
    case; ``taken`` (lower-cased names) is updated."""
    base = _SHEET_FORBIDDEN.sub(" ", wanted)
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or "Sheet"
    if _utf16_len(base) > MAX_SHEET_NAME:
        base = _truncate(base, MAX_SHEET_NAME - 1) + "…"
    name, n = base, 1
    while name.lower() in taken or name.lower() in _RESERVED_SHEET_NAMES:
        n += 1
        suffix = f" ({n})"
        name = _truncate(base, MAX_SHEET_NAME - len(suffix)) + suffix
    taken.add(name.lower())
    return name


def location(sheet: str, cell: str = "A1") -> str:
    """An internal link target: ``'RT-01 Paie'!A1`` (apostrophes doubled)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def _column_px(width: float) -> float:
    return 7 * width + 5


def print_scale(widths: Sequence[float]) -> int:
    """The print scale (%) of a sheet of these column widths: 100, or less where that makes
    the columns fit A4 landscape's width without printing the body under 9 pt; a sheet that
    would need less prints at 100 % and its columns go on to further pages."""
    needed = sum(_column_px(w) for w in widths)
    fit = math.floor(100 * PAGE_WIDTH_PX / needed)
    return 100 if fit >= 100 or fit < MIN_SCALE else fit


def _lines(text: str, chars: int) -> int:
    """How many lines ``text`` takes in a wrapped cell ``chars`` characters wide: words are
    wrapped whole (a word longer than a line is cut), each line break starts a line."""
    total = 0
    for part in text.split("\n"):
        lines, used = 1, 0
        for word in part.split(" "):
            size = len(word)
            if used and used + 1 + size > chars:
                lines, used = lines + 1, 0
            if size > chars:
                lines += (size - 1) // chars
                size = (size - 1) % chars + 1
            used += size + (1 if used else 0)
        total += lines
    return total


def _needs_quote(text: str) -> bool:
    """Text a spreadsheet would take for a formula once edited: a trigger, also after leading
    spaces and in its full-width form (＝＋－＠)."""
    return formula_like(text) or formula_like(text.lstrip(" \u00a0\u3000").translate(_FULL_WIDTH))


class SheetWriter:
    """Writes a sheet top to bottom in openpyxl's write-only mode: the current row is built
    with ``put`` and sent by ``next``; nothing of a sent row stays in memory. Rows are held
    back only until ``freeze`` (the panes are written before the first row), and ``close``
    writes the sheet's print settings and frees it."""

    def __init__(
        self,
        ws: WriteOnlyWorksheet,
        widths: Sequence[float],
        styles: dict[Any, Any],
        field_span: int | None = None,
    ) -> None:
        self.ws = ws
        self.widths = widths
        self.styles = styles
        self.field_span = field_span or len(widths)
        self.row = 1
        self.cells_: dict[int, Any] = {}
        self.height: float | None = None
        self.held: list[tuple[list[Any], float | None]] | None = []
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width

    @property
    def span(self) -> int:
        return len(self.widths)

    def coordinate(self, col: int) -> str:
        return f"{get_column_letter(col)}{self.row}"

    def put(self, col: int, value: Any, style: str = "ropa-text") -> None:
        cell = WriteOnlyCell(self.ws)
        quote = False
        if isinstance(value, Link):
            text = xlsx_text(value.text)
            cell.value = text
            if value.location:
                cell.hyperlink = Hyperlink(ref=self.coordinate(col), location=value.location, display=text)
            elif value.url:
                cell.hyperlink = Hyperlink(ref=self.coordinate(col), target=value.url, display=text)
            style = "ropa-nav" if style == "ropa-nav" else "ropa-link"
        elif isinstance(value, dt.date):
            cell.value = value
            style = "ropa-date"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.value = value
        elif value is not None:
            text = xlsx_text(value)
            if len(text) > MAX_CELL_TEXT:
                raise ExportError(
                    f"sheet '{self.ws.title}', cell {self.coordinate(col)}: a text of {len(text)} "
                    f"characters is longer than an Excel cell can hold ({MAX_CELL_TEXT}); shorten it "
                    "in the register"
                )
            cell.value = text
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a string cell, never a formula, whatever it starts with
            quote = _needs_quote(cell.value)
        self._style(cell, style, quote)
        self.cells_[col] = cell

    def _style(self, cell: Any, name: str, quote: bool) -> None:
        """Give ``cell`` the named style ``name`` (and Excel's quote prefix when ``quote``).
        Assigning a named style registers its font, fill and border again each time; the first
        assignment's result (indexes into the workbook's style tables) is reused instead."""
        cached = self.styles.get((name, quote))
        if cached is None:
            cell.style = name
            if quote:
                cell.quotePrefix = True
            self.styles[(name, quote)] = copy.copy(cell._style)
        else:
            cell._style = copy.copy(cached)

    def _fit(self, cells: Iterable[tuple[int, Any, int]]) -> None:
        """Make the current row tall enough for its wrapped texts (LibreOffice and Excel keep
        a row's height as written; a row too short would hide, and not print, the end of a
        text). Estimated generously: a line holds about as many characters as the width."""
        lines = 1
        for col, value, span in cells:
            text = value.text if isinstance(value, Link) else value
            if not isinstance(text, str) or not text:
                continue
            widths = self.widths[col - 1 : col - 1 + span]
            chars = max(1, int(sum(widths) + (len(widths) - 1) * 5 / 7) - 1)
            lines = max(lines, _lines(text, chars))
        if lines > 1:
            self.height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def merge(self, first: int, last: int, style: str) -> None:
        """Merge columns ``first`` to ``last`` of the current row; the cells under the merge keep
        the style (so the merged area has its borders)."""
        if last <= first:
            return
        for col in range(first + 1, last + 1):
            self.put(col, None, style)
        self.ws.merged_cells.add(CellRange(min_col=first, min_row=self.row, max_col=last, max_row=self.row))

    def next(self, n: int = 1) -> None:
        """Send the current row (and ``n - 1`` empty ones)."""
        for _ in range(n):
            cells = self.cells_
            row = [cells.get(col) for col in range(1, max(cells, default=0) + 1)]
            if self.held is not None:
                self.held.append((row, self.height))
            else:
                self._send(self.row, row, self.height)
            self.cells_, self.height = {}, None
            self.row += 1

    def _send(self, index: int, row: list[Any], height: float | None) -> None:
        if height is not None:
            self.ws.row_dimensions[index].height = height
        self.ws.append(row)

    def freeze(self, cell: str) -> None:
        """Freeze the rows above ``cell`` (before any row is sent) and send the rows held."""
        self.ws.freeze_panes = cell
        self._release()

    def _release(self) -> None:
        held, self.held = self.held or [], None
        for index, (row, height) in enumerate(held, start=1):
            self._send(index, row, height)

    def close(self, title_rows: str | None = None, title_cols: str | None = None) -> None:
        """Write the sheet's print settings and its end, then free what it held: A4 landscape,
        the scale of ``print_scale``, rows ``title_rows`` (« 5:5 ») and columns ``title_cols``
        repeated on every page, the print area, and a footer « sheet — page n / N »."""
        if self.cells_:
            self.next()
        self._release()
        ws = self.ws
        setup = ws.page_setup
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.orientation = "landscape"
        setup.scale = print_scale(self.widths)
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.print_options.gridLines = False
        ws.oddFooter.center.text = "&A — &P / &N"
        ws.oddFooter.center.size = 9
        if title_rows:
            ws.print_title_rows = title_rows
        if title_cols:
            ws.print_title_cols = title_cols
        ws.print_area = f"A1:{get_column_letter(self.span)}{max(1, self.row - 1)}"
        ws.close()
        ws.row_dimensions.clear()
        ws.merged_cells.ranges = set()

    # Kinds of rows ------------------------------------------------------------------------------

    def title(self, text: str, style: str = "ropa-title") -> None:
        self.put(1, text, style)
        if style == "ropa-subtitle":
            self.merge(1, self.field_span, style)
            self._fit([(1, text, self.field_span)])
        else:
            self.merge(1, self.field_span, style)
            chars = int(sum(self.widths[: self.field_span]) * BODY_PT / TITLE_PT) - 1
            self.height = _lines(text, chars) * 20.0 + 2
        self.next()

    def nav(self, link: Link) -> None:
        self.put(1, link, "ropa-nav")
        self.next()

    def section(self, text: str) -> None:
        self.next()
        for col in range(1, self.span + 1):
            self.put(col, text if col == 1 else None, "ropa-section")
        self.height = 20
        self.next()

    def header(self, labels: Sequence[str]) -> None:
        for col, text in enumerate(labels, start=1):
            self.put(col, text, "ropa-header")
        self._fit((c, t, 1) for c, t in enumerate(labels, start=1))
        self.next()

    def cells(self, values: Sequence[Any], first: str = "ropa-label") -> None:
        """A table row; the first cell in ``first`` style (a row label)."""
        for col, value in enumerate(values, start=1):
            self.put(col, value, first if col == 1 else "ropa-text")
        self._fit((c, v, 1) for c, v in enumerate(values, start=1))
        self.next()

    def field(self, name: str, value: Any, extra: Any = None) -> None:
        """A ``label | value`` row, the value spread over the rest of the page's width (or over
        two columns when there is an ``extra`` value, such as an ISO duration)."""
        self.put(1, name, "ropa-label")
        self.put(2, value)
        end = self.field_span if extra is None else 3
        self.merge(2, end, "ropa-text")
        if extra is not None:
            self.put(4, extra)
        self._fit([(1, name, 1), (2, value, end - 1)])
        self.next()


def too_long_texts(reg: Register) -> list[Diagnostic]:
    """Register values longer than an Excel cell can hold, each at its file, line and column."""
    found = []
    for doc in reg.documents():
        for path, text in walk_strings(doc.data, ()):
            if len(text) > MAX_CELL_TEXT:
                line, column = doc.locate(path)
                found.append(
                    Diagnostic(
                        doc.display,
                        line,
                        column,
                        "error",
                        "xlsx-cell-too-long",
                        f"{field_name(path)}: {len(text):,} characters, more than an Excel cell holds "
                        f"({MAX_CELL_TEXT:,}): shorten it, or export as CSV or JSON",
                    )
                )
    return found


# --- The list sheets -----------------------------------------------------------------------------


def _t(key: str, lang: str) -> str:
    return i18n.t(key, lang)


def _header_blocks(w: SheetWriter, doc: Json, lang: str) -> None:
    """The CNIL tab 2 header: head, representative and DPO, one row each, the fields in columns."""
    fields = [
        "last_name",
        "first_name",
        "address",
        "email",
        "postal_code",
        "city",
        "phone",
        "country",
        "dpo_company",
    ]
    w.header([""] + [_t(f"cnil.fields.{f}", lang) for f in fields])
    people = model.organisation_people(doc)
    for key, block in (
        ("head", "head_block"),
        ("representative", "representative_block"),
        ("dpo", "dpo_block"),
    ):
        found = people[key]
        if found is None:
            w.cells([_t(f"cnil.list.{block}", lang)])
            continue
        c = found.contact
        w.cells(
            [
                _t(f"cnil.list.{block}", lang),
                found.person.get("last_name"),
                found.person.get("first_name"),
                c.street,
                c.email,
                c.postal_code,
                c.city,
                c.phone,
                c.country,
                found.company if key == "dpo" else "",
            ]
        )


def _list_columns(lang: str) -> list[str]:
    return [
        _t("cnil.list.name", lang),
        _t("cnil.list.ref", lang),
        _t("cnil.list.created", lang),
        _t("cnil.list.updated", lang),
        _t("cnil.list.purpose", lang),
        _t("cnil.list.sensitive", lang),
        _t("export.fields.role", lang),
        _t("cnil.sheet.controller", lang),
    ]


def controller_names(doc: Json, activity: Json) -> str:
    """Who decides: the client for a processor record, else the organisation and its joint
    controllers."""
    if activity.get("controller"):
        return label(activity["controller"])
    names = [str(doc.get("organization", {}).get("name", ""))]
    names += [label(p) for p in activity.get("joint_controllers") or []]
    return "\n".join(n for n in names if n)


def _list_sheet(
    w: SheetWriter, doc: Json, lang: str, title: str, subtitle: str, activities: list[tuple[Json, str]]
) -> None:
    ws = w.ws
    w.title(title)
    w.title(subtitle, "ropa-subtitle")
    org = doc.get("organization", {})
    w.title(_as_of_text(doc, lang), "ropa-subtitle")
    w.next()
    w.put(1, str(org.get("name", "")), "ropa-header")
    w.next()
    _header_blocks(w, doc, lang)
    w.next()
    first = w.row
    w.header(_list_columns(lang))
    w.freeze(f"A{first + 1}")
    if not activities:
        w.cells([_t("export.workbook.no_activity", lang)], first="ropa-text")
    for activity, sheet in activities:
        w.cells(
            [
                activity.get("name", ""),  # a plain cell, so that a long name wraps
                Link(str(activity.get("ref", "")), location=location(sheet)),
                iso_date(activity.get("created")),
                iso_date(activity.get("updated")),
                (activity.get("purposes") or {}).get("main"),
                model.sensitive_text(activity, lang),
                label(activity.get("role")),
                controller_names(doc, activity),
            ],
        )
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(_list_columns(lang)))}{max(first, w.row - 1)}"
    w.close(title_rows=f"{first}:{first}")


def _as_of_text(doc: Json, lang: str) -> str:
    """« Registre à jour au 15 janvier 2026 (…) » : the date by which every sheet had been
    updated or reviewed (``model.current_as_of``), not the latest update, which may be years
    old for sheets reviewed since without a change, nor the export's clock."""
    date = model.current_as_of(doc.get("activities", []))
    return _t("export.workbook.as_of", lang).format(
        date=i18n.format_date(date or "", lang) or "—", version=__version__
    )


# --- The activity sheet (the CNIL fiche) -----------------------------------------------------------


def _actors(w: SheetWriter, doc: Json, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.actors", lang))
    fields = ["name", "address", "postal_code", "city", "country", "phone", "email"]
    w.header([""] + [_t(f"cnil.fields.{f}", lang) for f in fields])
    for slot in model.actors(doc, activity):
        for contact in slot.contacts or (model.Contact(),):
            w.cells([_t(slot.label_key, lang), *contact.cells()])


def _purposes(w: SheetWriter, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.purposes", lang))
    purposes = activity.get("purposes") or {}
    w.field(_t("cnil.sheet.main_purpose", lang), purposes.get("main"))
    for i, sub in enumerate(purposes.get("sub") or [], start=1):
        w.field(f"{_t('cnil.sheet.sub_purpose', lang)} {i}", sub)
    if activity.get("processing_operations") is not None:
        w.field(
            _t("cnil.sheet.processing_operations", lang),
            ", ".join(label(op) for op in activity["processing_operations"]),
        )


def _categories(w: SheetWriter, title: str, items: list[Json] | None, lang: str, none_key: str) -> None:
    w.section(title)
    w.header(
        [
            _t("export.fields.category", lang),
            _t("cnil.sheet.description_col", lang),
            _t("cnil.sheet.retention_col", lang),
            _t("export.fields.retention_iso", lang),
            _t("export.fields.retention_note", lang),
            _t("export.fields.items", lang),
        ]
    )
    if items is None:
        w.cells([_t("export.workbook.not_stated", lang)], first="ropa-text")
    elif not items:
        w.cells([_t(none_key, lang)], first="ropa-text")
    for item in items or []:
        retention = item.get("retention") or {}
        w.cells(
            [
                label(item.get("category")),
                item.get("description"),
                retention.get("text"),
                retention.get("duration"),
                retention.get("note"),
                ", ".join(item.get("items") or []),
            ]
        )


def _table(w: SheetWriter, title: str, headers: list[str], rows: list[list[Any]] | None, lang: str) -> None:
    w.section(title)
    w.header(headers)
    if rows is None:
        w.cells([_t("export.workbook.not_stated", lang)], first="ropa-text")
    elif not rows:
        w.cells([_t("export.workbook.none", lang)], first="ropa-text")
    for row in rows or []:
        w.cells(row)


def _rows(items: list[Json] | None, *keys: str) -> list[list[Any]] | None:
    if items is None:
        return None
    return [[label(item.get(k)) for k in keys] for item in items]


def _transfer_rows(items: list[Json] | None, lang: str) -> list[list[Any]] | None:
    """The transfers; documentation that is a web address is written in full in its (wrapped)
    cell and linked from a short « Ouvrir » cell beside the details."""
    if items is None:
        return None
    rows: list[list[Any]] = []
    for item in items:
        doc = item.get("documentation")
        is_url = isinstance(doc, str) and doc.startswith(("https://", "http://"))
        rows.append(
            [
                label(item.get("recipient")),
                label(item.get("country")),
                label(item.get("safeguard")),
                doc,
                item.get("details"),
                Link(_t("export.workbook.open_link", lang), url=doc) if is_url else None,
            ]
        )
    return rows


LEGAL_BASIS_FIELDS = (
    ("basis", "cnil.sheet.legal_basis"),
    ("details", "export.fields.legal_basis_details"),
    ("balancing_test", "export.fields.balancing_test"),
    ("special_category_condition", "export.fields.special_category_condition"),
    ("special_category_details", "export.fields.special_category_details"),
    ("criminal_data_authorisation", "export.fields.criminal_data_authorisation"),
)
DPIA_FIELDS = (
    ("status", "export.fields.dpia_status"),
    ("criteria", "export.fields.dpia_criteria"),
    ("cnil_list", "export.fields.dpia_cnil_list"),
    ("exemption", "export.fields.dpia_exemption"),
    ("reference", "export.fields.dpia_reference"),
    ("date", "export.fields.dpia_date"),
    ("justification", "export.fields.dpia_justification"),
)


def _value(key: str, value: Any, lang: str) -> Any:
    if isinstance(value, list):
        return "\n".join(label(v) for v in value) or _t("export.workbook.none", lang)
    return iso_date(value) if key == "date" else label(value)


def _record(
    w: SheetWriter, title_key: str, record: Json | None, fields: Sequence[tuple[str, str]], lang: str
) -> None:
    """A section of ``label | value`` rows for a sub-record (legal basis, DPIA); « Non renseigné »
    when the sheet has none (a processor record leaves the legal basis to its controller)."""
    w.section(_t(title_key, lang))
    if record is None:
        w.field(_t(fields[0][1], lang), _t("export.workbook.not_stated", lang))
        return
    for key, label_key in fields:
        if key in record:
            w.field(_t(label_key, lang), _value(key, record[key], lang))


def _description(w: SheetWriter, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.description", lang))
    w.field(_t("cnil.sheet.name", lang), activity.get("name"))
    w.field(_t("cnil.sheet.ref", lang), activity.get("ref"))
    w.field(_t("cnil.sheet.created", lang), iso_date(activity.get("created")))
    w.field(_t("cnil.sheet.updated", lang), iso_date(activity.get("updated")))
    w.field(_t("export.fields.role", lang), label(activity.get("role")))
    if "description" in activity:
        w.field(_t("export.fields.description", lang), activity["description"])
    if "last_reviewed" in activity:
        w.field(_t("export.fields.last_reviewed", lang), iso_date(activity["last_reviewed"]))
    if "review_interval" in activity:
        interval = activity["review_interval"]
        w.field(_t("export.fields.review_interval", lang), label(interval), interval.get("code"))
    if "process" in activity:
        w.field(_t("export.fields.process", lang), activity["process"])


def _fiche(w: SheetWriter, doc: Json, activity: Json, lang: str, back: Link) -> None:
    w.title(
        _t("export.workbook.sheet_title", lang).format(
            ref=activity.get("ref", ""), name=activity.get("name", "")
        )
    )
    w.nav(back)
    w.freeze("A3")
    _description(w, activity, lang)
    _actors(w, doc, activity, lang)
    _purposes(w, activity, lang)
    _categories(
        w,
        _t("cnil.sheet.data_categories", lang),
        activity.get("data_categories"),
        lang,
        "export.workbook.none",
    )
    _categories(
        w,
        _t("cnil.sheet.sensitive_data", lang),
        activity.get("sensitive_data"),
        lang,
        "export.workbook.none_sensitive",
    )
    _table(
        w,
        _t("cnil.sheet.data_subjects", lang),
        [
            _t("export.fields.category", lang),
            _t("cnil.sheet.description_col", lang),
            _t("cnil.sheet.details_col", lang),
        ],
        _rows(activity.get("data_subjects"), "category", "description", "details"),
        lang,
    )
    _table(
        w,
        _t("cnil.sheet.recipients", lang),
        [
            _t("cnil.sheet.recipient_type_col", lang),
            _t("export.fields.recipient_name", lang),
            _t("cnil.sheet.details_col", lang),
        ],
        _rows(activity.get("recipients"), "type", "name", "details"),
        lang,
    )
    _table(
        w,
        _t("cnil.sheet.security_measures", lang),
        [_t("cnil.sheet.security_type_col", lang), _t("cnil.sheet.details_col", lang)],
        _rows(activity.get("security_measures"), "type", "details"),
        lang,
    )
    _table(
        w,
        _t("cnil.sheet.transfers", lang),
        [
            _t("cnil.sheet.transfer_recipient_col", lang),
            _t("cnil.sheet.transfer_country_col", lang),
            _t("cnil.sheet.transfer_safeguard_col", lang),
            _t("cnil.sheet.transfer_documentation_col", lang),
            _t("export.fields.transfer_details", lang),
            _t("export.workbook.link_col", lang),
        ],
        _transfer_rows(activity.get("transfers"), lang),
        lang,
    )
    _record(w, "cnil.sheet.legal_basis", activity.get("legal_basis"), LEGAL_BASIS_FIELDS, lang)
    _record(w, "cnil.sheet.dpia", activity.get("dpia"), DPIA_FIELDS, lang)
    if activity.get("notes"):
        w.section(_t("export.fields.notes", lang))
        for i, note in enumerate(activity["notes"], start=1):
            w.field(str(i), note)
    w.close(title_rows="1:1")


# --- Organisation and parties ----------------------------------------------------------------------


def _organisation(w: SheetWriter, doc: Json, lang: str) -> None:
    org = doc.get("organization", {})
    contacts = model.organisation_contacts(doc)
    w.section(_t("export.workbook.organisation_block", lang))
    f = lambda key: _t(f"export.fields.{key}", lang)  # noqa: E731
    w.field(f("name"), org.get("name"))
    for key in ("legal_form", "registration_number", "activity", "employees"):
        if key in org:
            w.field(f(key), org[key])
    w.field(_t("cnil.fields.address", lang), model.address_line(org.get("address")))
    w.field(_t("cnil.fields.phone", lang), org.get("phone"))
    w.field(_t("cnil.fields.email", lang), org.get("email"))
    w.field(_t("cnil.list.head_block", lang), model.person_line(org.get("head")))
    if org.get("representative"):
        w.field(_t("cnil.list.representative_block", lang), contacts["representative"][0].line())
        w.field(
            f"{_t('cnil.sheet.representative', lang)} — {f('contact')}",
            model.person_line(org["representative"].get("person")),
        )
    dpo = org.get("dpo") or {}
    if dpo:
        w.field(f("dpo_type"), label(dpo.get("type")))
        w.field(_t("cnil.list.dpo_block", lang), model.person_line(dpo.get("person")))
        company = dpo.get("company")
        if company:
            text = contacts["dpo_company"][0].line()
            if company.get("registration_number"):
                text += f" ({f('registration_number')} {company['registration_number']})"
            w.field(_t("cnil.fields.dpo_company", lang), text)
        if "designation_date" in dpo:
            w.field(f("designation_date"), iso_date(dpo["designation_date"]))
        if "cnil_designation_number" in dpo:
            w.field(f("cnil_designation_number"), dpo["cnil_designation_number"])
    if "review_interval" in org:
        w.field(f("review_interval"), label(org["review_interval"]), org["review_interval"].get("code"))


def _parties_sheet(w: SheetWriter, doc: Json, lang: str) -> None:
    w.title(_t("export.sheets.parties", lang))
    w.title(_as_of_text(doc, lang), "ropa-subtitle")
    w.freeze("A3")
    _organisation(w, doc, lang)
    w.section(_t("export.registers.parties", lang))
    f = lambda key: _t(f"export.fields.{key}", lang)  # noqa: E731
    header = w.row
    w.header(
        [
            f("name"),
            f("id"),
            f("kind"),
            f("description"),
            f("registration_number"),
            _t("cnil.fields.address", lang),
            _t("cnil.fields.phone", lang),
            _t("cnil.fields.email", lang),
            f("contact"),
            f("representative"),
            f("dpo"),
            f("contract"),
        ]
    )
    parties = doc.get("parties", [])
    if not parties:
        w.cells([_t("export.workbook.none", lang)], first="ropa-text")
    for p in parties:
        w.cells(
            [
                p.get("name"),
                p.get("id"),
                label(p.get("kind")),
                p.get("description"),
                p.get("registration_number"),
                model.address_line(p.get("address")),
                p.get("phone"),
                p.get("email"),
                model.person_line(p.get("contact")),
                model.person_line(p.get("representative")),
                model.person_line(p.get("dpo")),
                p.get("contract"),
            ]
        )
    w.close(title_rows=f"{header}:{header}", title_cols="A:A")


# --- The workbook ----------------------------------------------------------------------------------


def _is_processor(activity: Json) -> bool:
    return (activity.get("role") or {}).get("code") == "processor"


def workbook(doc: Json) -> Workbook:
    """The workbook of a normalised register (``model.normalise``), written as it is built
    (openpyxl's write-only mode): each sheet goes to a temporary file once written, so memory
    does not grow with the number of activities. Save it with ``save``, once."""
    lang = str(doc.get("lang", i18n.DEFAULT_LANG))
    org_name = str(doc.get("organization", {}).get("name", ""))
    wb = Workbook(write_only=True)
    for style in _styles(lang):
        wb.add_named_style(style)
    taken: set[str] = set()
    styles: dict[Any, Any] = {}
    list_name = sheet_name(_t("cnil.list.title", lang), taken)
    activities = doc.get("activities", [])
    processing = [a for a in activities if _is_processor(a)]
    own = [a for a in activities if not _is_processor(a)]
    processor_name = sheet_name(_t("export.sheets.processor_list", lang), taken) if processing else None
    parties_name = sheet_name(_t("export.sheets.parties", lang), taken)
    names = {id(a): sheet_name(f"{a.get('ref', '')} {a.get('name', '')}", taken) for a in activities}

    def sheet(name: str) -> WriteOnlyWorksheet:
        ws: WriteOnlyWorksheet = wb.create_sheet(name)
        return ws

    _list_sheet(
        SheetWriter(sheet(list_name), LIST_WIDTHS, styles, len(_list_columns(lang))),
        doc,
        lang,
        _t("cnil.list.title", lang),
        _t("export.registers.controller", lang),
        [(a, names[id(a)]) for a in own],
    )
    if processor_name:
        _list_sheet(
            SheetWriter(sheet(processor_name), LIST_WIDTHS, styles, len(_list_columns(lang))),
            doc,
            lang,
            _t("export.sheets.processor_list", lang),
            _t("export.registers.processor", lang),
            [(a, names[id(a)]) for a in processing],
        )
    back_own = Link(_t("export.workbook.back_to_list", lang), location=location(list_name))
    back_processor = Link(
        _t("export.workbook.back_to_processor_list", lang), location=location(processor_name or list_name)
    )
    for activity in activities:
        _fiche(
            SheetWriter(sheet(names[id(activity)]), FICHE_WIDTHS, styles),
            doc,
            activity,
            lang,
            back_processor if _is_processor(activity) else back_own,
        )
    _parties_sheet(
        SheetWriter(sheet(parties_name), PARTIES_WIDTHS, styles, PARTIES_FIRST_PAGE), doc, lang
    )

    # The document's date: SOURCE_DATE_EPOCH when set, else the register's own date
    # (``model.generated_at``), never the clock, so that the same register gives the same bytes.
    stamp = dt.datetime.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    props = wb.properties
    props.title = xlsx_text(_t("export.workbook.title", lang).format(org=org_name))
    props.subject = _t("export.workbook.subject", lang)
    props.creator = f"ropa {__version__}"
    props.lastModifiedBy = f"ropa {__version__}"
    props.language = lang
    props.keywords = "RGPD; GDPR; article 30"
    props.created = stamp
    props.modified = stamp
    return wb


class _FixedDateZip(zipfile.ZipFile):
    """A zip archive whose entries all bear ``ZIP_DATE``, in the order they are written."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: bytes | str, *args: Any, **kwargs: Any
    ) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as source, self.open(self._info(str(arcname or filename)), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def save(wb: Workbook, out: IO[bytes]) -> None:
    """Write ``wb`` to ``out`` with fixed entry dates (openpyxl's own ``save`` dates every entry
    with the clock)."""
    with _FixedDateZip(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()


def render(doc: Json) -> bytes:
    """The XLSX file of a normalised register, as bytes."""
    buffer = io.BytesIO()
    save(workbook(doc), buffer)
    return buffer.getvalue()
