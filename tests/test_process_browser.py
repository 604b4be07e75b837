"""Process diagrams in a real browser (Playwright driving Debian's chromium), on the site built by
a real ``mkdocs build --strict`` and served on 127.0.0.1 (fixtures of tests/test_site_browser.py:
every visit fails on a request that leaves the local server or on a console error).

Material for MkDocs draws each Mermaid diagram into a *closed* shadow root; the init script
below opens the shadow roots of the page it is added to, so the test can read the SVG. It
changes nothing else: the page, Material and Mermaid run as they ship."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browsing import OPEN_SHADOW_ROOTS, Visit, served
from sitebuild import REPO, mkdocs_build, site_repo
from test_mermaid import HOSTILE, decode, hostile_activity, normalise, typed

from generator.lint.runner import load_register
from generator.model.organisation import Party
from generator.model.register import build
from generator.render import mermaid
from generator.render.escape import mermaid as esc

LOYALTY = "processus/fidelisation/"
LOYALTY_SHEET = "activites/fidelisation-artemis/"
MERMAID_JS = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"

# What a drawn diagram says about itself, read from inside its shadow root: the text of its
# labels (without the <style> element), Mermaid's error box if any, and the contrast between
# the first operation's label and what lies under it (its fill over the lane over the page).
_READ_DIAGRAM = """(host) => {
  const root = host.shadowRoot, svg = root && root.querySelector('svg');
  if (!svg) return null;
  const copy = svg.cloneNode(true);
  copy.querySelectorAll('style').forEach(e => e.remove());
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const labels = [...root.querySelectorAll('g.node')].filter(n => n.querySelector('.nodeLabel b'));
  let contrast = null;
  if (labels.length) {
    const node = labels[0], label = node.querySelector('.nodeLabel');
    const shape = node.querySelector('rect, path, polygon'), lane = root.querySelector('g.cluster rect');  // lanes share one fill
    let under = rgba(getComputedStyle(document.body).backgroundColor);
    if (lane) under = over(rgba(getComputedStyle(lane).fill), under);
    under = over(rgba(getComputedStyle(shape).fill), under);
    const text = over(rgba(getComputedStyle(label).color), under);
    const [a, b] = [lum(text), lum(under)].sort((x, y) => y - x);
    contrast = (a + 0.05) / (b + 0.05);
  }
  return {
    text: copy.textContent,
    errorBox: !!root.querySelector('.error-icon, .error-text') || /Syntax error|Maximum text size|Too many edges/.test(copy.textContent),
    injected: root.querySelectorAll('script, img, iframe, a, foreignObject [onerror], [onclick], [onload]').length,
    red: [...svg.querySelectorAll('*')].some(e => [getComputedStyle(e).fill, getComputedStyle(e).stroke].includes('rgb(255, 0, 0)')),
    contrast,
    width: svg.getBoundingClientRect().width,
  };
}"""


def diagrams(page: Any) -> list[dict[str, Any]]:
    """Every Mermaid diagram of the page, once all are drawn."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.mermaid')].length > 0 && "
        "[...document.querySelectorAll('div.mermaid')].every(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))",
        timeout=20_000,
    )
    assert page.locator("pre.mermaid").count() == 0, "a diagram was left as source: Mermaid failed on it"
    return [page.evaluate(_READ_DIAGRAM, host) for host in page.query_selector_all("div.mermaid")]


def open_page(visit: Visit, path: str, scheme: str = "light") -> Any:
    visit.context.add_init_script(OPEN_SHADOW_ROOTS)
    visit.page.emulate_media(color_scheme=scheme)
    return visit.open(path)


