"""The site offers the current exports: built with it (``mkdocs build --strict``), linked from
the register page."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sitebuild import built_site

from generator.export import downloads_dir
from generator.lint import schema as schemas


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory)


def test_exports_are_built_with_the_site(site: Path) -> None:
    folder = site / downloads_dir("fr")
    assert sorted(p.name for p in folder.iterdir()) == ["registre.csv", "registre.json", "registre.xlsx"]
    book = load_workbook(io.BytesIO((folder / "registre.xlsx").read_bytes()))
    assert book.sheetnames[0] == "Liste des traitements"
    assert (folder / "registre.csv").read_bytes().startswith(b"\xef\xbb\xbfN\xc2\xb0 / R\xc3\x89F,")
    doc = json.loads((folder / "registre.json").read_text(encoding="utf-8"))
    assert not list(schemas.validator("export").iter_errors(doc))
    assert doc["organization"]["name"] == "CentreCall"


def test_register_page_links_every_export(site: Path) -> None:
    page = site / "registre" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert 'id="downloads"' in html
    links = re.findall(r'href="([^"]*telechargements/registre\.(?:xlsx|csv|json))"', html)
    assert sorted(Path(link).suffix for link in links) == [".csv", ".json", ".xlsx"]
    for link in links:
        assert (page.parent / link).resolve().is_file(), link
