"""Reading register values defensively, in one place.

Checks, pages and exports also run on files that failed their schema (so that one run reports
every problem): they read lists, texts, dates and durations through these functions, which
return nothing rather than fail when a value has the wrong shape.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

TODAY_ENV = "ROPA_TODAY"
"""Environment variable fixing "today" (YYYY-MM-DD): reproducible pages and tests."""
EPOCH_ENV = "SOURCE_DATE_EPOCH"
"""Environment variable fixing the date outputs are stamped with (seconds since 1970, UTC)."""
MAX_EPOCH = 253_402_300_799
"""9999-12-31 23:59:59 UTC: the last second a date can hold."""

DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
"""An ISO 8601 duration of years, months, weeks and days (the schema's pattern)."""


def dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mappings of a list, with their index; nothing when ``value`` is not a list."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def mappings(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list; nothing when ``value`` is not a list."""
    return [item for _, item in dicts(value)]


def items(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def strings(value: Any) -> list[str]:
    """The strings of a list."""
    return [v for v in items(value) if isinstance(v, str)]


def processor_entries(value: Any) -> Iterator[tuple[int, tuple[Any, ...], str, dict[str, Any]]]:
    """An activity's ``processors``: (index, path of the party id, party id, the entry's terms),
    an entry being a party id or a mapping ``{party, contract, authorisation}``."""
    for i, entry in enumerate(value if isinstance(value, list) else []):
        if isinstance(entry, str):
            yield i, ("processors", i), entry, {}
        elif isinstance(entry, dict) and isinstance(entry.get("party"), str):
            yield i, ("processors", i, "party"), entry["party"], entry


def text(value: Any) -> str | None:
    """``value`` when it is a string with something in it."""
    return value if isinstance(value, str) and value.strip() else None


def value_at(value: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path`` (keys of mappings, indexes of lists) in a nested value, or None."""
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def walk_strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a nested value, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, (*path, i))


def identity(value: str | int) -> str:
    """An id or a ref as two of them are compared: the same for texts a reader cannot tell
    apart or would read as one (« Réf-1 » composed or decomposed, full-width « ＲＴ-01 »,
    « rt-01 » and « RT-01 », spaces around or doubled): NFKC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def parse_date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` string as a date; ``None`` for anything else."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def today() -> dt.date:
    """Today's date, or the date in ``ROPA_TODAY`` when it is set to a valid date."""
    return parse_date(os.environ.get(TODAY_ENV, "")) or dt.date.today()


def environment_problem() -> tuple[str, str, str] | None:
    """The first of ``ROPA_TODAY`` and ``SOURCE_DATE_EPOCH`` set to what is not a date a run can
    count from, as (message key, variable, value); ``None`` when both are unset or valid. A date
    before 1970 is refused: the checks count a year back from "today"."""
    value = os.environ.get(TODAY_ENV, "")
    day = parse_date(value)
    if value and (day is None or day.year < 1970):
        return "cli.bad_today", TODAY_ENV, value
    epoch = os.environ.get(EPOCH_ENV, "").strip()
    if epoch and not (epoch.isascii() and epoch.isdigit() and int(epoch) <= MAX_EPOCH):
        return "cli.bad_epoch", EPOCH_ENV, os.environ[EPOCH_ENV]
    return None


def parse_duration(value: Any) -> tuple[int, int, int, int] | None:
    """``P1Y6M`` → ``(1, 6, 0, 0)`` (years, months, weeks, days); ``None`` if not a duration."""
    match = DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years, months, weeks, days
