"""The XLSX workbook, laid out like the CNIL register model (registre-traitement-simplifie).

Sheets, in order:

- « Liste des traitements »: the organisation's header blocks (head, representative, DPO with
  « Société (si DPO externe) ») and the controller's record, Art. 30(1): one row per activity
  with the columns of the CNIL tab 2, plus the role and the controller; each name links to its
  sheet.
- « Registre sous-traitant » (when the organisation also acts as a processor): the header blocks
  captioned as the processor's (Art. 30(2)(a)) and the processor's record as its own list, each
  row naming the controller on whose behalf it acts.
- one sheet per activity, laid out like the CNIL fiche (tab 3), sections and labels in order,
  then the legal basis, the DPIA and the DPO's notes; each links back to its list.
- « Organisme et parties »: every detail of the organisation and of the parties its sheets
  name (clients, joint controllers, processors, recipients).

Every text is stored as a string cell, never a formula; text that looks like a formula also
gets Excel's quote prefix, so editing the cell keeps it text. Dates are real dates.

It prints: A4 landscape on every sheet (the CNIL tables are wide), the header rows repeated on
each page, body text at 9 pt or more (a sheet is shrunk to its page's width only when that keeps
9 pt; the parties table goes on to further pages instead), every text wrapped in a row tall
enough for it, and links only on short texts (LibreOffice does not wrap a cell holding a link).

Written with XlsxWriter, each row as XML as soon as it is complete (``xlsx_sheet``) and each
sheet compressed as soon as it is finished (``xlsx_package``): the memory does not grow with
the register; the bytes are those XlsxWriter's constant-memory mode writes, and depend on the
register only (fixed zip dates; the document's date is ``model.generated_at``, never the clock).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from generator import __version__, vocab
from generator.errors import ExportError
from generator.export import model, xlsx_fork
from generator.export.model import Json, label
from generator.export.xlsx_package import Workbook
from generator.export.xlsx_sheet import REMEMBERED_TEXT, Cell, Hyperlink, RowSheet, Span, Template
from generator.lint.rules import Diagnostic
from generator.lint.schema import field_arg
from generator.load.register import Register
from generator.render import i18n
from generator.render.escape import formula_like, xlsx_text
from generator.shapes import parse_date, walk_strings

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters of one cell."""

MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]+")
_RESERVED_SHEET_NAMES = {"history"}

# Column widths (in characters of the default font, Calibri 11 pt) of each kind of sheet, chosen
# so that a sheet prints on A4 landscape with its body text at 9 pt or more: the list and the
# activity sheets fit the page's width at about 85 % (see ``print_scale``); the parties are in
# two tables of 6 and 7 columns, each beginning with the party's name, as one table of 12 would
# be wider than a page at a readable size.
LIST_WIDTHS = (30, 11, 12, 12, 30, 10, 12, 15, 9, 11)
FICHE_WIDTHS = (30, 25, 25, 14, 16, 12, 12, 16)
PARTIES_WIDTHS = (30, 24, 12, 26, 16, 24, 24)

LINE_HEIGHT = 15.0
CHARS_PER_UNIT = 1.1
"""Characters of French text a wrapped line holds per unit of column width (LibreOffice, 11 pt
Carlito: about 1.2; Excel's Calibri is narrower): a row gets a line for each such run."""
MAX_ROW_HEIGHT = 409.0

# A4 landscape's width less the side margins, in points, and how wide a column prints: a
# column of width w is written as w + 0.71 (XlsxWriter adds Excel's padding) and LibreOffice 7.4
# prints each unit 5.77 pt wide at 100 % (Carlito, Calibri's metric twin; measured on its PDF;
# Excel's is narrower, 5.25 pt), so a sheet that fits in LibreOffice fits in Excel.
A4_LANDSCAPE_MM = 297.0
MARGIN_SIDE_IN = 0.4
PAGE_WIDTH_PT = (A4_LANDSCAPE_MM / 25.4 - 2 * MARGIN_SIDE_IN) * 72
COLUMN_PAD = 0.71
COLUMN_UNIT_PT = 5.77
BODY_PT = 11.0
TITLE_PT = 14.0
MIN_PRINT_PT = 9.0
MIN_SCALE = math.ceil(100 * MIN_PRINT_PT / BODY_PT)
"""The smallest print scale (%) at which 11 pt body text still prints at 9 pt or more."""

A4_PAPER = 9
"""The paper size code of A4 in the XLSX format."""
MAX_URL = 2079
"""The longest link an XLSX cell holds (XlsxWriter's limit); a longer address stays as text."""

_SECTION_FILL = "1F4E79"
_HEADER_FILL = "DDEBF7"
_LABEL_FILL = "F2F2F2"
_FULL_WIDTH = str.maketrans({"＝": "=", "＋": "+", "－": "-", "＠": "@"})


@dataclass(frozen=True)
class Link:
    """A cell that links to a place in the workbook (``location``) or to a web page (``url``).

    LibreOffice does not wrap the text of a cell that holds a link, so a link goes on a short
    text (a reference, « Ouvrir le lien ») and a long text stays in a plain, wrapped cell."""

    text: str
    location: str | None = None
    url: str | None = None


def iso_date(value: Any) -> dt.date | None:
    return parse_date(value)


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


def _column_pt(width: float) -> float:
    return (width + COLUMN_PAD) * COLUMN_UNIT_PT


def print_scale(widths: Sequence[float]) -> int:
    """The print scale (%) of a sheet of these column widths: 100, or less where that makes
    the columns fit A4 landscape's width without printing the body under 9 pt; a sheet that
    would need less prints at 100 % and its columns go on to further pages."""
    needed = sum(_column_pt(w) for w in widths)
    fit = math.floor(100 * PAGE_WIDTH_PT / needed)
    return 100 if fit >= 100 or fit < MIN_SCALE else fit


