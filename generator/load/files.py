"""Reading a register file safely: a regular file inside the register repository, read with a
bound, never a device, a FIFO, a folder, or a link out of the repository.

``yaml_files`` lists a folder of the register without following what it must not follow, and
``read_bytes`` reads one file: each failure is a ``LoadError`` whose rule and message say what
the file is and what to do, and nothing outside the repository is read or quoted.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.errors import LoadError
from generator.lint.rules import phrase
from generator.load.layout import YAML_SUFFIXES

MAX_FILES = 50_000
"""Most register files in one folder (a register of 10,000 activities is the largest we know of)."""
MAX_REGISTER_FILES = 60_000
"""Most register files in the whole register (organisation, activities and processes): six times
the largest register we know of (10,000 activities and their processes), where each folder alone
may hold ``MAX_FILES``. Checked once the folders are listed, before any of their files is read."""
MAX_REGISTER_BYTES = 256 * 1024 * 1024
"""Most bytes of register files read in the whole register (256 MiB): six times the benchmark's
register of 10,000 activities (44 MB, ``benchmarks/synth.py``), some 60,000 sheets of 4 KB. Each
file may hold ``yamlload.MAX_BYTES`` (1 MiB): without this bound, 60,000 files of 1 MiB would be
60 GB to read and many times that in memory once parsed; a register that big would not build
(``ropa build`` holds the whole register), so it is refused as it is read, with its folder named."""


REGISTER_LIMITS = frozenset(("register-too-many-files", "register-too-large"))
"""The rules of ``Budget``: a register that has one was not read whole, so it is not checked."""


class Budget:
    """What a run of the loader may still read of a register: ``listed`` counts the files of the
    folders, ``take`` the bytes of each file read; each raises ``LoadError`` past its limit."""

    def __init__(self, files: int = 0) -> None:
        self.files, self.bytes = files, 0

    def listed(self, count: int) -> None:
        self.files += count
        if self.files > MAX_REGISTER_FILES:
            raise LoadError("register-too-many-files", count=self.files, limit=MAX_REGISTER_FILES)

    @property
    def spent(self) -> bool:
        """Whether the bytes read passed the limit (the next file is not read)."""
        return self.bytes > MAX_REGISTER_BYTES

    def take(self, size: int) -> None:
        self.bytes += size
        if self.bytes > MAX_REGISTER_BYTES:
            raise LoadError("register-too-large", limit=MAX_REGISTER_BYTES)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or under it (both resolved by the caller)."""
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def yaml_files(folder: Path) -> list[Path]:
    """The register files of one folder, sorted by name (hidden files left out); the folder's
    own problems (unreadable, too many files) are ``LoadError``s."""
    return [folder / name for name in yaml_names(folder)]  # (the order of the paths)


def yaml_names(folder: Path) -> list[str]:
    """The names of ``yaml_files``, sorted."""
    try:
        if not folder.is_dir():
            return []
        names = [n for n in os.listdir(folder) if not n.startswith(".") and n.endswith(YAML_SUFFIXES)]
    except PermissionError:
        raise LoadError("folder-unreadable", reason=phrase("folder-permission")) from None
    except OSError as exc:
        raise LoadError("folder-unreadable", reason=phrase("folder-os-error", error=str(exc.strerror or exc))) from None
    if len(names) > MAX_FILES:
        raise LoadError("too-many-files", limit=MAX_FILES)
    return sorted(names)


def read_bytes(path: Path, root: Path, max_bytes: int, *, real_parent: str | None = None,
               real_root: str | None = None) -> bytes:
    """The bytes of the register file ``path`` of the repository ``root``.

    The file must resolve inside ``root`` (a link may point to another file of the repository,
    never out of it: its target is neither opened nor named), be a regular file (a FIFO, a
    device or a socket is refused before it is read, so nothing blocks or streams forever) and
    hold at most ``max_bytes`` (checked on the open file, and again while reading).
    ``real_parent`` and ``real_root``, the resolved folder of ``path`` and resolved ``root``, spare
    resolving every file of a folder again.
    """
    if real_parent is not None and real_root is not None and not os.path.islink(path):
        # the caller resolved the folder once for all its files: a file that is no link resolves
        # to the resolved folder and its own name (a missing one is reported by open below)
        if not (real_parent == real_root or real_parent.startswith(real_root + os.sep)):
            raise LoadError("file-outside-repository")
        return _read_regular(os.path.join(real_parent, path.name), max_bytes)
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        raise LoadError("file-unreadable", reason=phrase("file-missing")) from None
    except RuntimeError:  # a symlink loop (Python < 3.13)
        raise LoadError("file-unreadable", reason=phrase("file-link-loop")) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError("file-unreadable", reason=phrase("file-link-loop")) from None
        raise LoadError("file-unreadable", reason=phrase("file-os-error", error=str(exc.strerror or exc))) from None
    if not inside(target, root.resolve()):
        raise LoadError("file-outside-repository")
    return _read_regular(target, max_bytes)


def _read_regular(target: str | Path, max_bytes: int) -> bytes:
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise LoadError("file-unreadable", reason=phrase("file-missing")) from None
    except IsADirectoryError:
        raise LoadError("file-unreadable", reason=phrase("file-directory")) from None
    except PermissionError:
        raise LoadError("file-unreadable", reason=phrase("file-permission")) from None
    except OSError as exc:
        raise LoadError("file-unreadable", reason=phrase("file-os-error", error=str(exc.strerror or exc))) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise LoadError("file-unreadable", reason=phrase("file-directory"))
        if not stat.S_ISREG(info.st_mode):
            raise LoadError("file-not-regular")
        if info.st_size > max_bytes:
            raise LoadError("file-too-large", 1, 1, size=info.st_size, limit=max_bytes)
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise LoadError("file-too-large", 1, 1, size=f"{size}+", limit=max_bytes)
        return b"".join(chunks)
    except OSError as exc:
        raise LoadError("file-unreadable", reason=phrase("file-os-error", error=str(exc.strerror or exc))) from None
    finally:
        os.close(fd)
