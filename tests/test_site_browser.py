"""The built site in a real browser: Playwright driving Debian's chromium against the site
served by a local http.server on 127.0.0.1. Every visit records each request the page makes
and each console message: all requests must go to the local server, and the console must show
no error. Screenshots land in test-artifacts/ (gitignored).

Without chromium these tests are skipped with the reason shown, except under CI=true, where a
missing browser is a failure."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from sitebuild import REPO, built_site

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"
SHEET = "activites/fidelisation-artemis/"


def _chromium() -> str:
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"chromium is required in CI (CI=true) and {CHROMIUM} is missing")
    pytest.skip(f"browser tests skipped: no chromium at {CHROMIUM} (apt-get install chromium)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = built_site(tmp_path_factory)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=ARGS)
        yield instance
        instance.close()


class Visit:
    """A browser page that records every request and console message."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def open(self, path: str = "") -> Any:
        self.page.goto(self.base_url + path, wait_until="networkidle")
        return self.page

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self) -> None:
        self.page.wait_for_load_state("networkidle")
        foreign = [u for u in self.requests if not u.startswith(self.base_url) and not u.startswith(("data:", "blob:"))]
        assert foreign == [], f"requests left the local server: {foreign}"
        assert self.errors == [], "\n".join(self.errors)


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    v = Visit(browser, base_url)
    yield v
    try:
        v.check()
    finally:
        v.context.close()


def test_home_then_the_loyalty_sheet_through_the_navigation(visit: Visit) -> None:
    page = visit.open()
    assert page.locator("h1").first.inner_text().startswith("Registre des activités de traitement")
    assert page.locator(".ropa-stats li").count() == 6
    visit.screenshot("home")
    page.locator(".md-sidebar--primary .md-nav__link", has_text="Fidélisation de la clientèle d'Artemis").first.click()
    page.wait_for_url("**/" + SHEET)
    assert page.locator("h1").first.inner_text().startswith("Fidélisation de la clientèle d'Artemis")
    assert page.locator("#actors + p.ropa-art30").inner_text().startswith("Art. 30(2)(a)")
    visit.screenshot("sheet-fidelisation-artemis")


def test_search_finds_fidelisation_without_its_accent(visit: Visit) -> None:
    page = visit.open()
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("fidelisation")  # Material listens to key events
    result = page.locator(f".md-search-result__item a[href*='{SHEET}']").first
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
    controller.locator(".ropa-filter input").fill("paie")
    assert [r.is_visible() for r in rows.all()] == [False, False, True]
    assert controller.locator(".ropa-filter output").inner_text() == "1 ligne(s) sur 3"
    controller.locator(".ropa-filter input").fill("")
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
    assert [r.is_visible() for r in processor.locator("tbody tr").all()] == [False, True]
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
