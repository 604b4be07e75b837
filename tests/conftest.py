"""Shared fixtures: the checkout, a throwaway copy of CentreCall's register, the CLI as a process.

Keep this file small and generic; fixtures that serve one test file belong in that file.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

# The browser fixtures (browser, base_url, visit) live in tests/browsing.py.
pytest_plugins = ["browsing"]

REPO = Path(__file__).resolve().parent.parent
"""The checkout: CentreCall's register, the schemas, the package."""

REGISTER_FOLDERS = ("register", "processes")

# CentreCall's review dates are real data, and they age: on the day a sheet's review falls due,
# `ropa validate` rightly warns, and a strict site build fails. The suite runs at a fixed date so
# that it does not start failing on a calendar day; processes it starts inherit it, and the tests
# about "today" set their own. Set ROPA_TODAY yourself to run the suite at another date.
os.environ.setdefault("ROPA_TODAY", "2026-11-28")


def copy_register(dest: Path, source: Path = REPO) -> Path:
    """Copy the register repository at ``source`` (its register/ and processes/) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in REGISTER_FOLDERS:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, dest / folder, ignore=shutil.ignore_patterns(".*"))
    return dest


@pytest.fixture
def centrecall(tmp_path: Path) -> Path:
    """A fresh copy of CentreCall's register repository, to break at will."""
    return copy_register(tmp_path / "centrecall")


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def ropa() -> Runner:
    """Run ``python -m generator ARGS...`` as a real process; returns the completed process."""

    def run(*args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "generator", *map(str, args)],
            cwd=cwd or REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


T = TypeVar("T")


def arrivals(source: queue.Queue[T], seconds: float, late: Callable[[], str]) -> Iterator[T]:
    """What a reader thread puts on ``source``, as it comes, for ``seconds`` at most; then the
    test fails with ``late()`` (a server that never answered, a line never printed)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            yield source.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(late()) from None


def set_dotted(data: Any, dotted: str, value: Any) -> Any:
    """``data`` with the value at ``dotted`` (« data_categories.0.retention ») replaced by
    ``value`` (``data`` itself for an empty path: then ``value``)."""
    if not dotted:
        return value
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data
