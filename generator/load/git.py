"""What git knows about a register: files at a revision, and the history of each file.

Everything goes through the ``git`` command (``subprocess``), so no library is needed and the
answers are exactly git's. Functions return plain data; a folder that is not in a git
repository, or a machine without git, gives ``GitError`` (commands) or an empty answer with
``available=False`` (the site's history section), never a traceback.
"""

from __future__ import annotations

import functools
import os
import posixpath
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import GitError, LoadError
from generator.lint.rules import phrase
from generator.load.files import read_bytes, yaml_files
from generator.load.layout import ACTIVITIES, ORGANIZATION, PROCESSES, YAML_SUFFIXES
from generator.load.yamlload import MAX_BYTES

WORKTREE = None
"""The revision argument meaning "the files as they are on disk"."""

_SEP = "\x1f"
_LOG_FORMAT = _SEP.join(("%H", "%h", "%aI", "%an", "%s"))


@dataclass(frozen=True)
class Commit:
    """One commit touching a file: full and short hash, author date (ISO 8601), author, subject."""

    hash: str
    short: str
    date: str
    author: str
    subject: str

    @property
    def day(self) -> str:
        """The author date as ``YYYY-MM-DD``."""
        return self.date[:10]


@dataclass(frozen=True)
class History:
    """The git history of one file, newest first; ``available`` is False outside a repository."""

    available: bool
    commits: tuple[Commit, ...] = field(default=())

    @property
    def last(self) -> Commit | None:
        return self.commits[0] if self.commits else None

    @property
    def first(self) -> Commit | None:
        return self.commits[-1] if self.commits else None


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitError.of("git.missing")
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except OSError as exc:  # pragma: no cover - git vanished between which() and run()
        raise GitError.of("git.cannot_run", error=str(exc)) from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError.of("git.said", message=message[-1]) if message else GitError.of("git.failed", command=args[0])
    return proc.stdout


@functools.cache
def _prefix(root: Path) -> str:
    """Where ``root`` stands inside its repository (``""`` at the top, ``sub/dir/`` below)."""
    return _git(root, "rev-parse", "--show-prefix").decode("utf-8").strip()


def is_repository(root: Path) -> bool:
    try:
        _prefix(Path(root).resolve())
    except GitError:
        return False
    return True


def resolve(root: Path, rev: str) -> str:
    """The commit hash ``rev`` names; ``GitError`` with git's own message when it names none."""
    if rev.startswith("-"):
        raise GitError.of("git.not_a_revision", rev=rev)
    try:
        out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except GitError:
        if _shallow(root):  # CI's checkouts are shallow by default: the base is not fetched
            raise GitError.of("git.not_in_shallow_clone", rev=rev) from None
        raise GitError.of("git.not_a_commit", rev=rev) from None
    return out.decode("ascii").strip()


