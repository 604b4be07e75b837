"""The folder layout of a register repository, said once.

``register/organization.yaml`` is the organisation, ``register/activities/<id>.yaml`` one file
per processing activity, ``processes/<id>.yaml`` one file per business process. Everything that
finds, names or watches a register file (the loader, ``ropa diff``, ``ropa new``, ``ropa
build``'s source guard, ``ropa serve``'s watch list) asks this module.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Literal

Kind = Literal["organization", "activity", "process"]

ORGANIZATION = Path("register") / "organization.yaml"
ACTIVITIES = Path("register") / "activities"
PROCESSES = Path("processes")
# The folders that hold register files, relative to the root: what serve watches and import fills.
SOURCE_FOLDERS: tuple[str, ...] = ("register", "processes")
YAML_SUFFIXES = (".yaml", ".yml")
WINDOWS_DEVICES = frozenset(("con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))))
"""File names Windows keeps for its devices, whatever the extension follows (``con.yaml``): git
for Windows cannot check such a file out, so a register holding one cannot be cloned there.
Source: Microsoft, "Naming Files, Paths, and Namespaces", learn.microsoft.com (read 2026-12-01)."""


def windows_device(stem: str) -> bool:
    """Whether a file named ``stem`` + an extension is a device name on Windows (any case)."""
    return stem.lower() in WINDOWS_DEVICES


def kind_of(path: str) -> Kind | None:
    """``activity``, ``organization``, ``process`` or None for a path relative to the root."""
    p = PurePosixPath(path)
    if p.suffix not in YAML_SUFFIXES or p.name.startswith("."):
        return None
    if p.parent == PurePosixPath(ACTIVITIES.as_posix()):
        return "activity"
    if p == PurePosixPath(ORGANIZATION.as_posix()):
        return "organization"
    if p.parent == PurePosixPath(PROCESSES.as_posix()):
        return "process"
    return None


def sources(root: Path) -> list[Path]:
    """The folders of ``root`` that hold register files."""
    return [root / name for name in SOURCE_FOLDERS]


def absolute(path: Path) -> Path:
    """``path`` made absolute with its folders resolved but not the file itself: a link named on
    the command line stays the register file it is (and is never followed to find it)."""
    path = Path(os.path.abspath(path))
    return Path(os.path.realpath(path.parent)) / path.name if path.name else Path(os.path.realpath(path))


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the current directory when under it."""
    name = os.fspath(path)
    cwd = os.getcwd()
    if name.startswith(cwd) and name[len(cwd):len(cwd) + 1] == os.sep and os.path.normpath(name) == name:
        return name[len(cwd) + 1:]  # what relpath gives, without its work (every file of a run)
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
