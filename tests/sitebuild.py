"""The register site built once per test session, shared by the tests/test_site_*.py files.

Not a conftest: only the site tests need it. ``built_site(tmp_path_factory)`` runs a real
``mkdocs build --strict`` of the checkout (its mkdocs.yml, docs/ and register) into a
temporary folder the first time it is called in a session, and returns that folder after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_register

_BUILT: dict[tuple[int, str], Path] = {}
BUILDERS = ("mkdocs", "zensical")
"""The builders every browser check runs on: ``mkdocs`` is plain ``mkdocs build --strict`` with
the ropa plugin (what ``mkdocs serve`` shows), ``zensical`` is ``ropa build --builder zensical``
(the generated source, no plugin)."""


def mkdocs_build(root: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of the register repository at ``root``, as a real process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=root, capture_output=True, text=True, timeout=300, env=env,
    )


def ropa_build(root: Path, site_dir: Path, builder: str) -> subprocess.CompletedProcess[str]:
    """``ropa build --builder BUILDER`` of the register repository at ``root``, as a real process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--builder", builder,
         "--site-dir", str(site_dir)],
        cwd=root, capture_output=True, text=True, timeout=300, env=env,
    )


def built_site(factory: pytest.TempPathFactory, builder: str = "mkdocs") -> Path:
    """The checkout's site, built once per session and builder (see ``BUILDERS``)."""
    key = (id(factory), builder)
    if key not in _BUILT:
        site = factory.mktemp(f"site-{builder}") / "site"
        done = mkdocs_build(REPO, site) if builder == "mkdocs" else ropa_build(REPO, site, builder)
        assert done.returncode == 0, f"{builder} build failed:\n{done.stdout}\n{done.stderr}"
        _BUILT[key] = site
    return _BUILT[key]


def site_repo(dest: Path) -> Path:
    """A copy of the checkout's register repository with its site configuration (mkdocs.yml,
    docs/) and the installed node_modules (linked), ready to break and build."""

    copy_register(dest)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs")
    (dest / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return dest
