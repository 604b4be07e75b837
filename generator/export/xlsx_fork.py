"""The activities' sheets of a large workbook made by two processes, the bytes unchanged.

Each activity's sheet is Python's work from its rows to its XML (most of an export's time), one
after the other on one core. With ``fork``, a second process, forked once the first activity's
sheet is written, makes the sheets of the second part of the activities: it assembles each with
XlsxWriter's own ``_assemble_xml_file`` and compresses it (``xlsx_package.Part``: the same
deflate), writes it to an unnamed temporary file and says so through a pipe; meanwhile this
process makes the first part, then takes each sheet of the second in turn
(``Workbook.add_finished``), as if it had made it there.

The bytes are those of one process because a sheet is taken only if it needs nothing this
process would have done differently: a cell's format is written as its number in the
workbook's styles, given when the format is first used, so a sheet of the second process that
makes a format, or gives one its number, is not taken, nor one that failed; from that sheet on,
this process makes the rest itself (and meets the same error). In practice every format has its
number once the list sheets and the first activity's are written.

Only for ``ropa export`` on Linux (``fork`` is the caller's choice: never in a process with
other threads of its own, such as a MkDocs server) and for ``MIN_SHEETS`` activities or more.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
import struct
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from generator.export.xlsx_package import FinishedSheet, Part, Workbook
from generator.export.xlsx_sheet import RowSheet

FORK = sys.platform.startswith("linux")
"""Whether ``fork`` may be used here at all."""
MIN_SHEETS = 64
"""Fewer activities than this: one process (a fork and its sheets' transfer would cost more)."""
SHARE = 0.5
"""The second process's share of the activities."""

_LENGTH = struct.Struct("<Q")


class Made(NamedTuple):
    """A sheet the second process made: what the workbook keeps of it, and its part
    compressed, with its CRC and size uncompressed."""

    finished: FinishedSheet
    data: bytes
    crc: int
    size: int


class _Compressed:
    """A ``Part``'s sink that compresses at once, here, and keeps the result."""

    def __init__(self) -> None:
        self.result: tuple[bytes, int, int] = (b"", 0, 0)

    def deflate(self, item: Callable[[], None], size: int) -> None:
        item()  # (whatever its size)

    def add(self, part: Part) -> None:
        self.result = (b"".join(part.compressed), part.crc, part.size)


def sheets(
    wb: Workbook,
    activities: Any,
    names: Sequence[str],
    fiche: Callable[[Any, str], None],
    part: Callable[[Any, int], Iterable[Any]],
    *,
    fork: bool,
) -> int:
    """Write the sheet of each activity (``fiche(activity, name)``), in order, with a second
    process when ``fork`` (and ``FORK``) and there are ``MIN_SHEETS`` or more;
    ``part(activities, start)`` gives the activities from the ``start``-th on. Returns how many
    sheets the second process made."""
    count = len(names)
    if not (fork and FORK) or count < MIN_SHEETS:
        for activity, name in zip(activities, names, strict=True):
            fiche(activity, name)
        return 0
    first = count - int(count * SHARE)
    mine = iter(zip(activities, names, strict=False))
    fiche(*next(mine))
    with _Second(wb, part(activities, first), names[first:], fiche, first - 1) as second:
        for activity, name in itertools.islice(mine, first - 1):
            fiche(activity, name)
        taken = first
        for made in second.made():
            if not _take(wb, made):
                break
            taken += 1
    for activity, name in zip(part(activities, taken), names[taken:], strict=True):
        fiche(activity, name)
    return taken - first


def _take(wb: Workbook, made: Made | None) -> bool:
    """Add a sheet of the second process to the workbook (None: there is none to take)."""
    if made is None:
        return False
    wb.add_finished(made.finished, made.data, made.crc, made.size)
    return True


class _Second:
    """The second process and what it has made: a temporary file of sheets, and a pipe that
    says the length of each as it is written (0: the last was written; nothing: it stopped)."""

    def __init__(
        self,
        wb: Workbook,
        activities: Iterable[Any],
        names: Sequence[str],
        fiche: Callable[[Any, str], None],
        skip: int,
    ) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (open until the sheets are read)
        read, write = os.pipe()
        wb.store.single()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            code = 1
            try:
                _make(wb, activities, names, fiche, skip, self.file.fileno(), write)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.read, self.offset = pid, read, 0
        self.done = False

    def made(self) -> Iterator[Made | None]:
        """Each sheet made, in order; None when the second process stopped early."""
        while True:
            length = _read(self.read, _LENGTH.size)
            if len(length) < _LENGTH.size:
                yield None
                return
            (size,) = _LENGTH.unpack(length)
            if size == 0:  # the end: the second process exits
                self.done = True
                return
            data = os.pread(self.file.fileno(), size, self.offset)
            self.offset += size
            made = pickle.loads(data)
            yield made if isinstance(made, Made) else None

    def __enter__(self) -> _Second:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.done:  # its sheets are no longer wanted
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.read)
        self.file.close()


def _read(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        block = os.read(fd, size - len(data))
        if not block:
            break
        data += block
    return data


def _make(
    wb: Workbook,
    activities: Iterable[Any],
    names: Sequence[str],
    fiche: Callable[[Any, str], None],
    skip: int,
    out: int,
    pipe: int,
) -> None:
    """In the second process: the sheets, each written to ``out`` and its length to ``pipe``;
    after a sheet that failed, a record that is not a ``Made`` (this process stops)."""
    offset = 0

    def send(record: object) -> None:
        nonlocal offset
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(out, data, offset)
        offset += len(data)
        os.write(pipe, _LENGTH.pack(len(data)))

    formats = wb.formats
    made_formats = len(formats)
    unnumbered = [fmt for fmt in formats if fmt.xf_index is None]
    # The places of the sheets the first process makes meanwhile stay empty here.
    wb.worksheets_objs.extend([None] * skip)

    def collect(sheet: RowSheet) -> None:
        sheet.flush()
        if len(formats) != made_formats or any(fmt.xf_index is not None for fmt in unnumbered):
            raise _NewFormat
        compressed = _Compressed()
        part = Part(compressed, "")
        sheet._set_filehandle(part)
        sheet._assemble_xml_file()
        part.finish()
        finished = FinishedSheet(sheet)
        wb.worksheets_objs[finished.index] = None
        send(Made(finished, *compressed.result))

    wb.collect = collect
    try:
        for activity, name in zip(activities, names, strict=True):
            fiche(activity, name)
    except Exception:
        send(None)
        return
    os.write(pipe, _LENGTH.pack(0))


class _NewFormat(Exception):
    """A sheet of the second process made a format or numbered one: this process numbers them."""
