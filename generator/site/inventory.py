"""The data inventory (``inventaire.md``): which activities process which category of data
and which sensitive data, with their retentions side by side."""

from __future__ import annotations

from typing import Any

from generator.model import views
from generator.shapes import parse_duration
from generator.site.pages import Context, builder

_DAYS = (365, 30, 7, 1)


def approximate_days(duration: Any) -> int:
    """``P1Y6M`` → 545: only to order retentions (a year of 365 days, a month of 30)."""
    numbers = parse_duration(duration) or (0, 0, 0, 0)
    return sum(n * days for n, days in zip(numbers, _DAYS))


def retention_range(entries: list[tuple[Any, dict[str, Any]]]) -> tuple[str, str]:
    """The shortest and the longest retention period among ``entries``."""
    durations = [str((entry.get("retention") or {}).get("duration") or "") for _, entry in entries]
    durations = sorted((d for d in durations if d), key=approximate_days)
    return (durations[0], durations[-1]) if durations else ("", "")


@builder
def inventory(ctx: Context) -> dict[str, str]:
    categories = views.by_category(ctx.reg, "data_categories", "data_category")
    sensitive = views.by_category(ctx.reg, "sensitive_data", "sensitive_category")
    return {
        "inventaire.md": ctx.render(
            "site/inventory.md.j2",
            categories=views.lenient(categories),
            sensitive=views.lenient(sensitive),
            ranges={category: retention_range(entries) for category, entries in categories + sensitive},
        )
    }
