"""The register files at one revision, parsed: what ``ropa diff`` compares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from generator.errors import LoadError
from generator.lint.rules import Diagnostic
from generator.load.layout import kind_of
from generator.load.yamlload import data_of


@dataclass(frozen=True)
class Snapshot:
    """The register files at one revision: data by path, and the files that could not be read."""

    data: dict[str, Any]
    problems: dict[str, Diagnostic]

    def unreadable(self, path: str) -> bool:
        """Whether ``path`` could not be read: the file itself, or the layout folder it is in."""
        return path in self.problems or any(str(folder) in self.problems for folder in PurePosixPath(path).parents)


def parse_files(files: Mapping[str, str | bytes | LoadError]) -> Snapshot:
    """Parse the register files among ``files`` (``{path: text or bytes}``, or the ``LoadError``
    that kept a file from being read) with the register's loader."""
    data: dict[str, Any] = {}
    problems: dict[str, Diagnostic] = {}
    for path, content in sorted(files.items()):
        if kind_of(path) is None and not isinstance(content, LoadError):
            continue  # a LoadError is kept wherever it is: a layout folder linked out of the repository
        try:
            if isinstance(content, LoadError):
                raise content
            raw = content.encode("utf-8") if isinstance(content, str) else content
            data[path] = data_of(raw, PurePosixPath(path), path)  # type: ignore[arg-type]
        except LoadError as exc:
            problems[path] = exc.diagnostic(path)
    return Snapshot(data, problems)
