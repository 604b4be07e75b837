"""What people read and print, measured in the real browser (Playwright driving Debian's
chromium) on the site built by a real ``mkdocs build --strict`` (fixtures of tests/browsing.py):

- at 1366×900, every diagram's text on every page renders at 12 px or more, and no table is
  clipped (a table wider than its column is in a box that scrolls it);
- on a 390 px phone, a diagram opens full screen and zooms;
- the print view (impression.md), printed to PDF by chromium on A4, holds every sheet and every
  process, each from a new page, and no heading is the last line of a page (``pdftotext -bbox``).

Screenshots of the main pages and of the PDF's pages go to test-artifacts/ for a person to look
at. Material draws Mermaid diagrams into closed shadow roots, only when they scroll into view: the
init script opens the shadow roots (nothing else changes) and the test scrolls each into view.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import ARTIFACTS, Visit, served
from sitebuild import REPO, built_site, mkdocs_build, site_repo

from generator.lint.runner import load_register
from generator.model.register import build
from generator.render import i18n

OPEN_SHADOW_ROOTS = (
    "const attach = Element.prototype.attachShadow;"
    "Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: 'open'}); };"
)
MIN_FONT_PX = 12
MAIN_PAGES = ["", "organisation/", "registre/", "tableau-de-bord/", "processus/fidelisation/",
              "activites/fidelisation-artemis/", "impression/"]

# Every diagram of the page: the smallest rendered size of its text (font size × the SVG's scale
# on screen), how many texts it has, and whether Mermaid left it as source.
_DIAGRAM_FONTS = """() => [...document.querySelectorAll('.ropa-diagram')].map(box => {
  const host = box.querySelector('.mermaid');
  const root = host ? host.shadowRoot : box;
  const svg = root && root.querySelector('svg');
  if (!svg) return {drawn: false};
  const texts = [...svg.querySelectorAll('text, foreignObject span, foreignObject p')].filter(t => t.textContent.trim());
  let min = Infinity;
  for (const t of texts) {
    const s = t.closest('svg'), vb = s.viewBox.baseVal;
    const scale = vb && vb.width ? s.getBoundingClientRect().width / vb.width : 1;
    min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
  }
  return {drawn: true, texts: texts.length, min};
})"""

# Every table of the page that is wider than the room it has, and whether a box scrolls it.
_CLIPPED_TABLES = """() => [...document.querySelectorAll('article table')].flatMap(t => {
  const column = t.closest('article').getBoundingClientRect();
  let box = t.parentElement;
  while (box && box !== document.body && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  const scrolls = box && box !== document.body;
  const right = t.getBoundingClientRect().right;
  const cells = [...t.querySelectorAll('td, th')].filter(c => c.scrollWidth > c.clientWidth + 1).length;
  if ((right > column.right + 1 && !scrolls) || cells) return [{head: t.rows[0].textContent.trim().slice(0, 60), right, column: column.right, cells}];
  return [];
})"""


def site_pages(base: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(base)) + "/" if p.parent != base else ""
                  for p in base.rglob("index.html") if "assets" not in p.parts and "search" not in p.parts)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return site_pages(built_site(tmp_path_factory))


def open_page(visit: Visit, path: str) -> Any:
    visit.context.add_init_script(OPEN_SHADOW_ROOTS)
    page = visit.open(path)
    for box in page.query_selector_all(".ropa-diagram"):  # Material draws a diagram once in view
        box.scroll_into_view_if_needed()
        page.wait_for_function(
            "b => !b.querySelector('pre.mermaid') && (!b.querySelector('.mermaid') || b.querySelector('.mermaid').shadowRoot)",
            arg=box, timeout=20_000)
    return page


def test_every_diagram_and_table_is_readable_at_1366(browser: Any, base_url: str, pages: list[str]) -> None:
    assert len(pages) > 15 and "impression/" in pages
    problems, measured = [], []
    for path in pages:
        v = Visit(browser, base_url)
        try:
            v.page.set_viewport_size({"width": 1366, "height": 900})
            page = open_page(v, path)
            for i, d in enumerate(page.evaluate(_DIAGRAM_FONTS)):
                if not d["drawn"] or not d["texts"] or d["min"] < MIN_FONT_PX:
                    problems.append(f"/{path} diagram {i + 1}: {d}")
                else:
                    measured.append(d["min"])
            problems += [f"/{path} table clipped: {t}" for t in page.evaluate(_CLIPPED_TABLES)]
            if path in MAIN_PAGES:
                v.screenshot("page-" + (path.strip("/").replace("/", "-") or "home"))
            v.check()
        finally:
            v.context.close()
    assert problems == [], "\n".join(problems)
    assert len(measured) >= 10 and min(measured) >= MIN_FONT_PX


def test_a_wide_table_says_it_scrolls_and_the_matrix_fits(visit: Visit) -> None:
    page = open_page(visit, "processus/fidelisation/")
    visit.page.set_viewport_size({"width": 1366, "height": 900})
    matrix = page.locator(".ropa-matrix table")
    column = page.locator("article").bounding_box()
    box = matrix.bounding_box()
    assert column is not None and box is not None and box["x"] + box["width"] <= column["x"] + column["width"] + 1
    # the scroll box of every table carries the edge shadow that shows there is more
    assert "gradient" in page.locator(".md-typeset__scrollwrap").first.evaluate("e => getComputedStyle(e).backgroundImage")


def test_a_diagram_opens_full_screen_and_zooms_on_a_phone(browser: Any, base_url: str) -> None:
    v = Visit(browser, base_url)
    try:
        v.page.set_viewport_size({"width": 390, "height": 844})
        page = open_page(v, "processus/fidelisation/")
        box = page.locator(".ropa-diagram").first
        assert "ropa-diagram--wide" in (box.get_attribute("class") or "")
        assert box.locator(".ropa-diagram__note").is_visible()  # says it scrolls
        full = box.locator(".ropa-diagram__full-screen")
        assert full.inner_text() == i18n.t("process.diagram.full_screen", "fr")
        full.click()
        rect = box.bounding_box()
        visible_width = page.evaluate("document.documentElement.clientWidth")  # less a scrollbar, if any
        assert rect is not None and rect["width"] >= visible_width - 1 and rect["height"] >= 843 and rect["x"] <= 0.5
        svg = box.locator("svg.ropa-lanes")
        before = svg.bounding_box()["width"]
        box.locator(".ropa-diagram__zoom-in").click()
        box.locator(".ropa-diagram__zoom-in").click()
        after = svg.bounding_box()["width"]
        assert after > before * 1.4
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-diagram-full-screen.png"))  # the screen, not the page
        box.evaluate("b => { b.scrollLeft = 300; b.scrollTop = 400; }")  # pans
        assert box.evaluate("b => [b.scrollLeft, b.scrollTop]") == [300, 400]
        page.keyboard.press("Escape")
        assert "ropa-diagram--full" not in (box.get_attribute("class") or "")
        v.check()
    finally:
        v.context.close()


def _pdf_lines(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page, its lines as (bottom y, text), from ``pdftotext -bbox-layout``."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in xml.split("<page ")[1:]:
        lines = []
        for m in re.finditer(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', page, re.S):
            words = [html.unescape(w) for w in re.findall(r">([^<]*)</word>", m.group(2))]
            lines.append((float(m.group(1)), " ".join(words)))
        out.append(sorted(lines))
    return out


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                    reason="pdftotext/pdftoppm (poppler-utils) missing")
def test_the_print_view_prints_every_sheet_on_a4(browser: Any, base_url: str, tmp_path: Path) -> None:
    model = build(load_register(REPO))
    v = Visit(browser, base_url)
    try:
        page = v.open("impression/")
        page.wait_for_function("document.documentElement.dataset.ropaDiagrams === 'drawn'", timeout=30_000)
        headings = page.evaluate("[...document.querySelectorAll('article h1, article h2, article h3')].map(h => h.textContent.replace('¶', '').trim())")
        pdf = tmp_path / "registre.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        v.check()
    finally:
        v.context.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+|Page size:\s+595\.\d+ x 842\.\d+", info), info
    pages = _pdf_lines(pdf)
    assert len(pages) > len(model.activities)
    # every sheet starts a page, in register order, then every process
    firsts = [" ".join(" ".join(text for _, text in p[:4]).split()) for p in pages]
    names = [" ".join(n.split())[:30] for n in [*(a.name for a in model.activities), *(m.name for m in model.processes.values())]]
    at, missing = 0, []
    for name in names:
        found = next((i for i in range(at + 1, len(firsts)) if name in firsts[i]), None)
        if found is None:
            missing.append(name)
        else:
            at = found
    assert missing == [], (missing, firsts)
    # no heading at the bottom of a page with less than three lines under it (its Article 30
    # note is one or two) while its section goes on over the page
    heading_texts = {" ".join(h.split()) for h in headings if h} - {i18n.t("site.print.title", "fr")}  # the cover
    def heading(line: tuple[float, str]) -> bool:
        return " ".join(line[1].split()) in heading_texts

    # (a section that ends on the page, the next page starting with a heading, is no orphan)
    orphans = [(n + 1, text) for n, p in enumerate(pages[:-1]) for i, (_, text) in enumerate(p)
               if heading(p[i]) and len(p) - i - 1 < 3 and not (pages[n + 1] and heading(pages[n + 1][0]))]
    assert orphans == [], f"headings alone at the bottom of a page: {orphans}"
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("print-view-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "print-view")], check=True)
    shutil.copy2(pdf, ARTIFACTS / "print-view.pdf")
    assert len(list(ARTIFACTS.glob("print-view-*.png"))) == len(pages)


# -- a phone's screen and paper: nothing cut off, the page never wider than the screen ----------

LONG_URL = ("https://intranet.centrecall.example/ressources-humaines/procedures/"
            "gestion-administrative-du-personnel-et-de-la-paie-version-2024-01-15.pdf")
LONG_WORD = "anticonstitutionnellement" * 3
PAYROLL = "activites/gestion-personnel-paie/"
READ_ON_A_PHONE = ["registre/", PAYROLL, "activites/fidelisation-artemis/", "processus/fidelisation/", "impression/"]

# Whether the page is wider than the screen, and every element of the page's content that lies
# (even in part) beyond its left or right edge without a box that scrolls it, or that cuts its
# own text (a box narrower than its text that neither scrolls nor shows what overflows).
_CUT_OFF = """() => {
  const width = document.documentElement.clientWidth, out = [];
  const scrolled = (el) => { for (let b = el.parentElement; b && b !== document.body; b = b.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(b).overflowX)) return true; } return false; };
  for (const el of document.querySelectorAll('article *')) {
    const r = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!r.width || style.visibility === 'hidden') continue;
    const text = (el.textContent || '').trim().slice(0, 50);
    if ((r.right > width + 1 || r.left < -1) && !scrolled(el)) out.push(`${el.tagName} at ${Math.round(r.left)}..${Math.round(r.right)} of ${width}: ${text}`);
    else if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim())
      out.push(`${el.tagName} cuts its text (${el.scrollWidth} > ${el.clientWidth}): ${text}`);
  }
  return {page: document.scrollingElement.scrollWidth - width, cut: out.slice(0, 20)};
}"""


@pytest.fixture(scope="module")
def long_words_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """CentreCall's site with a long URL and a long word in the payroll sheet (its name, its
    description, a recipient's details): words wider than a phone's screen."""
    root = site_repo(tmp_path_factory.mktemp("long-words") / "repo")
    sheet = root / "register" / "activities" / "gestion-personnel-paie.yaml"
    text = sheet.read_text(encoding="utf-8")
    for old, new in [
        ("name: Gestion du personnel et de la paie", "name: Gestion du personnel et de la paie (Ressources-humaines-administration-générale)"),
        ("externalisée auprès de Paie Services.", f"externalisée auprès de Paie Services. Procédure : {LONG_URL} ; {LONG_WORD}."),
        ("d'absence de leur équipe.", f"d'absence de leur équipe ({LONG_URL})."),
    ]:
        assert old in text
        text = text.replace(old, new)
    sheet.write_text(text, encoding="utf-8")
    done = mkdocs_build(root, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    with served(root / "site") as url:
        yield url


def test_a_phone_reads_every_sheet_and_the_register_without_scrolling_the_page(browser: Any, long_words_site: str) -> None:
    """At 360 px, the narrowest phones': the page is never wider than the screen and no text is
    cut off; a table wider than the screen scrolls in its own box (and takes the keyboard's
    focus to scroll: assets/ropa-a11y.js)."""
    v = Visit(browser, long_words_site, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    problems = []
    try:
        for path in READ_ON_A_PHONE:
            page = open_page(v, path)
            found = page.evaluate(_CUT_OFF)
            if found["page"] > 0 or found["cut"]:
                problems.append(f"/{path}: the page is {found['page']} px wider than the screen; cut off: {found['cut']}")
            if path == PAYROLL:
                v.screenshot("phone-sheet-long-words")
            if path == "registre/":
                v.screenshot("phone-register")
                wrap = page.locator(".ropa-table").first.locator("[data-ropa-scrolls]")
                assert wrap.count() == 1 and wrap.get_attribute("tabindex") == "0", "the register table scrolls in its box"
        v.check()
    finally:
        v.context.close()
    assert problems == [], "\n".join(problems)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_a_sheet_and_the_register_print_whole_on_a4(browser: Any, long_words_site: str, tmp_path: Path) -> None:
    """Printed on A4 (chromium's print to PDF), a sheet and the register table hold all of their
    text: laid out at the width of A4's text, nothing lies beyond it or is cut, and every cell
    and every entry of the page is in the PDF's text, long words and URLs included."""
    v = Visit(browser, long_words_site, viewport={"width": 703, "height": 1000})  # A4 less 2 × 12 mm
    problems = []
    try:
        for path in ["registre/", PAYROLL]:
            page = open_page(v, path)
            page.emulate_media(media="print")
            found = page.evaluate(_CUT_OFF)
            if found["page"] > 0 or found["cut"]:
                problems.append(f"/{path} printed: {found['page']} px too wide; cut off: {found['cut']}")
            cells = page.evaluate("[...document.querySelectorAll('article td, article th, article dd, article dt')]"
                                  ".filter(e => e.offsetParent !== null).map(e => e.innerText)")
            pdf = tmp_path / ((path.strip("/").replace("/", "-") or "home") + ".pdf")
            page.pdf(path=str(pdf), format="A4")
            text = _squeezed(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
            missing = [c for c in cells if _squeezed(c) not in text]
            if missing:
                problems.append(f"/{path}: not in the PDF: {missing[:5]}")
            if path == PAYROLL:
                assert LONG_URL in text and LONG_WORD in text
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy2(pdf, ARTIFACTS / f"print-{pdf.name}")
            page.emulate_media(media="screen")
        v.check()
    finally:
        v.context.close()
    assert problems == [], "\n".join(problems)
