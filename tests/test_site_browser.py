"""The built site in a real browser: Playwright driving Debian's chromium against the site
served by a local http.server on 127.0.0.1. Every visit records each request the page makes
and each console message: all requests must go to the local server, and the console must show
no error. Screenshots land in test-artifacts/ (gitignored).

Without chromium these tests are skipped with the reason shown, except under CI=true, where a
missing browser is a failure."""

from __future__ import annotations

import re

from browsing import ARTIFACTS, OPEN_SHADOW_ROOTS, Visit

SHEET = "activites/fidelisation-artemis/"
# Each builder's search box: (what opens it, the input, a result); Zensical's search dialog
# lives in a closed shadow root, opened for the test (OPEN_SHADOW_ROOTS).
SEARCH = {
    "mkdocs": (None, "input.md-search__input", ".md-search-result__item a"),
    "zensical": (".md-search__button", "dialog input[role=combobox]", "dialog a[role=option]"),
}


def test_home_then_the_loyalty_sheet_through_the_register(visit: Visit) -> None:
    """The navigation lists the register's pages, not every sheet (its size would grow with the
    register on every page): a sheet is reached from the register's table."""
    page = visit.open()
    assert page.locator("h1").first.inner_text().startswith("Registre des activités de traitement")
    assert page.locator(".ropa-stats li").count() == 6
    visit.screenshot("home")
    assert page.locator(".md-sidebar--primary .md-nav__link", has_text="Fidélisation de la clientèle d'Artemis").count() == 0
    page.locator(".md-sidebar--primary a.md-nav__link[href$='registre/']").first.click()
    page.wait_for_url("**/registre/")
    page.locator(f"article a[href*='{SHEET}']").first.click()
    page.wait_for_url("**/" + SHEET)
    assert page.locator("h1").first.inner_text().startswith("Fidélisation de la clientèle d'Artemis")
    assert page.locator("#actors + p.ropa-art30").inner_text().startswith("Art. 30.2.a")
    visit.screenshot("sheet-fidelisation-artemis")


def test_search_finds_fidelisation_without_its_accent(visit: Visit, builder: str) -> None:
    opener, box, item = SEARCH[builder]
    visit.page.add_init_script(OPEN_SHADOW_ROOTS)
    page = visit.open()
    if opener:
        page.locator(opener).first.click()
    search = page.locator(box)
    search.click()
    search.press_sequentially("fidelisation")  # both listen to key events
    result = page.locator(f"{item}[href*='{SHEET}']").first
    result.wait_for(timeout=15_000)
    assert "Fidélisation" in result.inner_text()
    result.click()
    page.wait_for_url(re.compile(re.escape(SHEET) + r"(\?h=fidelisation)?(#.*)?$"))
    assert page.locator("h1").first.inner_text().startswith("Fidélisation")


def test_register_table_filters_and_sorts(visit: Visit) -> None:
    page = visit.open("registre/")
    tables = page.locator(".ropa-table")
    assert tables.count() == 2
    controller = tables.nth(0)
    rows = controller.locator("tbody tr")
    assert rows.count() == 3
    # the table holds the rows the filter keeps (one page of them: assets/ropa.js), no hidden ones
    controller.locator(".ropa-filter input").fill("paie")
    assert [r.locator("td").nth(1).inner_text() for r in rows.all()] == ["RT-03"]
    assert controller.locator(".ropa-filter output").inner_text() == "1 ligne sur 3"
    assert controller.locator(".ropa-pager").is_hidden()  # one page
    controller.locator(".ropa-filter input").fill("")
    assert [r.locator("td").nth(1).inner_text() for r in rows.all()] == ["RT-01", "RT-02", "RT-03"]
    ref_header = controller.locator("th", has_text="N° / RÉF")
    ref_header.locator("button").click()
    ref_header.locator("button").click()
    assert ref_header.get_attribute("aria-sort") == "descending"
    assert [r.locator("td").nth(1).inner_text() for r in rows.all()] == ["RT-03", "RT-02", "RT-01"]
    updated = controller.locator("th", has_text="Dernière mise à jour")
    updated.locator("button").click()
    assert [r.locator("td").nth(1).inner_text() for r in rows.all()] == ["RT-01", "RT-02", "RT-03"]
    processor = tables.nth(1)
    processor.locator(".ropa-filter input").fill("Routage artemis")
    assert [r.locator("td").nth(1).inner_text() for r in processor.locator("tbody tr").all()] == ["ST-ART-02"]
    processor.locator(".ropa-filter input").fill("")
    visit.screenshot("register")


def test_mermaid_diagram_renders_from_the_site_itself(visit: Visit) -> None:
    page = visit.open("contribuer/")
    page.locator("div.mermaid").first.wait_for(timeout=15_000)
    assert page.locator("pre.mermaid").count() == 0
    assert any(u.endswith("/assets/javascripts/mermaid.min.js") for u in visit.requests)
    assert page.evaluate("typeof window.mermaid") == "object"


def test_the_sheet_prints_on_a4_without_navigation(visit: Visit) -> None:
    page = visit.open(SHEET)
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".md-sidebar--primary").is_hidden()
    assert page.locator("h1").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "sheet-fidelisation-artemis.pdf"), prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
