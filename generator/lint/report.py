"""Printing problems: as text, JSON, GitHub annotations, a GitLab code-quality report, and the
summary line, each in the reader's language (``fr`` or ``en``)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable

from generator.lint.rules import Diagnostic, phrase
from generator.render.escape import terminal
from generator.vocab import DEFAULT_LANG

SHOWN_PER_FILE = 50
"""Most problems of one file a terminal is shown (``format_text``): past them, one line says how
many more that file has. A file of 10,000 bad entries would otherwise bury every other file's
problems and the summary under 10,000 lines; 50 is more than an author fixes in one go and still
fits a screen's scrollback. The summary still counts every problem, the exit code is the same,
and the formats a machine reads (``json``, ``github``, ``gitlab``) give every one of them."""


def format_text(diagnostics: Iterable[Diagnostic], lang: str = DEFAULT_LANG) -> str:
    """One line a problem, for a terminal: a value or file name quoted in it has its control
    characters shown escaped (``\\x1b``), so it cannot clear or recolour the reader's screen.
    At most ``SHOWN_PER_FILE`` problems of a file, then one line with the count of the others."""
    items = list(diagnostics)
    totals = Counter(d.file for d in items)
    shown: Counter[str] = Counter()
    out = []
    for d in items:
        shown[d.file] += 1
        if shown[d.file] <= SHOWN_PER_FILE:
            out.append(terminal(d.text(lang)) + "\n")
        if shown[d.file] == SHOWN_PER_FILE and totals[d.file] > SHOWN_PER_FILE:
            more = phrase("more-in-file", count=totals[d.file] - SHOWN_PER_FILE).render(lang)
            out.append(terminal(f"{d.file}: {more}") + "\n")
    return "".join(out)


def format_json(diagnostics: Iterable[Diagnostic], lang: str = DEFAULT_LANG) -> str:
    rows = [
        {"file": d.file, "line": d.line, "column": d.column, "severity": d.severity, "rule": d.rule,
         "message": d.message(lang)}
        for d in diagnostics
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _github_escape(value: str, *, property_: bool = False) -> str:
    """A workflow command's value: the log it lands in reads ANSI escapes, so control characters
    are shown escaped first (``escape.terminal``), then ``%``, line ends and separators encoded."""
    value = terminal(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: Iterable[Diagnostic], lang: str = DEFAULT_LANG) -> str:
    """GitHub Actions workflow commands: inline annotations on a pull request. The Actions log
    reads ANSI escapes: values quoted in a message have their control characters shown escaped,
    as in a terminal (``format_text``), so they cannot recolour the log or write a link in it."""
    out = []
    for d in diagnostics:
        props = f"file={_github_escape(d.file, property_=True)},line={max(d.line, 1)},col={max(d.column, 1)}"
        props += f",title={_github_escape(d.rule, property_=True)}"
        out.append(f"::{d.severity} {props}::{_github_escape(d.message(lang))}\n")
    return "".join(out)


GITLAB_SEVERITY = {"error": "major", "warning": "minor"}


def format_gitlab(diagnostics: Iterable[Diagnostic], lang: str = DEFAULT_LANG) -> str:
    """A GitLab code-quality report (``artifacts: reports: codequality``): the problems shown
    in the merge request. The fingerprint leaves out the line, so a problem that only moved is
    not reported as new, and the language (it is made from the English message), so switching
    ``--lang`` does not renew every problem; identical problems of one file are numbered apart."""
    out = []
    seen: dict[str, int] = {}
    for d in diagnostics:
        key = f"{d.file}\0{d.rule}\0{d.message('en')}"
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        out.append({
            "description": d.message(lang),
            "check_name": d.rule,
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY[d.severity],
            "location": {"path": d.file, "lines": {"begin": max(d.line, 1)}},
        })
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def format_summary(diagnostics: list[Diagnostic], files: int, lang: str = DEFAULT_LANG) -> str:
    """``5 fichiers vérifiés : 0 erreur, 2 avertissements`` / ``5 files checked: 0 errors, ...``."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    return phrase(
        "summary",
        files=files,
        errors=errors,
        warnings=warnings,
    ).render(lang) + "\n"
