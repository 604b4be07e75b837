"""Problems found in a register: one record per problem, and the ways to print them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located at ``file:line:column`` (both 1-based; 0 when unknown)."""

    file: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str

    def text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.rule}]"


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.file, d.line, d.column, d.rule, d.message)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(d.text() + "\n" for d in diagnostics)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], ensure_ascii=False, indent=2) + "\n"


def _github_escape(value: str, *, property_: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: inline annotations on a pull request."""
    out = []
    for d in diagnostics:
        props = f"file={_github_escape(d.file, property_=True)},line={max(d.line, 1)},col={max(d.column, 1)}"
        props += f",title={_github_escape(d.rule, property_=True)}"
        out.append(f"::{d.severity} {props}::{_github_escape(d.message)}\n")
    return "".join(out)


GITLAB_SEVERITY = {"error": "major", "warning": "minor"}


def format_gitlab(diagnostics: Iterable[Diagnostic]) -> str:
    """A GitLab code-quality report (``artifacts: reports: codequality``): the problems shown
    in the merge request. The fingerprint leaves out the line, so a problem that only moved is
    not reported as new; identical problems of one file are numbered apart."""
    out = []
    seen: dict[str, int] = {}
    for d in diagnostics:
        key = f"{d.file}\0{d.rule}\0{d.message}"
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8")).hexdigest()
        out.append({
            "description": d.message,
            "check_name": d.rule,
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY[d.severity],
            "location": {"path": d.file, "lines": {"begin": max(d.line, 1)}},
        })
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def format_summary(diagnostics: list[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    return f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)\n"
