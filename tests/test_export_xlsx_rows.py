"""The workbook's own row writer and packager (``xlsx_sheet``, ``xlsx_package``) give the bytes
XlsxWriter's constant-memory mode gives for the same cells, rows, merges, links and sheets."""

from __future__ import annotations

import datetime as dt
import gc
import io
import threading
import unittest.mock
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

import xlsxwriter
import xlsxwriter.workbook
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.export.xlsx import _greedy_lines, _lines, _word_lines
from generator.export.xlsx_package import DEFLATE_LEVEL, Workbook
from generator.export.xlsx_sheet import Hyperlink, RowSheet, Span

FORMATS = [
    {"bold": True},
    {"text_wrap": True, "valign": "top", "border": 1},
    {"num_format": "dd/mm/yyyy"},
    {"font_color": "#0563C1", "underline": 1},
    {"italic": True, "quote_prefix": True},
]
CREATED = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)

TEXTS = st.one_of(
    st.sampled_from(["", "texte", " espace", "fin ", "a\nb", "fin\n", "\u00a0insécable", "<b>&amp;</b> \"q\" 'a'",
                     "_x0041_", "_X00e9_ et _x12", "\x07 bip\x1f", "\ufffe\uffff", "tab\tulation", "=1+1",
                     "é€😀", "a" * 40000, "😀" * 16384 + "é"]),
    st.text(max_size=40),
).filter(lambda t: not (t.startswith("<r>") and t.endswith("</r>")))  # XlsxWriter's raw rich strings
TARGETS = st.one_of(
    st.sampled_from(["internal:'Liste des traitements'!A1", "internal:'RT-01 d''accueil'!B2",
                     "https://example.org/a?b=1&c=<2>", "mailto:dpo@example.org", "https://example.org/#frag",
                     "https://example.org/" + "x" * 2100]),
    st.builds(lambda s: f"https://example.org/{s}", st.text(max_size=30)),
)
VALUES = st.one_of(
    st.tuples(st.just("text"), TEXTS),
    st.tuples(st.just("blank"), st.none()),
    st.tuples(st.just("number"), st.one_of(st.integers(-(10**15), 10**15),
                                            st.floats(allow_nan=False, allow_infinity=False))),
    st.tuples(st.just("date"), st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 1, 1))),
    st.tuples(st.just("link"), st.tuples(TARGETS, TEXTS)),
    st.tuples(st.just("span"), st.integers(0, 5)),  # blanks from the cell's column to n more
)
ROW = st.tuples(
    st.integers(1, 3),  # rows skipped before this one, plus one
    st.one_of(st.none(), st.floats(0, 409), st.sampled_from([15.0, 20.0, 48.0, 0.2])),
    st.dictionaries(st.integers(0, 30), st.tuples(st.integers(0, len(FORMATS) - 1), VALUES), max_size=8),
    st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=2),
)
SHEETS = st.lists(st.lists(ROW, max_size=12), min_size=1, max_size=3)

Sheet = list[tuple[int, float | None, dict[int, tuple[int, tuple[str, Any]]], list[tuple[int, int]]]]

# A sheet's columns and print setup (``RowSheet._piece``); no column format: a sheet finished
# early numbers it before XlsxWriter would (the workbook's sheets have none).
SETUP = st.fixed_dictionaries({
    "widths": st.lists(st.sampled_from([None, 8.43, 12.7, 30.0]), max_size=4),
    "paper": st.sampled_from([0, 9]),
    "landscape": st.booleans(),
    "scale": st.sampled_from([100, 87, 55]),
    "margins": st.sampled_from([None, (0.4, 0.4, 0.6, 0.6), (0.7, 0.7, 0.75, 0.75)]),
    "footer": st.sampled_from([None, "&C&A — &P / &N", "&L<x> & \"y\""]),
    "header": st.sampled_from([None, "&CRegistre"]),
    "centered": st.booleans(),
    "gridlines": st.booleans(),
    "fit": st.booleans(),
    "freeze": st.sampled_from([None, (2, 0), (1, 1), (0, 3), (3, 2, 5, 4), "split"]),
    "select": st.sampled_from([None, "B5", "A1:C3"]),
    "zoom": st.sampled_from([100, 80]),
    "gridlines_shown": st.booleans(),
})
Setup = dict[str, Any]