# The process page's lane diagram is an inline SVG of the page (generator/render/swimlane.py):
# its text, its lanes' boxes, and the contrast of the first operation's label over its box over
# its lane over the page.
_READ_LANES = """() => {
  const svg = document.querySelector('svg.ropa-lanes');
  if (!svg) return null;
  const copy = svg.cloneNode(true);
  copy.querySelectorAll('title').forEach(e => e.remove());
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const box = svg.querySelector('.ropa-node--operation'), label = box.nextElementSibling, lane = svg.querySelector('.ropa-lane');
  let under = rgba(getComputedStyle(document.body).backgroundColor);
  under = over(rgba(getComputedStyle(lane).fill), under);
  under = over(rgba(getComputedStyle(box).fill), under);
  const text = over(rgba(getComputedStyle(label).fill), under);
  const [a, b] = [lum(text), lum(under)].sort((x, y) => y - x);
  return {
    text: copy.textContent,
    lanes: [...svg.querySelectorAll('.ropa-lane-header')].map(r => { const b = r.getBoundingClientRect(); return [b.x, b.y, b.width]; }),
    injected: svg.querySelectorAll('script, img, iframe, a, foreignObject, [onerror], [onclick], [onload]').length,
    contrast: (a + 0.05) / (b + 0.05),
    width: svg.getBoundingClientRect().width,
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_loyalty_process_diagram_renders_every_operation(visit: Visit, scheme: str) -> None:
    page = open_page(visit, LOYALTY, scheme)
    assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    drawn = page.evaluate(_READ_LANES)
    assert drawn is not None and drawn["width"] > 300
    text = " ".join(drawn["text"].split())
    process = load_register(REPO).process_data()["fidelisation"]
    for op in process["operations"]:
        assert " ".join(op["name"].split()[:2]) in text, op["name"]  # long names wrap over lines
    for label in ("Clientèle manager", "Opérateur", "Artemis", "ET", "OU", "Plus de 6 mois sans",
                  "Client à relancer", "Enregistrement refusé", "Client injoignable"):
        assert label in text, label
    # one column per actor, side by side: the lane headers share their top, left to right
    lanes = drawn["lanes"]
    assert len(lanes) == 3 and len({round(y) for _, y, _ in lanes}) == 1
    assert all(lanes[i][0] + lanes[i][2] <= lanes[i + 1][0] + 0.5 for i in range(len(lanes) - 1))
    assert drawn["contrast"] >= 4.5, f"labels hard to read ({drawn['contrast']:.2f}:1)"
    visit.screenshot(f"process-fidelisation-{scheme}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_loyalty_sheet_data_flow_diagram_renders(visit: Visit, scheme: str) -> None:
    page = open_page(visit, LOYALTY_SHEET, scheme)
    (drawn,) = diagrams(page)
    assert not drawn["errorBox"]
    text = " ".join(drawn["text"].split())
    for label in ("Personnes concernées", "Clients d'Artemis", "Fidélisation de la clientèle d'Artemis",
                  "Destinataires internes", "Opérateurs du centre d'appels", "Clientèle managers",
                  "Destinataires externes", "Artemis (responsable du traitement)"):
        assert label in text, label
    assert drawn["contrast"] is not None and drawn["contrast"] >= 4.5
    visit.screenshot(f"dataflow-fidelisation-artemis-{scheme}")


def test_routing_data_flow_reaches_the_united_states(visit: Visit) -> None:
    page = open_page(visit, "activites/routage-appels-artemis/")
    (drawn,) = diagrams(page)
    text = " ".join(drawn["text"].split())
    assert "Pays tiers" in text and "États-Unis" in text and "Clauses contractuelles types (CCT)" in text


def test_sheet_and_process_page_link_to_each_other(visit: Visit) -> None:
    page = open_page(visit, LOYALTY_SHEET)
    page.locator("a[href$='processus/fidelisation/']").first.click()
    page.wait_for_url("**/" + LOYALTY)
    assert page.locator("h1").first.inner_text().startswith("Fidélisation de la clientèle d'Artemis")
    page.locator(".ropa-subtitle a").first.click()
    page.wait_for_url("**/" + LOYALTY_SHEET)
    assert page.locator("#data-flow").count() == 1


# -- hostile labels, drawn by the real Mermaid -----------------------------------------------------


def _render_in_blank_page(browser: Any, sources: list[str]) -> list[dict[str, Any]]:
    """Each source drawn by the site's pinned Mermaid in an empty page, as Material draws it
    (``mermaid.render`` into a shadow root); a JavaScript dialog would fail the test."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(MERMAID_JS))
    page.evaluate("mermaid.initialize({startOnLoad: false})")
    out = []
    for i, source in enumerate(sources):
        host = page.evaluate_handle(
            """async ([source, i]) => {
                 const host = document.createElement('div');
                 host.className = 'mermaid';
                 document.body.appendChild(host);
                 const { svg, bindFunctions } = await mermaid.render('d' + i, source);
                 const root = host.attachShadow({ mode: 'open' });
                 root.innerHTML = svg;
                 if (bindFunctions) bindFunctions(root);
                 return host;
               }""",
            [source, i],
        )
        out.append(page.evaluate(_READ_DIAGRAM, host))
    page.evaluate("document.querySelectorAll('g.node').forEach(n => n.dispatchEvent(new MouseEvent('click', {bubbles: true})))")
    context.close()
    assert dialogs == [], f"a label ran JavaScript: {dialogs}"
    return out


