"""Checks that keep the register fresh and complete: reviews, DPIAs, placeholders left.

- ``review-missing`` (warning): an activity that was never reviewed (no ``last_reviewed``).
- ``review-overdue`` (warning): ``last_reviewed`` + the review interval is before today.
- (the DPIA checks are in ``dpia_rules``)
- ``placeholder`` (error): a value still holding what ``ropa new`` wrote for the author to fill
  in (« À COMPLÉTER »).

"Today" is ``shapes.today()``: the ``ROPA_TODAY`` environment variable fixes it for
reproducible runs.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from typing import Any

from generator import shapes, vocab
from generator.lint.rules import Diagnostic, phrase
from generator.lint.schema import field_arg
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.model import review
from generator.render import i18n
from generator.shapes import walk_strings


def _activities(reg: Register) -> Iterator[tuple[Document, dict[str, Any]]]:
    for doc in reg.activities:
        if isinstance(doc.data, dict):
            yield doc, doc.data


def placeholders() -> tuple[str, ...]:
    """The placeholder texts ``ropa new`` writes, in every language."""
    return tuple(dict.fromkeys(i18n.t("review.placeholder", lang) for lang in vocab.LANGUAGES))


def _may_hold(data: Any, marks: tuple[bytes, ...]) -> bool:
    """False when no text of ``data`` holds one of ``marks`` (UTF-8), found in one pass in C:
    ``marshal`` writes each text of the data once in full, as its UTF-8 bytes (a text seen
    again is written as a reference to the first), so a text holding a mark puts the mark's
    bytes in the output. True when they are there (perhaps in a key, or across two values: the
    texts are then walked one by one), or when it cannot be told."""
    try:
        written = marshal.dumps(data)
    except (ValueError, RecursionError):  # (not the parser's data)
        return True
    return any(m in written for m in marks)


def no_placeholder_left(reg: Register) -> Iterator[Diagnostic]:
    marks = placeholders()
    encoded = tuple(m.encode("utf-8") for m in marks)
    for doc in reg.documents():
        if not _may_hold(doc.data, encoded):
            continue
        for path, text in walk_strings(doc.data):
            mark = next((m for m in marks if m in text), None)
            if mark is not None:
                yield doc.diagnostic(path, "placeholder", field=field_arg(path), mark=mark)


def reviews_are_current(reg: Register) -> Iterator[Diagnostic]:
    on = shapes.today()
    for doc, data in _activities(reg):
        status = review.review_status(data, reg.org, on)
        if status.never:
            if "last_reviewed" not in data:
                yield doc.diagnostic((), "review-missing", today=on.isoformat())
            continue
        if status.overdue and status.due is not None:
            yield doc.diagnostic(
                ("last_reviewed",), "review-overdue",
                due=status.due.isoformat(), days=status.days_overdue, last=str(status.last_reviewed),
                interval=status.interval, source=phrase(f"interval-{status.interval_source}"),
            )


# The checks of this module, in the order they run.
CHECKS = (
    no_placeholder_left,
    reviews_are_current,
)