def _shallow(root: Path) -> bool:
    try:
        return _git(root, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


LAYOUT = (ORGANIZATION, ACTIVITIES, PROCESSES)
"""The paths of the register's files, as ``load.layout`` says them."""


def read_files(root: Path, rev: str | None) -> dict[str, bytes | LoadError]:
    """``{path relative to root: bytes}`` of every register file at ``rev``, found as the loader
    finds them (``load.layout``).

    ``rev=None`` (``WORKTREE``) reads the files on disk, committed or not: the state a
    pre-commit hook or an author about to push sees. A file that cannot be read as a register
    file (a link out of the repository, a FIFO or a device, over ``MAX_BYTES``) is the
    ``LoadError`` that says why, as ``ropa validate`` reports it: neither followed nor read.
    """
    root = Path(root).resolve()
    if rev is WORKTREE:
        return _worktree_files(root)
    commit = resolve(root, rev)
    prefix = _prefix(root)
    found: dict[str, bytes | LoadError] = {}
    blobs: list[tuple[str, bytes]] = []
    links: list[tuple[str, str, bytes]] = []
    # a layout folder committed as a link is listed through, as the loader lists it on disk
    renamed = {}
    for folder, target in _linked_folders(root, commit, prefix):
        if target is None:
            found[folder] = LoadError("file-outside-repository")
        else:
            renamed[target] = folder
    listing = _git(root, "ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--",
                   *(prefix + f for f in (*(p.as_posix() for p in LAYOUT), *renamed)))
    for entry in listing.split(b"\0"):
        info, _, name = entry.partition(b"\t")
        fields = info.split()
        if len(fields) != 4 or not name.endswith(tuple(s.encode() for s in YAML_SUFFIXES)):
            continue
        real = _shown(name, prefix)
        head, _, tail = real.rpartition("/")
        shown = f"{renamed[head]}/{tail}" if head in renamed else real
        size = fields[3]
        if fields[0] == b"120000":  # a symbolic link: its blob is the path it points to
            links.append((shown, real, fields[2]))
        elif size.isdigit() and int(size) > MAX_BYTES:
            found[shown] = LoadError("file-too-large", 1, 1, size=int(size), limit=MAX_BYTES)
        elif size.isdigit():  # a blob (a submodule has no size: "-")
            blobs.append((shown, fields[2]))
    if blobs:
        found.update((name, data) for (name, _), data in zip(blobs, _contents(root, [o for _, o in blobs]), strict=True))
    if links:
        found.update(_followed(root, commit, prefix, links))
    return dict(sorted(found.items()))


def _worktree_files(root: Path) -> dict[str, bytes | LoadError]:
    """The register files on disk, found as ``ropa validate`` finds them (``load.layout``: a
    folder that is a link is listed through, each file read by ``read_bytes``)."""
    out: dict[str, bytes | LoadError] = {}
    paths = [root / ORGANIZATION] if os.path.lexists(root / ORGANIZATION) else []
    for folder in LAYOUT[1:]:
        try:
            paths += yaml_files(root / folder)
        except LoadError as exc:
            out[folder.as_posix()] = exc
    for path in paths:
        try:
            out[path.relative_to(root).as_posix()] = read_bytes(path, root, MAX_BYTES)
        except LoadError as exc:
            out[path.relative_to(root).as_posix()] = exc
    return dict(sorted(out.items()))


def _linked_folders(root: Path, commit: str, prefix: str) -> list[tuple[str, str | None]]:
    """The layout folders (register/activities, processes) committed as links: each with the
    folder of the repository it points to, or None when that is out of the register repository."""
    listing = _git(root, "ls-tree", "-z", "--full-tree", commit, "--", *(prefix + f.as_posix() for f in LAYOUT[1:]))
    links = [(_shown(e.partition(b"\t")[2], prefix), e.split()[2]) for e in listing.split(b"\0") if e.startswith(b"120000 ")]
    return list(zip((name for name, _ in links), _link_targets(root, links), strict=True))


def _link_targets(root: Path, links: list[tuple[str, bytes]]) -> list[str | None]:
    """Where each committed link ``(its path, its blob)`` points, relative to the root (its blob
    is the path it holds); None when out of the register repository."""
    return [_inside(name, target) for (name, _), target in zip(links, _contents(root, [o for _, o in links]), strict=True)]


def _inside(link: str, target: bytes) -> str | None:
    """Where the link ``link`` (a path relative to the root) points, relative to the root; None
    when that is out of the register repository."""
    text = target.decode("utf-8", "replace")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link), text))
    if text.startswith("/") or resolved == ".." or resolved.startswith("../") or "\n" in resolved:
        return None
    return resolved


def _followed(root: Path, commit: str, prefix: str, links: list[tuple[str, str, bytes]]) -> dict[str, bytes | LoadError]:
    """The files committed links point to, as ``read_bytes`` follows a link on disk: a target out
    of the register repository is refused unread (``file-outside-repository``), a dangling link
    or a loop is unreadable; git resolves the links met on the way (``--follow-symlinks``)."""
    out: dict[str, bytes | LoadError] = {}
    asked: list[tuple[str, str]] = []
    for (name, _, _), resolved in zip(links, _link_targets(root, [(real, oid) for _, real, oid in links]), strict=True):
        if resolved is None:
            out[name] = LoadError("file-outside-repository")
        else:
            asked.append((name, resolved))
    if not asked:
        return out
    raw = _git(root, "cat-file", "--batch", "--follow-symlinks",
               stdin=b"".join(f"{commit}:{prefix}{path}\n".encode() for _, path in asked))
    for (name, _), (header, body) in zip(asked, _batch(raw), strict=True):
        kind = header.rpartition(b" ")[0]
        if kind.endswith(b" blob"):
            big = len(body) > MAX_BYTES
            out[name] = LoadError("file-too-large", 1, 1, size=len(body), limit=MAX_BYTES) if big else body
        elif kind == b"symlink":  # git's answer for a link that leaves the repository
            out[name] = LoadError("file-outside-repository")
        elif kind == b"loop":
            out[name] = LoadError("file-unreadable", reason=phrase("file-link-loop"))
        elif kind.endswith(b" tree"):
            out[name] = LoadError("file-unreadable", reason=phrase("file-directory"))
        else:  # missing, dangling, notdir
            out[name] = LoadError("file-unreadable", reason=phrase("file-missing"))
    return out


