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

_BUILT: dict[int, Path] = {}


def mkdocs_build(root: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of the register repository at ``root``, as a real process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=root, capture_output=True, text=True, timeout=300, env=env,
    )


def built_site(factory: pytest.TempPathFactory) -> Path:
    key = id(factory)
    if key not in _BUILT:
        site = factory.mktemp("site") / "site"
        done = mkdocs_build(REPO, site)
        assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
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