def _set_up(ws: Any, setup: Setup) -> None:
    if isinstance(ws, RowSheet):
        ws.set_widths(setup["widths"])  # XlsxWriter's records, made once per set of widths
    else:
        for col, width in enumerate(setup["widths"]):
            if width is not None:
                ws.set_column(col, col, width)
    if setup["paper"]:
        ws.set_paper(setup["paper"])
    if setup["landscape"]:
        ws.set_landscape()
    ws.set_print_scale(setup["scale"])
    if setup["fit"]:
        ws.fit_to_pages(1, 0)
    if setup["margins"]:
        left, right, top, bottom = setup["margins"]
        ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    if setup["footer"]:
        ws.set_footer(setup["footer"], {"margin": 0.3})
    if setup["header"]:
        ws.set_header(setup["header"])
    if setup["select"]:
        ws.set_selection(setup["select"])
    if setup["freeze"] == "split":
        ws.split_panes(30, 20.5)
    elif setup["freeze"]:
        ws.freeze_panes(*setup["freeze"])
    ws.set_zoom(setup["zoom"])
    if not setup["gridlines_shown"]:
        ws.hide_gridlines(2)
    if setup["centered"]:
        ws.center_horizontally()
    if setup["gridlines"]:
        ws.hide_gridlines(0)


def _book(make: Callable[[io.BytesIO], Any], sheets: list[Sheet], rows: Callable[..., None],
          finish: Callable[[Any, Any], None], setups: list[Setup] | None = None) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # XlsxWriter's warning on a link too long: the cell left out
        return _written(make, sheets, rows, finish, setups or [])


def _written(make: Callable[[io.BytesIO], Any], sheets: list[Sheet], rows: Callable[..., None],
             finish: Callable[[Any, Any], None], setups: list[Setup]) -> bytes:
    out = io.BytesIO()
    book = make(out)
    formats = [book.add_format(spec) for spec in FORMATS]
    for n, sheet in enumerate(sheets):
        ws = book.add_worksheet(f"Feuille {n}", **({"worksheet_class": RowSheet} if isinstance(book, Workbook) else {}))
        ws.freeze_panes(1, 0)
        if setups:
            _set_up(ws, setups[n % len(setups)])
        row = -1
        for skip, height, cells, merges in sheet:
            row += skip
            rows(ws, row, height, {c: (formats[f], value) for c, (f, value) in _apart(cells).items()})
            ws.merge.extend((row, first, row, first + span) for first, span in merges)
        if n == 0:
            ws.repeat_rows(0)
        ws.print_area(0, 0, max(row, 0), 7)
        if n == 1:
            ws.autofilter(0, 0, max(row, 0), 3)
        finish(book, ws)
    book.set_properties({"title": "Registre", "created": CREATED})
    book.close()
    return out.getvalue()


def _apart(cells: dict[int, tuple[int, tuple[str, Any]]]) -> dict[int, tuple[int, tuple[str, Any]]]:
    """The cells without those under a span (a row has none there)."""
    kept, covered = {}, -1
    for col in sorted(cells):
        if col > covered:
            kept[col] = cells[col]
            kind, value = cells[col][1]
            covered = col + value if kind == "span" else covered
    return kept


class _ZipAtOurLevel(zipfile.ZipFile):
    """XlsxWriter's zip file, its entries deflated at our level (``DEFLATE_LEVEL``, where
    XlsxWriter takes zlib's default): the only byte ours may differ by."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, compresslevel=DEFLATE_LEVEL, **kwargs)


def xlsxwriters(sheets: list[Sheet], setups: list[Setup] | None = None) -> bytes:
    """The workbook as XlsxWriter writes it in constant-memory mode, through its own API
    (its zip deflated at our level)."""
    with unittest.mock.patch.object(xlsxwriter.workbook, "ZipFile", _ZipAtOurLevel):
        return _xlsxwriters(sheets, setups)


def _xlsxwriters(sheets: list[Sheet], setups: list[Setup] | None) -> bytes:

    def rows(ws: Any, row: int, height: float | None, cells: dict[int, tuple[Any, tuple[str, Any]]]) -> None:
        if height is not None:
            ws.set_row(row, height)
        for col in sorted(cells):
            fmt, (kind, value) = cells[col]
            if kind == "text":
                ws.write_string(row, col, value, fmt)
            elif kind == "blank":
                ws.write_blank(row, col, None, fmt)
            elif kind == "span":
                for under in range(col, col + value + 1):
                    ws.write_blank(row, under, None, fmt)
            elif kind == "number":
                ws.write_number(row, col, value, fmt)
            elif kind == "date":
                ws.write_datetime(row, col, value, fmt)
            else:
                ws.write_url(row, col, value[0], fmt, value[1])

    return _book(lambda out: xlsxwriter.Workbook(out, {"constant_memory": True}), sheets, rows, lambda b, w: None,
                 setups)


def ours(sheets: list[Sheet], setups: list[Setup] | None = None) -> bytes:
    """The same workbook written by ``RowSheet.add_row``, each sheet finished as it ends."""

    def rows(ws: RowSheet, row: int, height: float | None, cells: dict[int, tuple[Any, tuple[str, Any]]]) -> None:
        values: dict[int, Any] = {}
        for col, (fmt, (kind, value)) in cells.items():
            if kind == "date":
                value = ws.serial(value)
            elif kind == "link":
                value = Hyperlink(*value)
            elif kind == "span":
                value = Span(col + value)
            values[col] = (fmt, value)
        ws.add_row(row, values, height)

    return _book(Workbook, sheets, rows, lambda book, ws: book.finish_sheet(ws), setups)


@settings(deadline=None, max_examples=150)  # each example makes two workbooks
@given(SHEETS)
def test_rows_and_sheets_are_xlsxwriters_bytes(sheets: list[Sheet]) -> None:
    _same_bytes(sheets)


@settings(deadline=None, max_examples=100)
@given(SHEETS, st.lists(SETUP, min_size=1, max_size=3))
def test_columns_and_print_setups_are_xlsxwriters_bytes(sheets: list[Sheet], setups: list[Setup]) -> None:
    """Each sheet's columns and print setup are written from what an earlier sheet (of this
    example or another) of the same setup wrote, never from another setup's."""
    _same_bytes(sheets, setups)