def _lines(text: str, chars: int) -> int:
    """How many lines ``text`` takes in a wrapped cell ``chars`` characters wide: words are
    wrapped whole (a word longer than a line is cut), each line break starts a line."""
    total = 0
    for part in text.split("\n"):
        if len(part) <= chars:
            total += 1
        elif "  " in part or part[0] == " " or part[-1] == " ":
            total += _word_lines(part, chars)
        else:
            total += _greedy_lines(part, chars)
    return total


_remembered_lines = functools.lru_cache(maxsize=1024)(_lines)
"""``_lines`` of the last thousand texts measured (up to ``REMEMBERED_TEXT`` characters: the
same labels and captions come on every sheet)."""


def _word_lines(part: str, chars: int) -> int:
    """The lines of one paragraph, word after word (an empty word, between two spaces or at
    either end, takes no room at the start of a line)."""
    lines, used = 1, 0
    for word in part.split(" "):
        size = len(word)
        if used and used + 1 + size > chars:
            lines, used = lines + 1, 0
        if size > chars:
            lines += (size - 1) // chars
            size = (size - 1) % chars + 1
        used += size + (1 if used else 0)
    return lines


def _greedy_lines(part: str, chars: int) -> int:
    """``_word_lines`` of a paragraph whose words are apart by one space each, a line at a
    time: the line from ``start`` ends at the last space that leaves it ``chars`` characters
    or fewer; a word longer than a line takes whole lines, its last piece begins the next."""
    lines, start, end = 1, 0, len(part)
    while end - start > chars:
        word_end = part.find(" ", start)
        if word_end < 0:
            word_end = end
        size = word_end - start
        if size > chars:  # the line begins with a word longer than a line
            lines += (size - 1) // chars
            start = word_end - ((size - 1) % chars + 1)
            if end - start <= chars:
                break
        lines += 1
        start = part.rfind(" ", start, start + chars + 1) + 1
    return lines


def _line_breaks(text: str) -> str:
    """A line break in a cell is "\n" (a carriage return would be kept as ``_x000D_``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


_QUOTE_STARTS = frozenset("=+-@\t\r＝＋－＠")


def _needs_quote(text: str) -> bool:
    """Text a spreadsheet would take for a formula once edited: a trigger, also after leading
    spaces and in its full-width form (＝＋－＠). (Most texts begin with a letter: they are
    told apart by their first character alone.)"""
    if not text or (text[0] not in _QUOTE_STARTS and not text[0].isspace()):
        return False
    return formula_like(text) or formula_like(text.lstrip(" \u00a0\u3000").translate(_FULL_WIDTH))


def _cell_text(value: Any) -> tuple[str, bool]:
    """The text a cell holds for ``value`` (``xlsx_text``, with "\n" line breaks), and whether
    it needs Excel's quote prefix."""
    text = _line_breaks(xlsx_text(value))
    return text, _needs_quote(text)


_remembered_cell_text = functools.lru_cache(maxsize=1024)(_cell_text)
"""``_cell_text`` of the last thousand texts (up to ``REMEMBERED_TEXT`` characters: the same
labels and captions come on every sheet)."""


class Styles:
    """The workbook's cell formats by name (and with Excel's quote prefix), made once each.

    The look of each kind of cell: titles, section bands, column headers, row labels, text,
    dates and links. (XlsxWriter has no named cell styles: a reader tells the kinds apart by
    their look, bold white on dark blue for a section, and so on.)"""

    def __init__(self, wb: Workbook, lang: str) -> None:
        self.wb = wb
        border = {"border": 1, "border_color": "#BFBFBF"}
        top = {"text_wrap": True, "valign": "top", "align": "left"}
        link = {"font_color": "#0563C1", "underline": 1}
        self.specs: dict[str, dict[str, Any]] = {
            "ropa-title": {"bold": True, "font_size": TITLE_PT, "font_color": f"#{_SECTION_FILL}", **top},
            "ropa-subtitle": {"italic": True, "font_color": "#595959", **top},
            "ropa-section": {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": f"#{_SECTION_FILL}",
                "pattern": 1,
                "valign": "vcenter",
            },
            "ropa-header": {"bold": True, "bg_color": f"#{_HEADER_FILL}", "pattern": 1, **border, **top},
            "ropa-label": {"bold": True, "bg_color": f"#{_LABEL_FILL}", "pattern": 1, **border, **top},
            "ropa-text": {**border, **top},
            "ropa-date": {
                **border,
                "align": "left",
                "valign": "top",
                "num_format": i18n.t("export.workbook.date_format", lang),
            },
            # Links are short texts (a reference, « Ouvrir »), never wrapped: LibreOffice does not
            # wrap a cell holding a link.
            "ropa-link": {**link, **border, "valign": "top"},
            "ropa-nav": {**link},
        }
        self.made: dict[tuple[str, bool], Format] = {}
        self.templates: dict[tuple[Any, ...], _Remembered] = {}
        """The rows met so far (``SheetWriter.recurring``), by the widths of their sheets."""
        self.serials: dict[dt.date, float] = {}
        """The dates met so far, as the numbers Excel keeps (the workbook's: 1900-based)."""

    def __call__(self, name: str, quote: bool = False) -> Format:
        found = self.made.get((name, quote))
        if found is None:
            spec = dict(self.specs[name], quote_prefix=True) if quote else self.specs[name]
            found = self.made[(name, quote)] = self.wb.add_format(spec)
        return found


class _Workbook(Workbook):
    """The workbook (``xlsx_package``) without XlsxWriter's check of each new sheet's name
    against every sheet's (quadratic: minutes at 10,000 sheets); ``sheet_name`` has already made
    every name valid and unique, whatever the case."""

    def _check_sheetname(self, sheetname: str | None, is_chartsheet: bool = False) -> str:
        if not sheetname:
            raise ExportError("a sheet without a name")
        return sheetname


