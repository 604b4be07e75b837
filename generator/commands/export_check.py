"""The check of the register ``ropa export`` guards its file with, run beside the export.

The export needs the register's data only; its check (the schemas, every rule, then the texts too
long for an XLSX cell) needs the data, and the positions of the values it reports (each file with
a diagnostic read again for them: ``Document.locate``). Both start from the one register read
(``runner.read_unchecked``, without positions): on Linux the check runs in a child process forked from
it, on the second core, while this one makes the file (a third of a 1,000-activity export's time
was the check, the second core mostly idle); elsewhere, or with ``SERIAL`` set, it runs first,
here. Either way the file is kept only once the verdict says the register is valid, and what is
printed is the same: the verdict's problems, or its warnings then what was written.

The child shares the register's memory with this process (copy on write) and returns its verdict
through an unnamed temporary file: its problems (``Diagnostic``, a few numbers and texts each), the
too-long texts, or the error its check raised.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from generator.lint.rules import Diagnostic
from generator.load.register import Register

SERIAL = not sys.platform.startswith("linux")
"""Run the check before the export, in this process (where ``fork`` is missing or unsafe)."""


@dataclass(frozen=True)
class Verdict:
    """What the check found: every problem of the register (errors and warnings, sorted), and,
    for a valid register exported as XLSX, the texts longer than a cell holds."""

    diagnostics: list[Diagnostic]
    too_long: list[Diagnostic]


def verdict_of(reg: Register, xlsx: bool) -> Verdict:
    """Check ``reg`` (``ropa validate``'s checks; then, valid and for an XLSX, the cell lengths)."""
    from generator.export.xlsx import too_long_texts
    from generator.lint.runner import checked

    checked(reg)
    return Verdict(reg.diagnostics, too_long_texts(reg) if xlsx and reg.ok else [])


class Checking:
    """The check of ``reg`` under way; ``verdict`` waits for it."""

    def __init__(self, reg: Register, xlsx: bool, beside: bool) -> None:
        self.result: Verdict | None = None
        self.pid = 0
        self.file: IO[bytes] | None = None
        if SERIAL or not beside:
            self.result = verdict_of(reg, xlsx)
            return
        # Open until the verdict is read, across calls: no ``with``.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: its verdict, then out, without this process's exit handlers
            os._exit(_child(reg, xlsx, self.file))
        self.pid = pid

    def verdict(self) -> Verdict:
        """The check's verdict (the error the check raised, raised here)."""
        if self.result is None:
            file, self.file = self.file, None
            if file is None:
                raise RuntimeError("the check of the register has no verdict to give")
            with file:
                _, status = os.waitpid(self.pid, 0)
                self.pid = 0
                file.seek(0)
                try:
                    kind, value = pickle.load(file)
                except Exception as exc:
                    raise RuntimeError(f"the check of the register ended without a verdict ({status})") from exc
            if kind == "error":
                raise value
            self.result = value
        return self.result

    def close(self) -> None:
        """Stop a check whose verdict is no longer wanted (the export was interrupted)."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.file is not None:
            self.file.close()
            self.file = None


def _child(reg: Register, xlsx: bool, out: IO[bytes]) -> int:
    try:
        outcome: tuple[str, object] = ("verdict", verdict_of(reg, xlsx))
    except BaseException as exc:  # handed to the parent, which raises it
        outcome = ("error", exc)
    try:
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an error that does not pickle: its words
            data = pickle.dumps(("error", RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
        out.write(data)
        out.flush()
    except BaseException:
        return 1
    return 0


@contextlib.contextmanager
def checking(reg: Register, xlsx: bool, beside: bool = True) -> Iterator[Checking]:
    """The check of ``reg`` started (in a child process if ``beside`` and not ``SERIAL``; else
    done here first), stopped if the block leaves without its verdict."""
    started = Checking(reg, xlsx, beside)
    try:
        yield started
    finally:
        started.close()
