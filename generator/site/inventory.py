"""The data inventory (``inventaire.md``, ``inventory.md`` in English): which activities process
which category of data and which sensitive data, with their retentions side by side."""

from __future__ import annotations

from typing import Any

from generator import paths, vocab
from generator.model.activity import Activity, DataCategory
from generator.model.register import RegisterModel
from generator.shapes import parse_duration
from generator.site.pages import Context, builder

_DAYS = (365, 30, 7, 1)


def approximate_days(duration: Any) -> int:
    """``P1Y6M`` → 545: only to order retentions (a year of 365 days, a month of 30)."""
    numbers = parse_duration(duration) or (0, 0, 0, 0)
    return sum(n * days for n, days in zip(numbers, _DAYS, strict=False))


Entries = list[tuple[Activity, DataCategory]]


def by_category(model: RegisterModel, key: str, vocabulary: str) -> list[tuple[str, Entries]]:
    """For each category of ``vocabulary`` (in its order) the activities and entries of ``key``
    (``data_categories`` or ``sensitive_data``) in that category."""
    found: dict[str, Entries] = {}
    for activity in model.activities:
        entries: tuple[DataCategory, ...] = getattr(activity, key) or ()
        for entry in entries:
            found.setdefault(entry.category, []).append((activity, entry))
    return sorted(found.items(), key=lambda kv: vocab.order(vocabulary, kv[0]))


def retention_range(entries: Entries) -> tuple[str, str]:
    """The shortest and the longest retention period among ``entries``."""
    durations = [(entry.retention.duration if entry.retention else None) or "" for _, entry in entries]
    durations = sorted((d for d in durations if d), key=approximate_days)
    return (durations[0], durations[-1]) if durations else ("", "")


@builder
def inventory(ctx: Context) -> dict[str, str]:
    categories = by_category(ctx.model, "data_categories", "data_category")
    sensitive = by_category(ctx.model, "sensitive_data", "sensitive_category")
    return {
        paths.page("inventory", ctx.lang): ctx.render(
            "site/inventory.md.j2",
            categories=categories,
            sensitive=sensitive,
            ranges={category: retention_range(entries) for category, entries in categories + sensitive},
        )
    }