class SheetWriter:
    """Writes a sheet top to bottom: the current row is built with ``put`` and written by
    ``next`` as XML (``RowSheet.add_row``). ``close`` sets the sheet's print layout and
    finishes it (``Workbook.finish_sheet``): it leaves memory, compressed."""

    def __init__(
        self,
        ws: RowSheet,
        widths: Sequence[float],
        styles: Styles,
        field_span: int | None = None,
    ) -> None:
        self.ws = ws
        self.widths = widths
        self.styles = styles
        self.formats = styles.made  # the formats made so far, by style and quote prefix
        self.field_span = field_span or len(widths)
        self.row = 1
        self.cells_: dict[int, Cell] = {}  # the current row's, by 0-based column
        self.styles_: dict[int, str] = {}  # their styles, by 1-based column
        self.height: float | None = None
        self.links = False  # whether the current row has a link
        self.chars_: dict[tuple[int, int], int] = {}
        self.templates = styles.templates.setdefault((tuple(widths), self.field_span), _Remembered())
        ws.set_widths(widths)

    @property
    def span(self) -> int:
        return len(self.widths)

    def coordinate(self, col: int) -> str:
        return f"{xl_col_to_name(col - 1)}{self.row}"

    def put(self, col: int, value: Any, style: str = "ropa-text") -> None:
        """Put ``value`` in column ``col`` (1-based) of the current row, in ``style``: every
        text as a string cell, never a formula (with Excel's quote prefix when it would look
        like one once edited); dates as dates; links on their text."""
        if type(value) is str:  # most cells
            value, quote = _remembered_cell_text(value) if len(value) <= REMEMBERED_TEXT else _cell_text(value)
            if len(value) > MAX_CELL_TEXT:
                self._too_long(col, value)
            if value:
                cell: Cell = (self.formats.get((style, quote)) or self.styles(style, quote), value)
            else:
                cell = self.styles(style), None
        elif isinstance(value, Link):
            style = "ropa-nav" if style == "ropa-nav" else "ropa-link"
            self.links = True
            cell = self._link(value, style)
        elif isinstance(value, dt.date):
            style = "ropa-date"
            serial = self.styles.serials.get(value)
            if serial is None:
                serial = self.styles.serials[value] = self.ws.serial(dt.datetime(value.year, value.month, value.day))
            cell = self.styles(style), serial
        elif isinstance(value, bool) or value is None:
            cell = self.styles(style), None
        elif isinstance(value, (int, float)):
            if not math.isfinite(value):
                raise ExportError(f"sheet '{self.ws.name}': {value} is not a number a cell can hold")
            cell = self.styles(style), value
        else:
            value, quote = _cell_text(value)
            if len(value) > MAX_CELL_TEXT:
                self._too_long(col, value)
            cell = (self.styles(style, quote), value) if value else (self.styles(style), None)
        self.cells_[col - 1] = cell
        self.styles_[col] = style

    def _too_long(self, col: int, text: str) -> None:
        raise ExportError(
            f"sheet '{self.ws.name}', cell {self.coordinate(col)}: a text of {len(text)} "
            f"characters is longer than an Excel cell can hold ({MAX_CELL_TEXT}); shorten it "
            "in the register"
        )

    def _link(self, value: Link, style: str) -> Cell:
        """A link's cell: the link on its text (a link longer than a cell takes: the text)."""
        text = xlsx_text(value.text)
        fmt = self.styles(style, _needs_quote(text))
        target = f"internal:{value.location}" if value.location else value.url
        return fmt, Hyperlink(target, text) if target and len(target) <= MAX_URL else text

    def _fit(self, values: Sequence[Any], spans: Sequence[int] | None = None) -> None:
        """Make the current row tall enough for its wrapped texts, ``values`` from column 1,
        each over ``spans`` columns (one each by default). LibreOffice and Excel keep a row's
        height as written: a row too short would hide, and not print, the end of a text.
        Estimated generously: a line holds about as many characters as the width."""
        lines = 1
        for i, value in enumerate(values):
            if type(value) is not str:
                if isinstance(value, Link):
                    value = value.text
                elif not isinstance(value, str):
                    continue
            if not value:
                continue
            span = 1 if spans is None else spans[i]
            chars = self.chars_.get((i + 1, span)) or self._chars(i + 1, span)
            if len(value) > chars or "\n" in value:  # else one line (``_lines`` would say so)
                found = _remembered_lines(value, chars) if len(value) <= REMEMBERED_TEXT else _lines(value, chars)
                lines = max(lines, found)
        if lines > 1:
            self.height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def _chars(self, col: int, span: int) -> int:
        """The characters a line holds in the cell of column ``col`` over ``span`` columns."""
        widths = self.widths[col - 1 : col - 1 + span]
        chars = self.chars_[(col, span)] = max(1, int((sum(widths) + (len(widths) - 1) * COLUMN_PAD) * CHARS_PER_UNIT) - 1)
        return chars

    def merge(self, first: int, last: int, style: str) -> None:
        """Merge columns ``first`` to ``last`` of the current row, whose column ``first`` has
        its value already. The cells under a merge get the format of its first (Excel draws a
        merged area's borders from them). (What XlsxWriter's ``merge_range`` does, without
        its search for overlapping merges: each row's merges are apart by construction.)"""
        if last > first and first - 1 in self.cells_:
            self.cells_[first] = (self.styles(self.styles_[first]), Span(last - 1))
            self.ws.merge.append((self.row - 1, first - 1, self.row - 1, last - 1))

    def next(self, n: int = 1) -> None:
        """Write the current row (and ``n - 1`` empty ones)."""
        for _ in range(n):
            if self.cells_ or self.height is not None:
                self.ws.add_row(self.row - 1, self.cells_, self.height, links=self.links)
                self._new_row()
            self.row += 1

    def _new_row(self) -> None:
        """Start the current row afresh: no cell, the default height, no link."""
        self.cells_, self.styles_, self.height, self.links = {}, {}, None, False

    def freeze(self, cell: str) -> None:
        """Freeze the rows above ``cell`` (« A3 »)."""
        self.ws.freeze_panes(cell)

    def close(self, title_rows: tuple[int, int] | None = None, title_cols: str | None = None) -> None:
        """Set the sheet's print layout: A4 landscape at the scale of ``print_scale``, rows
        ``title_rows`` (1-based, inclusive) and columns ``title_cols`` (« A:A ») repeated on
        every page, the print area, and a footer « sheet — page n / N »."""
        if self.cells_:
            self.next()
        ws = self.ws
        ws.set_paper(A4_PAPER)
        ws.set_landscape()
        ws.set_print_scale(print_scale(self.widths))
        ws.set_margins(left=MARGIN_SIDE_IN, right=MARGIN_SIDE_IN, top=0.6, bottom=0.6)
        ws.set_footer("&C&A — &P / &N", {"margin": 0.3})
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        if title_cols:
            ws.repeat_columns(title_cols)
        ws.print_area(0, 0, max(0, self.row - 2), self.span - 1)
        self.styles.wb.finish_sheet(ws)

    def recurring(self, key: tuple[Any, ...] | None, build: Callable[[], None]) -> None:
        """Write the row ``build`` makes on the current (empty) row. Most rows come again
        on sheet after sheet (section bands, headers, captions, the organisation's contacts,
        « Non renseigné »): a row of the same ``key`` (``row_key``) met before on a sheet of
        the same widths is written from its XML (``RowSheet.add_template``), not built again.
        The bytes are the same either way."""
        if key is not None and not self.cells_ and self.height is None:
            template = self.templates.get(key)
            if template is not None:
                row = self.row - 1
                self.ws.add_template(row, template.row)
                for first, last in template.merges:
                    self.ws.merge.append((row, first, row, last))
                self.row += 1
                return
        merges = len(self.ws.merge)
        build()
        if key is None or self.links or not self.cells_:
            self.next()
            return
        row = self.row - 1
        made = self.ws.add_recurring(row, self.cells_, self.height)
        if made is not None and made.size <= MAX_TEMPLATE_XML:
            self.templates.add(key, _Recurring(made, tuple((c1, c2) for _, c1, _, c2 in self.ws.merge[merges:])))
        self._new_row()
        self.row += 1

    # Kinds of rows ------------------------------------------------------------------------------

    def title(self, text: str, style: str = "ropa-title") -> None:
        self.recurring(row_key("title", style, text), lambda: self._title(text, style))

    def _title(self, text: str, style: str) -> None:
        self.put(1, text, style)
        self.merge(1, self.field_span, style)
        if style == "ropa-subtitle":
            self._fit([text], [self.field_span])
        else:
            chars = int(sum(self.widths[: self.field_span]) * BODY_PT / TITLE_PT) - 1
            self.height = _lines(text, chars) * 20.0 + 2

    def nav(self, link: Link) -> None:
        self.put(1, link, "ropa-nav")
        self.next()

    def section(self, text: str) -> None:
        """A section's title on a dark band across the sheet (one merged cell)."""
        self.next()
        self.recurring(row_key("section", text), lambda: self._section(text))

    def _section(self, text: str) -> None:
        self.put(1, text, "ropa-section")
        self.merge(1, self.span, "ropa-section")
        self.height = 20

    def header(self, labels: Sequence[str]) -> None:
        self.recurring(row_key("header", *labels), lambda: self._header(labels))

    def _header(self, labels: Sequence[str]) -> None:
        for col, text in enumerate(labels, start=1):
            self.put(col, text, "ropa-header")
        self._fit(labels)

    def cells(self, values: Sequence[Any], first: str = "ropa-label") -> None:
        """A table row; the first cell in ``first`` style (a row label)."""
        self.recurring(row_key("cells", first, *values), lambda: self._cells(values, first))

    def _cells(self, values: Sequence[Any], first: str) -> None:
        for col, value in enumerate(values, start=1):
            self.put(col, value, first if col == 1 else "ropa-text")
        self._fit(values)

    def field(self, name: str, value: Any, extra: Any = None) -> None:
        """A ``label | value`` row, the value spread over the rest of the page's width (or over
        two columns when there is an ``extra`` value, such as an ISO duration)."""
        self.recurring(row_key("field", name, value, extra), lambda: self._field(name, value, extra))

    def _field(self, name: str, value: Any, extra: Any) -> None:
        self.put(1, name, "ropa-label")
        self.put(2, value)
        end = self.field_span if extra is None else 3
        self.merge(2, end, "ropa-text")
        if extra is not None:
            self.put(4, extra)
        self._fit([name, value], [1, end - 1])


