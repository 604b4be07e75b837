"""The history section of each sheet: the dates the YAML declares and what git recorded.

``sheet_histories(reg)`` reads the history of every activity file with one ``git log``
(``gitinfo.histories``); outside a git repository each history says so (``available`` False)
and the sheet shows a note instead of failing. ``ROPA_HISTORY=off`` leaves git out (the
sheets then show only the declared dates): for sites that must not name authors, and for
golden files that must not change with every commit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from generator.load import git as gitinfo
from generator.load.register import Register

SWITCH = "ROPA_HISTORY"
"""Environment variable: ``off`` leaves the git history out of the sheets."""

LOG_LENGTH = 20
"""Changes listed on a sheet; older ones are counted."""


@dataclass(frozen=True)
class SheetHistory:
    available: bool
    commits: tuple[gitinfo.Commit, ...]

    @property
    def last(self) -> gitinfo.Commit | None:
        return self.commits[0] if self.commits else None

    @property
    def shown(self) -> tuple[gitinfo.Commit, ...]:
        return self.commits[:LOG_LENGTH]

    @property
    def older(self) -> int:
        return max(0, len(self.commits) - LOG_LENGTH)


def sheet_histories(reg: Register) -> dict[str, SheetHistory]:
    """``{activity id: SheetHistory}`` for every activity of the register (empty when off)."""
    if os.environ.get(SWITCH, "").lower() == "off":
        return {}
    docs = [d for d in reg.activities if isinstance(d.data, dict)]
    found = gitinfo.histories(reg.root, [d.path for d in docs]) if docs else {}
    out: dict[str, SheetHistory] = {}
    for doc in docs:
        history = found[doc.path.resolve()]
        out.setdefault(str(doc.data.get("id")), SheetHistory(history.available, history.commits))
    return out
