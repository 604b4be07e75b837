"""The one register model (generator/model): the site, the workbook and the CSV list the same
« Acteurs » for every sheet, and one page generation builds each process model once."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import REPO
from openpyxl import load_workbook
from test_export_xlsx import activity_sheet, sections

from generator.export import Options, render
from generator.export.csv_export import LIST_SEPARATOR
from generator.lint.runner import load_register
from generator.load.register import Register
from generator.model import actors as model_actors
from generator.model.process import ProcessModel
from generator.model.register import build
from generator.render import i18n, mermaid, swimlane
from generator.site import pages


@pytest.fixture(scope="module")
def reg() -> Register:
    found = load_register(REPO)
    assert found.ok, [d.text() for d in found.diagnostics]
    return found


def unescape(text: str) -> str:
    """Markdown cell text as read: the escaping backslashes removed."""
    return re.sub(r"\\(.)", r"\1", text)


def site_actors(sheet: str) -> list[tuple[str, str]]:
    """``(role, « name — contact »)`` for each row of the page's « Acteurs » table."""
    section = sheet.split("{: #actors }", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # the header row
    out = []
    for row in rows:
        if row.startswith("| ---"):
            continue
        role, who = (unescape(c.strip()) for c in row.strip("|").split(" | ")[:2])
        name, *lines = who.split("<br>")
        contact = " ".join(line for line in lines if not line.startswith("*"))  # not the contract line
        out.append((role, " — ".join(p for p in (name.strip("*"), contact) if p)))
    return out


def xlsx_actors(book: Any, ref: str) -> list[tuple[str, str]]:
    """``(role, Nom)`` for each filled row of the sheet's « Acteurs » section."""
    rows = next(v for k, v in sections(activity_sheet(book, ref)).items() if k in ("Acteurs", "Actors"))
    contract = ("Contrat art. 28 — ", "Art. 28 contract — ")  # the contract rows that follow
    return [(str(r[0]), str(r[1])) for r in rows[1:] if r[1] and not str(r[0]).startswith(contract)]


def csv_actors(row: dict[str, str], lang: str) -> dict[str, list[str]]:
    """``{role: [lines]}``: the CSV's actor columns of one activity, the empty ones left out."""
    return {i18n.t(label, lang): row[key].split(LIST_SEPARATOR)
            for key, label in model_actors.SLOTS if row.get(key)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_site_workbook_and_csv_list_the_same_actors(reg: Register, lang: str) -> None:
    site = pages.generate(reg, lang)
    book = load_workbook(io.BytesIO(render(reg, Options("xlsx", lang))))
    table = list(csv.DictReader(io.StringIO(render(reg, Options("csv", lang, header="keys")).decode("utf-8"))))
    rows = {r["id"]: r for r in table}
    model = build(reg)
    assert len(model.activities) == 5
    for activity in model.activities:
        on_site = site_actors(site[pages.sheet_path(activity, lang)])
        assert len(on_site) >= 3, (activity.id, on_site)
        assert xlsx_actors(book, activity.ref) == on_site, (lang, activity.id)
        in_csv = csv_actors(rows[activity.id], lang)
        grouped: dict[str, list[str]] = {}
        for role, text in on_site:
            grouped.setdefault(role, []).append(text)
        assert list(in_csv) == sorted(grouped, key=list(in_csv).index)  # the same roles
        assert set(in_csv) == set(grouped), (lang, activity.id)
        for role, texts in grouped.items():
            found = in_csv[role]
            assert len(found) == len(texts) and all(line.startswith(text) for line, text in zip(found, texts, strict=False)), (
                lang, activity.id, role, found, texts)


def test_a_person_is_worded_once(reg: Register) -> None:
    site = pages.generate(reg, "fr")["activites/gestion-personnel-paie.md"]
    assert ("Délégué à la protection des données", "M. Julien Morel, Délégué à la protection des données") in (
        site_actors(site))


def _counting(target: Any, name: str, counter: list[int]) -> Callable[..., Any]:
    original = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counter.append(1)
        return original(*args, **kwargs)

    return wrapper


def count_process_models(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time a ``ProcessModel`` is built, from now on."""
    built: list[int] = []
    original = ProcessModel.from_data.__func__  # type: ignore[attr-defined]

    def from_data(cls: type[ProcessModel], data: Any) -> ProcessModel:
        built.append(1)
        model: ProcessModel = original(cls, data)
        return model

    monkeypatch.setattr(ProcessModel, "from_data", classmethod(from_data))
    return built


def test_one_page_generation_builds_each_process_model_and_diagram_once(
    reg: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = count_process_models(monkeypatch)
    flowcharts: list[int] = []
    dataflows: list[int] = []
    monkeypatch.setattr(swimlane, "process_diagram", _counting(swimlane, "process_diagram", flowcharts))
    monkeypatch.setattr(mermaid, "dataflow", _counting(mermaid, "dataflow", dataflows))
    from generator.load.register import read_register

    generated = pages.generate(read_register(REPO), "fr")  # a fresh register: nothing built yet
    process_files = sorted((REPO / "processes").glob("*.yaml"))
    assert len(process_files) == 4
    assert len(built) == len(process_files)
    assert len(flowcharts) == len(process_files)
    assert len(dataflows) == len([p for p in generated if p.startswith("activites/")]) == 5


def test_checks_and_pages_together_build_each_process_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """What one ``ropa build`` does in one process: the checks, then the pages and the downloads
    from the one register model; each process model is built once in all."""
    from generator import export
    from generator.lint.runner import load_register
    from generator.model import register as register_model

    built = count_process_models(monkeypatch)
    checked = load_register(REPO)
    rm = register_model.build(checked)
    pages.generate(checked, "fr", model=rm)
    export.site_downloads(checked, "fr", register_model=rm)
    assert len(built) == len(sorted((REPO / "processes").glob("*.yaml"))) == 4
