"""The ``Register``: every document of a register repository that could be read (data only),
and ``read_register``, which finds and reads them. Checking is the next step
(``generator.lint.runner``); the model of a valid register is built from it
(``generator.model``)."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from generator.errors import LoadError
from generator.lint.rules import Diagnostic
from generator.load.facts import Facts, FactsCache, cache_enabled, digest
from generator.load.files import Budget, read_bytes, yaml_names
from generator.load.layout import ACTIVITIES, ORGANIZATION, PROCESSES, display_path
from generator.load.yamlload import MAX_BYTES, Document, parse_bytes


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


def _read(path: Path, reg: Register, cache: FactsCache | None = None, *, real_parent: str | None = None,
          real_root: str | None = None, budget: Budget | None = None, positions: bool = True) -> Document | None:
    """Read and parse one file; with ``cache``, keep its facts (its stat taken before the read:
    a change after it is seen by the next run). ``real_parent``, ``real_root``: as ``read_bytes``
    takes them, the folder of every file of a folder resolved once. ``budget``: the bytes read
    are counted there, and the file is not parsed past the register's limit (``LoadError``).
    ``positions`` False: the positions are read again when first asked for (``parse_bytes``)."""
    shown = _note(path, reg)
    try:
        info = os.lstat(path) if cache is not None else None
    except OSError:
        info = None  # (the read says what is wrong)
    try:
        raw = read_bytes(path, reg.root, MAX_BYTES, real_parent=real_parent, real_root=real_root)
    except LoadError as exc:
        reg.diagnostics.append(exc.diagnostic(shown))
        return None
    if budget is not None:
        budget.take(len(raw))
    again = None if positions else functools.partial(read_bytes, path, reg.root, MAX_BYTES)
    doc, problem = _parse(raw, path, shown, again)
    if problem is not None:
        reg.diagnostics.append(problem)
    if doc is not None:
        doc.size = len(raw)
    if cache is not None and info is not None and stat.S_ISREG(info.st_mode):
        cache.put(path.relative_to(reg.root).as_posix(), digest(raw), info, Facts.of(doc))
    return doc


def read_register(root: Path, *, cache: bool = False, positions: bool = True) -> Register:
    """Find and read every file of the register under ``root``; what cannot be read becomes a
    diagnostic. No check is run here. With ``cache`` (``ropa validate``), the facts of every file
    are written to ``.ropa-cache/`` for the next pre-commit hook (``read_focused``). With
    ``positions`` False (``ropa export``), the activities and processes are read without the
    positions of their keys and values, each file read again for them when a diagnostic asks
    (not with ``cache``: the facts hold the positions of every id and ref).

    The whole register is bounded (``files.Budget``): past ``MAX_REGISTER_FILES`` listed, no file
    of the folders is read; past ``MAX_REGISTER_BYTES`` read, no further file is. Either is a
    diagnostic on the folder where the limit was reached."""
    if cache and not positions:
        raise ValueError("the facts cache needs the positions of every file")
    root = root.resolve()
    reg = Register(root=root)
    facts = FactsCache(root) if cache and cache_enabled() else None
    budget = _organization_read(root, reg)
    real_root = os.path.realpath(root)
    folders = [(folder, documents, _listed(root / folder, reg))
               for folder, documents in ((ACTIVITIES, reg.activities), (PROCESSES, reg.processes))]
    if not budget.spent and _within(budget, reg, root, [(folder, len(paths)) for folder, _, paths in folders]):
        for folder, documents, paths in folders:
            real_parent = os.path.realpath(root / folder)
            try:
                for path in paths:
                    doc = _read(path, reg, facts, real_parent=real_parent, real_root=real_root, budget=budget,
                                positions=positions)
                    if doc is not None:
                        documents.append(doc)
            except LoadError as exc:  # the register's bytes: nothing more is read
                reg.diagnostics.append(exc.diagnostic(display_path(root / folder)))
                break
    if facts is not None:
        facts.save()
    return reg


def _organization_read(root: Path, reg: Register) -> Budget:
    """Read the organisation into ``reg`` (or say it is missing): the first file of the budget."""
    org_path = root / ORGANIZATION
    budget = Budget()
    if not org_path.exists():
        reg.diagnostics.append(Diagnostic.of("missing-organization", display_path(org_path), 0, 0))
        return budget
    budget.listed(1)
    try:
        reg.organization = _read(org_path, reg, budget=budget)
    except LoadError as exc:  # (only with a limit far below a register's size)
        reg.diagnostics.append(exc.diagnostic(display_path(org_path.parent)))
    return budget


def _within(budget: Budget, reg: Register, root: Path, counts: list[tuple[Path, int]]) -> bool:
    """Whether the files listed in each folder (``counts``) keep the register within its number of
    files; else the folder that passes it gets the diagnostic."""
    for folder, count in counts:
        try:
            budget.listed(count)
        except LoadError as exc:
            reg.diagnostics.append(exc.diagnostic(display_path(root / folder)))
            return False
    return True


def _listed(folder: Path, reg: Register) -> list[Path]:
    """The register files of ``folder``; a folder that cannot be listed is a diagnostic."""
    return [folder / name for name in _listed_names(folder, reg)]


def _listed_names(folder: Path, reg: Register) -> list[str]:
    try:
        return yaml_names(folder)
    except LoadError as exc:
        reg.diagnostics.append(exc.diagnostic(display_path(folder)))
        return []


Focus = Callable[[str], bool]
"""Which files a focused run checks: the file's absolute path (``root`` resolved) → yes or no."""


