"""The register files at one revision, parsed: what ``ropa diff`` compares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from generator.errors import LoadError
from generator.load.layout import SOURCE_FOLDERS, kind_of
from generator.load.yamlload import parse

FOLDERS = SOURCE_FOLDERS
"""The folders of a register repository that hold its files."""


@dataclass(frozen=True)
class Snapshot:
    """The register files at one revision: data by path, and the files that could not be read."""

    data: dict[str, Any]
    problems: dict[str, str]


def parse_files(files: dict[str, str]) -> Snapshot:
    """Parse the register files among ``files`` (``{path: text}``) with the register's loader."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for path, text in sorted(files.items()):
        if kind_of(path) is None:
            continue
        try:
            data[path] = parse(text, PurePosixPath(path), path).data  # type: ignore[arg-type]
        except LoadError as exc:
            problems[path] = f"{path}:{exc.line}:{exc.column}: {exc.diagnostic(path).message('en')}"
    return Snapshot(data, problems)