MAX_TEMPLATES = 1024
"""Rows remembered per kind of sheet and generation (``_Remembered``)."""
MAX_TEMPLATE_XML = 2048
"""The longest row remembered, in characters of XML (a row of long texts, a description,
seldom comes twice): the memory of the three kinds of sheets holds a dozen megabytes at most."""


class _Remembered:
    """The rows remembered for one kind of sheet, in two generations: a row found in the older
    is moved to the newer; when the newer is full, it becomes the older and the older is let go.
    The rows of every sheet stay; a row met once (a processor's contact) goes in time."""

    def __init__(self) -> None:
        self.new: dict[tuple[Any, ...], _Recurring] = {}
        self.old: dict[tuple[Any, ...], _Recurring] = {}

    def get(self, key: tuple[Any, ...]) -> _Recurring | None:
        found = self.new.get(key)
        if found is None and self.old:
            found = self.old.pop(key, None)
            if found is not None:
                self.add(key, found)
        return found

    def add(self, key: tuple[Any, ...], row: _Recurring) -> None:
        if len(self.new) >= MAX_TEMPLATES:
            self.old, self.new = self.new, {}
        self.new[key] = row


class _Recurring(NamedTuple):
    """A row remembered: its XML (``Template``) and its merged ranges, by their columns."""

    row: Template
    merges: tuple[tuple[int, int], ...]


