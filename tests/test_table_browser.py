"""The register table of 10,000 activities in a real browser (Playwright driving Debian's chromium).

The register is CentreCall's, its five sheets cloned 10,000 times in memory (each its own id,
reference, name, purpose and dates; 40 of them carry the hostile values of tests/hostile/ and a
few more), read into the register model by the real code; the register page is the site's own
(``register_table``: the first 50 rows in the table, every row as JSON), built by ropa's MkDocs
and Zensical builders (benchmarks/table_site.py: the page, our scripts and styles, one-line
stand-ins for the pages it links to). Building the 10,000 sheets would take minutes and say
nothing of the table.

What a reader sees is checked: the first page, the count in the live region, the filter finding
the right rows, sorts ordering every row, the pager reaching every row, links to the sheets,
hostile text shown as text, every filtered row in the printed PDF, the page without JavaScript,
and (MkDocs) Material's instant navigation. The load and repaint times are printed, never
asserted (benchmarks/run.py --only table measures them at 1,000 and 10,000).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import Visit, axe, described, served
from conftest import REPO
from test_hostile import visible

from generator.lint.runner import load_register
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.model.activity import Activity
from generator.model.register import RegisterModel, build
from generator.site.register_table import FIRST_PAGE

sys.path.insert(0, str(REPO / "benchmarks"))

import table_site

ACTIVITIES = 10_000
HOSTILE: dict[str, str] = yaml.safe_load((REPO / "tests" / "hostile" / "values.yaml").read_text(encoding="utf-8"))
HOSTILE |= {"script-close": "</script><!-- <script>alert('données')</script>",
            "line-separator": "avant\u2028après\u2029fin", "quotes": "« guillemets » \"doubles\" 'simples' \\u003c"}
HOSTILE_AT = 7_000
"""The hostile names go to the activities from this index on: far beyond the table's first page."""
THEMES = ("Gestion de la paie", "Fidélisation des clients", "Recrutement des conseillers",
          "Enregistrement des appels", "Formation des opérateurs", "Routage des appels entrants",
          "Contrôle d'accès aux locaux", "Sondage de satisfaction", "Gestion des réclamations")
SITES = ("Lyon", "Villeurbanne", "Saint-Étienne", "Grenoble", "Annecy", "Mâcon", "Valence")
PURPOSE_WORD = "télétravail"
"""In one purpose in 97: the filter for it (without its accents) finds those rows, 104 of 10,000."""


def _name(i: int) -> str:
    if HOSTILE_AT <= i < HOSTILE_AT + len(HOSTILE):
        return list(HOSTILE.values())[i - HOSTILE_AT]
    return f"{THEMES[i % len(THEMES)]} — {SITES[(i // len(THEMES)) % len(SITES)]} n° {i + 1}"


def large_register(n: int = ACTIVITIES) -> tuple[Register, RegisterModel]:
    """CentreCall's register (read and checked) with its sheets cloned into ``n`` activities."""
    reg = load_register(REPO)
    assert reg.ok
    bases = [d.data for d in reg.activities]
    activities = []
    start = dt.date(2018, 5, 25)
    for i in range(n):
        base = bases[i % len(bases)]
        created = start + dt.timedelta(days=(i * 7_919) % 2_500)
        purpose = f"{base['purposes']['main']} ({SITES[i % len(SITES)]}, dossier {i + 1})"
        if i % 97 == 5:
            purpose += f", y compris en {PURPOSE_WORD}"
        prefix = "ST" if base["role"] == "processor" else "RT"
        data = {**base, "id": f"activite-{i + 1:05d}", "ref": f"{prefix}-{i + 1:05d}", "name": _name(i),
                "created": created, "updated": created + dt.timedelta(days=(i * 31) % 400),
                "purposes": {**base["purposes"], "main": purpose}}
        data.pop("process", None)
        path = REPO / "register" / "activities" / f"{data['id']}.yaml"
        activities.append(Document(path, f"register/activities/{data['id']}.yaml", data))
    reg.activities = activities
    return reg, build(reg)


@pytest.fixture(scope="module")
def register() -> tuple[Register, RegisterModel]:
    return large_register()


@pytest.fixture(scope="module")
def table_url(tmp_path_factory: pytest.TempPathFactory, builder: str,
              register: tuple[Register, RegisterModel]) -> Iterator[str]:
    reg, model = register
    site = table_site.build_table_site(reg, tmp_path_factory.mktemp(f"table-{builder}"), builder, model=model)
    with served(site) as url:
        yield url


