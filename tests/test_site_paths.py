"""The names of the site's pages and files, and of the exports, follow the language
(generator/data/paths.yaml): a French site keeps the paths it always had, an English one has
English paths, and every link ropa writes follows. (tests/test_english.py builds an English
site for real and walks its links.)"""

from __future__ import annotations

import posixpath
import re

import pytest
from conftest import REPO

from generator import export, paths
from generator.importer import people
from generator.lint.runner import load_register
from generator.site import nav, pages, print_view

# CentreCall's pages, as every French site has had them since the first one.
FRENCH_PAGES = [
    "activites/enregistrement-qualite.md", "activites/fidelisation-artemis.md", "activites/formation-operateurs.md",
    "activites/gestion-personnel-paie.md", "activites/routage-appels-artemis.md", "destinataires.md",
    "impression.md", "index.md", "inventaire.md", "organisation.md", "processus/controle-qualite.md",
    "processus/fidelisation.md", "processus/formation-operateurs.md", "processus/index.md",
    "processus/routage-appels.md", "registre.md", "tableau-de-bord.md",
]
ENGLISH_PAGES = [
    "activities/enregistrement-qualite.md", "activities/fidelisation-artemis.md", "activities/formation-operateurs.md",
    "activities/gestion-personnel-paie.md", "activities/routage-appels-artemis.md", "dashboard.md", "index.md",
    "inventory.md", "organisation.md", "print.md", "processes/controle-qualite.md", "processes/fidelisation.md",
    "processes/formation-operateurs.md", "processes/index.md", "processes/routage-appels.md", "recipients.md",
    "register.md",
]
# A Markdown link's target, as the templates write them.
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(autouse=True)
def without_git_history(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_HISTORY", "off")


@pytest.fixture(scope="module")
def made() -> dict[str, dict[str, str]]:
    reg = load_register(REPO)
    assert reg.ok
    return {lang: pages.generate(reg, lang) for lang in ("fr", "en")}


def test_each_language_has_its_page_paths(made: dict[str, dict[str, str]]) -> None:
    assert sorted(made["fr"]) == FRENCH_PAGES
    assert sorted(made["en"]) == ENGLISH_PAGES


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_link_between_generated_pages_leads_to_one(made: dict[str, dict[str, str]], lang: str) -> None:
    """Every relative link of every generated page (home, register table, sheets, processes,
    dashboard, print view, inventory, recipients, organisation) names a page of the same
    language's site, or a download; none leads to the other language's paths."""
    site = made[lang]
    known = set(site) | set(export.site_download_paths(lang))
    broken, seen = [], 0
    for page, text in site.items():
        for target in LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            seen += 1
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target.partition("#")[0]))
            if resolved not in known:
                broken.append(f"{page}: {target}")
    assert seen > 100, seen
    assert not broken, "\n".join(broken)


def test_the_print_view_in_parts_is_named_in_the_site_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """A print view in parts: ``print.md`` lists ``print-1.md``… in English (``impression-1.md``
    in French), and the sheets' links in a part lead to the English sheets and processes."""
    monkeypatch.setattr(print_view, "SHEETS_PER_PART", 2)
    reg = load_register(REPO)
    english = pages.generate(reg, "en")
    assert "- [Part 1: sheets 1 to 2](print-1.md)" in english["print.md"].replace("\\", ""), english["print.md"]
    assert {"print-1.md", "print-2.md", "print-3.md"} <= set(english)
    last = english["print-3.md"]
    assert "](processes/" in last or "](activities/" in last, last[:2000]
    assert not re.search(r"\]\((?:\.\./)?(?:activites|processus)/", "".join(english.values()))
    french = pages.generate(reg, "fr")
    assert {"impression-1.md", "impression-2.md", "impression-3.md"} <= set(french)


def test_the_navigation_names_each_language_s_pages() -> None:
    table = nav.build([*ENGLISH_PAGES, "contributing.md"], "en")
    assert table[1] == {"Register": ["organisation.md", "register.md", "inventory.md", "recipients.md", "dashboard.md"]}
    assert {"Processes": ["processes/index.md"]} in table and {"Guide": ["contributing.md"]} in table
    assert nav.listed(table) == {"index.md", "organisation.md", "register.md", "inventory.md", "recipients.md",
                                 "dashboard.md", "processes/index.md", "contributing.md", "print.md"}
    french = nav.build([*FRENCH_PAGES, "contribuer.md"], "fr")
    assert french[1] == {"Registre": ["organisation.md", "registre.md", "inventaire.md", "destinataires.md",
                                      "tableau-de-bord.md"]}
    assert {"Guide": ["contribuer.md"]} in french
    # an English register kept its French guide (made by an older ropa init): still in the menu
    assert {"Guide": ["contribuer.md"]} in nav.build([*ENGLISH_PAGES, "contribuer.md"], "en")


def test_downloads_and_export_file_names_follow_the_language() -> None:
    reg = load_register(REPO)
    assert export.site_download_paths("fr") == [
        "telechargements/registre.xlsx", "telechargements/registre.csv", "telechargements/registre.json"]
    assert export.site_download_paths("en") == [
        "downloads/register.xlsx", "downloads/register.csv", "downloads/register.json"]
    assert export.default_filename(reg, export.Options("xlsx", "fr")) == "registre-centrecall.xlsx"
    assert export.default_filename(reg, export.Options("xlsx", "en")) == "register-centrecall.xlsx"
    assert export.default_filename(reg, export.Options("csv", "en", per="data-category")) == (
        "register-centrecall-categories.csv")


def test_the_names_are_ascii_words_and_differ_between_languages_but_one() -> None:
    """Every name reads in an address and a file name (lowercase ASCII words joined by
    hyphens); each English name is English, the one word both languages spell alike aside."""
    for lang in ("fr", "en"):
        for key, value in paths.names(lang).items():
            assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value), (lang, key, value)
    same = {key for key, value in paths.names("en").items() if paths.names("fr")[key] == value}
    assert same == {"organisation"}
    assert paths.names("de") == paths.names("fr")  # a language ropa does not speak: French


@pytest.mark.parametrize(("name", "expected"), [
    ("Registre", "registre"), ("Register", "register"), ("—", "sans-nom"), ("", "sans-nom"),
    ("Registre des traitements", "registre-des-traitements")])
def test_an_imported_name_gives_its_own_id_whatever_the_language(name: str, expected: str) -> None:
    """The importer's ids: a name with no letter is « sans-nom », and a name that is the
    exports' stem in either language (« Registre », "Register") keeps its own id."""
    assert people.slug(name) == expected
