"""The site's downloads (``export.site_downloads``: the XLSX, CSV and JSON of the register) made
in a child process while ``ropa build`` generates the pages and the builder renders them.

The downloads cost about as much as page generation does (the workbook most), and nothing in
the pages depends on their bytes: ``Downloads.start`` forks a child process that shares the
checked register and its model as they are (nothing is read again) and writes the files into
a folder of the build's staging area, on the machine's other core; the site's source holds an
empty file at each download's path meanwhile (the register page links them, and a strict build
checks its links). ``finish`` waits for the child and puts the files over the built site's
copies of the empty ones: the site has the same bytes as when the downloads are made first.

A failure in the child fails the build: ``finish`` raises ``DownloadsFailed`` with the child's
message (a ``RopaError``'s text, or the exception's type and text for a bug) and exit code
(``EXIT_INTERNAL`` for a bug, as ``ropa`` gives for one), and the build
never swaps in a site whose downloads are missing. ``cancel`` stops a child whose build failed.
Where ``fork`` does not exist, ``start`` makes the files itself before returning.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from generator import export
from generator.errors import EXIT_INTERNAL, RopaError
from generator.load.register import Register
from generator.model.register import RegisterModel


class DownloadsFailed(RopaError):
    """The child process that makes the downloads failed."""


def _write(files: dict[str, bytes], folder: Path) -> None:
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _child(conn: Connection, reg: Register, lang: str, model: RegisterModel, folder: Path) -> None:
    """In the child: make and write the downloads; send ``None``, or ``(exit code, message)``.
    SIGTERM (the build stopped, a whole process group stopped) ends it at once and quietly, as
    by default: not the parent's ``Terminated``, which would print the child's traceback."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        _write(export.site_downloads(reg, lang, register_model=model), folder)
        conn.send(None)
    except RopaError as exc:
        conn.send((exc.exit_code, exc.text(lang)))
    except Exception as exc:  # a bug: said as ``ropa`` says an internal error
        conn.send((EXIT_INTERNAL, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class Downloads:
    """The downloads of one build, made in ``folder`` (a folder of the build's staging area)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: list[str] = []
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def start(self, reg: Register, lang: str, model: RegisterModel) -> dict[str, bytes]:
        """Start making the downloads of ``reg`` (valid) from ``model``; the empty files the
        site's source holds until ``finish``, by path."""
        self.paths = export.site_download_paths(lang)
        if "fork" not in multiprocessing.get_all_start_methods():
            _write(export.site_downloads(reg, lang, register_model=model), self.folder)
        else:
            receive, send = multiprocessing.Pipe(duplex=False)
            process = multiprocessing.get_context("fork").Process(
                target=_child, args=(send, reg, lang, model, self.folder), name="ropa-downloads", daemon=True)
            process.start()
            send.close()
            self._process, self._conn = process, receive
        return dict.fromkeys(self.paths, b"")

    def finish(self, site: Path) -> None:
        """Wait for the downloads and put them into the built ``site``; ``DownloadsFailed`` if
        the child failed."""
        if self._process is not None and self._conn is not None:
            process, conn = self._process, self._conn
            try:
                result = conn.recv()
            except EOFError:  # the child ended without a word (killed, out of memory)
                result = (EXIT_INTERNAL, None)
            process.join()
            conn.close()
            self._process = self._conn = None
            if result is not None:
                code, text = result
                reason = text if text is not None else RopaError.of("build.downloads_stopped", code=process.exitcode)
                error = DownloadsFailed.of("build.downloads_failed", error=reason)
                error.exit_code = code
                raise error
        for rel in self.paths:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / rel, target)
        shutil.rmtree(self.folder, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed or was interrupted): killed, as
        the export's children are; what it wrote is in the staging area, removed with it."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            if self._conn is not None:
                self._conn.close()
            self._process = self._conn = None