@pytest.fixture
def table(browser: Any, table_url: str) -> Iterator[Visit]:
    visit = Visit(browser, table_url)
    visit.page.on("dialog", lambda d: (visit.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield visit
    try:
        visit.check()
    finally:
        visit.context.close()


def controllers(model: RegisterModel) -> tuple[Activity, ...]:
    return model.register("controller")


def _refs(box: Any) -> list[str]:
    return box.evaluate("(box) => [...box.querySelectorAll('tbody tr')].map((tr) => tr.cells[1].textContent)")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # as Intl.NumberFormat("fr") writes it


def test_the_first_page_the_filter_and_the_links(table: Visit, register: tuple[Register, RegisterModel]) -> None:
    model = register[1]
    rows = controllers(model)
    page = table.open("registre/")
    box = page.locator(".ropa-table").first
    assert _refs(box) == [a.ref for a in rows[:FIRST_PAGE]]
    assert box.locator(".ropa-filter output").inner_text() == f"{_count(len(rows))} lignes sur {_count(len(rows))} — lignes 1 à 50"
    assert box.locator(".ropa-pager__page").inner_text() == f"Page 1 sur {-(-len(rows) // 50)}"
    assert box.locator(".ropa-table__more").is_hidden()
    first_href = box.locator("tbody tr a").first.get_attribute("href")
    assert first_href == f"../activites/{rows[0].id}/"

    wanted = [a for a in rows if PURPOSE_WORD in (a.purposes.main if a.purposes else "")]
    assert 60 < len(wanted) < 100
    box.locator(".ropa-filter input").fill("teletravail")
    assert box.locator(".ropa-filter output").inner_text() == f"{len(wanted)} lignes sur {_count(len(rows))} — lignes 1 à 50"
    seen = _refs(box)
    box.locator(".ropa-pager__next").click()
    seen += _refs(box)
    assert box.locator(".ropa-pager__next").is_disabled()
    assert seen == [a.ref for a in wanted]

    target = rows[4321]
    box.locator(".ropa-filter input").fill(target.name)
    link = box.locator("tbody tr a")
    assert link.count() == 1 and link.inner_text() == target.name
    assert link.get_attribute("href") == f"../activites/{target.id}/"
    assert box.locator(".ropa-pager").is_visible() and box.locator(".ropa-pager__next").is_disabled()
    box.locator(".ropa-filter input").fill("")
    assert _refs(box) == [a.ref for a in rows[:FIRST_PAGE]]


def test_sorts_and_the_pager_reach_every_row(table: Visit, register: tuple[Register, RegisterModel]) -> None:
    rows = controllers(register[1])
    page = table.open("registre/")
    box = page.locator(".ropa-table").first
    updated = box.locator("th", has_text="Dernière mise à jour")
    updated.locator("button").click()
    assert updated.get_attribute("aria-sort") == "ascending"
    by_update = [a.ref for a in sorted(rows, key=lambda a: a.updated or "")]  # stable: register order on ties
    box.locator(".ropa-pager select").select_option("500")
    seen: list[str] = []
    for _ in range(-(-len(rows) // 500)):
        seen += _refs(box)
        if box.locator(".ropa-pager__next").is_enabled():
            box.locator(".ropa-pager__next").click()
    assert seen == by_update
    assert box.locator(".ropa-pager__page").inner_text() == f"Page {-(-len(rows) // 500)} sur {-(-len(rows) // 500)}"

    ref = box.locator("th", has_text="N° / RÉF")
    ref.locator("button").click()
    ref.locator("button").click()
    assert ref.get_attribute("aria-sort") == "descending" and updated.get_attribute("aria-sort") == "none"
    assert _refs(box) == [a.ref for a in sorted(rows, key=lambda a: a.ref, reverse=True)][:500]
    box.locator(".ropa-pager select").select_option("0")  # every row
    assert box.locator("tbody tr").count() == len(rows)
    assert box.locator(".ropa-filter output").inner_text() == (
        f"{_count(len(rows))} lignes sur {_count(len(rows))} — tri par « N° / RÉF », ordre décroissant")
    processor = page.locator(".ropa-table").nth(1)
    assert _refs(processor) == [a.ref for a in register[1].register("processor")[:FIRST_PAGE]]


# What has the focus: its description, and whether it shows (an outline, or a ring of shadow).
_FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {tag: el.tagName, cls: el.className, text: (el.textContent || el.getAttribute('aria-label') || '').trim(),
          shown: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'};
}"""


def _tab_to(page: Any, predicate: str, limit: int = 80) -> dict[str, Any]:
    """Press Tab until the element with the focus meets ``predicate`` (a JS function of it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate})(document.activeElement)"):
            return dict(page.evaluate(_FOCUSED))
    raise AssertionError(f"{limit} presses of Tab never reached {predicate}")


def test_the_table_by_keyboard_alone(table: Visit, register: tuple[Register, RegisterModel]) -> None:
    """From the top of the page, with the keyboard only: the filter, a sort each way, the
    pager to its last page and back, the page size; each step said in the live region, and
    what has the focus shows it."""
    rows = controllers(register[1])
    page = table.open("registre/")
    box = page.locator(".ropa-table").first
    status = box.locator(".ropa-filter output")
    assert status.get_attribute("aria-live") == "polite"
    focused = _tab_to(page, "(el) => el.matches('.ropa-table .ropa-filter input')")
    assert focused["shown"], focused
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Filtrer le tableau"
    page.keyboard.type("teletravail")  # letters Material's shortcuts do not take in a text box
    wanted = [a for a in rows if PURPOSE_WORD in (a.purposes.main if a.purposes else "")]
    assert status.inner_text() == f"{len(wanted)} lignes sur {_count(len(rows))} — lignes 1 à 50"

    focused = _tab_to(page, "(el) => el.matches('th button.ropa-sort') && el.textContent.trim() === 'N° / RÉF'")
    assert focused["shown"], focused
    ref = box.locator("th", has_text="N° / RÉF")
    assert page.evaluate("document.activeElement.closest('th').getAttribute('aria-sort')") == "none"
    page.keyboard.press("Enter")
    assert ref.get_attribute("aria-sort") == "ascending"
    assert status.inner_text().endswith(" — tri par « N° / RÉF », ordre croissant")
    page.keyboard.press("Space")
    assert ref.get_attribute("aria-sort") == "descending"
    assert status.inner_text() == (f"{len(wanted)} lignes sur {_count(len(rows))} — lignes 1 à 50"
                                   " — tri par « N° / RÉF », ordre décroissant")
    assert _refs(box) == sorted((a.ref for a in wanted), reverse=True)[:50]

    focused = _tab_to(page, "(el) => el.matches('.ropa-pager__next')")
    assert focused["shown"], focused
    page.keyboard.press("Enter")
    assert "lignes 51 à" in status.inner_text()
    assert box.locator(".ropa-pager__next").get_attribute("aria-disabled") == "true"  # the last page
    assert page.evaluate("document.activeElement.matches('.ropa-pager__next')"), "the focus stays on the button"
    page.keyboard.press("Enter")  # nothing beyond the last page
    assert "lignes 51 à" in status.inner_text()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.matches('.ropa-pager__previous')")
    page.keyboard.press("Enter")
    assert "lignes 1 à 50" in status.inner_text()
    focused = _tab_to(page, "(el) => el.matches('.ropa-pager select')", limit=4)
    assert focused["shown"], focused
    page.keyboard.press("End")  # every row
    assert box.locator(".ropa-pager select").input_value() == "0"
    assert box.locator("tbody tr").count() == len(wanted)
    assert status.inner_text() == f"{len(wanted)} lignes sur {_count(len(rows))} — tri par « N° / RÉF », ordre décroissant"


def test_the_paged_table_has_no_accessibility_violation(table: Visit) -> None:
    """axe-core on the register of 10,000 activities, its pager shown (CentreCall's register has
    too few rows for one), filtered and sorted: WCAG 2.1 A/AA and best practices."""
    page = table.open("registre/")
    box = page.locator(".ropa-table").first
    box.locator(".ropa-filter input").fill("teletravail")
    box.locator("th", has_text="N° / RÉF").locator("button").click()
    problems = described("register of 10,000 activities", axe(page))
    assert problems == [], "\n".join(problems)


def test_hostile_names_are_text(table: Visit, register: tuple[Register, RegisterModel]) -> None:
    """Each hostile value, drawn from the JSON by the script: shown literally, nothing run."""
    model = register[1]
    page = table.open("registre/")
    boxes = {"controller": page.locator(".ropa-table").nth(0), "processor": page.locator(".ropa-table").nth(1)}
    hostile = [a for a in model.activities if HOSTILE_AT < int(a.ref[3:]) <= HOSTILE_AT + len(HOSTILE)]
    assert len(hostile) == len(HOSTILE)
    wrong = []
    for a in hostile:
        box = boxes["processor" if a.processor_record else "controller"]
        box.locator(".ropa-filter input").fill(a.ref)
        cell = box.locator("tbody tr td").first
        shown = cell.evaluate("(td) => [...td.querySelector('a').childNodes].map((n) => n.nodeName === 'BR' ? '\\n' : n.textContent).join('')")
        if box.locator("tbody tr").count() != 1 or visible(shown) != visible(a.name):
            wrong.append((a.ref, a.name, shown))
    assert wrong == []


def test_printing_gives_every_filtered_row(table: Visit, register: tuple[Register, RegisterModel], tmp_path: Path) -> None:
    """Printing puts every row the filter keeps on paper, in both tables, not one page."""
    model = register[1]
    wanted = {kind: [a.ref for a in model.register(kind) if PURPOSE_WORD in (a.purposes.main if a.purposes else "")]
              for kind in ("controller", "processor")}
    page = table.open("registre/")
    boxes = page.locator(".ropa-table")
    for i in range(2):
        boxes.nth(i).locator(".ropa-filter input").fill(PURPOSE_WORD)
    assert [boxes.nth(i).locator("tbody tr").count() for i in range(2)] == [FIRST_PAGE, len(wanted["processor"])]
    pdf = tmp_path / "registre.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert boxes.first.locator("tbody tr").count() == FIRST_PAGE, "back to one page after printing"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.findall(r"[RS]T-\d{5}", text) == wanted["controller"] + wanted["processor"]
    total = len(model.register("controller"))
    assert f"{len(wanted['controller'])} lignes sur {total:,}".replace(",", " ") in text.replace("\u202f", " ")
    page.emulate_media(media="print")
    page.wait_for_function(f"document.querySelector('.ropa-table tbody').rows.length === {len(wanted['controller'])}")
    assert boxes.first.locator(".ropa-pager").is_hidden() and boxes.first.locator(".ropa-filter input").is_hidden()
    page.emulate_media(media="screen")
    page.wait_for_function(f"document.querySelector('.ropa-table tbody').rows.length === {FIRST_PAGE}")


def test_without_javascript_the_first_page_and_where_the_rest_is(browser: Any, table_url: str,
                                                               register: tuple[Register, RegisterModel]) -> None:
    rows = controllers(register[1])
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(table_url + "registre/")
        box = page.locator(".ropa-table").first
        assert _refs(box) == [a.ref for a in rows[:FIRST_PAGE]]
        note = box.locator(".ropa-table__more")
        assert note.is_visible()
        assert f"50 premières fiches sur {_count(len(rows))}" in note.inner_text()
        assert [a.get_attribute("href") for a in note.locator("a").all()] == ["#downloads", "../impression/"]
        assert page.locator(".ropa-pager").count() == 0
    finally:
        context.close()


def test_instant_navigation(browser: Any, tmp_path: Path, register: tuple[Register, RegisterModel]) -> None:
    """With Material's instant navigation (``navigation.instant``, MkDocs) the page comes by
    fetch: the table is enhanced each time it is shown, once."""
    reg, model = register
    config = table_site.source.read_config(REPO / "mkdocs.yml")
    config["theme"]["features"] = [*config["theme"]["features"], "navigation.instant"]
    site = table_site.build_table_site(reg, tmp_path, "mkdocs", model=model, config=config)
    with served(site) as url:
        visit = Visit(browser, url)
        try:
            page = visit.open("impression/")
            page.locator(".md-sidebar--primary a.md-nav__link[href$='registre/']").first.click()
            page.wait_for_url("**/registre/")
            box = page.locator(".ropa-table").first
            box.locator(".ropa-pager").wait_for()
            box.locator(".ropa-filter input").fill("teletravail")
            assert box.locator("tbody tr").count() == FIRST_PAGE
            page.go_back()
            page.wait_for_url("**/impression/")
            page.go_forward()
            page.wait_for_url("**/registre/")
            page.locator(".ropa-table .ropa-pager").first.wait_for()
            assert page.locator(".ropa-table").first.locator(".ropa-filter").count() == 1
            visit.check()
        finally:
            visit.context.close()


def test_load_and_repaint_times(browser: Any, table_url: str, builder: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Figures, printed: the register page of 10,000 activities (6,000 in its first table)."""
    figures = [table_site.measure(browser, table_url + "registre/", word="teletravail") for _ in range(2)]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with capsys.disabled():
        for f in figures:
            print(f"\nregister table, {ACTIVITIES:,} activities, {builder}: "
                  + ", ".join(f"{k} {v:.0f} ms" for k, v in f.items()) + f" (load average {load})")
    assert all(f["load"] > 0 and f["filter"] > 0 and f["sort"] > 0 and f["page"] > 0 for f in figures)


def test_repeated_cells_are_written_once_and_read_back() -> None:
    """``shared``: a column whose cells repeat gives indexes into ``values``; read back (as the
    script does) the rows are the rows."""
    from generator.site.register_table import shared

    rows = [[f"name {i}", ["2024-01-0" + str(i % 3 + 1), f"{i % 3 + 1} janvier 2024"], "Oui" if i % 4 else "Non"]
            for i in range(12)]
    out = shared(rows)
    assert set(out["values"]) == {"1", "2"} and out["values"]["2"] == ["Non", "Oui"]
    decoded = [[out["values"][str(c)][v] if str(c) in out["values"] else v for c, v in enumerate(row)]
               for row in out["rows"]]
    assert decoded == rows
    assert shared([]) == {"values": {}, "rows": []}
