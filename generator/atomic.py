"""Writing outputs so that a failure or an interruption never leaves half of one behind.

- ``write_file``: a file written beside its target, flushed, then renamed over it (``writing``:
  the same for a file written piece by piece);
- ``staging_dir``: a folder beside a target where a whole tree (a site, a new repository) is
  built before ``swap_in`` or a rename puts it in place. Each staging folder holds the process
  id of its builder; a staging folder whose builder is gone (killed, or the machine stopped) is
  removed by the next ``staging_dir`` for the same target, so none survives the next build.

New files and folders get the usual permissions (0666 / 0777 less the umask), not the 0600 /
0700 of temporary files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_OWNER = ".ropa-owner"
"""The file of a staging folder that names the process building it."""


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path``: readers see the old file or the new one, never a part of it."""
    with writing(path) as fh:
        fh.write(data)


@contextlib.contextmanager
def writing(path: Path) -> Iterator[IO[bytes]]:
    """``write_file`` for a writer that makes its file piece by piece: the file to write to,
    beside ``path``, renamed over ``path`` once the block has ended without an error (removed
    if it raised)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _stale(folder: Path) -> bool:
    try:
        pid = int((folder / _OWNER).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return True  # killed before it wrote its owner, or not ours to trust
    return pid != os.getpid() and not _alive(pid)


def remove_stale(target: Path) -> list[Path]:
    """Remove the staging folders of ``target`` left by builds that were interrupted."""
    removed = []
    for kind in ("new", "old"):
        for folder in target.parent.glob(f".{target.name}.{kind}-*"):
            if folder.is_dir() and not folder.is_symlink() and _stale(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def owns(folder: Path) -> bool:
    """Whether ``folder`` is still this process's staging folder: not deleted by another program
    meanwhile (a writer that makes its parent folders would make it again, without its owner)."""
    try:
        return int((folder / _OWNER).read_text(encoding="ascii").strip()) == os.getpid()
    except (OSError, ValueError):
        return False


def _owned(target: Path, kind: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.{kind}-", dir=target.parent))
    os.chmod(folder, 0o777 & ~_umask())
    (folder / _OWNER).write_text(f"{os.getpid()}\n", encoding="ascii")
    return folder


def staging_dir(target: Path) -> Path:
    """A new folder ``.<target name>.new-XXXX`` beside ``target``, owned by this process, after
    removing the stale ones of ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    return _owned(target, "new")


def swap_in(built: Path, target: Path) -> None:
    """Replace ``target`` by the staging folder ``built`` (same parent folder): the old tree is
    moved aside, the new one renamed in, and only then the old one removed."""
    old = None
    if target.exists():
        old = _owned(target, "old")
        target.rename(old / target.name)
    built.rename(target)
    (target / _OWNER).unlink(missing_ok=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