_KEYED = frozenset({str, int, float, dt.date, dt.datetime, type(None), bool})
"""The values a remembered row may hold (a link is recorded on its sheet: never remembered)."""


def row_key(kind: str, *values: Any) -> tuple[Any, ...] | None:
    """What tells a row apart from every other of its kind: its values and their types (True,
    1 and 1.0 are one key to Python, three cells to Excel); None for a row that cannot be
    remembered (a link, a list)."""
    types = tuple(map(type, values))
    if not _KEYED.issuperset(types):
        return None
    return (kind, types, values)


def too_long_texts(reg: Register) -> list[Diagnostic]:
    """Register values longer than an Excel cell can hold, each at its file, line and column."""
    found = []
    for doc in reg.documents():
        if doc.size is not None and doc.size <= MAX_CELL_TEXT:
            continue  # no text in it can be longer than the file (most files: a few kilobytes)
        for path, text in walk_strings(doc.data, ()):
            if len(text) > MAX_CELL_TEXT:
                found.append(doc.diagnostic(path, "xlsx-cell-too-long", field=field_arg(path),
                                            length=len(text), limit=MAX_CELL_TEXT))
    return found


# --- The list sheets -----------------------------------------------------------------------------


@functools.cache
def _t(key: str, lang: str) -> str:
    """``i18n.t``, looked up once per key (a workbook asks for the same labels on every sheet)."""
    return i18n.t(key, lang)


# The label keys of a list sheet's header blocks and controller column: the CNIL tab 2's for the
# controller's record; the processor's own (Art. 30(2)(a)) for the processor's record.
CONTROLLER_LIST = {
    "head_block": "cnil.list.head_block",
    "representative_block": "cnil.list.representative_block",
    "dpo_block": "cnil.list.dpo_block",
    "controller": "cnil.sheet.controller",
}
PROCESSOR_LIST = {key: f"export.processor_list.{key}" for key in CONTROLLER_LIST}


def _header_blocks(w: SheetWriter, doc: Json, lang: str, labels: Mapping[str, str] = CONTROLLER_LIST) -> None:
    """The CNIL tab 2 header: head, representative and DPO, one row each, the fields in columns
    (``labels``: whose record the blocks head)."""
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
            w.cells([_t(labels[block], lang)])
            continue
        c = found.contact
        w.cells(
            [
                _t(labels[block], lang),
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


def _list_columns(lang: str, labels: Mapping[str, str] = CONTROLLER_LIST) -> list[str]:
    return [
        _t("cnil.list.name", lang),
        _t("cnil.list.ref", lang),
        _t("cnil.list.created", lang),
        _t("cnil.list.updated", lang),
        _t("cnil.list.purpose", lang),
        _t("cnil.list.sensitive", lang),
        _t("export.fields.role", lang),
        _t(labels["controller"], lang),
    ]


def controller_names(doc: Json, activity: Json) -> str:
    """Who decides: the client for a processor record, else the organisation and its joint
    controllers (the model's ``controller_names``, one per line)."""
    return "\n".join(n for n in model.controller_names(doc, activity) if n)


def _list_sheet(
    w: SheetWriter,
    doc: Json,
    lang: str,
    title: str,
    subtitle: str,
    activities: Iterable[tuple[Json, str]],
    labels: Mapping[str, str] = CONTROLLER_LIST,
) -> None:
    ws = w.ws
    w.title(title)
    w.title(subtitle, "ropa-subtitle")
    org = doc.get("organization", {})
    w.title(_as_of_text(doc, lang), "ropa-subtitle")
    w.next()
    w.put(1, str(org.get("name", "")), "ropa-header")
    w.next()
    _header_blocks(w, doc, lang, labels)
    w.next()
    first = w.row
    w.header(_list_columns(lang, labels))
    w.freeze(f"A{first + 1}")
    listed = 0
    for activity, sheet in activities:
        listed += 1
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
    if not listed:
        w.cells([_t("export.workbook.no_activity", lang)], first="ropa-text")
    ws.autofilter(first - 1, 0, max(first, w.row - 1) - 1, len(_list_columns(lang)) - 1)
    w.close(title_rows=(first, first))


def _as_of_text(doc: Json, lang: str) -> str:
    """« Registre à jour au 15 janvier 2026 (…) » : the date by which every sheet had been
    updated or reviewed (``model.current_as_of``), not the latest update, which may be years
    old for sheets reviewed since without a change, nor the export's clock."""
    date = doc.current_as_of() if isinstance(doc, model.Export) else model.current_as_of(doc.get("activities", []))
    return _t("export.workbook.as_of", lang).format(
        date=i18n.format_date(date or "", lang) or "—", version=__version__
    )


# --- The activity sheet (the CNIL fiche) -----------------------------------------------------------


# The Article 30 items each section of a sheet answers, quoted in full under its title as on
# the site's sheet: (controller's record, processor's record). A processor's record answers
# Art. 30(2) only: its purposes and data are the client's, given for information, uncaptioned;
# its categories of processing (30(2)(b)) are captioned where they stand.
ART30_ITEMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "actors": (("1a",), ("2a",)),
    "purposes": (("1b",), ()),
    "processing_operations": ((), ("2b",)),
    "data_categories": (("1c", "1f"), ()),
    "sensitive_data": (("1c", "1f"), ()),
    "data_subjects": (("1c",), ()),
    "recipients": (("1d",), ()),
    "security_measures": (("1g",), ("2d",)),
    "transfers": (("1e",), ("2c",)),
}


def _art30(w: SheetWriter, activity: Json, section: str, lang: str) -> None:
    """The Art. 30 items ``section`` answers, one per line, under the section's title."""
    items = ART30_ITEMS[section][1 if _is_processor(activity) else 0]
    if items:
        w.title("\n".join(_t(f"cnil.article30.{item}", lang) for item in items), "ropa-subtitle")


def _actors(w: SheetWriter, doc: Json, activity: Json, lang: str, parties: Mapping[Any, Json]) -> None:
    w.section(_t("cnil.sheet.actors", lang))
    _art30(w, activity, "actors", lang)
    fields = ["name", "address", "postal_code", "city", "country", "phone", "email"]
    w.header([""] + [_t(f"cnil.fields.{f}", lang) for f in fields])
    for slot in model.actors(doc, activity):
        for contact in slot.contacts or (model.Contact(),):
            w.cells([_t(slot.label_key, lang), *contact.cells()])
    _contracts(w, activity, lang, parties)


def _contracts(w: SheetWriter, activity: Json, lang: str, parties: Mapping[Any, Json]) -> None:
    """The Art. 28 contracts: the client's (a processor record), then each processor's, with
    the controller's authorisation of a sub-processor (Art. 28(2)); « non indiqué » if none.
    ``parties``: the register's normalised parties by id (``_parties_by_id``)."""
    contract = _t("site.transfers.contract", lang)
    client = activity.get("controller") or {}
    if client.get("id") in parties:
        w.field(f"{contract} — {label(client)}", parties[client["id"]].get("contract")
                or _t("site.transfers.no_contract", lang))
    for entry in activity.get("processor_contracts") or []:
        auth = entry.get("authorisation")
        text = entry.get("contract") or _t("site.transfers.no_contract", lang)
        if auth:
            kind = vocab.label("subprocessor_authorisation", auth.get("type"), lang)
            text += f" · {_t('site.transfers.authorisation', lang)}{i18n.colon(lang)}{kind} — {auth.get('reference')}"
        w.field(f"{contract} — {label(entry.get('party'))}", text)


def _parties_by_id(doc: Json) -> dict[Any, Json]:
    """The register's normalised parties by id."""
    return {p.get("id"): p for p in doc.get("parties") or []}


def _purposes(w: SheetWriter, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.purposes", lang))
    _art30(w, activity, "purposes", lang)
    purposes = activity.get("purposes") or {}
    w.field(_t("cnil.sheet.main_purpose", lang), purposes.get("main"))
    for i, sub in enumerate(purposes.get("sub") or [], start=1):
        w.field(f"{_t('cnil.sheet.sub_purpose', lang)} {i}", sub)
    if activity.get("processing_operations") is not None:
        _art30(w, activity, "processing_operations", lang)
        w.field(
            _t("cnil.sheet.processing_operations", lang),
            ", ".join(label(op) for op in activity["processing_operations"]),
        )


def _categories(
    w: SheetWriter, title: str, items: list[Json] | None, lang: str, none_key: str, caption: Callable[[], None]
) -> None:
    w.section(title)
    caption()
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
                "\n".join(filter(None, [
                    retention.get("note"),
                    retention.get("justification") and
                    f"{_t('site.sheet.retention_justification', lang)} {retention['justification']}",
                ])) or None,
                ", ".join(item.get("items") or []),
            ]
        )


