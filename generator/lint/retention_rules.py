"""Retention periods (Art. 5(1)(e), Art. 30(1)(f)), checked on every data category's
``retention``, and compared with the CNIL's benchmarks (generator/data/legal/
retention_benchmarks.yaml).

- ``retention-no-period`` (error): neither a fixed period (``duration`` counted from
  ``starts``) nor an event with no fixed term (``until``).
- ``archiving-no-final-limit`` (warning): intermediate archiving (``end_action: archiving``)
  without ``archive_duration``, the limit after which the archive is deleted.
- ``retention-over-benchmark`` (warning): data the CNIL gives a benchmark for (call recordings:
  6 months; CCTV images: 1 month) kept longer, without ``retention.justification``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from generator.lint.rules import Diagnostic, Text
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.model.review import add_duration
from generator.resources import load_data
from generator.shapes import dicts, strings, text

_EPOCH = dt.date(2000, 1, 1)


def _retentions(reg: Register) -> Iterator[tuple[Document, tuple[Any, ...], dict[str, Any], dict[str, Any]]]:
    """(document, path of the category, the category, its retention), for every retention."""
    for doc in reg.activities:
        if not isinstance(doc.data, dict):
            continue
        for field in ("data_categories", "sensitive_data"):
            for i, item in dicts(doc.data.get(field)):
                retention = item.get("retention")
                if isinstance(retention, dict):
                    yield doc, (field, i), item, retention


def _name(path: tuple[Any, ...]) -> str:
    return f"{path[0]}[{path[1]}]"


def periods_are_stated(reg: Register) -> Iterator[Diagnostic]:
    for doc, path, _, r in _retentions(reg):
        fixed = text(r.get("duration")) and text(r.get("starts"))
        if not fixed and not text(r.get("until")):
            yield doc.diagnostic((*path, "retention"), "retention-no-period", key=True, field=_name(path))
        if r.get("end_action") == "archiving" and not text(r.get("archive_duration")):
            yield doc.diagnostic((*path, "retention", "end_action"), "archiving-no-final-limit",
                                 field=_name(path))


def _longer(duration: Any, limit: str) -> bool:
    a, b = add_duration(_EPOCH, str(duration)), add_duration(_EPOCH, limit)
    return a is not None and b is not None and a > b


def _about(activity: Any) -> str:
    """What an activity says it is: its name, main purpose and description."""
    if not isinstance(activity, dict):
        return ""
    purposes = activity.get("purposes")
    main = purposes.get("main") if isinstance(purposes, dict) else None
    return " ".join(str(v) for v in (activity.get("name"), main, activity.get("description")) if v)


class _Benchmark(NamedTuple):
    """A row of ``legal/retention_benchmarks.yaml``, its patterns compiled: ``match`` against a
    category's words; or, for a category that names its data only loosely (« Images des
    personnes filmées ») in an activity that says what it is (« Vidéoprotection de la voie
    publique »), ``context`` against what the activity says it is (``_about``) and
    ``context_match`` against the category's words."""

    match: re.Pattern[str]
    context: re.Pattern[str] | None
    context_match: re.Pattern[str] | None
    row: dict[str, Any]

    @classmethod
    def of(cls, row: dict[str, Any]) -> _Benchmark:
        context, context_match = str(row.get("context") or ""), str(row.get("context_match") or "")
        both = bool(context and context_match)
        return cls(re.compile(row["match"], re.IGNORECASE), re.compile(context, re.IGNORECASE) if both else None,
                   re.compile(context_match, re.IGNORECASE) if both else None, row)

    def found(self, words: str, about: Callable[[], str]) -> bool:
        if self.match.search(words):
            return True
        return (self.context is not None and self.context_match is not None
                and self.context_match.search(words) is not None and self.context.search(about()) is not None)


def periods_follow_benchmarks(reg: Register) -> Iterator[Diagnostic]:
    benchmarks = [_Benchmark.of(b) for b in load_data("legal/retention_benchmarks")["benchmarks"] if b.get("match")]
    for doc, path, item, r in _retentions(reg):
        if text(r.get("justification")) or not text(r.get("duration")):
            continue
        words = " ".join([str(item.get("description") or ""), *strings(item.get("items"))])
        about = functools.partial(_about, doc.data)
        for bench in benchmarks:
            b = bench.row
            if bench.found(words, about) and _longer(r["duration"], b["max"]):
                yield doc.diagnostic((*path, "retention", "duration"), "retention-over-benchmark",
                                     field=_name(path), duration=str(r["duration"]), max=b["max"],
                                     recommendation=Text(fr=b["fr"], en=b["en"]), reference=b["reference"])
                break


# The checks of this module, in the order they run.
CHECKS = (periods_are_stated, periods_follow_benchmarks)
