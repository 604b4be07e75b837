"""``ropa serve`` as a real process: it serves the site and rebuilds it when a register file
changes; an invalid register at start is refused like ``ropa build`` refuses it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from conftest import Runner
from sitebuild import site_repo

SHEET = Path("register") / "activities" / "fidelisation-artemis.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(fetch: Callable[[], str], wanted: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = fetch()
            if wanted in last:
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{wanted!r} never appeared; last answer: {last[:300]!r}")


def test_serve_rebuilds_when_a_register_file_changes(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "repo")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(repo), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    url = f"http://127.0.0.1:{port}/activites/fidelisation-artemis/"

    def fetch() -> str:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return str(answer.read().decode("utf-8"))

    try:
        _wait_for(fetch, "<h1 id=\"fidelisation-de-la-clientele-dartemis\">")
        sheet = repo / SHEET
        sheet.write_text(sheet.read_text(encoding="utf-8").replace(
            "name: Fidélisation de la clientèle d'Artemis", "name: Relance des clients d'Artemis"), encoding="utf-8")
        _wait_for(fetch, "<h1 id=\"relance-des-clients-dartemis\">")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output


def test_serve_refuses_an_invalid_register(tmp_path: Path, ropa: Runner) -> None:
    repo = site_repo(tmp_path / "repo")
    sheet = repo / SHEET
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("ref: ST-ART-01", "ref: [1]"), encoding="utf-8")
    done = ropa("serve", "--root", repo, "--dev-addr", f"127.0.0.1:{_free_port()}")
    assert done.returncode == 1
    assert "fidelisation-artemis.yaml:4:6: error:" in done.stdout and "Traceback" not in done.stderr