def _table(
    w: SheetWriter,
    title: str,
    headers: list[str],
    rows: list[list[Any]] | None,
    lang: str,
    caption: Callable[[], None] = lambda: None,
) -> None:
    w.section(title)
    caption()
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


def _safeguard_text(item: Json, lang: str) -> str:
    """The safeguard, never a bare « pays adéquat » under a partial decision: with the
    recipient's coverage (or « non indiquée »), the Art. 49 derogation, the authority informed."""
    parts = [label(item.get("safeguard"))]
    if item.get("adequacy_scope") == "partial":
        coverage = item.get("adequacy_coverage") or {}
        parts.append(f"{_t('site.transfers.partial_short', lang)} {_t('site.transfers.coverage', lang)}{i18n.colon(lang)}"
                     + (_coverage(coverage, lang) or _t("site.transfers.coverage_missing", lang)))
    elif item.get("adequacy_coverage"):
        parts.append(f"{_t('site.transfers.coverage', lang)}{i18n.colon(lang)}{_coverage(item['adequacy_coverage'], lang)}")
    if item.get("derogation"):
        parts.append(vocab.label("art49_derogation", item["derogation"].get("code"), lang))
    if informed := item.get("authority_informed"):
        # the export model gives True or the ISO date: "Yes", or the date in words
        parts.append(f"{_t('site.transfers.authority_informed', lang)}{i18n.colon(lang)}{i18n.format_date(informed, lang)}")
    if item.get("authority_authorisation"):
        parts.append(f"{_t('site.transfers.authority_authorisation', lang)}{i18n.colon(lang)}{item['authority_authorisation']}")
    if item.get("outside_public_powers"):
        parts.append(f"{_t('site.transfers.outside_public_powers', lang)}{i18n.colon(lang)}{item['outside_public_powers']}")
    return " — ".join(p for p in parts if p)


