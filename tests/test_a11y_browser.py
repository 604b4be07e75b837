"""Accessibility of the built site, checked by axe-core in the real browser (Playwright driving
Debian's chromium; the fixtures of tests/browsing.py): WCAG 2.1 A and AA, what the RGAA asks of
French public bodies, and axe's best practices (``browsing.AXE_TAGS``).

Every page type of CentreCall's site (French) and of tests/english/ (English), built by each
builder, in the light and the dark scheme and on a 360 px phone: home, organisation, register
table, a controller's sheet, a processor's sheet (each with its data-flow diagram drawn by
Mermaid), a process page with its lane diagram, the inventory, the recipients, the review
dashboard, the print view, and the search with its results open. A test fails on any
violation and lists each one (rule, page, element, what is wrong).

One exception, Zensical's own: its search dialog is a component of its own in a closed shadow
root (opened here only so that axe can read it), which the site's styles and scripts cannot
reach; two of its flaws are known and left to Zensical (``ZENSICAL_SEARCH``). Every other
violation inside it, and every violation anywhere else, fails.

axe-core is a devDependency (package.json, installed by ``npm ci``), added to each page as an
inline script: no page asks any other host for anything (``Visit.check``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browsing import OPEN_SHADOW_ROOTS, Visit, axe, described, draw_diagrams, served
from sitebuild import ropa_build
from test_english import english_repo
from test_site_browser import SEARCH

PAGES = {
    "fr": {
        "home": "",
        "organisation": "organisation/",
        "register table": "registre/",
        "controller sheet": "activites/gestion-personnel-paie/",
        "processor sheet": "activites/fidelisation-artemis/",
        "process": "processus/fidelisation/",
        "processes": "processus/",
        "inventory": "inventaire/",
        "recipients": "destinataires/",
        "review dashboard": "tableau-de-bord/",
        "print view": "impression/",
    },
    "en": {  # the English site's paths (generator/data/paths.yaml)
        "home": "",
        "organisation": "organisation/",
        "register table": "register/",
        "controller sheet": "activities/newsletter/",
        "processor sheet": "activities/support-medora/",
        "process": "processes/support-tickets/",
        "processes": "processes/",
        "inventory": "inventory/",
        "recipients": "recipients/",
        "review dashboard": "dashboard/",
        "print view": "print/",
    },
}
SEARCH_WORD = {"fr": "fidelisation", "en": "newsletter"}
VIEWS = {
    "light": {"color_scheme": "light"},
    "dark": {"color_scheme": "dark"},
    "phone": {"color_scheme": "light", "viewport": {"width": 360, "height": 740}},
}
PHONE_PAGES = ("register table", "controller sheet", "processor sheet", "process", "print view")
"""What is read on a phone (the other pages are lists and cards, the same at any width)."""
SCHEME_ATTRIBUTE = {"light": "default", "dark": "slate"}
ZENSICAL_SEARCH = {
    "color-contrast": "the results' paths, grey at 3.3:1 (#8c8c8c on white)",
    "label-content-name-mismatch": "each result's aria-label does not hold its visible text",
}
"""Zensical 0.0.73's search dialog, in its closed shadow root: what is known and not ours to fix."""


def _in_shadow_root(target: list[Any]) -> bool:
    """axe's target of an element inside a shadow root: a list of selectors, the host's first."""
    return any(isinstance(part, list) and len(part) > 1 for part in target)


def _not_zensicals_search(builder: str, violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations less those of ``ZENSICAL_SEARCH`` on elements inside a shadow root, on
    the Zensical site."""
    if builder != "zensical":
        return violations
    out = []
    for v in violations:
        nodes = [n for n in v["nodes"] if not (v["id"] in ZENSICAL_SEARCH and _in_shadow_root(n["target"]))]
        if nodes:
            out.append({**v, "nodes": nodes})
    return out


@pytest.fixture(scope="module")
def english_url(tmp_path_factory: pytest.TempPathFactory, builder: str) -> Iterator[str]:
    root = english_repo(tmp_path_factory.mktemp(f"english-{builder}") / "nordlys")
    done = ropa_build(root, root / "site", builder)
    assert done.returncode == 0, done.stdout + done.stderr
    with served(root / "site") as url:
        yield url


def _search(page: Any, builder: str, word: str) -> None:
    opener, box, item = SEARCH[builder]
    if opener:
        page.locator(opener).first.click()
    search = page.locator(box)
    search.click()
    search.press_sequentially(word)
    page.locator(item).first.wait_for(timeout=15_000)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("lang", list(PAGES))
def test_no_accessibility_violation_on_any_page_type(browser: Any, base_url: str, english_url: str, builder: str,
                                                     lang: str, view: str) -> None:
    visit = Visit(browser, base_url if lang == "fr" else english_url, locale=f"{lang}-FR", **VIEWS[view])
    problems: list[str] = []
    try:
        visit.context.add_init_script(OPEN_SHADOW_ROOTS)
        for kind, path in PAGES[lang].items():
            if view == "phone" and kind not in PHONE_PAGES:
                continue
            page = visit.open(path)
            assert page.evaluate("document.documentElement.lang") == lang
            scheme = page.evaluate("document.body.dataset.mdColorScheme")
            assert scheme == SCHEME_ATTRIBUTE[VIEWS[view]["color_scheme"]], f"/{path}: scheme {scheme}"
            draw_diagrams(page)
            problems += described(f"{builder} {lang} {view} {kind} (/{path})", axe(page))
        if view != "phone":  # the phone's search is the same dialog, behind a button
            page = visit.open("")
            _search(page, builder, SEARCH_WORD[lang])
            problems += described(f"{builder} {lang} {view} search open", _not_zensicals_search(builder, axe(page)))
        visit.check()
    finally:
        visit.context.close()
    assert problems == [], f"{len(problems)} accessibility violations:\n" + "\n".join(problems)
