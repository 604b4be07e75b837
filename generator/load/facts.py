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
it (read-only folder, first run) every file is parsed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, NamedTuple

from generator.load.yamlload import Document

CACHE_DIR = ".ropa-cache"
CACHE_FILE = "facts.json"
FORMAT = 1

_SCALARS = (str, int)  # (bool too, as int's subclass): what ``unique_ids_and_refs`` compares


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

    def to_json(self) -> list[Any]:
        return [self.ok, self.mapping, self.id, self.ref, list(self.id_at), list(self.ref_at), self.process]

    @classmethod
    def from_json(cls, item: Any) -> Facts | None:
        """The facts saved by ``to_json``, or None for anything else (a damaged entry)."""
        try:
            ok, mapping, ident, ref, (i_line, i_col), (r_line, r_col), process = item
        except (TypeError, ValueError):
            return None
        if (type(ok) is not bool or type(mapping) is not bool or type(process) is not str
                or not (ident is None or isinstance(ident, _SCALARS))
                or not (ref is None or isinstance(ref, _SCALARS))
                or not type(i_line) is type(i_col) is type(r_line) is type(r_col) is int):
            return None
        return cls(ok, mapping, ident, ref, (i_line, i_col), (r_line, r_col), process)


RACY_NS = 2_000_000_000
"""A file changed less than this before the cache was written is hashed again on every run
(its change may share the timestamp of an earlier content: git's "racy" entries)."""


def signature(info: os.stat_result) -> list[int]:
    """What says a file did not change since its facts were taken, short of reading it."""
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


class FactsCache:
    """``.ropa-cache/facts.json`` of one register root: file (relative, POSIX) → [hash, facts,
    stat signature]."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self.old: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}
        self.written = 0
        self._read()

    def _read(self) -> None:
        try:
            raw = (self.folder / CACHE_FILE).read_bytes()
            head, _, payload = raw.partition(b"\n")
            header = json.loads(head)
            if not (isinstance(header, dict) and header.get("key") == loader_key()
                    and header.get("sum") == digest(payload) and type(header.get("written")) is int):
                return
            files = json.loads(payload)
        except (OSError, ValueError):
            return  # no cache, or a damaged one: every file is read
        if isinstance(files, dict):
            self.old = {k: v for k, v in files.items() if isinstance(v, list) and len(v) == 3}
            self.written = header["written"]

    def unchanged(self, name: str, info: os.stat_result) -> Facts | None:
        """The facts of ``name`` if its stat signature is the one they were taken with (and
        not racy), without reading it."""
        entry = self.old.get(name)
        if entry is None or entry[2] != signature(info) or info.st_ctime_ns >= self.written - RACY_NS:
            return None
        facts = Facts.from_json(entry[1])
        if facts is not None:
            self.new[name] = entry
        return facts

    def get(self, name: str, hashed: str, info: os.stat_result) -> Facts | None:
        """The facts of ``name`` if its bytes hash to ``hashed``."""
        entry = self.old.get(name)
        if entry is None or entry[0] != hashed:
            return None
        facts = Facts.from_json(entry[1])
        if facts is not None:
            self.new[name] = [hashed, entry[1], signature(info)]
        return facts

    def put(self, name: str, hashed: str, info: os.stat_result, facts: Facts) -> None:
        self.new[name] = [hashed, facts.to_json(), signature(info)]

    def save(self) -> None:
        """Write the facts of the files seen in this run, if they changed; a folder that cannot
        be written is no error (the cache only saves time)."""
        if self.new == self.old:
            return
        from generator.atomic import write_file

        payload = json.dumps(dict(sorted(self.new.items())), ensure_ascii=False,
                             separators=(",", ":")).encode("utf-8")
        header = json.dumps({"key": loader_key(), "sum": digest(payload), "written": time.time_ns()})
        try:
            self.folder.mkdir(exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# ropa's cache of what each register file declares: never committed\n*\n")
            write_file(self.folder / CACHE_FILE, header.encode("utf-8") + b"\n" + payload)
        except OSError:
            pass


def cache_enabled() -> bool:
    return os.environ.get("ROPA_NO_CACHE", "") == ""
