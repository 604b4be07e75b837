"""Mermaid (about 2.7 MB) is loaded only by the pages that draw a diagram, on the site ``ropa build``
makes with each builder (MkDocs and Zensical, no plugin), with and without Material's instant
navigation; in a real browser (Playwright driving Debian's chromium) against the site served on
127.0.0.1. Every visit fails on a request that leaves the local server or on a console error.

Every page lists the loader (``generator/assets/on-demand/mermaid.js``), which stands in for
``window.mermaid`` until a diagram is drawn; the theme would otherwise fetch Mermaid from a CDN.
Instant navigation needs ``site_url`` to name the server's own port (the theme matches the links
against ``sitemap.xml``), so each site is built once its server is listening."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from browsing import OPEN_SHADOW_ROOTS, Visit, served
from sitebuild import ropa_build, site_repo

MERMAID = "/assets/javascripts/mermaid.min.js"
SHEETS = ("activites/fidelisation-artemis/", "activites/routage-appels-artemis/")
# pages without a Mermaid diagram: the home page, the register table, a process page (its lanes
# are inline SVG) and the dashboard
WITHOUT = ("", "registre/", "processus/fidelisation/", "tableau-de-bord/")
DRAWN = ("() => document.querySelectorAll('div.mermaid').length > 0 && !document.querySelector('pre.mermaid')"
         " && [...document.querySelectorAll('div.mermaid')].every(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))")


@pytest.fixture(scope="module", params=[("mkdocs", False), ("zensical", False), ("mkdocs", True), ("zensical", True)],
                ids=["mkdocs", "zensical", "mkdocs-instant", "zensical-instant"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bool]]:
    """``(base URL, instant navigation)`` of the checkout's site built by ``ropa build``."""
    builder, instant = request.param
    tmp = tmp_path_factory.mktemp(f"mermaid-{builder}-{'instant' if instant else 'plain'}")
    repo = site_repo(tmp / "repo")
    built = tmp / "site"
    built.mkdir()
    with served(built) as url:
        config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
        if instant:
            config = config.replace("  features:\n", "  features:\n    - navigation.instant\n", 1)
            config = re.sub(r"(?m)^site_dir: .*$", lambda m: f"{m.group(0)}\nsite_url: {url}", config, count=1)
            assert "navigation.instant" in config and f"site_url: {url}" in config
        (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
        done = ropa_build(repo, built, builder)
        assert done.returncode == 0, done.stderr
        yield url, instant


def mermaid_requests(v: Visit) -> list[str]:
    return [u for u in v.requests if u.endswith(MERMAID)]


@contextlib.contextmanager
def visiting(browser: Any, url: str) -> Iterator[Visit]:
    """A visit whose diagrams' shadow roots are open, checked (requests, console) at the end."""
    v = Visit(browser, url)
    try:
        v.context.add_init_script(OPEN_SHADOW_ROOTS)
        yield v
        v.check()
    finally:
        v.context.close()


def wait_drawn(page: Any) -> None:
    """Wait for every Mermaid diagram of the page to be drawn (the theme draws one in view)."""
    page.locator(".ropa-diagram").last.scroll_into_view_if_needed()
    page.wait_for_function(DRAWN, timeout=30_000)


def test_a_page_without_a_diagram_asks_for_no_mermaid(browser: Any, site: tuple[str, bool]) -> None:
    url, _ = site
    for path in WITHOUT:
        with visiting(browser, url) as v:
            page = v.open(path)
            assert page.locator(".mermaid").count() == 0, f"/{path} has a Mermaid diagram"
            assert any(u.endswith("/on-demand/mermaid.js") for u in v.requests), f"/{path}: no loader"
            if path.startswith("processus/"):
                assert page.locator(".ropa-diagram > svg").count() > 0  # lanes drawn without Mermaid
            assert mermaid_requests(v) == [], f"/{path} loaded Mermaid"


def test_a_sheet_draws_its_data_flow_with_the_site_s_own_mermaid(browser: Any, site: tuple[str, bool]) -> None:
    url, _ = site
    with visiting(browser, url) as v:
        page = v.open(SHEETS[0])
        wait_drawn(page)
        assert mermaid_requests(v) == [url + MERMAID.lstrip("/")]
        assert page.evaluate("typeof window.mermaid.mermaidAPI") == "object"  # Mermaid itself by now


def test_the_print_view_draws_every_diagram(browser: Any, site: tuple[str, bool]) -> None:
    url, _ = site
    with visiting(browser, url) as v:
        page = v.open("impression/")
        boxes = page.locator(".ropa-diagram").count()
        page.wait_for_function("document.documentElement.dataset.ropaDiagrams === 'drawn'", timeout=60_000)
        page.wait_for_function(DRAWN, timeout=30_000)
        lanes = page.locator(".ropa-diagram > svg").count()
        drawn = page.locator(".ropa-diagram > .mermaid, .ropa-diagram > .ropa-mermaid").count()
        assert drawn > 0 and lanes + drawn == boxes, (lanes, drawn, boxes)
        assert len(mermaid_requests(v)) == 1


def test_clicking_from_a_page_without_a_diagram_to_sheets_draws_them(browser: Any, site: tuple[str, bool]) -> None:
    """With instant navigation the theme swaps the page's content in (Mermaid, loaded by the
    first sheet, serves the next); without, each sheet is loaded whole and loads Mermaid."""
    url, instant = site
    with visiting(browser, url) as v:
        page = v.open("registre/")
        for sheet in SHEETS:
            page.evaluate("window.ropaSamePage = true")  # gone on a page loaded whole
            page.locator(f".ropa-table a[href$='{sheet}']").first.click()
            page.wait_for_function("path => location.pathname.endsWith(path)", arg=sheet)
            wait_drawn(page)
            assert page.evaluate("window.ropaSamePage === true") is instant
            page.go_back()
            page.wait_for_function("() => location.pathname.endsWith('/registre/')")
        assert len(mermaid_requests(v)) == (1 if instant else len(SHEETS))
