"""The XLSX made by two processes (``generator/export/xlsx_fork.py``) is the XLSX of one:
the same bytes, the sheets a second process made included, whether it made them all, or stopped
at a sheet this process then made itself (a format used for the first time, an error)."""

from __future__ import annotations

import io
import itertools
import os
import sys
from pathlib import Path

import pytest
from conftest import REPO
from export_registers import full_register

from generator.errors import ExportError
from generator.export import model, xlsx, xlsx_fork
from generator.export.xlsx import MAX_CELL_TEXT
from generator.lint.runner import load_register
from generator.load.register import Register
from generator.render.escape import FORMULA_TRIGGERS

sys.path.insert(0, str(REPO / "benchmarks"))
import synth


@pytest.fixture(autouse=True)
def every_register_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_fork, "MIN_SHEETS", 2)


def _registers(tmp: pytest.TempPathFactory) -> dict[str, Path]:
    triggers = itertools.cycle(FORMULA_TRIGGERS)
    synthetic = tmp.mktemp("synthetic")
    synth.make_register(synthetic, 24)
    return {
        "centrecall": REPO,
        "full": full_register(tmp.mktemp("full")),
        # every text formula-like: formats with Excel's quote prefix, made for the first time
        # in the second process's sheets
        "hostile": full_register(tmp.mktemp("hostile"), lambda s: f"{next(triggers)}{s}\x07"),
        "synthetic": synthetic,
    }


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Register]:
    found = {name: load_register(root) for name, root in _registers(tmp_path_factory).items()}
    assert all(reg.ok for reg in found.values())
    return found


def _workbook(doc: model.Json, fork: bool) -> tuple[bytes, int]:
    out = io.BytesIO()
    forked = xlsx.workbook(doc, out, fork=fork)
    return out.getvalue(), forked


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", ["centrecall", "full", "hostile", "synthetic"])
def test_two_processes_make_the_bytes_of_one(registers: dict[str, Register], name: str, lang: str) -> None:
    reg = registers[name]
    alone, none = _workbook(model.stream(reg, lang), fork=False)
    together, forked = _workbook(model.stream(reg, lang), fork=True)
    assert none == 0
    assert together == alone
    if name in ("centrecall", "synthetic"):  # no format first used in the second part
        assert forked == len(reg.activities) // 2
    with pytest.raises(ChildProcessError):  # the second process has been waited for
        os.waitpid(-1, os.WNOHANG)


def test_a_sheet_with_a_format_new_to_the_workbook_is_made_here(registers: dict[str, Register]) -> None:
    """A text that looks like a formula, first met in the second part (its format, with
    Excel's quote prefix, made and numbered there): the sheets from it on are this process's."""
    doc = model.normalise(registers["synthetic"], "fr")
    category = doc["activities"][-4]["data_categories"][0]["category"]
    category["label"] = "=1+1 " + category["label"]  # a row's label (its own format) quoted
    alone, _ = _workbook(doc, fork=False)
    together, forked = _workbook(doc, fork=True)
    assert together == alone
    assert forked == len(doc["activities"]) // 2 - 4


def test_the_sheets_from_a_failed_one_on_are_made_here(registers: dict[str, Register]) -> None:
    """A sheet the second process cannot make (a text longer than a cell) is made by this
    process, which raises the error one process raises."""
    doc = model.normalise(registers["synthetic"], "fr")
    doc["activities"][-3]["description"] = "x" * (MAX_CELL_TEXT + 1)
    with pytest.raises(ExportError) as alone:
        _workbook(doc, fork=False)
    with pytest.raises(ExportError) as together:
        _workbook(doc, fork=True)
    assert str(together.value) == str(alone.value)
    assert "longer than an Excel cell can hold" in str(alone.value)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_the_command_forks_and_gives_the_same_file(registers: dict[str, Register], tmp_path: Path) -> None:
    from generator import cli

    out = tmp_path / "registre.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--root", str(REPO), "-o", str(out)]) == 0
    alone, _ = _workbook(model.stream(registers["centrecall"], "fr"), fork=False)
    assert out.read_bytes() == alone
