"""The register table (``registre.md``) of a large register, alone in a real site, and its times
in a real browser. Used by ``benchmarks/run.py --only table`` and by tests/test_table_browser.py.

``build_table_site(reg, out, builder)`` makes the page with the site's own builder
(``register_table``), writes a site source around it (``site.source.write``: the repository's
mkdocs.yml, the navigation, our scripts and styles) and builds it with ``ropa build``'s builder
(``site.builders``, MkDocs or Zensical, strict). The pages the register page links to are
there too, as one-line stand-ins: the sheets of each table's first page (the only rows in the
page's HTML), the print view and the downloads. Building the 10,000 sheets themselves would take
minutes and says nothing of the table.

``measure(browser, url)`` opens the page in Playwright's Chromium and returns, in milliseconds:
``load`` (from the start of navigation to the tables enhanced and painted), ``idle`` (to the end
of the work the script leaves for idle time: folding the rows' text, ordering each column),
then, each from the event to the next frame drawn: ``filter`` (typing a word), ``unfilter``
(clearing it), ``sort`` and ``sort_again`` (two clicks on a header) and ``page`` (the next page).
Figures, not assertions. As a command (what ``benchmarks/run.py --only table`` runs)::

    .venv/bin/python benchmarks/table_site.py /tmp/reg          # the register page of /tmp/reg alone
    .venv/bin/python benchmarks/table_site.py --site site       # registre/ of a built site

prints the medians as JSON, with the page's size and, for the page alone, the load of a page of
one line of the same site (the theme's and scripts' own cost: the floor of any page).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from localsite import ARGS, CHROMIUM, served

from generator import export, paths
from generator.load.register import Register
from generator.model.register import RegisterModel, build
from generator.render import escape, i18n
from generator.site import builders, source
from generator.site.pages import Context, sheet_path
from generator.site.print_view import print_page
from generator.site.register_table import FIRST_PAGE, register_table

REPO = Path(__file__).resolve().parent.parent


def table_source(reg: Register, lang: str = "fr", model: RegisterModel | None = None) -> source.SiteSource:
    """The register page of ``reg`` (valid) and one-line stand-ins for what it links to."""
    model = model if model is not None else build(reg)
    src = source.SiteSource(lang, source.site_name(i18n.t("site.home.title", lang), reg, lang))
    page = paths.page("register", lang)
    pages = {page: register_table(Context(reg, lang, model))[page]}
    for _kind, activities in model.registers():
        for a in activities[:FIRST_PAGE]:
            pages[sheet_path(a, lang)] = f"# {escape.heading(a.name)}\n"
    pages[print_page(lang)] = f"# {escape.heading(i18n.t('site.print.title', lang))}\n"
    for path, text in pages.items():
        src.files[path] = source.with_title(text).encode("utf-8")
        src.generated.append(path)
    for path in export.site_download_paths(lang):
        src.files[path] = b""
    source.add_assets(src)
    return src


def build_table_site(reg: Register, out: Path, builder: str = "mkdocs", lang: str = "fr",
                     model: RegisterModel | None = None, config: dict[str, Any] | None = None) -> Path:
    """Build the register page of ``reg`` into ``out/site`` with ``builder``; return that folder.
    ``config``: the repository's ``mkdocs.yml`` as ``source.read_config`` reads it (default:
    the checkout's)."""
    config = dict(config if config is not None else source.read_config(REPO / source.CONFIG_NAME))
    config["theme"] = {**config["theme"], "language": lang}
    src = table_source(reg, lang, model)
    source.write(out, src, config)
    site = builders.BUILDERS[builder].build(out, lang)
    if site is None:
        raise RuntimeError(f"{builder} could not build the register page (see its messages above)")
    return site


# -- in the browser ------------------------------------------------------------------------------

NEXT_FRAME = "new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))"
READY = "() => document.querySelectorAll('.ropa-table').length > 0 && " \
        "[...document.querySelectorAll('.ropa-table')].every((box) => box.dataset.ropaReady)"
