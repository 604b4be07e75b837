"""The process pages (processus/*.md) for CentreCall's register: golden files in French and in
English (tests/golden/process/<lang>/), and what a DPO reads on them. After an intended change,
regenerate with ``ROPA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_process_pages.py``
and review the diff."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import REPO, copy_register
from test_mermaid import HOSTILE, hostile_process, normalise

from generator.lint.runner import load_register
from generator.model.process import ProcessModel
from generator.render import swimlane
from generator.render.escape import md
from generator.site import pages, processes

GOLDEN = Path(__file__).resolve().parent / "golden" / "process"
UPDATE = os.environ.get("ROPA_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def reg() -> Any:
    loaded = load_register(REPO)
    assert loaded.ok, [d.text() for d in loaded.diagnostics]
    return loaded


def process_pages(reg: Any, lang: str) -> dict[str, str]:
    """The pages of the process builder alone (other builders' work does not reach them)."""
    made = processes.process_pages(pages.Context(reg, lang))
    return {p.partition("/")[2]: text for p, text in made.items()}  # in processus/ (processes/ in English)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_process_pages_match_golden(reg: Any, lang: str) -> None:
    generated = process_pages(reg, lang)
    folder = GOLDEN / lang
    if UPDATE:
        for old in folder.glob("*.md"):
            old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in generated.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert sorted(generated) == sorted(expected), "pages added or removed: regenerate with ROPA_UPDATE_GOLDEN=1"
    for name, text in generated.items():
        assert text == expected[name], f"{lang}/{name} differs from its golden file (ROPA_UPDATE_GOLDEN=1 to accept)"


def section(page: str, anchor: str) -> str:
    """The text of the section whose heading carries ``{: #anchor }``, up to the next ``## ``."""
    start = page.index(f"{{: #{anchor} }}")
    end = page.find("\n## ", start)
    return page[start: end if end != -1 else None]


def test_one_page_per_process_and_an_index(reg: Any) -> None:
    assert sorted(process_pages(reg, "fr")) == ["controle-qualite.md", "fidelisation.md", "formation-operateurs.md", "index.md", "routage-appels.md"]
    index = process_pages(reg, "fr")["index.md"]
    assert "[Fidélisation de la clientèle d\\'Artemis](fidelisation.md)" in index
    assert "(../activites/routage-appels-artemis.md)" in index


def test_loyalty_page_links_to_its_activity_and_back(reg: Any) -> None:
    page = process_pages(reg, "fr")["fidelisation.md"]
    assert "Processus · [Fidélisation de la clientèle d\\'Artemis](../activites/fidelisation-artemis.md)" in page
    sheet = pages.generate(reg, "fr")["activites/fidelisation-artemis.md"]
    assert "[Fidélisation de la clientèle d\\'Artemis](../processus/fidelisation.md)" in sheet
    assert "```mermaid\n" in sheet and "flowchart LR" in sheet  # its data-flow diagram


def test_loyalty_page_has_the_diagram_and_every_operation(reg: Any) -> None:
    page = process_pages(reg, "fr")["fidelisation.md"]
    diagram = section(page, "diagram")
    assert diagram.count('<svg xmlns="http://www.w3.org/2000/svg" class="ropa-lanes"') == 1
    assert diagram.count('class="ropa-lane-header"') == 3  # Clientèle manager, Opérateur, Artemis
    operations = section(page, "operations")
    for number, op in enumerate(reg.process_data()["fidelisation"]["operations"], 1):
        assert f"| {number} | **{md(op['name'])}**" in operations
    assert "Informations personnelles vérifiées, Informations personnelles modifiées (OU)" in operations
    assert "Plus de 6 mois sans échange → Client à relancer<br>Sinon → Aucune action" in operations


def test_personal_data_grouped_by_cnil_category(reg: Any) -> None:
    data = section(process_pages(reg, "fr")["fidelisation.md"], "personal-data")
    assert ("| État civil\\, identité\\, données d\\'identification\\, images | "
            "nom, prénom, téléphone, adresse, courriel |") in data
    assert ("| Autres catégories de données | date du dernier échange, enregistrement de l\\'appel, "
            "niveau de satisfaction, offres proposées |") in data


def test_operations_matrix_item_by_step(reg: Any) -> None:
    matrix = section(process_pages(reg, "fr")["fidelisation.md"], "matrix")
    assert "| Donnée | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 |" in matrix
    rows = {m.group(1): m.group(2).split(" | ") for m in re.finditer(r"^\| \*\*(.+?)\*\* \| (.*) \|$", matrix, re.M)}
    assert len(rows) == 9 and all(len(cells) == 8 for cells in rows.values())
    assert rows["courriel"][3:5] == ["Consultation", "Collecte, Adaptation ou modification"]
    assert rows["enregistrement de l\\'appel"][2] == "Collecte, Enregistrement, Conservation"
    assert rows["date du dernier échange"] == ["Consultation, Utilisation", "", "", "", "", "Adaptation ou modification",
                                                "Consultation, Utilisation", ""]


def test_summary_per_activity_and_dpo_notes(reg: Any) -> None:
    page = process_pages(reg, "fr")["fidelisation.md"]
    summary = section(page, "summary")
    assert "### [Fidélisation de la clientèle d\\'Artemis](../activites/fidelisation-artemis.md)" in summary
    assert "Déclarées, touchées par aucune opération" not in summary  # every declared item is used
    assert "Collecte, Enregistrement, Conservation, Adaptation ou modification, Consultation, Utilisation" in summary
    notes = section(page, "notes")
    assert '!!! question "Branches non décrites par le processus"' in notes
    for gap in ("Enregistrement refusé", "Client injoignable", "Opposition à la prospection commerciale"):
        assert f" — {gap}\\*\\*" not in notes and f" — {gap}**" in notes
    assert "agrégée" in notes


def test_english_page(reg: Any) -> None:
    page = process_pages(reg, "en")["fidelisation.md"]
    assert "## Process diagram {: #diagram }" in page
    assert "| Step | Operation \\(nature · timing\\, tool\\) | Actor | Triggering events | Emission rules |" in page
    assert "(OR)" in page and "(AND)" in page and "**<br>Conversational · Chaque début de semaine<br>*Logiciel spécifique* |" in page
    assert "Consultation, Use" in page


def test_yaml_text_is_escaped_on_the_page(reg: Any, tmp_path: Path) -> None:

    root = copy_register(tmp_path / "r")
    path = root / "processes" / "fidelisation.yaml"
    text = path.read_text(encoding="utf-8")
    hostile = "Analyse <script>alert(1)</script> | [lien](javascript:alert(1)) **gras**"
    path.write_text(text.replace("name: Analyse des dates des derniers échanges", f"name: '{hostile}'"), encoding="utf-8")
    page = process_pages(load_register(root), "fr")["fidelisation.md"]
    assert "<script>" not in page and "](javascript" not in page and "| [lien]" not in page
    assert md(hostile) in page
    # the lane diagram (inline SVG) holds it as character references, markup and Markdown inert
    assert '"bold">Analyse &#60;script&#62;' in page and "&#124; &#91;" in page and "javascript:alert&#40;" in page


def test_a_process_no_activity_links_to_still_has_its_page(tmp_path: Path) -> None:

    root = copy_register(tmp_path / "r")
    sheet = root / "register" / "activities" / "formation-operateurs.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("process: formation-operateurs\n", ""), encoding="utf-8")
    page = process_pages(load_register(root), "fr")["formation-operateurs.md"]
    assert "Aucun traitement du registre ne renvoie à ce processus\\." in page
    assert "| Non déclarée dans la fiche | nom, prénom, matricule, courriel professionnel, formations suivies" in page
    assert "\n### [" not in section(page, "summary")


def test_sensitive_items_are_grouped_under_their_sensitive_category(tmp_path: Path) -> None:

    root = copy_register(tmp_path / "r")
    sheet = root / "register" / "activities" / "fidelisation-artemis.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("sensitive_data: []\n", (
        "sensitive_data:\n  - category: health\n    description: Handicap signalé par le client\n"
        "    items: [handicap]\n    retention: {duration: P1Y, end_action: deletion}\n")), encoding="utf-8")
    process = root / "processes" / "fidelisation.yaml"
    process.write_text(process.read_text(encoding="utf-8").replace(
        "      - item: offres proposées\n        operations: [recording]\n",
        "      - item: offres proposées\n        operations: [recording]\n      - item: handicap\n        operations: [collection]\n"),
        encoding="utf-8")
    reg = load_register(root)
    assert [d.text() for d in reg.diagnostics if d.rule in ("undeclared-data-item", "data-item-untouched")] == []
    data = section(process_pages(reg, "fr")["fidelisation.md"], "personal-data")
    rows = [line for line in data.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows[-1] == "| Données concernant la santé (Données sensibles) | handicap |"


SVG_TAGS = {"svg", "title", "defs", "marker", "path", "rect", "circle", "text", "tspan"}


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_process_diagram_is_only_our_svg(label: str) -> None:
    """Every text of the process (names, conditions, timings, tools, organisations) is
    ``label`` and every id a Mermaid or SVG keyword: the lane diagram stays well-formed SVG of
    our elements and attributes only, and each text reads back as written."""
    svg = swimlane.process_diagram(ProcessModel.from_data(hostile_process(label)), "fr",
                                   org_name=label, parties={"end": {"name": label}})
    root = ElementTree.fromstring(svg)  # an unescaped < or & would not parse
    tags = {element.tag.removeprefix("{http://www.w3.org/2000/svg}") for element in root.iter()}
    assert tags <= SVG_TAGS, tags - SVG_TAGS
    for element in root.iter():
        assert not any(name.lower().startswith("on") or "href" in name for name in element.attrib), element.attrib
    texts = ["".join(normalise(t) for t in text.itertext()).replace(" ", "")  # a wrapped label: one line a tspan
             for text in root.iter("{http://www.w3.org/2000/svg}text")]
    assert normalise(label).replace(" ", "") in texts, texts
