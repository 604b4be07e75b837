"""The review dashboard (``tableau-de-bord.md``): overdue reviews, completeness of each sheet,
DPIA screening. The figures come from ``generator.model.review``; "today" is ``shapes.today()``
(``ROPA_TODAY`` fixes it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator import shapes
from generator.model import review, views
from generator.model.review import Completeness, ReviewStatus, Screening
from generator.render import fields
from generator.site.pages import Context, builder

PAGE = "tableau-de-bord.md"


@dataclass(frozen=True)
class Row:
    a: Any  # the activity (views.lenient)
    review: ReviewStatus
    completeness: Completeness
    missing: tuple[str, ...]  # the missing fields, named
    screening: Screening


def rows(ctx: Context, on: dt.date) -> list[Row]:
    out = []
    for activity in views.ordered_activities(ctx.reg):
        done = review.completeness(activity)
        out.append(
            Row(
                a=views.lenient(activity),
                review=review.review_status(activity, ctx.reg.org, on),
                completeness=done,
                missing=tuple(fields.field_label("activity", path, ctx.lang) for path in done.missing),
                screening=review.screening(activity),
            )
        )
    return out


def by_due_date(items: list[Row]) -> list[Row]:
    """Never reviewed first, then by due date: what needs a review comes first."""
    return sorted(items, key=lambda r: (r.review.due is not None, r.review.due or dt.date.min))


@builder
def dashboard(ctx: Context) -> dict[str, str]:
    on = shapes.today()
    items = rows(ctx, on)
    return {
        PAGE: ctx.render(
            "site/dashboard.md.j2",
            today=on.isoformat(),
            reviews=by_due_date(items),
            late=[r for r in items if r.review.overdue or r.review.never],
            completeness=sorted(items, key=lambda r: r.completeness.percent),
            screening=items,
        )
    }
