"""Real git repositories for the tests: one helper, used wherever a test needs commits."""

from __future__ import annotations

import subprocess
from pathlib import Path

AUTHOR = "Nadia Azri"


def git(repo: Path, *args: str, author: str = AUTHOR) -> str:
    """Run git in ``repo`` as ``author`` (no signing, whatever the machine's configuration)."""
    return subprocess.run(
        ["git", "-C", str(repo), "-c", f"user.name={author}", "-c", "user.email=n.azri@centrecall.example",
         "-c", "commit.gpgsign=false", *args],
        check=True, capture_output=True, text=True,
    ).stdout


def init_repo(path: Path) -> Path:
    """A new repository on branch ``main`` at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit(repo: Path, message: str, *, author: str = AUTHOR) -> None:
    """Commit everything in ``repo``."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, author=author)
