"""``ropa serve`` as a real process: it serves the site and rebuilds it when a register file
changes; an invalid register at start is refused like ``ropa build`` refuses it; Ctrl-C stops it
at any moment, without a traceback, and it removes its temporary site.

The server is started with SIGINT at its default action, as a terminal starts it: a shell that
runs the test suite in the background (``pytest &`` without job control) makes its children
ignore SIGINT, and a Python started so never turns it into ``KeyboardInterrupt`` (it keeps the
disposition it inherits). Whatever happens, the server is killed before the test ends."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Runner, arrivals
from sitebuild import site_repo

from generator.render import i18n

SHEET = Path("register") / "activities" / "fidelisation-artemis.yaml"
STOP_SECONDS = 30
"""How long the server may take to stop once interrupted (it takes well under a second)."""


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


def _sigint_by_default() -> None:  # in the child, before exec
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Served:
    """``ropa serve`` of ``repo`` as a process of its own (its own session), its output (stdout
    and stderr) read line by line as it comes; its temporary files in ``tmp``."""

    def __init__(self, repo: Path, tmp: Path) -> None:
        self.port = _free_port()
        self.tmp = tmp
        tmp.mkdir()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(repo), "--dev-addr", f"127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            preexec_fn=_sigint_by_default,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)},
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._new.put(line)
        self._new.put(None)

    def wait_line(self, wanted: str, seconds: float = 60) -> None:
        """Until the server prints a line with ``wanted`` (a line already read counts)."""
        for line in arrivals(self._new, seconds, lambda: f"{wanted!r} never printed; output:\n{self.output}"):
            if line is None:
                raise AssertionError(f"the server stopped before printing {wanted!r}; output:\n{self.output}")
            self.lines.append(line)
            if wanted in line:
                return

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def interrupt(self, how: signal.Signals = signal.SIGINT) -> int:
        """Ctrl-C (SIGINT to the server's process group), or ``how`` (SIGTERM: a CI cancelling
        the job): its exit code once it stopped, within ``STOP_SECONDS``; else it is killed and
        the test fails."""
        os.killpg(self.process.pid, how)
        try:
            code = self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"ropa serve still ran {STOP_SECONDS} s after {how.name}; output:\n{self.output}") from None
        self._drain()
        return code

    def stopped_at(self, line: str, how: signal.Signals = signal.SIGINT) -> int:
        """``interrupt(how)`` once the server printed ``line``; killed whatever happens."""
        try:
            self.wait_line(line)
            return self.interrupt(how)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._drain()

    def _drain(self) -> None:
        while (line := self._new.get(timeout=10)) is not None:
            self.lines.append(line)
        self._new.put(None)  # drained: a second call returns at once
        assert self.process.stdout is not None
        self.process.stdout.close()


def _edit(repo: Path, name: str) -> None:
    sheet = repo / SHEET
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(
        "name: Fidélisation de la clientèle d'Artemis", f"name: {name}"), encoding="utf-8")


def _page(server: Served, path: str) -> Callable[[], str]:
    """What the server answers at ``path``, asked anew at each call."""
    url = f"http://127.0.0.1:{server.port}{path}"

    def fetch() -> str:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return str(answer.read().decode("utf-8"))

    return fetch


def test_serve_rebuilds_when_a_register_file_changes(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "repo")
    server = Served(repo, tmp_path / "tmp")
    fetch = _page(server, "/activites/fidelisation-artemis/")

    try:
        _wait_for(fetch, "<h1 id=\"fidelisation-de-la-clientele-dartemis\">")
        _edit(repo, "Relance des clients d'Artemis")
        _wait_for(fetch, "<h1 id=\"relance-des-clients-dartemis\">")
        code = server.interrupt()
    finally:
        server.kill()
    assert code == 0 and "Shutting down..." in server.output, server.output
    assert "Traceback" not in server.output


def test_serve_keeps_the_last_valid_site_while_the_register_is_invalid(tmp_path: Path) -> None:
    """A save that breaks the register (here a sheet cut in the middle of a list) prints its
    problems, and the site stays served as it was (MkDocs alone holds every request until a
    build succeeds); the next valid save is served."""
    repo = site_repo(tmp_path / "repo")
    server = Served(repo, tmp_path / "tmp")
    fetch = _page(server, "/activites/fidelisation-artemis/")

    sheet = repo / SHEET
    valid = sheet.read_text(encoding="utf-8")
    try:
        _wait_for(fetch, "<h1 id=\"fidelisation-de-la-clientele-dartemis\">")
        sheet.write_text(valid.replace("name: Fidélisation de la clientèle d'Artemis", "name: [Relance"), encoding="utf-8")
        server.wait_line(i18n.message("site.kept", "fr"))
        server.wait_line("fidelisation-artemis.yaml:")  # the problem, as ropa validate prints it
        assert "<h1 id=\"fidelisation-de-la-clientele-dartemis\">" in fetch()  # answered at once, as it was
        sheet.write_text(valid.replace("name: Fidélisation de la clientèle d'Artemis", "name: Relance des clients"),
                         encoding="utf-8")
        _wait_for(fetch, "<h1 id=\"relance-des-clients\">")
        code = server.interrupt()
    finally:
        server.kill()
    assert code == 0 and "Traceback" not in server.output, server.output


def test_serve_an_english_register_at_its_english_addresses(tmp_path: Path) -> None:
    """``ropa serve`` of an English register (``theme.language: en``) serves its pages and
    downloads at their English addresses (``activities/<id>/``, ``downloads/register.xlsx``),
    and nothing at the French ones."""
    repo = site_repo(tmp_path / "repo")
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: fr ", "  language: en ", 1), encoding="utf-8")
    server = Served(repo, tmp_path / "tmp")
    base = f"http://127.0.0.1:{server.port}/"

    def status(path: str) -> int:
        try:
            with urllib.request.urlopen(base + path, timeout=5) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    def fetch() -> str:
        with urllib.request.urlopen(base + "activities/fidelisation-artemis/", timeout=5) as answer:
            return str(answer.read().decode("utf-8"))

    try:
        page = _wait_for(fetch, "<h1 id=\"fidelisation-de-la-clientele-dartemis\">")
        assert '<html lang="en"' in page and 'href="../../processes/fidelisation/"' in page
        found = {path: status(path) for path in ("register/", "processes/fidelisation/", "dashboard/", "print/",
                                                 "downloads/register.xlsx", "activites/fidelisation-artemis/",
                                                 "registre/", "telechargements/registre.xlsx")}
        code = server.interrupt()
    finally:
        server.kill()
    assert found == {"register/": 200, "processes/fidelisation/": 200, "dashboard/": 200, "print/": 200,
                     "downloads/register.xlsx": 200, "activites/fidelisation-artemis/": 404, "registre/": 404,
                     "telechargements/registre.xlsx": 404}, found
    assert code == 0, server.output


def test_ctrl_c_during_the_first_build_stops_serve(tmp_path: Path) -> None:
    """Interrupted before it serves anything: "interrupted", exit 130, no temporary site left."""
    server = Served(site_repo(tmp_path / "repo"), tmp_path / "tmp")
    code = server.stopped_at("Building documentation...")
    assert code == 130, server.output
    assert "Serving on" not in server.output, "the build ended before the interruption"
    assert server.output.endswith(i18n.message("cli.interrupted", "fr") + "\n") and "Traceback" not in server.output, server.output
    assert list(server.tmp.iterdir()) == []


def test_ctrl_c_during_a_rebuild_stops_serve(tmp_path: Path) -> None:
    """Interrupted while it rebuilds: MkDocs shuts the server down, exit 0, no temporary site left."""
    repo = site_repo(tmp_path / "repo")
    server = Served(repo, tmp_path / "tmp")
    try:
        server.wait_line("Serving on")
        _edit(repo, "Relance des clients d'Artemis")
        server.wait_line("Detected file changes")
        server.wait_line("Building documentation...")
        code = server.interrupt()
    finally:
        server.kill()
    assert code == 0, server.output
    assert "Reloading browsers" not in server.output, "the rebuild ended before the interruption"
    assert server.output.endswith("Shutting down...\n") and "Traceback" not in server.output, server.output
    assert list(server.tmp.iterdir()) == []


@pytest.mark.parametrize("when", ["Building documentation...", "Serving on"])
def test_sigterm_stops_serve_and_leaves_no_temporary_site(tmp_path: Path, when: str) -> None:
    """SIGTERM during the first build or while serving: « arrêté », exit 143 (128 + 15), no
    traceback and no temporary site left (Python's default would die at once, leaving it)."""
    server = Served(site_repo(tmp_path / "repo"), tmp_path / "tmp")
    code = server.stopped_at(when, signal.SIGTERM)
    assert code == 143, server.output
    assert server.output.endswith(i18n.message("cli.terminated", "fr") + "\n") and "Traceback" not in server.output, server.output
    assert list(server.tmp.iterdir()) == []


def test_serve_refuses_an_invalid_register(tmp_path: Path, ropa: Runner) -> None:
    repo = site_repo(tmp_path / "repo")
    sheet = repo / SHEET
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("ref: ST-ART-01", "ref: [1]"), encoding="utf-8")
    done = ropa("serve", "--root", repo, "--dev-addr", f"127.0.0.1:{_free_port()}")
    assert done.returncode == 1
    assert "fidelisation-artemis.yaml:4:6: error:" in done.stdout and "Traceback" not in done.stderr


def test_a_server_thread_meeting_its_closed_socket_under_sigterm_ends_quietly() -> None:
    """While SIGTERM stops ``ropa serve``, MkDocs' server threads may find their socket closed
    (« Invalid file descriptor: -1 »): that ends without a traceback; the same error before
    SIGTERM, or any other error, is still shown."""
    from generator import cli
    from generator.commands.serve import _quiet_when_stopping

    shown: list[type[BaseException] | None] = []
    hook = _quiet_when_stopping(lambda failure: shown.append(failure.exc_type))

    def fail(exc: BaseException) -> None:
        raise exc

    previous = threading.excepthook
    threading.excepthook = hook
    try:
        for stopping, exc in ((False, ValueError("Invalid file descriptor: -1")),
                              (True, ValueError("Invalid file descriptor: -1")), (True, OSError(9, "Bad file descriptor")),
                              (True, KeyError("a bug"))):
            (cli.STOPPING.set if stopping else cli.STOPPING.clear)()
            thread = threading.Thread(target=fail, args=(exc,))
            thread.start()
            thread.join()
    finally:
        threading.excepthook = previous
        cli.STOPPING.clear()
    assert shown == [ValueError, KeyError]
