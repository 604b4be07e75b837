"""The consolidated register (``registre.md``, ``register.md`` in English): CNIL tab 2 « Liste
des traitements », as the controller register (30(1)) and the processor register (30(2)); sorted, filtered and paged in the
browser by ``assets/ropa.js``.

A register of up to ``FIRST_PAGE`` activities is a plain Markdown table. A larger one keeps its
first ``FIRST_PAGE`` rows in the table (what a reader without JavaScript sees, with a note
pointing to the downloads and the print view, which hold every row) and carries every row as
data: a ``<script type="application/json">`` after the table (``rows_data``), from which the
script sorts, filters and paints one page at a time. A page of 10,000 rows in the HTML itself
would take seconds to load and to repaint after each sort; the data takes a third of its size.
"""

from __future__ import annotations

from typing import Any

from generator import paths, vocab
from generator.model.activity import Activity
from generator.render import i18n
from generator.render.escape import dom_text, script_json
from generator.site.home import controllers_by_id
from generator.site.pages import Context, builder

FIRST_PAGE = 50
"""Rows written into the page's table, and the script's first page size."""

COLUMNS = ("link", "text", "time", "time", "text", "text", "text", "text")
"""How the script draws each column of a data row: ``link`` [name, id] (to the sheet, with the
first row's link as the pattern), ``time`` [ISO date, label] (sorted by the date), ``text``."""


def rows_data(activities: tuple[Activity, ...], controllers: dict[str, list[str]], lang: str) -> str:
    """Every row of one register's table as the JSON the script reads (``escape.script_json``):
    ``columns`` (``COLUMNS``), ``rows`` (the cells as the Markdown table shows them) and
    ``values``: for a column whose cells repeat (the role, the controllers, often the dates and
    the purpose), its distinct cells, which its rows then give by index (``shared``)."""

    def day(value: str | None) -> list[str]:
        return [dom_text(value), dom_text(i18n.format_date(value, lang))]

    rows: list[list[Any]] = [
        [
            [dom_text(a.name), a.id],
            dom_text(a.ref),
            day(a.created),
            day(a.updated),
            dom_text(a.purposes.main if a.purposes else ""),
            i18n.t("common.yes" if a.sensitive_data else "common.no", lang),
            dom_text(vocab.label("role", a.role, lang)),
            dom_text(", ".join(controllers[a.id])),
        ]
        for a in activities
    ]
    return script_json({"columns": COLUMNS, **shared(rows)})


def shared(rows: list[list[Any]]) -> dict[str, Any]:
    """``{"values": ..., "rows": ...}``: each column whose distinct cells are at most half its
    rows has them once in ``values[column]``, in order of appearance, and its rows give their
    index there (a page of 10,000 rows is a third smaller; the script reads it back as it was)."""
    values: dict[str, list[Any]] = {}
    out = [list(row) for row in rows]
    for column in range(len(rows[0]) if rows else 0):
        index: dict[Any, int] = {}
        for row in rows:
            index.setdefault(_hashable(row[column]), len(index))
        if len(index) * 2 > len(rows):
            continue
        values[str(column)] = [list(cell) if isinstance(cell, tuple) else cell for cell in index]
        for row in out:
            row[column] = index[_hashable(row[column])]
    return {"values": values, "rows": out}


def _hashable(cell: Any) -> Any:
    return tuple(cell) if isinstance(cell, list) else cell


@builder
def register_table(ctx: Context) -> dict[str, str]:
    controllers = controllers_by_id(ctx)
    registers = [
        (kind, activities, rows_data(activities, controllers, ctx.lang) if len(activities) > FIRST_PAGE else None)
        for kind, activities in ctx.model.registers()
    ]
    return {
        paths.page("register", ctx.lang): ctx.render(
            "site/register.md.j2",
            registers=registers,
            controllers=controllers,
            first_page=FIRST_PAGE,
            counts={kind: i18n.format_number(len(activities), ctx.lang) for kind, activities, _ in registers},
        )
    }
