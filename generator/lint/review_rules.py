"""Checks that keep the register fresh and complete: reviews, DPIAs, placeholders left.

- ``review-missing`` (warning): an activity that was never reviewed (no ``last_reviewed``).
- ``review-overdue`` (warning): ``last_reviewed`` + the review interval is before today.
- ``dpia-missing`` (error): the screening says a DPIA is required (two EDPB criteria, or the
  CNIL's list) but the sheet shows none: status not_required without a CNIL exemption, or no
  reference to the DPIA.
- ``dpia-exemption-conflict`` (error): a CNIL exemption given for processing on the CNIL's list
  of processing that always requires a DPIA.
- ``dpia-criterion-undeclared`` (warning): the data show an EDPB criterion ``dpia.criteria``
  does not list.
- ``placeholder`` (error): a value still holding what ``ropa new`` wrote for the author to fill
  in (« À COMPLÉTER »).

"Today" is ``shapes.today()``: the ``ROPA_TODAY`` environment variable fixes it for
reproducible runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator import shapes, vocab
from generator.lint.diagnostics import Diagnostic
from generator.lint.schema import field_name
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


def no_placeholder_left(reg: Register) -> Iterator[Diagnostic]:
    marks = placeholders()
    for doc in reg.documents():
        for path, text in walk_strings(doc.data):
            mark = next((m for m in marks if m in text), None)
            if mark is not None:
                yield doc.diagnostic(
                    path,
                    "placeholder",
                    f"{field_name(path)}: « {mark} » is still here: write the real value in its place",
                )


def reviews_are_current(reg: Register) -> Iterator[Diagnostic]:
    on = shapes.today()
    for doc, data in _activities(reg):
        status = review.review_status(data, reg.org, on)
        if status.never:
            if "last_reviewed" not in data:
                yield doc.diagnostic(
                    (),
                    "review-missing",
                    "this sheet has never been reviewed: review it against what is really done and "
                    f"add last_reviewed: {on.isoformat()}",
                    severity="warning",
                )
            continue
        if status.overdue and status.due is not None:
            source = {
                "activity": "this sheet's review_interval",
                "organization": "the organisation's review_interval",
                "default": "the default interval",
            }[status.interval_source]
            yield doc.diagnostic(
                ("last_reviewed",),
                "review-overdue",
                f"review overdue since {status.due.isoformat()} ({status.days_overdue} days): last "
                f"reviewed {status.last_reviewed}, every {status.interval} ({source}); review the "
                "sheet and update last_reviewed",
                severity="warning",
            )


def _criteria_words(codes: tuple[str, ...]) -> str:
    return ", ".join(codes) if codes else "none"


def dpia_when_required(reg: Register) -> Iterator[Diagnostic]:
    for doc, data in _activities(reg):
        s = review.screening(data)
        has_dpia = isinstance(data.get("dpia"), dict)
        if s.derived and has_dpia:
            yield doc.diagnostic(
                ("dpia", "criteria"),
                "dpia-criterion-undeclared",
                f"the data meet EDPB criteria that dpia.criteria does not list: {', '.join(s.derived)} "
                "(special categories in sensitive_data; employees among the data subjects); add them",
                severity="warning",
                key="criteria" not in data["dpia"],
            )
        problem = s.problem
        if problem is None:
            continue
        why = (
            f"it is on the CNIL's list of processing requiring a DPIA ({s.cnil_list})"
            if s.cnil_list
            else f"it meets {len(s.criteria)} EDPB criteria ({_criteria_words(s.criteria)})"
        )
        if problem == "exemption-conflict":
            yield doc.diagnostic(
                ("dpia", "exemption"),
                "dpia-exemption-conflict",
                "dpia.exemption cannot lift dpia.cnil_list: processing on the CNIL's list of "
                "processing requiring a DPIA always needs one",
            )
        elif problem == "not-done":
            where = ("dpia", "status") if has_dpia else ()
            yield doc.diagnostic(
                where,
                "dpia-missing",
                f"a DPIA is required: {why}; carry it out and reference it (dpia.status, "
                "dpia.reference), or name the CNIL exemption that applies (dpia.exemption)",
                key=not has_dpia,
            )
        else:
            yield doc.diagnostic(
                ("dpia",),
                "dpia-missing",
                f"a DPIA is required: {why}; dpia.status is {s.status} but dpia.reference does not "
                "say where the DPIA is",
                key=True,
            )


# The checks of this module, in the order they run.
CHECKS = (
    no_placeholder_left,
    reviews_are_current,
    dpia_when_required,
)
