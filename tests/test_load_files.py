"""Reading register files safely (generator/load/files.py): the limits and refusals that the
invalid corpus cannot build cheaply, each through the real loader on real files."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_register

from generator.lint.runner import load_register
from generator.load import files

ACTIVITIES = Path("register") / "activities"


def test_too_many_files_in_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_register(tmp_path)
    monkeypatch.setattr(files, "MAX_FILES", 4)  # 5 activities, 4 processes
    found = [d for d in load_register(tmp_path).diagnostics if d.rule == "too-many-files"]
    assert [(d.file.endswith("register/activities"), d.severity) for d in found] == [(True, "error")]
    assert "more than 4 register files" in found[0].message("en")


NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
"""As root, drop the capabilities that let root read any folder, so permissions apply as to a user."""


def test_a_folder_that_cannot_be_listed(tmp_path: Path) -> None:
    copy_register(tmp_path)
    os.chmod(tmp_path / ACTIVITIES, 0)
    try:
        done = subprocess.run([*NO_DAC, sys.executable, "-m", "generator", "validate", "--lang", "en", "--root", str(tmp_path)],
                              capture_output=True, text=True, timeout=60, cwd=REPO)
    finally:
        os.chmod(tmp_path / ACTIVITIES, 0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "register/activities:0:0: error: this folder cannot be listed (permission denied)" in done.stdout


def test_a_link_inside_the_repository_is_read(tmp_path: Path) -> None:
    copy_register(tmp_path)
    source = tmp_path / ACTIVITIES / "formation-operateurs.yaml"
    moved = tmp_path / "partage" / "formation-operateurs.yaml"
    moved.parent.mkdir()
    source.rename(moved)
    source.symlink_to(Path("..") / ".." / "partage" / "formation-operateurs.yaml")
    reg = load_register(tmp_path)
    assert [d.text() for d in reg.diagnostics if d.severity == "error"] == []
    assert "formation-operateurs" in {doc.path.stem for doc in reg.activities}


def test_the_target_of_a_link_out_of_the_repository_is_never_quoted(tmp_path: Path) -> None:
    copy_register(tmp_path)
    (tmp_path / ACTIVITIES / "lien.yaml").symlink_to("/etc/passwd")
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--lang", "en", "--root", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "root:" not in done.stdout + done.stderr
    assert "file-outside-repository" in done.stdout


@pytest.mark.parametrize("name", ["fifo", "keys"])
def test_hostile_files_answer_quickly_in_bounded_memory(tmp_path: Path, name: str) -> None:
    """A FIFO (a read would block forever) and 100,000 unknown keys (under the size limit) are
    refused at once: the validator runs in a subprocess limited to 1 GiB and 60 s."""
    copy_register(tmp_path)
    target = tmp_path / ACTIVITIES / "x.yaml"
    if name == "fifo":
        os.mkfifo(target)
    else:
        target.write_bytes(b"".join(b"k%d: v\n" % i for i in range(100_000)))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--lang", "en", "--root", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, preexec_fn=limit, cwd=REPO)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert ("file-not-regular" if name == "fifo" else "too-many-entries") in done.stdout
    assert time.monotonic() - start < 60
