"""Rows that come again (``SheetWriter.recurring``): written from the XML of their first
occurrence, the workbook's bytes are those of every row built cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import sys
from pathlib import Path

import pytest
from conftest import REPO
from export_registers import full_register

from generator.export import model, xlsx, xlsx_sheet
from generator.lint.runner import load_register
from generator.load.register import Register
from generator.render.escape import FORMULA_TRIGGERS

sys.path.insert(0, str(REPO / "benchmarks"))
import synth


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Register]:
    triggers = itertools.cycle(FORMULA_TRIGGERS)
    synthetic = tmp_path_factory.mktemp("synthetic")
    synth.make_register(synthetic, 40)
    roots: dict[str, Path] = {
        "centrecall": REPO,
        "full": full_register(tmp_path_factory.mktemp("full")),
        "hostile": full_register(tmp_path_factory.mktemp("hostile"), lambda s: f"{next(triggers)}{s}\x07"),
        "synthetic": synthetic,
    }
    found = {name: load_register(root) for name, root in roots.items()}
    assert all(reg.ok for reg in found.values())
    return found


def _bytes(reg: Register, lang: str) -> bytes:
    out = io.BytesIO()
    xlsx.workbook(model.stream(reg, lang), out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", ["centrecall", "full", "hostile", "synthetic"])
def test_remembered_rows_give_the_bytes_of_rows_built_again(
    registers: dict[str, Register], name: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = registers[name]
    used = 0
    add_template = xlsx_sheet.RowSheet.add_template

    def counted(self: xlsx_sheet.RowSheet, row: int, template: xlsx_sheet.Template) -> None:
        nonlocal used
        used += 1
        add_template(self, row, template)

    monkeypatch.setattr(xlsx_sheet.RowSheet, "add_template", counted)
    remembered = _bytes(reg, lang)
    assert used > 10 * len(reg.activities)  # the sections and headers of every sheet at least
    monkeypatch.setattr(xlsx, "row_key", lambda *values: None)  # nothing remembered
    used = 0
    assert _bytes(reg, lang) == remembered
    assert used == 0


def test_a_small_memory_gives_the_same_bytes(
    registers: dict[str, Register], monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = registers["synthetic"]
    remembered = _bytes(reg, "fr")
    monkeypatch.setattr(xlsx, "MAX_TEMPLATES", 3)
    assert _bytes(reg, "fr") == remembered
    monkeypatch.setattr(xlsx, "MAX_TEMPLATES", 1)
    assert _bytes(reg, "fr") == remembered


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (True, 1),  # a blank cell, a number
        (1, 1.0),
        (dt.date(2026, 1, 1), dt.datetime(2026, 1, 1)),
        ("1", 1),
        (None, ""),
    ],
)
def test_values_equal_to_python_but_not_to_excel_are_rows_apart(one: object, other: object) -> None:
    assert xlsx.row_key("field", "Libellé", one) != xlsx.row_key("field", "Libellé", other)


def test_rows_never_remembered(registers: dict[str, Register]) -> None:
    assert xlsx.row_key("cells", "ropa-label", xlsx.Link("Ouvrir", url="https://example.org")) is None
    assert xlsx.row_key("field", "Notes", ["une", "liste"]) is None
    assert xlsx.row_key("field", "Description", "x") is not None


def test_a_long_row_is_not_remembered() -> None:
    """A row of long texts (a description) seldom comes twice: its XML is not kept."""
    out = io.BytesIO()
    wb = xlsx._Workbook(out, {"strings_to_formulas": False})
    styles = xlsx.Styles(wb, "fr")
    w = xlsx.SheetWriter(wb.add_worksheet("Fiche", worksheet_class=xlsx_sheet.RowSheet), xlsx.FICHE_WIDTHS, styles)
    w.field("Description", "x" * xlsx.MAX_TEMPLATE_XML)
    w.field("Court", "x")
    assert [key[2] for key in w.templates.new] == [("Court", "x", None)]
    w.close()
    wb.close()
    assert out.getvalue().startswith(b"PK")
