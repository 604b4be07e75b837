"""Golden tests: the Markdown of every register-site page for CentreCall's register, in French
and in English, compared with tests/golden/site/<lang>/. After an intended change, regenerate
with ``ROPA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_site_golden.py`` and review
the diff."""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from conftest import REPO

from generator import paths
from generator.lint.runner import load_register
from generator.site import pages

GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
# The pages of the register site (issue 3); other builders keep their own golden files.
# (by their names in data/paths.yaml: ``{register}.md`` is registre.md in French, register.md in English)
SITE_PAGES = ("index.md", "{organisation}.md", "{register}.md", "{inventory}.md", "{recipients}.md", "{sheets}/*.md")
UPDATE = os.environ.get("ROPA_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def without_git_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheets' git history (issue 6) changes with every commit: leave it out here."""
    monkeypatch.setenv("ROPA_HISTORY", "off")


def site_pages(lang: str) -> dict[str, str]:
    reg = load_register(REPO)
    assert reg.ok, [d.text() for d in reg.diagnostics]
    generated = pages.generate(reg, lang)
    patterns = [paths.fill(pattern, lang) for pattern in SITE_PAGES]
    return {p: text for p, text in generated.items() if any(fnmatchcase(p, pat) for pat in patterns)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_generated_markdown_matches_golden(lang: str) -> None:
    generated = site_pages(lang)
    folder = GOLDEN / lang
    if UPDATE:
        for old in folder.rglob("*.md"):
            old.unlink()
        for path, text in generated.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
    expected = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*.md")}
    assert sorted(generated) == sorted(expected), "pages added or removed: regenerate with ROPA_UPDATE_GOLDEN=1"
    for path, text in generated.items():
        assert text == expected[path], f"{lang}/{path} differs from its golden file (ROPA_UPDATE_GOLDEN=1 to accept)"


def test_every_sheet_and_page_is_generated() -> None:
    generated = site_pages("fr")
    reg = load_register(REPO)
    ids = {a["id"] for a in reg.activity_data()}
    assert {p for p in generated if p.startswith("activites/")} == {f"activites/{i}.md" for i in ids}
    assert {"index.md", "organisation.md", "registre.md", "inventaire.md", "destinataires.md"} <= set(generated)


def test_processor_sheet_names_the_client_as_controller() -> None:
    sheet = site_pages("fr")["activites/fidelisation-artemis.md"]
    assert "| Responsable du traitement | **Artemis**" in sheet
    assert "| Sous\\-traitant | **CentreCall**" in sheet
    assert "Art\\. 30\\.2\\.b" in sheet and "Effacement ou destruction" in sheet
    assert "15 septembre 2020" in sheet


def test_english_dates_and_labels() -> None:
    sheet = site_pages("en")["activities/fidelisation-artemis.md"]
    assert "15 September 2020" in sheet
    assert "| Controller | **Artemis**" in sheet
    assert "Description of the processing" in sheet
