"""Keeping the register fresh: review cadence, completeness of each sheet, DPIA screening.

Pure functions of an activity's data (and the organisation's, for the default interval):
the checks of ``review_checks`` and the dashboard page both read them.

- Review cadence: an activity is due for review ``review_interval`` after ``last_reviewed``
  (the activity's interval, else the organisation's, else ``DEFAULT_INTERVAL``).
- Completeness: the share of the recommended fields (beyond what the schema requires) filled in.
- DPIA screening: ``generator.model.dpia`` (re-exported here: ``Screening``, ``screening``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model.dpia import Screening as Screening  # re-exported
from generator.model.dpia import screening as screening
from generator.shapes import parse_date, parse_duration, value_at

DEFAULT_INTERVAL = "P1Y"
"""Review interval when neither the activity nor the organisation sets one."""



def add_duration(start: dt.date, duration: str) -> dt.date | None:
    """``start`` plus an ISO 8601 duration; a month-end day is clamped (31 Jan + P1M = 28/29 Feb),
    and so is a date past the calendar's last day (``P99999999999Y``, or P1Y after 9999-12-31):
    ``dt.date.max``, a due date that never comes."""
    numbers = parse_duration(duration)
    if numbers is None:
        return None
    years, months, weeks, days = numbers
    month_index = start.month - 1 + months + 12 * years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    day = min(start.day, calendar.monthrange(year, month)[1])
    try:
        return dt.date(year, month, day) + dt.timedelta(weeks=weeks, days=days)
    except OverflowError:  # past 9999-12-31 (or a timedelta over its 999,999,999 days)
        return dt.date.max


# --- review cadence --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewStatus:
    last_reviewed: dt.date | None
    interval: str
    interval_source: str  # "activity", "organization" or "default"
    due: dt.date | None
    today: dt.date

    @property
    def never(self) -> bool:
        return self.last_reviewed is None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.due is not None and self.overdue else 0


def interval(activity: dict[str, Any], org: dict[str, Any]) -> tuple[str, str]:
    """The review interval that applies and where it comes from."""
    for source, data in (("activity", activity), ("organization", org)):
        value = data.get("review_interval")
        if parse_duration(value) is not None:
            return str(value), source
    return DEFAULT_INTERVAL, "default"


def review_status(activity: dict[str, Any], org: dict[str, Any], on: dt.date) -> ReviewStatus:
    last = parse_date(activity.get("last_reviewed"))
    every, source = interval(activity, org)
    due = add_duration(last, every) if last else None
    return ReviewStatus(last, every, source, due, on)


# --- completeness ----------------------------------------------------------------------------

Predicate = Callable[[dict[str, Any]], bool]


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _each(field: str, key: str) -> Predicate:
    """Every item of list ``field`` has ``key`` filled (vacuously true for an empty list)."""

    def test(a: dict[str, Any]) -> bool:
        items = a.get(field)
        return isinstance(items, list) and all(isinstance(i, dict) and _filled(i.get(key)) for i in items)

    return test


def _retention_notes(a: dict[str, Any]) -> bool:
    items = [
        i for f in ("data_categories", "sensitive_data") for i in (a.get(f) or []) if isinstance(i, dict)
    ]
    return bool(items) and all(
        isinstance(i.get("retention"), dict) and _filled(i["retention"].get("note")) for i in items
    )


def _has(*path: str) -> Predicate:
    return lambda a: _filled(value_at(a, path))


def _stated(*path: str) -> Predicate:
    """The list at ``path`` is written, if only as ``[]``: an empty list says "none" (README,
    « Adding an activity »), a missing key says "forgotten"."""
    return lambda a: isinstance(value_at(a, path), list)


ALL_ROLES = ("controller", "joint_controller", "processor")
CONTROLLER_ROLES = ("controller", "joint_controller")

# (schema path naming the field, 0 standing for any item of a list; roles it is recommended
# for; test)
RECOMMENDED: tuple[tuple[tuple[str | int, ...], tuple[str, ...], Predicate], ...] = (
    (("description",), ALL_ROLES, _has("description")),
    (("purposes", "sub"), ALL_ROLES, _stated("purposes", "sub")),
    (("legal_basis", "details"), CONTROLLER_ROLES, _has("legal_basis", "details")),
    (("data_subjects",), ("processor",), _has("data_subjects")),
    (("data_categories",), ("processor",), _has("data_categories")),
    (("data_categories", 0, "retention", "note"), ALL_ROLES, _retention_notes),
    (
        ("recipients", 0, "details"),
        ALL_ROLES,
        lambda a: _has("recipients")(a) and _each("recipients", "details")(a),
    ),
    (("security_measures", 0, "details"), ALL_ROLES, _each("security_measures", "details")),
    (("dpia",), CONTROLLER_ROLES, _has("dpia")),  # Art. 35: the controller's assessment, not the processor's
    (("last_reviewed",), ALL_ROLES, _has("last_reviewed")),
    (("process",), ALL_ROLES, _has("process")),
)


@dataclass(frozen=True)
class Completeness:
    filled: int
    total: int
    missing: tuple[tuple[str | int, ...], ...]  # schema paths of the fields left empty

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100


def completeness(activity: dict[str, Any]) -> Completeness:
    role = activity.get("role") if activity.get("role") in ALL_ROLES else "controller"
    applicable = [(path, test) for path, roles, test in RECOMMENDED if role in roles]
    missing = tuple(path for path, test in applicable if not test(activity))
    return Completeness(len(applicable) - len(missing), len(applicable), missing)