def _shown(name: bytes, prefix: str) -> str:
    """A path of ``git ls-tree -z`` relative to the root: a byte that is no UTF-8 as U+FFFD."""
    return name.decode("utf-8", "replace")[len(prefix) :]


def _contents(root: Path, objects: list[bytes]) -> list[bytes]:
    """The contents of git objects, asked by object name, never by path (a path holding a line
    break cannot break the batch)."""
    if not objects:
        return []
    raw = _git(root, "cat-file", "--batch", stdin=b"".join(o + b"\n" for o in objects))
    return [body for _, body in _batch(raw)]


def _batch(raw: bytes) -> list[tuple[bytes, bytes]]:
    """``git cat-file --batch`` output as (header line, content) pairs: a header ending with a
    size is followed by that many bytes and a newline; one without (``… missing``) by nothing."""
    out = []
    pos = 0
    while pos < len(raw):
        end = raw.index(b"\n", pos)
        header, pos = raw[pos:end], end + 1
        size = header.rpartition(b" ")[2]
        if size.isdigit():
            out.append((header, raw[pos:pos + int(size)]))
            pos += int(size) + 1
        else:
            out.append((header, b""))
    return out


def file_history(root: Path, path: Path) -> History:
    """The commits that changed ``path`` (following renames), newest first.

    Outside a git repository, or when git is missing, ``History(available=False)``; a file git
    does not track yet has an available but empty history.
    """
    return histories(root, [path])[Path(path).resolve()]


def histories(root: Path, paths: list[Path]) -> dict[Path, History]:
    """The history of each of ``paths`` (resolved), from one ``git log`` over their folders.

    Like ``git log --follow``: a file's history goes on through its renames (git's rename
    detection, ``-M``), and ends where the file was added or copied.
    """
    root = Path(root).resolve()
    wanted = [Path(p).resolve() for p in paths]
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode("utf-8").strip()).resolve()
        relative = {p.parent.relative_to(top).as_posix() for p in wanted}
        folders = sorted(":(top)" + ("" if rel == "." else rel) for rel in relative)
        out = _git(
            root,
            "-c",
            "core.quotepath=false",
            "log",
            "-M",
            "--name-status",
            "-z",
            f"--format=%x1e{_LOG_FORMAT}",
            "--",
            *folders,
        )
    except (GitError, ValueError):
        return {p: History(available=False) for p in wanted}
    following = {p.relative_to(top).as_posix(): p for p in wanted}
    found: dict[Path, list[Commit]] = {p: [] for p in wanted}
    for commit, changes in _log_entries(out.decode("utf-8", "replace")):
        for status, old, new in changes:
            target = following.pop(new, None)
            if target is None:
                continue
            found[target].append(commit)
            if status == "R":
                following[old] = target
            elif status not in ("A", "C"):
                following[new] = target
    return {p: History(available=True, commits=tuple(c)) for p, c in found.items()}


def _log_entries(text: str) -> Iterator[tuple[Commit, list[tuple[str, str, str]]]]:
    """Commits and their ``(status letter, old path, new path)`` changes, from
    ``git log --name-status -z --format=%x1e...``."""
    for chunk in text.split("\x1e")[1:]:
        header, _, rest = chunk.partition("\0")
        parts = header.split(_SEP)
        if len(parts) != 5:
            continue
        tokens = [t for t in rest.lstrip("\n").split("\0") if t]
        changes = []
        i = 0
        while i < len(tokens):
            status = tokens[i][:1]
            if status in ("R", "C") and i + 2 < len(tokens):
                changes.append((status, tokens[i + 1], tokens[i + 2]))
                i += 3
            elif i + 1 < len(tokens):
                changes.append((status, tokens[i + 1], tokens[i + 1]))
                i += 2
            else:
                break
        yield Commit(*parts), changes
