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
Figures, not assertions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.load.register import Register
from generator.model.register import RegisterModel, build
from generator.render import escape, i18n
from generator.resources import site_assets
from generator.site import builders, source
from generator.site.pages import Context, sheet_path
from generator.site.print_view import PRINT_PAGE
from generator.site.register_table import FIRST_PAGE, register_table

REPO = Path(__file__).resolve().parent.parent
PAGE = "registre.md"
DOWNLOADS = ("telechargements/registre.xlsx", "telechargements/registre.csv", "telechargements/registre.json")


def table_source(reg: Register, lang: str = "fr", model: RegisterModel | None = None) -> source.SiteSource:
    """The register page of ``reg`` (valid) and one-line stand-ins for what it links to."""
    model = model if model is not None else build(reg)
    src = source.SiteSource(lang, source.site_name(i18n.t("site.home.title", lang), reg, lang))
    pages = {PAGE: register_table(Context(reg, lang, model))[PAGE]}
    for _kind, activities in model.registers():
        for a in activities[:FIRST_PAGE]:
            pages[sheet_path(a)] = f"# {escape.heading(a.name)}\n"
    pages[PRINT_PAGE] = f"# {escape.heading(i18n.t('site.print.title', lang))}\n"
    for path, text in pages.items():
        src.files[path] = source.with_title(text).encode("utf-8")
        src.generated.append(path)
    for path in DOWNLOADS:
        src.files[path] = b""
    for uri, file in site_assets():
        src.files[uri] = file
        (src.styles if uri.endswith(".css") else src.scripts).append(uri)
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
    site = builders.BUILDERS[builder].build(out)
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
