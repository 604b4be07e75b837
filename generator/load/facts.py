"""What each register file declares to the others, kept between runs in ``.ropa-cache/``.

A pre-commit hook (``ropa validate FILE``) checks one file, but the checks across files (unique
ids and refs, references to processes, the data a process touches against the activities that
link it) need something of every other file. Parsing 10,000 files for that takes tens of
seconds; reading their bytes and hashing them takes a fraction of a second. So every file's
*facts* — what those checks read of it — are kept in ``.ropa-cache/facts.json`` under the
register root, keyed by the hash of the file's bytes:

- an activity: whether it could be read, whether it is a mapping, its ``id`` and ``ref`` (when
  text or a number) with the line and column of each, and its ``process`` as text;
- a process: whether it could be read.

A fact is used only when the file's bytes hash to the same value as when it was taken, and the
whole cache only when it was written by the same loader (the hash of the modules that read the
files and take the facts) and its own checksum holds: an edited, renamed, deleted or checked-out
file is read again; a damaged cache is ignored and rewritten. The cache is never needed: without
it (read-only folder, first run) every file is parsed. A whole ``ropa validate`` writes it too,
so that the hook after it starts warm.

The file is one line of header (loader key, checksum, time written), then one JSON object of
columns, one item per file (``COLUMNS``): a few flat lists parse in milliseconds where a list
per file took a tenth of a second at 10,000 files. The cache is written only inside the register
root: never through a link, and a folder that cannot be written is no error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, NamedTuple

from generator.errors import LoadError
from generator.load.files import read_bytes
from generator.load.yamlload import Document
from generator.shapes import identity

CACHE_DIR = ".ropa-cache"
CACHE_FILE = "facts.json"
MAX_CACHE_BYTES = 256 * 1024 * 1024
"""Largest cache read (a register of 50,000 files writes some 15 MB); a larger one is ignored."""
FORMAT = 2

_SCALARS = (str, int)  # (bool too, as int's subclass): what ``unique_ids_and_refs`` compares

COLUMNS = ("name", "hash", "stat", "kind", "id", "ref", "id_line", "id_column", "ref_line", "ref_column",
           "process")
"""The columns of ``facts.json``: the file (relative to the root, POSIX), the hash of its bytes,
its stat signature (``signature``), its kind (0 unreadable, 1 not a mapping, 2 a mapping), then
its facts."""

_NONE = type(None)
_TYPES: dict[str, set[type]] = {
    "name": {str}, "hash": {str}, "stat": {list}, "kind": {int}, "id": {str, int, bool, _NONE},
    "ref": {str, int, bool, _NONE}, "id_line": {int}, "id_column": {int}, "ref_line": {int},
    "ref_column": {int}, "process": {str},
}
"""What each column may hold: a cache holding anything else is ignored."""


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@functools.cache
def loader_key() -> str:
    """The version of what reads files and takes facts: a change of either makes every fact stale."""
    h = hashlib.blake2b(f"format {FORMAT}".encode(), digest_size=16)
    for name in ("yamlload.py", "facts.py", "files.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


class Facts(NamedTuple):
    """What the checks across files read of one file (see the module's docstring)."""

    ok: bool
    mapping: bool = False
    id: str | int | None = None
    ref: str | int | None = None
    id_at: tuple[int, int] = (1, 1)
    ref_at: tuple[int, int] = (1, 1)
    process: str = "None"

    @classmethod
    def of(cls, doc: Document | None) -> Facts:
        if doc is None:
            return cls(ok=False)
        data = doc.data
        if not isinstance(data, dict):
            return cls(ok=True)
        ident, ref = data.get("id"), data.get("ref")
        return cls(
            ok=True, mapping=True,
            id=ident if isinstance(ident, _SCALARS) else None,
            ref=ref if isinstance(ref, _SCALARS) else None,
            id_at=doc.locate(("id",)), ref_at=doc.locate(("ref",)),
            process=str(data.get("process")),
        )

    def keys(self) -> tuple[str | None, str | None]:
        """The id and the ref as ``unique_ids_and_refs`` compares them (``shapes.identity``), when a
        mapping has them."""
        if not self.mapping:
            return None, None
        return (None if self.id is None else identity(self.id)), (None if self.ref is None else identity(self.ref))

    def stand_in(self, path: Path, display: str, *, process: bool = False) -> Document:
        """A document holding only these facts, for the checks across files (a process's, no
        data: only its name is read by the checks across files)."""
        data: dict[str, Any] | None = None
        if self.mapping and not process:
            data = {}
            if self.id is not None:
                data["id"] = self.id
            if self.ref is not None:
                data["ref"] = self.ref
        return Document(path, display, data, {("id",): self.id_at, ("ref",): self.ref_at}, {}, [], True)

    def row(self) -> tuple[Any, ...]:
        """The facts as the columns ``kind`` to ``process`` hold them."""
        return (2 if self.mapping else 1 if self.ok else 0, self.id, self.ref, *self.id_at, *self.ref_at,
                self.process)


RACY_NS = 2_000_000_000
"""A file changed less than this before the cache was written is hashed again on every run
(its change may share the timestamp of an earlier content: git's "racy" entries), until a run
finds it settled (changed more than this before the run) and writes the cache again."""


def signature(info: os.stat_result) -> list[int]:
    """What says a file did not change since its facts were taken, short of reading it."""
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


class FactsCache:
    """``.ropa-cache/facts.json`` of one register root: what each file (relative, POSIX) declared,
    with the hash of its bytes and its stat signature."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self.columns: dict[str, list[Any]] = {}
        self.index: dict[str, int] = {}
        self.kept: list[int] = []  # the rows of files whose stat did not change
        self.new: dict[str, tuple[Any, ...]] = {}  # name -> (hash, stat, *Facts.row()) of the others
        self.changed = False
        self.settled = False  # a file hashed for being racy is no longer: writing again ends that
        self.written = 0
        self.started = time.time_ns()
        self._read()

    def _read(self) -> None:
        try:
            if not stat.S_ISDIR(os.lstat(self.folder).st_mode):
                return  # a link or a file where the cache should be: not ours to read
            # as a register file is read: a regular file of the folder (no FIFO to block on, no
            # link to /dev/zero or out of the repository), of bounded size
            raw = read_bytes(self.folder / CACHE_FILE, self.folder, MAX_CACHE_BYTES)
            head, _, payload = raw.partition(b"\n")
            header = json.loads(head)
            if not (isinstance(header, dict) and header.get("key") == loader_key()
                    and header.get("sum") == digest(payload) and type(header.get("written")) is int):
                return
            columns = json.loads(payload)
        except (OSError, ValueError, RecursionError, LoadError):
            return  # no cache, or a damaged one: every file is read
        if not (isinstance(columns, dict) and all(isinstance(columns.get(c), list) for c in COLUMNS)):
            return
        names = columns["name"]
        if any(len(columns[c]) != len(names) for c in COLUMNS) or not all(
                set(map(type, columns[c])) <= types for c, types in _TYPES.items()) or not set(columns["kind"]) <= {0, 1, 2}:
            return  # entries that are not facts: the whole cache is ignored
        self.columns = columns
        self.index = {name: i for i, name in enumerate(names) if type(name) is str}
        self.written = header["written"]

    def _entry(self, i: int) -> tuple[Any, ...]:
        return tuple(self.columns[c][i] for c in COLUMNS[1:])

    def facts(self, i: int) -> Facts:
        """The facts of row ``i`` (of ``unchanged``)."""
        c = self.columns
        kind = c["kind"][i]
        return Facts(kind > 0, kind == 2, c["id"][i], c["ref"][i], (c["id_line"][i], c["id_column"][i]),
                     (c["ref_line"][i], c["ref_column"][i]), c["process"][i])

    def keys(self, i: int) -> tuple[str | None, str | None]:
        """``Facts.keys`` of row ``i``, without making its facts."""
        if self.columns["kind"][i] != 2:
            return None, None
        ident, ref = self.columns["id"][i], self.columns["ref"][i]
        return (None if ident is None else identity(ident)), (None if ref is None else identity(ref))

    def unchanged(self, name: str, info: os.stat_result) -> int | None:
        """The row of ``name``'s facts if its stat signature is the one they were taken with (and
        not racy), without reading it; its facts are then ``facts(row)``, its ``process``
        ``self.columns["process"][row]``."""
        i = self.index.get(name)
        if i is None or info.st_ctime_ns >= self.written - RACY_NS or self.columns["stat"][i] != signature(info):
            return None
        self.kept.append(i)
        return i

    def get(self, name: str, hashed: str, info: os.stat_result) -> Facts | None:
        """The facts of ``name`` if its bytes hash to ``hashed``."""
        i = self.index.get(name)
        if i is None or self.columns["hash"][i] != hashed:
            return None
        facts = self.facts(i)
        self.put(name, hashed, info, facts)
        return facts

    def put(self, name: str, hashed: str, info: os.stat_result, facts: Facts) -> None:
        entry = (hashed, signature(info), *facts.row())
        i = self.index.get(name)
        if i is None or self._entry(i) != entry:
            self.changed = True
        elif self.written - RACY_NS <= info.st_ctime_ns < self.started - RACY_NS:
            # hashed only because it changed just before the cache was written (a checkout, a
            # `touch`): it has not changed since, so a cache written now takes its stat
            # signature, where the old one would have it hashed on every later run
            self.settled = True
        self.new[name] = entry

    def save(self) -> None:
        """Write the facts of the files seen in this run, if they changed; a folder that cannot
        be written is no error (the cache only saves time), and nothing is written through a link."""
        if not (self.changed or self.settled) and len(self.kept) + len(self.new) == len(self.index):
            return
        from generator.atomic import write_file

        names = self.columns["name"] if self.columns else []
        entries = {**{names[i]: self._entry(i) for i in self.kept}, **self.new}
        names = sorted(entries)
        rows = [entries[name] for name in names]
        columns = {"name": names, **{c: [row[k] for row in rows] for k, c in enumerate(COLUMNS[1:])}}
        payload = json.dumps(columns, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"key": loader_key(), "sum": digest(payload), "written": time.time_ns()})
        try:
            with contextlib.suppress(FileExistsError):
                self.folder.mkdir()
            if not stat.S_ISDIR(os.lstat(self.folder).st_mode):
                return  # a link (it could lead out of the repository) or a file
            _write_new(self.folder / ".gitignore",
                       b"# ropa's cache of what each register file declares: never committed\n*\n")
            write_file(self.folder / CACHE_FILE, header.encode("utf-8") + b"\n" + payload)
        except OSError:
            pass


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` unless something (a file, a link) is already there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def cache_enabled() -> bool:
    return os.environ.get("ROPA_NO_CACHE", "") == ""