def _same_bytes(sheets: list[Sheet], setups: list[Setup] | None = None) -> None:
    expected = xlsxwriters(sheets, setups)
    found = ours(sheets, setups)
    if found != expected:  # name the first part that differs
        with zipfile.ZipFile(io.BytesIO(expected)) as a, zipfile.ZipFile(io.BytesIO(found)) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                assert (name, b.read(name).decode()) == (name, a.read(name).decode())
                assert (name, b.getinfo(name).external_attr, b.getinfo(name).date_time) == (
                    name, a.getinfo(name).external_attr, a.getinfo(name).date_time)
    assert found == expected


def test_a_format_first_used_in_a_sheets_last_row_is_numbered_as_xlsxwriter_does() -> None:
    """XlsxWriter writes each sheet's last row when the workbook closes, after every other
    sheet's rows: a format first used there is numbered after theirs."""
    late = [(1, None, {0: (0, ("text", "titre"))}, []), (1, None, {1: (4, ("text", "=dernière"))}, [])]
    early = [(1, None, {0: (0, ("text", "titre")), 2: (3, ("text", "lien"))}, [])]
    sheets = [late, early, late]
    assert ours(sheets) == xlsxwriters(sheets)


def test_a_text_like_a_rich_string_is_kept_as_text() -> None:
    """XlsxWriter writes ``<r>…</r>`` as raw XML; the workbook keeps it as the text it is."""
    text = "<r><t>injecté</t></r><r>x</r>"
    data = ours([[(1, None, {0: (0, ("text", text)), 1: (0, ("text", "<r>a & b</r>"))}, [])]])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [sheet["A1"].value, sheet["B1"].value] == [text, "<r>a & b</r>"]


def test_a_sheet_longer_than_a_megabyte_of_xml_is_whole() -> None:
    """The rows past ``xlsx_sheet.SPILL`` characters wait in a temporary file: all are there."""
    text = "Finalité du traitement n° "
    cells = {c: (1, ("text", f"{text}{c}")) for c in range(8)} | {8: (2, ("span", 3))}
    sheet = [(1, None, cells, [(0, 2)]) for _ in range(6000)]
    data = ours([sheet])
    assert data == xlsxwriters([sheet])
    rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].values)
    assert len(rows) == 6000 and rows[-1][7] == f"{text}7"


def _deflaters() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ropa-xlsx-deflate"]


def test_the_second_thread_ends_with_its_workbook_closed_or_dropped() -> None:
    sheets: list[Sheet] = [[(1, None, {0: (0, ("text", "titre"))}, [])]] * 3
    ours(sheets)
    assert not _deflaters()
    book = Workbook(io.BytesIO())
    book.finish_sheet(book.add_worksheet("Feuille", worksheet_class=RowSheet))
    book.store.wait()  # the part handed over to be compressed: a thread
    (thread,) = _deflaters()
    del book
    gc.collect()
    thread.join(timeout=10)
    assert not thread.is_alive()


WORDS = st.lists(st.text(alphabet="aé-…😀", min_size=1, max_size=70), min_size=1, max_size=30)


@settings(deadline=None, max_examples=400)
@given(WORDS, st.integers(1, 60))
def test_a_rows_lines_counted_a_line_at_a_time_are_those_counted_a_word_at_a_time(words: list[str], chars: int) -> None:
    """``_greedy_lines`` (the line of a wrapped cell from one space to the last that fits) gives
    ``_word_lines``' count (word after word) for a paragraph of words one space apart, words
    longer than a line included; ``_lines`` takes either, whatever the spaces."""
    part = " ".join(words)
    assert _greedy_lines(part, chars) == _word_lines(part, chars)
    spaced = "  ".join(words) + " "
    assert _lines(f"{part}\n{spaced}", chars) == _word_lines(part, chars) + _word_lines(spaced, chars)
