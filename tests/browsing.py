"""Browser fixtures shared by the browser tests (a pytest plugin loaded by conftest.py).

Playwright drives Debian's chromium against the site served by a local http.server on
127.0.0.1; every visit records each request and console message, and checks at the end that all
requests went to the local server and that the console shows no error. Without chromium the
tests are skipped with the reason shown, except under CI=true, where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitebuild import BUILDERS, REPO, built_site

sys.path.insert(0, str(REPO / "benchmarks"))

from localsite import ARGS, CHROMIUM, served

__all__ = ["ARGS", "CHROMIUM", "served"]  # the local server and the browser, for the browser tests

ARTIFACTS = REPO / "test-artifacts"
# Material draws each Mermaid diagram, and Zensical its search dialog, into a *closed* shadow
# root; added to a page before it loads, this opens them so that a test can read them. It
# changes nothing else: the page, its theme and Mermaid run as they ship.
OPEN_SHADOW_ROOTS = (
    "const attach = Element.prototype.attachShadow;"
    "Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: 'open'}); };"
)


def _chromium() -> str:
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"chromium is required in CI (CI=true) and {CHROMIUM} is missing")
    pytest.skip(f"browser tests skipped: no chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module", params=BUILDERS)
def builder(request: pytest.FixtureRequest) -> str:
    """Each browser check runs on the site of each builder (one build per builder per session)."""
    return str(request.param)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, builder: str) -> Iterator[str]:
    with served(built_site(tmp_path_factory, builder)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=ARGS)
        yield instance
        instance.close()


class Visit:
    """A browser page that records every request and console message; ``options`` go to the
    browser context (``color_scheme="dark"``, ``viewport={...}``...)."""

    def __init__(self, browser: Any, base_url: str, **options: Any) -> None:
        self.base_url = base_url
        self.context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, "locale": "fr-FR", **options})
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


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core, the accessibility engine (a devDependency of package.json, installed by ``npm ci``):
added to the page under test as an inline script, it asks no host for anything."""
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
"""The rules run: WCAG 2.1 levels A and AA (what the RGAA requires) and axe's best practices
(heading order, landmarks, names of dialogs...)."""

# Material draws a Mermaid diagram once it scrolls into view: bring each into view, then wait
# until every diagram box holds its SVG (in the page, or in the shadow root Material draws it in,
# opened by OPEN_SHADOW_ROOTS).
_DRAW_DIAGRAMS = """async () => {
  for (const box of document.querySelectorAll('.ropa-diagram')) {
    box.scrollIntoView();
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)));
  }
  window.scrollTo(0, 0);
}"""
_DIAGRAMS_DRAWN = """() => [...document.querySelectorAll('.ropa-diagram')].every((box) => {
  const host = box.querySelector('.mermaid');
  return box.querySelector(':scope > svg, .ropa-mermaid svg') || (host && host.shadowRoot && host.shadowRoot.querySelector('svg'));
})"""


def draw_diagrams(page: Any) -> None:
    """Every diagram of the page drawn (the page must have been opened with OPEN_SHADOW_ROOTS)."""
    page.evaluate(_DRAW_DIAGRAMS)
    page.wait_for_function(_DIAGRAMS_DRAWN, timeout=20_000)


SETTLED = (
    "() => Promise.race([new Promise(done => setTimeout(done, 5000)), Promise.all(document.getAnimations()"
    ".filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)"
    ".map(a => a.finished.catch(() => null)))])"
)
"""Waits (5 s at most) until the page's transitions and animations that end have ended: the
theme fades the search results in (``.md-search__output``, opacity over 0.4 s), and a colour
half faded in is a contrast axe finds too low (4.41:1 for the results' text, seen in CI)."""


def axe(page: Any) -> list[dict[str, Any]]:
    """The violations axe-core finds in the page as it is once its transitions have ended
    (``SETTLED``; ``AXE_TAGS``)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is a devDependency of package.json)")
    page.evaluate(SETTLED)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(AXE_TAGS))
    return list(result["violations"])


def described(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and element: where, the rule, what is wrong, the element."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            target = " ".join(" >>> ".join(t) if isinstance(t, list) else str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])} elements) {target}: {summary}")
    return lines


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    v = Visit(browser, base_url)
    yield v
    try:
        v.check()
    finally:
        v.context.close()