def test_hostile_labels_render_as_text_in_the_browser(browser: Any) -> None:
    sources = []
    for label in HOSTILE:
        parties = {"end": Party("end", label)}
        sources.append(mermaid.dataflow(typed(hostile_activity(label), parties), "fr", parties=parties))
    for label, drawn in zip(HOSTILE, _render_in_blank_page(browser, sources), strict=True):
        assert drawn is not None and not drawn["errorBox"], label
        assert drawn["injected"] == 0 and not drawn["red"], label
        shown = "".join(drawn["text"].split())  # a <br/> of the label joins its lines in textContent
        assert "".join(normalise(label).split()) in shown, (label, shown)
    assert decode(esc(HOSTILE[0])) == HOSTILE[0]


def test_hostile_process_on_the_built_site(tmp_path: Path, browser: Any) -> None:
    """The whole path: YAML → page Markdown → MkDocs → Material → Mermaid, with a hostile name."""
    root = site_repo(tmp_path / "repo")
    path = root / "processes" / "fidelisation.yaml"
    hostile = "A \"b\" #c; %%{init: {}}%% x|y [z] <img src=x onerror=alert(1)> click n1 call alert(1) `d`"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Analyse des dates des derniers échanges", f"name: '{hostile}'"), encoding="utf-8")
    done = mkdocs_build(root, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    with served(tmp_path / "site") as url:
        v = Visit(browser, url)
        dialogs: list[str] = []
        v.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            page = open_page(v, LOYALTY)
            drawn = page.evaluate(_READ_LANES)
            assert drawn is not None and drawn["injected"] == 0
            assert "".join(hostile.split()) in "".join(drawn["text"].split())  # wrapped over lines
            assert hostile in page.locator("article table").first.evaluate("t => t.closest('article').innerText")
            assert page.locator("article img").count() == 0
            page.locator("svg.ropa-lanes").first.click()
            v.check()
            assert dialogs == []
        finally:
            v.context.close()


def test_a_data_flow_over_mermaids_default_limits_is_drawn(tmp_path: Path, browser: Any) -> None:
    """Six data subjects with descriptions of 9,000 characters: the sheet's data-flow source is
    over Mermaid's default 50,000, which would show Mermaid's error box in its place; the site's
    loader raises the limit for ropa's own diagrams (assets/on-demand/mermaid.js)."""
    root = site_repo(tmp_path / "repo")
    path = root / "register" / "activities" / "fidelisation-artemis.yaml"
    long = " ".join(["Clients d'Artemis"] * 500)
    subjects = "".join(f"  - category: {c}\n    description: {c} {long}\n"
                       for c in ("customers", "prospects", "employees", "suppliers", "candidates", "residents"))
    text = path.read_text(encoding="utf-8")
    start = text.index("data_subjects:\n") + len("data_subjects:\n")
    path.write_text(text[:start] + subjects + text[text.index("data_categories:"):], encoding="utf-8")
    model = build(load_register(root))
    activity = next(a for a in model.activities if a.id == "fidelisation-artemis")
    assert len(mermaid.dataflow(activity, "fr", parties=model.parties)) > 50_000
    done = mkdocs_build(root, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    with served(tmp_path / "site") as url:
        v = Visit(browser, url)
        try:
            page = open_page(v, "activites/fidelisation-artemis/")
            [drawn] = diagrams(page)
            assert not drawn["errorBox"], "Mermaid drew its error in place of the data flow"
            assert "".join(f"prospects {long}".split()) in "".join(drawn["text"].split())
            v.check()
        finally:
            v.context.close()
