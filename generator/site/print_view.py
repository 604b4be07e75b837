"""The print view of the register (``impression.md``, ``print.md`` in English): every record
sheet, in register order, on one page that prints on A4 with a page break before each sheet — the
document a DPO hands over on request (GDPR Art. 30(4)); then the process pages, which describe how
the activities run. The sheets and process pages are the site's own (``sheets.sheet_page``,
``processes.process_pages``), their diagrams included; their links, written for their folder
(``activites/``, ``activities/`` in English), are made relative to the page.
The print rules (page breaks, no heading alone at the bottom of a page) are in
``assets/ropa.css``.

A register of more than ``SHEETS_PER_PART`` sheets is printed in parts (``impression-1.md``,
``impression-2.md``, …, ``print-1.md`` in English; the processes with the last), which
``impression.md`` lists: one page of
10,000 sheets would be some 100 MB of Markdown, which MkDocs converts in a time that grows
faster than the page (and no browser prints); each part is the size of a 250-sheet register's
view, so the site's build time grows with the register.
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

from generator import paths
from generator.site import history
from generator.site.pages import Context, builder, sheet_path
from generator.site.processes import process_pages, process_path
from generator.site.sheets import sheet_page

SHEETS_PER_PART = 250
"""The most sheets one page of the print view holds."""


class Part(NamedTuple):
    """Part ``n`` of ``parts``: the register's sheets ``first`` to ``last`` (from 1), on ``page``."""

    n: int
    parts: int
    first: int
    last: int
    page: str


def print_page(lang: str) -> str:
    """``impression.md``; ``print.md`` in English."""
    return paths.page("print", lang)


def part_path(n: int, lang: str) -> str:
    """The page of part ``n`` (from 1) of a print view in parts: ``impression-<n>.md``."""
    return f"{paths.name('print', lang)}-{n}.md"

# A Markdown link's target: ``](target)``, the only link syntax the sheet templates write.
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def relocate(markdown: str, from_dir: str) -> str:
    """``markdown`` written for a page in ``from_dir``, with its relative link targets made
    relative to the site's root, where the print view is."""

    def move(match: re.Match[str]) -> str:
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
            return match.group(0)
        return f"]({posixpath.normpath(posixpath.join(from_dir, target))})"

    return _LINK.sub(move, markdown)


@builder
def print_view(ctx: Context) -> dict[str, str]:
    # the pages the sheet and process builders made (they come first in BUILDER_MODULES)
    made, lang = ctx.made, ctx.lang
    if not all(sheet_path(a, lang) in made for a in ctx.model.activities):
        histories = history.sheet_histories(ctx.reg)
        made = {**made, **{sheet_path(a, lang): sheet_page(ctx, a, histories) for a in ctx.model.activities}}
        made.update(process_pages(ctx))
    sheets = [relocate(made[sheet_path(a, lang)], paths.name("sheets", lang)) for a in ctx.model.activities]
    processes = [relocate(made[process_path(p, lang)], paths.name("processes", lang))
                 for p in ctx.model.processes if process_path(p, lang) in made]
    total = len(sheets)
    if total <= SHEETS_PER_PART:
        return {print_page(lang): ctx.render("site/print.md.j2", sheets=[*sheets, *processes], total=total, part=None, parts=None)}
    starts = range(0, total, SHEETS_PER_PART)
    parts = [Part(n, len(starts), start + 1, min(total, start + SHEETS_PER_PART), part_path(n, lang))
             for n, start in enumerate(starts, start=1)]
    pages = {print_page(lang): ctx.render("site/print.md.j2", sheets=[], total=total, part=None, parts=parts)}
    for part in parts:
        chunk = sheets[part.first - 1:part.last] + (processes if part.n == part.parts else [])
        pages[part.page] = ctx.render("site/print.md.j2", sheets=chunk, total=total, part=part, parts=None)
    return pages
