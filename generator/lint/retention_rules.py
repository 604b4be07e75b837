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
import re
from collections.abc import Iterator
from typing import Any

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


def _in_context(activity: Any, words: str, benchmark: dict[str, Any]) -> bool:
    """A category that names its data only loosely (« Images des personnes filmées ») in an
    activity that says what it is (« Vidéoprotection de la voie publique »): ``context`` is
    matched against the activity's name, main purpose and description, ``context_match``
    against the category's words."""
    if not (benchmark.get("context") and benchmark.get("context_match") and isinstance(activity, dict)):
        return False
    purposes = activity.get("purposes")
    main = purposes.get("main") if isinstance(purposes, dict) else None
    about = " ".join(str(v) for v in (activity.get("name"), main, activity.get("description")) if v)
    return bool(re.search(benchmark["context"], about, re.IGNORECASE)
                and re.search(benchmark["context_match"], words, re.IGNORECASE))


def periods_follow_benchmarks(reg: Register) -> Iterator[Diagnostic]:
    benchmarks = [(re.compile(b["match"], re.IGNORECASE), b)
                  for b in load_data("legal/retention_benchmarks")["benchmarks"] if b.get("match")]
    for doc, path, item, r in _retentions(reg):
        if text(r.get("justification")) or not text(r.get("duration")):
            continue
        words = " ".join([str(item.get("description") or ""), *strings(item.get("items"))])
        for match, b in benchmarks:
            if (match.search(words) or _in_context(doc.data, words, b)) and _longer(r["duration"], b["max"]):
                yield doc.diagnostic((*path, "retention", "duration"), "retention-over-benchmark",
                                     field=_name(path), duration=str(r["duration"]), max=b["max"],
                                     recommendation=Text(fr=b["fr"], en=b["en"]), reference=b["reference"])
                break


# The checks of this module, in the order they run.
CHECKS = (periods_are_stated, periods_follow_benchmarks)
