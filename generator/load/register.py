"""The ``Register``: every document of a register repository that could be read (data only),
and ``read_register``, which finds and reads them. Checking is the next step
(``generator.lint.runner``); the model of a valid register is built from it
(``generator.model``)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import LoadError
from generator.lint.rules import Diagnostic
from generator.load.files import read_bytes, yaml_files
from generator.load.layout import ACTIVITIES, ORGANIZATION, PROCESSES, display_path
from generator.load.yamlload import MAX_BYTES, Document, load, parse_bytes


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

    def parsed(self) -> Register:
        """The same register without its activities' stand-ins (``read_focused``): what the checks
        of one file at a time run on. Shares the documents and the diagnostics list."""
        if not any(d.partial for d in self.activities):
            return self
        view = Register(root=self.root, organization=self.organization, diagnostics=self.diagnostics,
                        files=self.files, paths=self.paths)
        view.activities = [d for d in self.activities if not d.partial]
        view.processes = self.processes  # (a process's stand-in has no data: only its name)
        return view

    def documents(self) -> Iterator[Document]:
        if self.organization is not None:
            yield self.organization
        yield from self.activities
        yield from self.processes


def _read(path: Path, reg: Register) -> Document | None:
    shown = _note(path, reg)
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


def read_focused(root: Path, focus: Callable[[Path], bool]) -> Register:
    """Read the register under ``root`` for checking the files ``focus`` accepts.

    Those files are parsed, with what they reference (the organisation, an activity's process)
    and, for a process among them, the activities that link it; every other file is only read
    and hashed, and stands in the register as the facts the checks across files need of it
    (``generator.load.facts``), taken from the cache when its bytes did not change. The checks
    then give the focused files the diagnostics a whole run gives them.
    """
    from generator.load.facts import Facts, FactsCache, cache_enabled, digest

    root = root.resolve()
    reg = Register(root=root)
    cache = FactsCache(root) if cache_enabled() else None
    org_path = root / ORGANIZATION
    if org_path.exists():
        reg.organization = _read(org_path, reg)
    else:
        reg.diagnostics.append(Diagnostic.of("missing-organization", display_path(org_path), 0, 0))
    # (display, raw bytes if read, facts, parsed document) of every readable file, in run order
    entries: dict[Path, tuple[str, bytes | None, Facts, Document | None]] = {}
    order: list[tuple[list[Document], Path]] = []
    wanted: set[Path] = set()
    real_root = os.path.realpath(root)
    name_from = len(str(root)) + 1
    for folder, documents in ((ACTIVITIES, reg.activities), (PROCESSES, reg.processes)):
        real_parent = os.path.realpath(root / folder)
        for path in _listed(root / folder, reg):
            shown = _note(path, reg)
            focused = focus(path)
            name = str(path)[name_from:].replace(os.sep, "/")
            try:
                info = os.lstat(path)
            except OSError:
                info = None
            facts = None
            if cache is not None and info is not None and not focused and stat.S_ISREG(info.st_mode):
                facts = cache.unchanged(name, info)  # a regular file whose stat did not change
            raw: bytes | None = None
            doc: Document | None = None
            if facts is None:
                try:
                    raw = read_bytes(path, root, MAX_BYTES, real_parent=real_parent, real_root=real_root)
                except LoadError as exc:
                    reg.diagnostics.append(exc.diagnostic(shown))
                    continue
                hashed = digest(raw)
                if cache is not None and info is not None:
                    facts = cache.get(name, hashed, info)
                if facts is None or focused:
                    doc, problem = _parse(raw, path, shown)
                    if problem is not None and focused:
                        # an unreadable file has no facts to give: its own error is all there is
                        reg.diagnostics.append(problem)
                    facts = Facts.of(doc)
                    if cache is not None and info is not None:
                        cache.put(name, hashed, info, facts)
            if focused:
                wanted.add(path)
            entries[path] = (shown, raw, facts, doc)
            order.append((documents, path))
    if cache is not None:
        cache.save()
    # what must be parsed: the focused files, their processes, the activities linking those
    wanted &= set(entries)
    processes = {path for documents, path in order if documents is reg.processes}
    by_stem = {p.stem: p for p in processes if entries[p][2].ok}
    for p in list(wanted):
        facts = entries[p][2]
        if p not in processes and facts.mapping and facts.process in by_stem:
            wanted.add(by_stem[facts.process])
    linked = {p.stem for p in wanted & processes}
    if linked:
        wanted |= {p for p in entries if p not in processes and entries[p][2].process in linked}
    for documents, path in order:
        shown, raw, facts, doc = entries[path]
        if not facts.ok:
            continue
        if doc is None and path in wanted:
            doc = _read_now(path, reg, shown, raw)
        if doc is None or path not in wanted:
            doc = facts.stand_in(path, shown, process=path in processes)
        documents.append(doc)
    return reg


def _read_now(path: Path, reg: Register, shown: str, raw: bytes | None) -> Document | None:
    """The parsed document of a file the focus needs that was only hashed, or not read at all."""
    try:
        return parse_bytes(raw if raw is not None else read_bytes(path, reg.root, MAX_BYTES), path, shown)
    except LoadError as exc:  # changed since it was listed: its problem is reported
        reg.diagnostics.append(exc.diagnostic(shown))
        return None


def _note(path: Path, reg: Register) -> str:
    shown = display_path(path)
    reg.files.append(shown)
    reg.paths.append(path)
    if path.suffix == ".yml":
        reg.diagnostics.append(Diagnostic.of("file-extension", shown, 1, 1))
    return shown


def _parse(raw: bytes, path: Path, shown: str) -> tuple[Document | None, Diagnostic | None]:
    try:
        return parse_bytes(raw, path, shown), None
    except LoadError as exc:
        return None, exc.diagnostic(shown)
