"""Finding, reading and checking the files of a register repository.

A register repository has ``register/organization.yaml``, one file per processing activity in
``register/activities/`` and one file per business process in ``processes/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from generator import schemas
from generator.diagnostics import Diagnostic, sort_key
from generator.yamlload import Document, LoadError, load

ORGANIZATION = Path("register") / "organization.yaml"
ACTIVITIES = Path("register") / "activities"
PROCESSES = Path("processes")


@dataclass
class Register:
    """Every file of a register repository that could be read, and every problem found."""

    root: Path
    organization: Document | None = None
    activities: list[Document] = field(default_factory=list)
    processes: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    # Convenient views on the data, for the checks, the site and the exports.
    @property
    def org(self) -> dict[str, Any]:
        data = self.organization.data if self.organization else None
        return data if isinstance(data, dict) else {}

    def parties(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for party in self.org.get("parties") or []:
            if isinstance(party, dict) and isinstance(party.get("id"), str):
                out.setdefault(party["id"], party)
        return out

    def activity_data(self) -> list[dict[str, Any]]:
        """The activities' data, sorted by reference then id."""
        items = [d.data for d in self.activities if isinstance(d.data, dict)]
        return sorted(items, key=lambda a: (str(a.get("ref", "")), str(a.get("id", ""))))

    def process_data(self) -> dict[str, dict[str, Any]]:
        return {
            d.path.stem: d.data for d in self.processes if isinstance(d.data, dict)
        }

    def with_references(self, paths: set[Path]) -> set[Path]:
        """``paths`` and what the activities among them reference: the organisation, their process."""
        out = set(paths)
        for doc in self.activities:
            if doc.path in paths and isinstance(doc.data, dict):
                if self.organization is not None:
                    out.add(self.organization.path)
                process = self.process_document(str(doc.data.get("process")))
                if process is not None:
                    out.add(process.path)
        return out

    def process_document(self, process_id: str) -> Document | None:
        for d in self.processes:
            if d.path.stem == process_id:
                return d
        return None


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the current directory when under it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def _read(path: Path, reg: Register) -> Document | None:
    shown = display_path(path)
    reg.files.append(shown)
    if path.suffix == ".yml":
        reg.diagnostics.append(Diagnostic(shown, 1, 1, "warning", "file-extension",
                                          "register files end in .yaml: rename this .yml file"))
    try:
        return load(path, shown)
    except LoadError as exc:
        reg.diagnostics.append(Diagnostic(shown, exc.line, exc.column, "error", exc.rule, exc.message))
        return None


def schema_for(kind: str) -> str | None:
    """The schema a kind of file is checked against, if the installation has it."""
    from generator.resources import schema_dir

    return kind if (schema_dir() / f"{kind}.schema.json").is_file() else None


def load_register(root: Path, focus: Callable[[Path], bool] | None = None) -> Register:
    """Read every file of the register under ``root`` and run every check.

    With ``focus``, only the files it accepts, and what they reference (the organisation, their
    process), are checked against their schema: every file is still read, so that checks across
    files (unique ids and refs, references) see the whole register, but the schema work, most of
    the time of a run, is spent where it is asked for (a pre-commit hook on the staged files).
    """
    from generator import checks

    root = root.resolve()
    reg = Register(root=root)
    org_path = root / ORGANIZATION
    if org_path.exists():
        reg.organization = _read(org_path, reg)
    else:
        reg.diagnostics.append(
            Diagnostic(display_path(org_path), 0, 0, "error", "missing-organization",
                       "register/organization.yaml is missing: every register starts with the organisation that keeps it")
        )
    for path in _yaml_files(root / ACTIVITIES):
        doc = _read(path, reg)
        if doc is not None:
            reg.activities.append(doc)
    for path in _yaml_files(root / PROCESSES):
        doc = _read(path, reg)
        if doc is not None:
            reg.processes.append(doc)
    for doc, schema_name in _schema_work(reg, focus):
        reg.diagnostics.extend(schemas.diagnostics(doc, schema_name))
    reg.diagnostics.extend(checks.run(reg))
    reg.diagnostics.sort(key=sort_key)
    return reg


def _schema_work(reg: Register, focus: Callable[[Path], bool] | None) -> list[tuple[Document, str]]:
    """The documents to check against a schema, with the schema's name."""
    work: list[tuple[Document, str]] = []
    if reg.organization is not None:
        work.append((reg.organization, "organization"))
    work.extend((doc, "activity") for doc in reg.activities)
    process_schema = schema_for("process")
    if process_schema is not None:
        work.extend((doc, process_schema) for doc in reg.processes)
    if focus is None:
        return work
    chosen = reg.with_references({doc.path for doc, _ in work if focus(doc.path)})
    return [(doc, name) for doc, name in work if doc.path in chosen]


def iter_documents(reg: Register) -> Iterator[Document]:
    if reg.organization is not None:
        yield reg.organization
    yield from reg.activities
    yield from reg.processes