class _Entry(NamedTuple):
    """One file of a focused run, as listed: its folder's documents, path, name as shown, the
    bytes if they were read, its facts (or, for a file whose stat did not change, None and the
    row of the cache that holds them), its parsed document if it was parsed."""

    documents: list[Document]
    path: str
    shown: str
    raw: bytes | None
    facts: Facts | None
    row: int
    doc: Document | None


def read_focused(root: Path, focus: Focus) -> Register:
    """Read the register under ``root`` for checking the files ``focus`` accepts.

    Those files are parsed, with what they reference (the organisation, an activity's process)
    and, for a process among them, the activities that link it; every other file is only
    listed and its stat compared with the cache's (read and hashed when it changed), and its
    facts (``generator.load.facts``) stand in for it where the checks across files need them:
    every process by its name, and the activities whose id or ref is one of a parsed activity's
    (``unique_ids_and_refs`` only ever compares equal values). The checks then give the focused
    files the diagnostics a whole run gives them.

    ``reg.files`` names every file (the count of files checked); ``reg.paths`` holds the files
    read as documents and every process (by name), not the other activities.
    """
    root = root.resolve()
    reg = Register(root=root)
    cache = FactsCache(root) if cache_enabled() else None
    budget = _organization_read(root, reg)
    entries: list[_Entry] = []
    wanted: set[str] = set()
    real_root = os.path.realpath(root)
    folders = [(folder, documents, _listed_names(root / folder, reg))
               for folder, documents in ((ACTIVITIES, reg.activities), (PROCESSES, reg.processes))]
    if not _within(budget, reg, root, [(folder, len(names)) for folder, _, names in folders]):
        folders = []
    for folder, documents, names in folders:
        if budget.spent:
            break
        directory = str(root / folder) + os.sep
        shown_prefix = display_path(root / folder / "x")[:-1]
        rel_prefix = folder.as_posix() + "/"
        real_parent = os.path.realpath(root / folder)
        for name in names:
            shown = shown_prefix + name
            reg.files.append(shown)
            path = directory + name
            focused = focus(path)
            if documents is reg.processes:
                reg.paths.append(Path(path))  # (a process is known by its name, even unreadable)
            if name.endswith(".yml"):
                reg.diagnostics.append(Diagnostic.of("file-extension", shown, 1, 1))
            try:
                info: os.stat_result | None = os.lstat(path)
            except OSError:
                info = None
            if cache is not None and info is not None and not focused and stat.S_ISREG(info.st_mode):
                row = cache.unchanged(rel_prefix + name, info)  # a regular file whose stat did not change
                if row is not None:
                    if not _taken(budget, info.st_size, reg, root / folder):  # (not read: its size counts)
                        break
                    entries.append(_Entry(documents, path, shown, None, None, row, None))
                    continue
            try:
                raw = read_bytes(Path(path), root, MAX_BYTES, real_parent=real_parent, real_root=real_root)
            except LoadError as exc:
                reg.diagnostics.append(exc.diagnostic(shown))
                continue
            if not _taken(budget, len(raw), reg, root / folder):
                break
            hashed = digest(raw)
            facts = cache.get(rel_prefix + name, hashed, info) if cache is not None and info is not None else None
            doc: Document | None = None
            if facts is None or focused:
                doc, problem = _parse(raw, Path(path), shown)
                if problem is not None and focused:
                    # an unreadable file has no facts to give: its own error is all there is
                    reg.diagnostics.append(problem)
                facts = Facts.of(doc)
                if cache is not None and info is not None:
                    cache.put(rel_prefix + name, hashed, info, facts)
            if focused:
                wanted.add(path)
            entries.append(_Entry(documents, path, shown, raw, facts, -1, doc))
    if cache is not None:
        cache.save()

    # (a file whose stat did not change has its facts in a row of the cache, read only as needed)
    def facts_of(e: _Entry) -> Facts:
        if e.facts is not None:
            return e.facts
        assert cache is not None
        return cache.facts(e.row)

    def keys_of(e: _Entry) -> tuple[str | None, str | None]:
        if e.facts is not None:
            return e.facts.keys()
        assert cache is not None
        return cache.keys(e.row)

    def process_of(e: _Entry) -> str:
        if e.facts is not None:
            return e.facts.process
        assert cache is not None
        return str(cache.columns["process"][e.row])

    # what must be parsed: the focused files, their processes, the activities linking those
    processes = {e.path: facts_of(e) for e in entries if e.documents is reg.processes}
    activities = [e for e in entries if e.documents is reg.activities]
    by_stem = {_stem(path): path for path, f in processes.items() if f.ok}
    for e in activities:
        if e.path in wanted and facts_of(e).mapping and facts_of(e).process in by_stem:
            wanted.add(by_stem[facts_of(e).process])
    linked = {_stem(path) for path in processes if path in wanted}
    if linked:
        wanted.update(e.path for e in activities if process_of(e) in linked)
    # the activities that may share an id or a ref with a parsed one
    keys = [keys_of(e) for e in activities if e.path in wanted]
    ids, refs = {k[0] for k in keys} - {None}, {k[1] for k in keys} - {None}
    for e in entries:
        doc = e.doc
        if e.path in wanted:
            if doc is None and facts_of(e).ok:
                doc = _read_now(Path(e.path), reg, e.shown, e.raw)
        elif e.documents is reg.processes:
            if processes[e.path].ok:
                doc = processes[e.path].stand_in(Path(e.path), e.shown, process=True)
        else:
            ident, ref = keys_of(e)
            if (ident is not None and ident in ids) or (ref is not None and ref in refs):
                doc = facts_of(e).stand_in(Path(e.path), e.shown)
        if doc is not None:
            e.documents.append(doc)
            if e.documents is reg.activities:
                reg.paths.append(doc.path)
    return reg


def _taken(budget: Budget, size: int, reg: Register, folder: Path) -> bool:
    """Whether ``size`` more bytes keep the register within its limit; else the folder's diagnostic."""
    try:
        budget.take(size)
    except LoadError as exc:
        reg.diagnostics.append(exc.diagnostic(display_path(folder)))
        return False
    return True


def _stem(path: str) -> str:
    name = path.rsplit(os.sep, 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


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


def _parse(raw: bytes, path: Path, shown: str,
           again: Callable[[], bytes] | None = None) -> tuple[Document | None, Diagnostic | None]:
    try:
        return parse_bytes(raw, path, shown, again=again), None
    except LoadError as exc:
        return None, exc.diagnostic(shown)
