"""A worksheet written row by row as XML, the same XML XlsxWriter writes in constant-memory mode.

XlsxWriter's way to a cell, at a workbook's 450,000 cells per 1,000 activities, is most of the
time an export takes: each ``write_*`` call checks its arguments, stores a tuple in the sheet's
table, and the row is turned into XML attribute by attribute when the next one begins. Here a
row is given whole (``RowSheet.add_row``: its cells by column, each a format and a value) and
turned into XML at once, with what XlsxWriter does for those cells and that row, in the same
order: the sheet's dimensions, the ``<row>`` element (its height as ``set_row`` stores it), the
inline strings escaped as ``_write_cell`` does (control characters as ``_xHHHH_``, ``&<>``,
``xml:space`` for edge spaces), numbers and dates as ``<v>`` with Excel's 16 digits. Links go
through XlsxWriter's own ``_write_url`` (it records the link the sheet lists after its rows).

One difference, on purpose: XlsxWriter writes a text that begins with ``<r>`` and ends with
``</r>`` as raw XML (its rich strings, in constant-memory mode); a register's text is always
escaped, whatever it looks like.

The rows wait in memory, or in a temporary file past ``SPILL`` characters (the list sheets at
10,000 activities), until the sheet is assembled: its ``<dimension>`` comes before its rows and
is known only after the last.
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, NamedTuple

from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import ColumnInfo, Worksheet

from generator.errors import ExportError


class Hyperlink(NamedTuple):
    """A link's cell: ``target`` as XlsxWriter's ``write_url`` takes it (``internal:`` for a
    place in the workbook), ``text`` what the cell shows."""

    target: str
    text: str


class Span(NamedTuple):
    """Formatted blanks from a cell's column to column ``last``: the cells under a merged
    range (Excel draws the range's borders from them). No other cell of the row may be there.
    """

    last: int


Value = str | float | Hyperlink | Span | None
"""A cell's value: a text, a number (a date is the serial number Excel keeps), a link, blanks
(a ``Span``), or None for a formatted blank."""
Cell = tuple[Format, Value]


class Template(NamedTuple):
    """A row that comes again (the same labels, values and formats on many sheets), as
    ``RowSheet.add_recurring`` wrote it: its XML in the pieces around its number (joined by
    the number of the row it is written on), their characters, its first and last columns,
    and its height as ``set_row`` takes it."""

    pieces: tuple[str, ...]
    size: int
    first: int
    last: int
    height: float | None


SPILL = 1 << 20
"""Characters of row XML a sheet keeps in memory before it moves them to a temporary file."""

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
"""What XlsxWriter's ``_escape_control_characters`` changes: a text without any is left as it is."""


class _Rows:
    """The XML of a sheet's rows in order, in memory up to ``SPILL`` characters, then in a
    temporary file (unnamed: nothing to remove)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.spool: IO[str] | None = None

    def add(self, xml: str) -> None:
        self.parts.append(xml)
        self.size += len(xml)
        if self.size > SPILL:
            if self.spool is None:
                # Open until the sheet is assembled (``close``), across calls: no ``with``.
                self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
            self.spool.write("".join(self.parts))
            self.parts, self.size = [], 0

    def chunks(self) -> Iterator[str]:
        if self.spool is not None:
            self.spool.seek(0)
            while data := self.spool.read(SPILL):
                yield data
        yield "".join(self.parts)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
        self.parts, self.size, self.spool = [], 0, None


_COLUMNS = tuple(xl_col_to_name(col) for col in range(64))


def _column(col: int) -> str:
    """A column's letters (``0`` → ``A``)."""
    return _COLUMNS[col] if col < 64 else xl_col_to_name(col)


_escape_controls: Any = Worksheet._escape_control_characters
"""XlsxWriter's ``_xHHHH_`` escapes (of control characters, and of texts that look like one)."""


_BLANKS: dict[tuple[int, int, int], tuple[str, ...]] = {}


def _blanks(first: int, last: int, style: int) -> tuple[str, ...]:
    """The XML of blanks of format ``style`` from column ``first`` to ``last``, in the pieces
    around the row's number (the same few spans come on every sheet)."""
    found = _BLANKS.get((first, last, style))
    if found is None:
        found = _BLANKS[(first, last, style)] = tuple(
            "".join(f'<c r="{_column(col)}\0" s="{style}"/>' for col in range(first, last + 1)).split("\0")
        )
    return found


def _number(fmt: Any) -> int:
    """The format's number in the workbook's styles, given on first use (XlsxWriter's)."""
    number: int = fmt._get_xf_index()
    return number


def _inline_text(text: str) -> str:
    """What follows a text cell's reference and style: ``t="inlineStr"><is><t>…</t></is></c>``.

    The same steps as XlsxWriter's, each skipped when plain tests show it has nothing to do
    (most texts are printable, with no ``_x``, no ``&<>`` and no space at either end)."""
    if ("_x" in text or not text.isprintable()) and _CONTROL.search(text):
        text = _escape_controls(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f't="inlineStr"><is><t{space}>{text}</t></is></c>'


REMEMBERED_TEXT = 300
"""Texts up to this length have their XML remembered (``_remembered_text``): the same labels, headers
and captions come on every sheet; a longer text (a description) seldom comes twice."""

_remembered_text = functools.lru_cache(maxsize=1024)(_inline_text)
"""``_inline_text`` of the last thousand short texts (under a megabyte)."""


MAX_PIECES = 256
_PIECES: dict[tuple[Any, ...], str] = {}
"""The XML of the sheets' columns, views and print setup, by what it is made of (``RowSheet._piece``):
a handful of kinds of sheets, each the same on every sheet of its kind."""
_COLUMN_INFO: dict[tuple[Any, ...], dict[int, ColumnInfo]] = {}
"""XlsxWriter's records of a sheet's columns, by their widths (``RowSheet.set_widths``)."""


class RowSheet(Worksheet):
    """A worksheet filled by ``add_row``, one row at a time, top to bottom, in a workbook
    opened without XlsxWriter's constant-memory mode (no temporary file per sheet) and never
    given a cell by its ``write_*`` methods (its shared strings stay empty)."""

    def _initialize(self, init_data: dict[str, Any]) -> None:
        super()._initialize(init_data)
        self.ignore_write_string = True  # ``_write_url`` records the link; its cell is ours
        self.rows = _Rows()
        self.pending: tuple[int, Mapping[int, Cell], float | None] | None = None
        self.row_attributes: dict[tuple[float | None, int, int], str] = {}  # by height and defaults

    def serial(self, date: Any) -> float:
        """A date or time as the number Excel keeps (XlsxWriter's ``write_datetime``)."""
        sheet: Any = self
        number: float = sheet._convert_date_time(date)
        return number

    def add_row(
        self, row: int, cells: Mapping[int, Cell], height: float | None = None, *, links: bool = True
    ) -> None:
        """Write row ``row`` (0-based, below every row written so far): ``cells`` by column,
        ``height`` in points as ``set_row`` takes it (None: the default height); ``links``
        False says that no cell is a ``Hyperlink`` (no need to look).

        What XlsxWriter's ``set_row`` and ``write_*`` do at once is done here (the sheet's
        dimensions, the links recorded); the row is turned into XML when the next row with a
        cell comes, or by ``flush`` (the last), as in XlsxWriter's constant-memory mode: each
        format gets its number (``_get_xf_index``) when its first cell is turned into XML, and
        each sheet's last row is turned into XML only when the workbook closes. A row without a
        cell (or whose links are all too long: no cell) is left out, its height with it, but
        on the first row, the one XlsxWriter starts on."""
        last = max(cells) if cells else -1
        self._check_row(row, last)
        if height is not None:  # ``set_row``
            self._dimension(row, self.dim_colmin if self.dim_colmin is not None else 0)
        if cells:
            value = cells[last][1]
            self._extent(row, min(cells), value.last if type(value) is Span else last)
            if links and any(type(value) is Hyperlink for _, value in cells.values()):
                cells = dict(self._linked(row, cells))
        if cells:
            if self.pending is not None:
                self._row_xml(*self.pending)
            self.pending = (row, cells, height)
        elif row == 0 and height is not None:
            self.pending = (row, cells, height)

    def _check_row(self, row: int, last: int) -> None:
        """Refuse row ``row`` (0-based) whose last cell is in column ``last``, beyond Excel's
        last row or column."""
        if row >= self.xls_rowmax or last >= self.xls_colmax:
            raise ExportError(f"sheet '{self.name}': row {row + 1} is beyond Excel's last row or column")

    def _linked(self, row: int, cells: Mapping[int, Cell]) -> Iterator[tuple[int, Cell]]:
        """The cells with each link recorded (XlsxWriter's ``write_url``) and its text in its
        cell; no cell for a link longer than Excel takes."""
        for col, (fmt, value) in cells.items():
            if type(value) is Hyperlink:
                if self._write_url(row, col, value.target, fmt, value.text):
                    continue
                value = self.hyperlinks[row][col].text
            yield col, (fmt, value)

    def flush(self) -> None:
        """Turn the last row written into XML."""
        if self.pending is not None:
            row, cells, height = self.pending
            self.pending = None
            self._row_xml(row, cells, height)

    def numbered(self) -> bool:
        """Whether every format of the last row written has its number already: the sheet can
        then be assembled without changing the formats' numbers."""
        return self.pending is None or all(fmt.xf_index is not None for fmt, _ in self.pending[1].values())

    def add_recurring(self, row: int, cells: Mapping[int, Cell], height: float | None = None) -> Template | None:
        """``add_row`` of a row without links that may come again, on this sheet or another
        of the workbook: it is turned into XML at once, and its ``Template`` returned (None for
        a row without a cell). The formats are numbered in the same order as by ``add_row``:
        the row before is turned into XML first."""
        self.add_row(row, cells, height, links=False)
        if self.pending is None or self.pending[0] != row or not cells:
            return None
        self.pending = None
        # A NUL character where the number goes: XML text never holds one (XlsxWriter writes
        # it ``_x0000_``).
        xml = self._row_text(row, "\0", cells, height)
        pieces = tuple(xml.split("\0"))
        self.rows.add(str(row + 1).join(pieces))
        last = max(cells)
        value = cells[last][1]
        return Template(pieces, len(xml), min(cells), value.last if type(value) is Span else last, height)

    def add_template(self, row: int, template: Template) -> None:
        """Write row ``row`` as ``add_recurring`` wrote the row of ``template``: what
        ``add_row`` does for it (the dimensions, the row before turned into XML), and its XML
        with this row's number."""
        first, last = template.first, template.last
        if row >= self.xls_rowmax or last >= self.xls_colmax:  # the cheap test first: a hit is most rows
            self._check_row(row, last)
        if template.height is not None:
            self._dimension(row, self.dim_colmin if self.dim_colmin is not None else 0)
        self._extent(row, first, last)
        if self.pending is not None:
            self._row_xml(*self.pending)
            self.pending = None
        self.rows.add(str(row + 1).join(template.pieces))

    def _row_xml(self, row: int, cells: Mapping[int, Cell], height: float | None) -> None:
        self.rows.add(self._row_text(row, str(row + 1), cells, height))

    def _row_text(self, row: int, number: str, cells: Mapping[int, Cell], height: float | None) -> str:
        """The XML of row ``row``, numbered ``number`` (a NUL character for a ``Template``)."""
        xml = []
        covered = -1
        strmax = self.xls_strmax
        for col in sorted(cells):
            if col <= covered:
                raise ValueError(f"sheet '{self.name}': cell {_column(col)}{row + 1} is under a span")
            fmt, value = cells[col]
            style = fmt.xf_index
            if style is None:
                style = _number(fmt)
            letters = _COLUMNS[col] if col < 64 else xl_col_to_name(col)
            if type(value) is str:  # most cells
                size = len(value)
                if size <= REMEMBERED_TEXT:
                    xml.append(f'<c r="{letters}{number}" s="{style}" {_remembered_text(value)}')
                    continue
                if size > strmax // 2 and _utf16_len(value) > strmax:
                    value = _utf16_truncate(value, strmax)
                xml.append(f'<c r="{letters}{number}" s="{style}" {_inline_text(value)}')
            elif type(value) is Span:
                covered = value.last
                xml.append(number.join(_blanks(col, covered, style)))
            elif value is None:
                xml.append(f'<c r="{letters}{number}" s="{style}"/>')
            else:
                xml.append(f'<c r="{letters}{number}" s="{style}"><v>{value:.16G}</v></c>')
        key = (height, self.default_row_height, self.excel_version)
        attributes = self.row_attributes.get(key)
        if attributes is None:
            attributes = self.row_attributes[key] = self._row_attributes(height)
        if xml:
            return f'<row r="{number}"{attributes}>{"".join(xml)}</row>'
        return f'<row r="{number}"{attributes}/>'

    def _row_attributes(self, height: float | None) -> str:
        """The attributes of a ``<row>`` after its number, for a row of ``height`` (None: the
        default), as XlsxWriter writes them."""
        pixels, hidden = self.default_row_height, False
        if height is not None:  # a row of no height is hidden
            pixels = int(height * 4.0 / 3.0 + 0.5)
            hidden = pixels == 0
            if hidden:
                pixels = self.default_row_height
        attributes = ""
        custom = pixels != self.original_row_height or pixels != self.default_row_height
        if custom:
            attributes += f' ht="{pixels * 0.75:.16g}"'
        if hidden:
            attributes += ' hidden="1"'
        if custom:
            attributes += ' customHeight="1"'
        if self.excel_version == 2010:
            attributes += ' x14ac:dyDescent="0.25"'
        return attributes

    def _dimension(self, row: int, col: int) -> None:
        """XlsxWriter's ``_check_dimensions``: the sheet's extent, for its ``<dimension>``."""
        self._extent(row, col, col)

    def _extent(self, row: int, first: int, last: int) -> None:
        """``_dimension`` of the cells of row ``row`` from column ``first`` to ``last``."""
        dims: Any = self  # XlsxWriter declares its dimensions as None only
        if dims.dim_rowmin is None or row < dims.dim_rowmin:
            dims.dim_rowmin = row
        if dims.dim_rowmax is None or row > dims.dim_rowmax:
            dims.dim_rowmax = row
        if dims.dim_colmin is None or first < dims.dim_colmin:
            dims.dim_colmin = first
        if dims.dim_colmax is None or last > dims.dim_colmax:
            dims.dim_colmax = last

    def set_widths(self, widths: Sequence[float | None]) -> None:
        """``set_column(col, col, width)`` of each column from the first (None: the column is
        left as it is), on a sheet whose columns are not set yet. XlsxWriter's records of the
        columns are made once for each set of widths, and shared by every sheet that has them:
        nothing changes a record but ``autofit``, which these sheets refuse."""
        if self.col_info:
            raise ValueError(f"sheet '{self.name}': its columns are set already")
        key = (tuple(widths), self.max_digit_width, self.cell_padding)
        found = _COLUMN_INFO.get(key)
        if found is None:
            for col, width in enumerate(widths):
                if width is not None:
                    self.set_column(col, col, width)
            if len(_COLUMN_INFO) < MAX_PIECES:
                _COLUMN_INFO[key] = dict(self.col_info)
            return
        if found:
            self.col_info.update(found)
            self.col_size_changed = True

    def autofit(self, max_width: int | None = None) -> None:
        """Refused: XlsxWriter's ``autofit`` changes the records of the columns, which these
        sheets share (``set_widths``)."""
        raise ValueError(f"sheet '{self.name}': no autofit (its columns' records are shared)")

    # The sheet's views, print setup and columns, the same on sheet after sheet: XlsxWriter's XML of
    # each, made once for each set of the attributes it reads (every attribute XlsxWriter
    # 3.3.1's method reads is in its key).

    def _write_cols(self) -> None:
        if any(info.column_format is not None for info in self.col_info.values()):
            super()._write_cols()
            return
        self._piece(super()._write_cols, (
            "cols", self.default_col_width, self.max_digit_width,
            tuple((col, i.width, i.hidden, i.level, i.collapsed, i.autofit) for col, i in sorted(self.col_info.items())),
        ))

    def _write_print_options(self) -> None:
        self._piece(super()._write_print_options, (
            "printOptions", self.print_options_changed, self.hcenter, self.vcenter, self.print_headers,
            self.print_gridlines,
        ))

    def _write_page_margins(self) -> None:
        self._piece(super()._write_page_margins, (
            "pageMargins", self.margin_left, self.margin_right, self.margin_top, self.margin_bottom,
            self.margin_header, self.margin_footer,
        ))

    def _write_page_setup(self) -> None:
        self._piece(super()._write_page_setup, (
            "pageSetup", self.page_setup_changed, self.paper_size, self.print_scale, self.fit_page, self.fit_width,
            self.fit_height, self.page_order, self.page_start, self.orientation, self.black_white,
            self.is_chartsheet, self.horizontal_dpi, self.vertical_dpi,
        ))

    def _write_header_footer(self) -> None:
        self._piece(super()._write_header_footer, (
            "headerFooter", self.header_footer_scales, self.header_footer_aligns, self.header_footer_changed,
            self.header, self.footer, self.excel2003_style,
        ))

    def _write_sheet_views(self) -> None:
        # (a sheet is assembled once: the selections ``_write_freeze_panes`` rewrites are not
        # read again; the panes and selections by their ``repr``, which tells 2 from 2.0)
        self._piece(super()._write_sheet_views, (
            "sheetViews", self.screen_gridlines, self.row_col_headers, self.show_zeros, self.is_right_to_left,
            self.selected, self.outline_on, self.page_view, self.top_left_cell, self.zoom, self.zoom_scale_normal,
            self.is_chartsheet, self.zoom_to_fit, repr(self.panes), repr(self.selections),
        ))

    def _piece(self, write: Callable[[], None], key: tuple[Any, ...]) -> None:
        """What ``write`` writes, remembered under ``key`` (which holds all it reads)."""
        found = _PIECES.get(key)
        out: Any = self.fh
        if found is None:
            buffer = io.StringIO()
            self._set_filehandle(buffer)
            try:
                write()
            finally:
                self._set_filehandle(out)
            found = buffer.getvalue()
            if len(_PIECES) < MAX_PIECES:
                _PIECES[key] = found
        out.write(found)

    def _write_merge_cells(self) -> None:
        """XlsxWriter's ``<mergeCells>`` element, written without its per-attribute escaping
        (a range holds nothing to escape)."""
        if not self.merge:
            return
        refs = "".join(
            f'<mergeCell ref="{_column(c1)}{r1 + 1}:{_column(c2)}{r2 + 1}"/>' for r1, c1, r2, c2 in self.merge
        )
        fh: Any = self.fh
        fh.write(f'<mergeCells count="{len(self.merge)}">{refs}</mergeCells>')

    def _write_sheet_data(self) -> None:
        """The ``<sheetData>`` element: the rows written, as XlsxWriter's constant-memory mode
        copies them from its temporary file."""
        self.flush()
        if self.dim_rowmin is None:
            self._xml_empty_tag("sheetData")
            return
        self._xml_start_tag("sheetData")
        for chunk in self.rows.chunks():
            self.fh.write(chunk)
        self.rows.close()
        self._xml_end_tag("sheetData")