def _coverage(coverage: Json, lang: str) -> str | None:
    """The recipient's coverage with, as the site gives it, the date it was checked, and the
    address of its evidence: « Certifiée DPF (vérifiée le 1er février 2026, https://…) »."""
    checked = coverage.get("checked")
    extra = ", ".join(filter(None, [checked and f"{_t('site.transfers.checked', lang)} {i18n.format_date(checked, lang)}",
                                    coverage.get("url")]))
    reference = coverage.get("reference")
    return f"{reference} ({extra})" if reference and extra else reference


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
                label(item.get("country") or item.get("international_organisation")),
                _safeguard_text(item, lang),
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
    ("outside_public_tasks", "export.fields.outside_public_tasks"),
    ("special_category_condition", "export.fields.special_category_condition"),
    ("special_category_details", "export.fields.special_category_details"),
    ("special_category_law", "export.fields.special_category_law"),
    ("criminal_data_authorisation", "export.fields.criminal_data_authorisation"),
    ("nir_framework", "export.fields.nir_framework"),
)
CNIL_ITEMS_FIELDS = (
    ("information", "export.fields.information"),
    ("rights_exercise", "export.fields.rights_exercise"),
    ("data_source", "export.fields.data_source"),
    ("automated_decisions", "export.fields.automated_decisions"),
    ("access_decision", "export.fields.access_decision"),
    ("scale", "export.fields.scale"),
    ("joint_controller_arrangement", "export.fields.joint_controller_arrangement"),
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


def _legal_basis(w: SheetWriter, activity: Json, lang: str) -> None:
    """The legal basis, then the basis of each purpose; on a processor record, only when the
    controller's basis is stated (the law does not ask the processor for it), said to be the
    controller's."""
    basis = activity.get("legal_basis")
    processor = _is_processor(activity)
    if processor and basis is None:
        return
    title = "export.fields.basis_from_controller" if processor else "cnil.sheet.legal_basis"
    _record(w, title, basis, LEGAL_BASIS_FIELDS, lang)
    own = {p["purpose"]: p for p in (basis or {}).get("purposes") or []}
    if not own:
        return
    purposes = activity.get("purposes") or {}
    rows = []
    for purpose in [purposes.get("main"), *(purposes.get("sub") or [])]:
        entry = own.get(purpose)
        balancing = entry.get("balancing_test") if entry else None
        outside = entry.get("outside_public_tasks") if entry else None
        rows.append([purpose, label(entry["basis"]) if entry else label((basis or {}).get("basis")),
                     "\n".join(filter(None, [entry.get("details"), balancing and
                                              f"{_t('export.fields.balancing_test', lang)}{i18n.colon(lang)}{balancing}",
                                              outside and
                                              f"{_t('export.fields.outside_public_tasks', lang)}{i18n.colon(lang)}{outside}"])) or None
                     if entry else None])
    _table(w, _t("export.fields.basis_per_purpose", lang),
           [_t("export.fields.purpose", lang), _t("cnil.sheet.legal_basis", lang), _t("cnil.sheet.details_col", lang)],
           rows, lang)


def _cnil_items(w: SheetWriter, activity: Json, lang: str) -> None:
    """The CNIL model's optional items, when the sheet gives any."""
    present = [(k, key) for k, key in CNIL_ITEMS_FIELDS if activity.get(k) is not None]
    if not present:
        return
    w.section(_t("export.fields.data_subjects_rights", lang))
    for k, key in present:
        value = activity[k]
        if isinstance(value, dict) and "text" in value:
            value = value["text"]
        elif isinstance(value, dict):
            yes_no = _t("common.yes" if value.get("exists") else "common.no", lang)
            value = f"{yes_no} — {value['details']}" if value.get("details") else yes_no
        w.field(_t(key, lang), value)


def _process_names(doc: Json) -> dict[Any, str]:
    """« Name (id) » of each process model by id (the id alone, ``_description``, when it has
    no name): made once per workbook, not searched for on each sheet."""
    names: dict[Any, str] = {}
    for p in doc.get("processes") or []:
        if isinstance(p.get("data"), dict) and p["data"].get("name"):
            names.setdefault(p.get("id"), f"{p['data']['name']} ({p.get('id')})")
    return names


def _description(w: SheetWriter, activity: Json, lang: str, processes: Mapping[Any, str]) -> None:
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
        process = activity["process"]
        w.field(_t("export.fields.process", lang), processes.get(process, process))


def _fiche(
    w: SheetWriter, doc: Json, activity: Json, lang: str, back: Link, parties: Mapping[Any, Json],
    processes: Mapping[Any, str],
) -> None:
    w.title(
        _t("export.workbook.sheet_title", lang).format(
            ref=activity.get("ref", ""), name=activity.get("name", "")
        )
    )
    w.nav(back)
    w.freeze("A3")
    _description(w, activity, lang, processes)
    _actors(w, doc, activity, lang, parties)
    _purposes(w, activity, lang)
    _categories(
        w,
        _t("cnil.sheet.data_categories", lang),
        activity.get("data_categories"),
        lang,
        "export.workbook.none",
        lambda: _art30(w, activity, "data_categories", lang),
    )
    _categories(
        w,
        _t("cnil.sheet.sensitive_data", lang),
        activity.get("sensitive_data"),
        lang,
        "export.workbook.none_sensitive",
        lambda: _art30(w, activity, "sensitive_data", lang),
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
        lambda: _art30(w, activity, "data_subjects", lang),
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
        lambda: _art30(w, activity, "recipients", lang),
    )
    _table(
        w,
        _t("cnil.sheet.security_measures", lang),
        [_t("cnil.sheet.security_type_col", lang), _t("cnil.sheet.details_col", lang)],
        _rows(activity.get("security_measures"), "type", "details"),
        lang,
        lambda: _art30(w, activity, "security_measures", lang),
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
        lambda: _art30(w, activity, "transfers", lang),
    )
    _legal_basis(w, activity, lang)
    if activity.get("dpia") is not None or not _is_processor(activity):
        _record(w, "cnil.sheet.dpia", activity.get("dpia"), DPIA_FIELDS, lang)  # the controller's (Art. 35)
    _cnil_items(w, activity, lang)
    if activity.get("notes"):
        w.section(_t("export.fields.notes", lang))
        for i, note in enumerate(activity["notes"], start=1):
            w.field(str(i), note)
    w.close(title_rows=(1, 1))


# --- Organisation and parties ----------------------------------------------------------------------


def _organisation(w: SheetWriter, doc: Json, lang: str) -> None:
    org = doc.get("organization", {})
    contacts = model.organisation_contacts(doc)
    w.section(_t("export.workbook.organisation_block", lang))

    def f(key: str) -> str:
        return _t(f"export.fields.{key}", lang)

    w.field(f("name"), org.get("name"))
    for key in ("legal_form", "registration_number", "activity", "employees"):
        if key in org:
            w.field(f(key), org[key])
    if "public_body" in org:
        w.field(f("public_body"), _t("common.yes" if org["public_body"] else "common.no", lang))
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

    def f(key: str) -> str:
        return _t(f"export.fields.{key}", lang)

    # Two tables, each starting with the party's name, rather than one too wide for a page:
    # who they are, then how to reach them.
    parties = doc.get("parties", [])
    tables: tuple[tuple[list[str], Callable[[Json], list[Any]]], ...] = (
        (
            [
                f("name"),
                f("kind"),
                f("id"),
                f("description"),
                f("registration_number"),
                _t("cnil.fields.address", lang),
                f("contract"),
            ],
            lambda p: [
                p.get("name"),
                label(p.get("kind")),
                p.get("id"),
                p.get("description"),
                p.get("registration_number"),
                model.address_line(p.get("address")),
                p.get("contract"),
            ],
        ),
        (
            [
                f("name"),
                _t("cnil.fields.email", lang),
                _t("cnil.fields.phone", lang),
                f("contact"),
                f("representative"),
                f("dpo"),
            ],
            lambda p: [
                p.get("name"),
                p.get("email"),
                p.get("phone"),
                model.person_line(p.get("contact")),
                model.person_line(p.get("representative")),
                model.person_line(p.get("dpo")),
            ],
        ),
    )
    for n, (headers, cells) in enumerate(tables):
        if n:
            w.next()
        w.header(headers)
        if not parties:
            w.cells([_t("export.workbook.none", lang)], first="ropa-text")
        for p in parties:
            w.cells(cells(p))
    w.close()


# --- The workbook ----------------------------------------------------------------------------------


def _is_processor(activity: Json) -> bool:
    return (activity.get("role") or {}).get("code") == "processor"


def _after(activities: Any, start: int) -> Any:
    """The activities from the ``start``-th on."""
    return activities.after(start) if isinstance(activities, model.Activities) else activities[start:]


def workbook(doc: Json, out: IO[bytes], *, fork: bool = False) -> int:
    """Write the workbook of a normalised register (``model.stream`` or ``model.normalise``)
    to ``out``.

    Two passes over the activities, each made when it is reached: the list sheets from what
    they show of each (``Export.summaries``), then each activity's sheet from the activity
    normalised. Each row is written as soon as it is complete and each sheet compressed as soon
    as it is finished, so memory does not grow with the number of activities; every entry of
    the zip file is dated 31 January 1980, so that the bytes depend on the register only. With
    ``fork``, a second process makes part of the activities' sheets (``xlsx_fork``: on Linux,
    for large registers), the bytes the same: returns how many sheets it made."""
    lang = str(doc.get("lang", i18n.DEFAULT_LANG))
    org_name = str(doc.get("organization", {}).get("name", ""))
    wb = _Workbook(out, {"strings_to_formulas": False})
    styles = Styles(wb, lang)
    taken: set[str] = set()
    list_name = sheet_name(_t("cnil.list.title", lang), taken)
    activities = doc.get("activities", [])
    summaries = doc.summaries() if isinstance(doc, model.Export) else activities
    has_processing = any(_is_processor(a) for a in summaries)
    processor_name = sheet_name(_t("export.sheets.processor_list", lang), taken) if has_processing else None
    parties_name = sheet_name(_t("export.sheets.parties", lang), taken)
    names = [sheet_name(f"{a.get('ref', '')} {a.get('name', '')}", taken) for a in summaries]
    del taken  # 10,000 names

    def sheet(name: str) -> RowSheet:
        ws = wb.add_worksheet(name, worksheet_class=RowSheet)
        if not isinstance(ws, RowSheet):
            raise TypeError(ws)
        return ws

    def listed(processor: bool) -> Iterator[tuple[Json, str]]:
        return ((a, name) for a, name in zip(summaries, names, strict=True) if _is_processor(a) == processor)

    _list_sheet(
        SheetWriter(sheet(list_name), LIST_WIDTHS, styles, len(_list_columns(lang))),
        doc,
        lang,
        _t("cnil.list.title", lang),
        _t("export.registers.controller", lang),
        listed(False),
    )
    if processor_name:
        _list_sheet(
            SheetWriter(sheet(processor_name), LIST_WIDTHS, styles, len(_list_columns(lang))),
            doc,
            lang,
            _t("export.sheets.processor_list", lang),
            _t("export.registers.processor", lang),
            listed(True),
            PROCESSOR_LIST,
        )
    back_own = Link(_t("export.workbook.back_to_list", lang), location=location(list_name))
    back_processor = Link(
        _t("export.workbook.back_to_processor_list", lang), location=location(processor_name or list_name)
    )
    parties, processes = _parties_by_id(doc), _process_names(doc)  # once, not once per sheet

    def fiche(activity: Json, name: str) -> None:
        back = back_processor if _is_processor(activity) else back_own
        _fiche(SheetWriter(sheet(name), FICHE_WIDTHS, styles), doc, activity, lang, back, parties, processes)

    forked = xlsx_fork.sheets(wb, activities, names, fiche, _after, fork=fork)
    _parties_sheet(SheetWriter(sheet(parties_name), PARTIES_WIDTHS, styles), doc, lang)

    # The document's date: SOURCE_DATE_EPOCH when set, else the register's own date
    # (``model.generated_at``), never the clock, so that the same register gives the same bytes.
    stamp = dt.datetime.fromisoformat(doc["generated_at"])  # (« …Z »: not strptime's 18 ms import)
    stamp = stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)  # never the local time
    wb.set_properties(
        {
            "title": xlsx_text(_t("export.workbook.title", lang).format(org=org_name)),
            "subject": _t("export.workbook.subject", lang),
            "author": f"ropa {__version__}",
            "keywords": "RGPD; GDPR; article 30",
            "created": stamp,
        }
    )
    wb.set_custom_property("Language", lang)
    wb.close()
    return forked


write = workbook


def render(doc: Json) -> bytes:
    """The XLSX file of a normalised register, as bytes."""
    buffer = io.BytesIO()
    workbook(doc, buffer)
    return buffer.getvalue()