LOADED = f"async () => {{ await {NEXT_FRAME}; return performance.now(); }}"
# A long table (one with a pager) orders its columns while the browser is idle, then says "idle".
IDLE = "() => [...document.querySelectorAll('.ropa-table')].every((box) => box.dataset.ropaReady === 'idle' " \
       "|| !box.querySelector('.ropa-pager:not([hidden])'))"
# Each action on the first table, from the event to the next frame drawn (style, layout, paint).
FILTER = f"""async (text) => {{
  const input = document.querySelector('.ropa-table .ropa-filter input');
  const start = performance.now();
  input.value = text;
  input.dispatchEvent(new Event('input', {{bubbles: true}}));
  await {NEXT_FRAME};
  return performance.now() - start;
}}"""
CLICK = f"""async (selector) => {{
  const target = document.querySelector(selector);
  const start = performance.now();
  target.click();
  await {NEXT_FRAME};
  return performance.now() - start;
}}"""
SORT_BUTTON = ".ropa-table th:nth-child({column}) button.ropa-sort"
NEXT_BUTTON = ".ropa-table .ropa-pager__next"


def measure(browser: Any, url: str, word: str = "paie", column: int = 5) -> dict[str, float]:
    """The first table of the register page at ``url``: load, filter by ``word``, sort by
    ``column`` (1-based: 5 is the purpose), next page; milliseconds."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(READY, polling=10, timeout=60_000)
        figures = {"load": page.evaluate(LOADED)}
        page.wait_for_load_state("load")
        page.wait_for_function(IDLE, polling=10, timeout=60_000)
        figures["idle"] = page.evaluate("performance.now()")
        figures["filter"] = page.evaluate(FILTER, word)
        figures["unfilter"] = page.evaluate(FILTER, "")
        figures["sort"] = page.evaluate(CLICK, SORT_BUTTON.format(column=column))
        figures["sort_again"] = page.evaluate(CLICK, SORT_BUTTON.format(column=column))
        if page.locator(NEXT_BUTTON).first.is_visible():
            figures["page"] = page.evaluate(CLICK, NEXT_BUTTON)
        return figures
    finally:
        context.close()


def page_load(browser: Any, url: str) -> float:
    """Milliseconds from the start of navigation to the first frame after the load event."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        return float(page.evaluate(LOADED))
    finally:
        context.close()


def measure_site(site: Path, repeat: int, floor: str | None = None) -> dict[str, Any]:
    """The register page of the built ``site`` in Chromium, ``repeat`` times: the median of each
    figure; with ``floor``, the load of that page of the same site too (a page without the table)."""
    from playwright.sync_api import sync_playwright

    with served(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        runs = [measure(browser, url + "registre/") for _ in range(repeat)]
        floors = [page_load(browser, url + floor) for _ in range(repeat)] if floor else []
        browser.close()
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in runs[0] if all(k in r for r in runs)}
    out["html_kib"] = (site / "registre" / "index.html").stat().st_size / 1024
    if floors:
        out["floor_load"] = statistics.median(floors)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="The register table in Chromium: load, filter, sort, page (ms).")
    parser.add_argument("root", type=Path, nargs="?", help="a register repository: build its register page alone")
    parser.add_argument("--site", type=Path, help="measure registre/ of this built site instead")
    parser.add_argument("--builder", default="mkdocs", choices=sorted(builders.BUILDERS))
    parser.add_argument("--repeat", type=int, default=3, help="visits; the median of each figure (default 3)")
    args = parser.parse_args()
    if args.site:
        print(json.dumps(measure_site(args.site, args.repeat)))
        return 0
    if args.root is None:
        parser.error("give a register repository or --site")
    from generator.lint.runner import load_register

    reg = load_register(args.root)
    if not reg.ok:
        print(f"{args.root}: the register does not validate", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="ropa-table-") as tmp:
        site = build_table_site(reg, Path(tmp), args.builder)
        print(json.dumps(measure_site(site, args.repeat, floor=print_page("fr").removesuffix(".md") + "/")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
