"""The ``Register``: every document of a register repository that could be read (data only),
and ``read_register``, which finds and reads them. Checking is the next step
(``generator.lint.runner``); the model of a valid register is built from it
(``generator.model``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from generator.errors import LoadError
from generator.lint.rules import Diagnostic
from generator.load.files import yaml_files
from generator.load.layout import ACTIVITIES, ORGANIZATION, PROCESSES, display_path
from generator.load.yamlload import Document, load


@dataclass
class Register:
    """Every file of a register repository that could be read, and every problem found."""

    root: Path
    organization: Document | None = None
    activities: list[Document] = field(default_factory=list)
    processes: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)  # the files read, under root (links not resolved)
    _parties: dict[str, dict[str, Any]] | None = field(default=None, init=False, repr=False, compare=False)
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Views computed once from the documents by the modules that own them (the process models)."""

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def org(self) -> dict[str, Any]:
        data = self.organization.data if self.organization else None
        return data if isinstance(data, dict) else {}

    def parties(self) -> dict[str, dict[str, Any]]:
        """The organisation's parties by id (the first of a duplicated id), computed once."""
        if self._parties is None:
            out: dict[str, dict[str, Any]] = {}
            for party in self.org.get("parties") or []:
                if isinstance(party, dict) and isinstance(party.get("id"), str):
                    out.setdefault(party["id"], party)
            self._parties = out
        return self._parties

    def activity_data(self) -> list[dict[str, Any]]:
        """The activities' data, sorted by reference then id."""
        items = [d.data for d in self.activities if isinstance(d.data, dict)]
        return sorted(items, key=lambda a: (str(a.get("ref", "")), str(a.get("id", ""))))

    def process_data(self) -> dict[str, dict[str, Any]]:
        return {d.path.stem: d.data for d in self.processes if isinstance(d.data, dict)}

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

    def documents(self) -> Iterator[Document]:
        if self.organization is not None:
            yield self.organization
        yield from self.activities
        yield from self.processes


def _read(path: Path, reg: Register) -> Document | None:
    shown = display_path(path)
    reg.files.append(shown)
    reg.paths.append(path)
    if path.suffix == ".yml":
        reg.diagnostics.append(Diagnostic.of("file-extension", shown, 1, 1))
    try:
        return load(path, shown, root=reg.root)
    except LoadError as exc:
        reg.diagnostics.append(exc.diagnostic(shown))
        return None


def read_register(root: Path) -> Register:
    """Find and read every file of the register under ``root``; what cannot be read becomes a
    diagnostic. No check is run here."""
    root = root.resolve()
    reg = Register(root=root)
    org_path = root / ORGANIZATION
    if org_path.exists():
        reg.organization = _read(org_path, reg)
    else:
        reg.diagnostics.append(Diagnostic.of("missing-organization", display_path(org_path), 0, 0))
    for folder, documents in ((ACTIVITIES, reg.activities), (PROCESSES, reg.processes)):
        for path in _listed(root / folder, reg):
            doc = _read(path, reg)
            if doc is not None:
                documents.append(doc)
    return reg


def _listed(folder: Path, reg: Register) -> list[Path]:
    """The register files of ``folder``; a folder that cannot be listed is a diagnostic."""
    try:
        return yaml_files(folder)
    except LoadError as exc:
        reg.diagnostics.append(exc.diagnostic(display_path(folder)))
        return []
