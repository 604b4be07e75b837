"""The review dashboard (``tableau-de-bord.md``, ``dashboard.md`` in English): overdue reviews, completeness of each sheet,
DPIA screening. The figures come from ``generator.model.review``; "today" is ``shapes.today()``
(``ROPA_TODAY`` fixes it), the model's day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator import paths
from generator.model.activity import Activity
from generator.model.review import Completeness, ReviewStatus, Screening
from generator.render import fields
from generator.site.pages import Context, builder


@dataclass(frozen=True)
class Row:
    a: Activity
    review: ReviewStatus
    completeness: Completeness
    missing: tuple[str, ...]  # the missing fields, named
    screening: Screening


def rows(ctx: Context) -> list[Row]:
    return [
        Row(
            a=a,
            review=a.review.status,
            completeness=a.review.completeness,
            missing=tuple(fields.field_label("activity", path, ctx.lang) for path in a.review.completeness.missing),
            screening=a.review.screening,
        )
        for a in ctx.model.activities
    ]


def by_due_date(items: list[Row]) -> list[Row]:
    """Never reviewed first, then by due date: what needs a review comes first."""
    return sorted(items, key=lambda r: (r.review.due is not None, r.review.due or dt.date.min))


@builder
def dashboard(ctx: Context) -> dict[str, str]:
    on = ctx.model.today
    items = rows(ctx)
    return {
        paths.page("dashboard", ctx.lang): ctx.render(
            "site/dashboard.md.j2",
            today=on.isoformat(),
            reviews=by_due_date(items),
            late=[r for r in items if r.review.overdue or r.review.never],
            completeness=sorted(items, key=lambda r: r.completeness.percent),
            screening=items,
        )
    }
