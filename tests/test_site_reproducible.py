"""Same commit, same bytes: two ``ropa build`` runs of one git commit, in two time zones, a
moment apart and with every file's modification time moved a day on, give identical site trees,
downloads (XLSX, CSV, JSON), sitemap and search index included."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sitebuild import REPO, site_repo

COMMIT_DATE = "2026-01-01T00:00:00Z"
EPOCH = "1767225600"  # the same instant: what a CI sets from ``git log -1 --format=%ct``


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_of_one_commit_are_byte_identical(tmp_path: Path) -> None:
    root = site_repo(tmp_path / "repo")
    git_env = {**os.environ, "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@centrecall.example",
               "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@centrecall.example",
               "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}
    (root / ".gitignore").write_text("site*/\nnode_modules\n", encoding="utf-8")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Registre"]):
        subprocess.run(["git", *command], cwd=root, env=git_env, check=True, capture_output=True)
    sites = []
    for i, zone in enumerate(("UTC", "Pacific/Kiritimati")):  # UTC+14: another calendar day
        if i:
            time.sleep(1.1)
            later = time.time() + 86_400
            for path in root.rglob("*"):
                if not path.is_symlink() and ".git" not in path.parts:
                    os.utime(path, (later, later))
        env = {**os.environ, "TZ": zone, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--root", ".", "--site-dir", f"site{i}"],
                              cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        sites.append(_files(root / f"site{i}"))
    first, second = sites
    assert "telechargements/registre.xlsx" in first and "sitemap.xml.gz" in first and "search/search_index.json" in first
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
