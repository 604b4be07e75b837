"""The XLSX file's zip container, made of parts compressed as soon as each is complete.

XlsxWriter assembles every sheet when the workbook is closed, each from its temporary file of
rows, and then puts each part into the zip through yet another temporary file: two files
created, reopened and removed per sheet (seconds at 1,000 sheets), and every sheet object kept
whole until the end (megabytes at 10,000 sheets). Here:

- ``Workbook.finish_sheet`` assembles a sheet as soon as its last row is written, with
  XlsxWriter's own ``_assemble_xml_file``, has it compressed (by a second thread: zlib works
  without Python's lock) into one temporary file (``PartStore``), and puts in its place a
  ``FinishedSheet``: what the workbook still reads of it when it closes (its name, its print
  titles and area, its web links);
- when the workbook closes, XlsxWriter's packager writes the other parts (workbook, styles,
  properties, links) into the same store (``_Packager``), and the zip is made by copying the
  compressed parts in the packager's order, each dated and permissioned as XlsxWriter's own
  entries are (31 January 1980, ``-rw-------``: it writes each part to a temporary file first);
  only the deflate level differs from XlsxWriter's (``DEFLATE_LEVEL``, the fastest).

A sheet finished early must not need what XlsxWriter prepares at close for charts, images,
comments, tables or dynamic arrays: the workbook has none (``finish_sheet`` checks).
"""

from __future__ import annotations

import functools
import io
import queue
import stat
import sys
import tempfile
import threading
import weakref
import zlib
from collections.abc import Callable, Iterable
from typing import IO, Any, Protocol
from zipfile import ZIP_DEFLATED, LargeZipFile, ZipFile, ZipInfo

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from generator.export.xlsx_sheet import RowSheet

ENTRY_DATE = (1980, 1, 31, 0, 0, 0)
"""The date of every zip entry: XlsxWriter sets its temporary files' to 31 January 1980."""
ENTRY_MODE = stat.S_IFREG | 0o600
"""The mode of every zip entry: that of XlsxWriter's temporary files (``mkstemp``)."""
ZIP64_LIMIT = (1 << 31) - 1
FILE_COUNT_LIMIT = (1 << 16) - 1
CHUNK = 1 << 16
BATCH = 1 << 18
"""Bytes of text handed over at once to the second thread (``PartStore.deflate``): ten sheets."""
DEFLATE_LEVEL = 1
"""zlib's fastest level. At 1,000 activities it deflates the workbook's 25 MB of XML in half
the time of the default level 6 (0.32 s against 0.69 s of CPU), for a file 14 % larger (6.1 MB
against 5.4 MB): the XML is repetitive, and the time is the export's."""


class Sink(Protocol):
    """Where a ``Part`` has its compression done and is stored once finished."""

    def deflate(self, item: Callable[[], None], size: int) -> None: ...

    def add(self, part: Part) -> None: ...


class Part(io.StringIO):
    """One part of the package, compressed as it is written (raw deflate at ``DEFLATE_LEVEL``,
    one stream per part, as ``zipfile`` writes an entry) and stored when ``finish`` is called.

    A ``StringIO`` so that XlsxWriter's ``_set_xml_writer`` writes into it as into its own
    in-memory parts, never opening or closing a file; nothing is kept in the ``StringIO``. The
    text is encoded here; its compression is the store's second thread's (``_Deflater``)."""

    def __init__(self, store: Sink, name: str) -> None:
        super().__init__()
        self.store = store
        self.name = name
        self.pending: list[str] = []
        self.pending_size = 0
        self.compressed: list[bytes] = []
        self.compressor: Any = None  # made by the second thread: one at a time (256 KB each)
        self.crc = 0
        self.size = 0

    def write(self, text: str) -> int:
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size > CHUNK:
            self._send()
        return len(text)

    def _send(self) -> None:
        data = "".join(self.pending).encode("utf-8")
        self.pending, self.pending_size = [], 0
        self.store.deflate(functools.partial(self._deflate, data), len(data))

    def finish(self) -> None:
        """The part is complete: its last text compressed and the part stored, one work for
        the second thread (most sheets are one chunk)."""
        data = "".join(self.pending).encode("utf-8")
        self.pending, self.pending_size = [], 0
        self.store.deflate(functools.partial(self._last, data), len(data))

    # In the store's second thread, in the order given:

    def _deflate(self, data: bytes) -> None:
        if self.compressor is None:
            self.compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.compressed.append(self.compressor.compress(data))

    def _last(self, data: bytes) -> None:
        self._deflate(data)
        self._finished()

    def _finished(self) -> None:
        self.compressed.append(self.compressor.flush())
        self.store.add(self)
        self.compressed = []
        self.compressor = None


def _deflating(work: queue.Queue[Callable[[], None] | None], errors: list[BaseException]) -> None:
    """The second thread's loop: each work in turn, until None; after an error, none."""
    while (item := work.get()) is not None:
        try:
            if not errors:
                item()
        except BaseException as error:  # handed to the first thread (``_Deflater.check``)
            errors.append(error)
        finally:
            del item
            work.task_done()
    work.task_done()


class _Deflater:
    """A second thread that compresses the parts and stores them, in the order given.

    zlib lets go of Python's lock while it deflates: the rows of the next sheets are made
    meanwhile, on another core (compression is about a fifth of an export's time). The thread
    holds no reference to the store: it ends when the store is closed or forgotten."""

    def __init__(self, owner: PartStore) -> None:
        self.work: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=16)
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(
            target=_deflating, args=(self.work, self.errors), name="ropa-xlsx-deflate", daemon=True
        )
        self.thread.start()
        self.stop = weakref.finalize(owner, self.work.put, None)

    def put(self, item: Callable[[], None]) -> None:
        self.check()
        self.work.put(item)

    def wait(self) -> None:
        """Until every work given is done; raise its error if one failed."""
        self.work.join()
        self.check()

    def check(self) -> None:
        if self.errors:
            raise self.errors[0]

    def close(self) -> None:
        self.stop()
        self.thread.join()


class PartStore:
    """The compressed parts, one after the other in one unnamed temporary file, and where each
    is (``entries``: a few numbers each, the zip entry made when it is copied)."""

    def __init__(self) -> None:
        # Open until the workbook is closed, across calls: no ``with``.
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.entries: dict[str, tuple[int, int, int, int]] = {}  # offset, size compressed, CRC, size
        self.deflater: _Deflater | None = None
        self.batch: list[Callable[[], None]] = []
        self.batched = 0

    def deflate(self, item: Callable[[], None], size: int) -> None:
        """Have ``item`` (the work of ``size`` bytes) done by the second thread, after every
        item given before. Items are handed over by ``BATCH`` bytes: each handover wakes the
        thread and passes Python's lock between the two (about 0.1 ms: a tenth of a sheet)."""
        self.batch.append(item)
        self.batched += size
        if self.batched >= BATCH:
            self._hand_over()

    def _hand_over(self) -> None:
        if not self.batch:
            return
        if self.deflater is None:
            self.deflater = _Deflater(self)
        items, self.batch, self.batched = self.batch, [], 0
        self.deflater.put(functools.partial(_each, items))

    def wait(self) -> None:
        """Until every part given is stored."""
        self._hand_over()
        if self.deflater is not None:
            self.deflater.wait()

    def single(self) -> None:
        """Until every part given is stored, with no second thread left (before a ``fork``:
        the child process would have this thread's locks, not the thread); the next part
        starts another."""
        self._hand_over()
        if self.deflater is not None:
            self.deflater.wait()
            self.deflater.close()
            self.deflater = None

    def part(self, name: str) -> Part:
        return Part(self, name)

    def add(self, part: Part) -> None:
        self._store(part.name, part.compressed, part.crc, part.size)

    def add_compressed(self, name: str, data: bytes, crc: int, size: int) -> None:
        """Store part ``name`` compressed elsewhere (``data``, of ``size`` bytes uncompressed),
        after every part given before."""
        self.deflate(functools.partial(self._store, name, (data,), crc, size), len(data))

    def _store(self, name: str, blocks: Iterable[bytes], crc: int, size: int) -> None:
        offset = self.file.tell()
        for block in blocks:
            self.file.write(block)
        self.entries[name] = (offset, self.file.tell() - offset, crc, size)

    def copy(self, zf: ZipFile, name: str, allow_zip64: bool) -> None:
        """Add part ``name`` to ``zf`` as ``ZipFile.write`` would have added it uncompressed:
        its local header (with its final CRC and sizes: no data descriptor), its data."""
        offset, info = self._entry(name)
        fp = zf.fp
        if fp is None:
            raise ValueError("the zip file is closed")
        info.header_offset = fp.tell()
        zip64 = info.file_size * 1.05 > ZIP64_LIMIT
        if not allow_zip64 and (
            zip64 or len(zf.filelist) >= FILE_COUNT_LIMIT or info.header_offset > ZIP64_LIMIT
        ):
            raise LargeZipFile("the workbook would require ZIP64 extensions")
        fp.write(info.FileHeader(zip64))
        self.file.seek(offset)
        left = info.compress_size
        while left:
            block = self.file.read(min(left, CHUNK))
            fp.write(block)
            left -= len(block)
        self.file.seek(0, io.SEEK_END)
        zf.start_dir = fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info

    def _entry(self, name: str) -> tuple[int, ZipInfo]:
        """Where part ``name`` is in the file, and its zip entry: as ``ZipFile.write`` makes
        it of one of XlsxWriter's temporary files."""
        offset, compressed, crc, size = self.entries.pop(name)
        info = ZipInfo(name, ENTRY_DATE)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = ENTRY_MODE << 16
        info.file_size = size
        info.CRC = crc
        info.compress_size = compressed
        return offset, info

    def close(self) -> None:
        self.batch, self.batched = [], 0
        if self.deflater is not None:
            self.deflater.close()
            self.deflater = None
        self.file.close()


def _each(items: list[Callable[[], None]]) -> None:
    """A batch of the second thread's work, in order."""
    for item in items:
        item()


def _index(sheet: Any) -> int:
    """A sheet's 0-based place in the workbook (XlsxWriter declares it as None only)."""
    index: int = sheet.index
    return index


def sheet_part_name(index: int) -> str:
    """The part of the sheet of 0-based ``index`` (the workbook has no chart sheet)."""
    return sys.intern(f"xl/worksheets/sheet{index + 1}.xml")  # one string for the store and the zip


def _area(n: int) -> property:
    """A ``FinishedSheet``'s area ``AREAS[n]``, as XlsxWriter's sheet has it."""

    def whole(sheet: FinishedSheet) -> str:
        return sheet.area(n)

    return property(whole)


class FinishedSheet:
    """What the workbook reads of a sheet already assembled when it closes: its name and
    place, its print titles and area (the workbook's defined names), its web links (the
    sheet's relationships); the rest as on a sheet without charts, images, comments or tables.

    Each area (``'RT-01 Paie'!$A$1:$H$80``) is kept as the part after the sheet's name, shared
    by the sheets that have the same (``sys.intern``), and made whole when it is read: one
    finished sheet takes a few hundred bytes, 10,000 a few megabytes."""

    __slots__ = ("_areas", "active", "external_hyper_links", "hidden", "index", "name", "selected")
    KEPT = ("active", "external_hyper_links", "hidden", "index", "name", "selected")
    AREAS = ("autofilter_area", "print_area_range", "repeat_col_range", "repeat_row_range")
    name: str
    index: int
    hidden: int
    selected: int
    active: int
    external_hyper_links: list[Any]

    is_chartsheet = False
    vba_codename = None
    has_vml = False
    has_header_vml = False
    has_comments = False
    has_dynamic_arrays = False
    background_image = None
    drawing = None
    charts: tuple[Any, ...] = ()
    images: tuple[Any, ...] = ()
    shapes: tuple[Any, ...] = ()
    header_images: tuple[Any, ...] = ()
    footer_images: tuple[Any, ...] = ()
    tables: tuple[Any, ...] = ()
    drawing_links: tuple[Any, ...] = ()
    # Concatenated to ``external_hyper_links`` by the packager: lists, never changed.
    external_drawing_links: list[Any] = []  # noqa: RUF012
    external_vml_links: list[Any] = []  # noqa: RUF012
    external_background_links: list[Any] = []  # noqa: RUF012
    external_table_links: list[Any] = []  # noqa: RUF012
    external_comment_links: list[Any] = []  # noqa: RUF012

    def __init__(self, sheet: Worksheet) -> None:
        for name in self.KEPT:
            setattr(self, name, getattr(sheet, name))
        prefix = quote_sheetname(self.name) + "!"
        areas = []
        for name in self.AREAS:
            area: str = getattr(sheet, name)
            if area and not area.startswith(prefix):
                raise ValueError(f"sheet '{sheet.name}': {name} {area!r} is not on the sheet")
            areas.append(sys.intern(area[len(prefix) :]) if area else None)
        self._areas = tuple(areas)

    def area(self, n: int) -> str:
        """The whole area ``AREAS[n]`` (``""`` when the sheet has none)."""
        area = self._areas[n]
        return "" if area is None else f"{quote_sheetname(self.name)}!{area}"

    autofilter_area = _area(0)
    print_area_range = _area(1)
    repeat_col_range = _area(2)
    repeat_row_range = _area(3)


_PREPARED_AT_CLOSE = (
    "charts",
    "images",
    "shapes",
    "header_images",
    "footer_images",
    "background_image",
    "drawing",
    "has_vml",
    "has_header_vml",
    "tables",
    "drawing_links",
    "has_dynamic_arrays",
    "external_drawing_links",
    "external_vml_links",
    "external_background_links",
    "external_table_links",
    "external_comment_links",
    "is_chartsheet",
)
"""What XlsxWriter prepares only when the workbook closes: a sheet with any of it cannot be
assembled before."""


class _Packager(Packager):
    """XlsxWriter's packager, writing every part into the store, and the sheets already there."""

    def __init__(self, workbook: Workbook) -> None:
        super().__init__()
        self.book = workbook
        self.open: Part | None = None

    def _filename(self, xml_filename: str) -> Part:
        self.close_part()
        self.open = self.book.store.part(xml_filename)
        self.filenames.append((None, xml_filename, False))  # the part is in the store
        return self.open

    def close_part(self) -> None:
        if self.open is not None:
            self.open.finish()
            self.open = None

    def _write_worksheet_files(self) -> None:
        self.close_part()
        for sheet in self.book.worksheets():
            if isinstance(sheet, RowSheet):  # not finished yet
                self.book.finish_sheet(sheet, closing=True)
            self.filenames.append((None, sheet_part_name(_index(sheet)), False))


class Workbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook whose sheets are assembled as they are finished
    (``finish_sheet``) and whose zip is made from parts already compressed."""

    def __init__(self, filename: Any, options: dict[str, Any] | None = None) -> None:
        if (options or {}).get("constant_memory"):
            raise ValueError("the sheets write their own rows: no constant_memory mode")
        super().__init__(filename, options)
        self.store = PartStore()
        self.collect: Callable[[RowSheet], None] | None = None
        """What ``finish_sheet`` does instead, when set (in ``xlsx_fork``'s second process)."""

    def finish_sheet(self, sheet: RowSheet, *, closing: bool = False) -> None:
        """Assemble ``sheet`` into the store and keep only a ``FinishedSheet`` of it: nothing can
        be written to it any more. Left to the workbook's close (``closing``) when its last row
        has a format not numbered yet: XlsxWriter numbers those after every other sheet's rows.
        """
        used = [name for name in _PREPARED_AT_CLOSE if getattr(sheet, name)]
        if used:
            raise ValueError(f"sheet '{sheet.name}' has {', '.join(used)}: it cannot be finished early")
        if self.collect is not None:
            self.collect(sheet)
            return
        if not closing and not sheet.numbered():
            return
        sheet.flush()
        index = _index(sheet)
        if index == 0 and self.worksheet_meta.activesheet == 0:
            sheet.selected = 1  # as ``_store_workbook`` would make it (the first sheet shown)
            sheet.hidden = 0
        part = self.store.part(sheet_part_name(index))
        sheet._set_filehandle(part)
        sheet._assemble_xml_file()
        part.finish()
        finished = FinishedSheet(sheet)
        self.worksheets_objs[index] = finished
        self.sheetnames[sheet.name] = finished

    def add_finished(self, finished: FinishedSheet, data: bytes, crc: int, size: int) -> None:
        """Add, as the next sheet, one assembled and compressed elsewhere (``xlsx_fork``):
        its part's ``data``, their CRC and size uncompressed."""
        if finished.index != len(self.worksheets_objs):
            raise ValueError(f"sheet '{finished.name}' is number {finished.index + 1}, not the next")
        self.store.add_compressed(sheet_part_name(finished.index), data, crc, size)
        self.worksheets_objs.append(finished)
        self.sheetnames[finished.name] = finished

    def _get_packager(self) -> _Packager:
        return _Packager(self)

    def _store_workbook(self) -> None:
        """XlsxWriter 3.3.1's ``_store_workbook`` (less its VBA projects: the workbook has
        none): the same preparation, the packager's parts into the store, then the zip from
        the store."""
        try:
            if not self.worksheets():
                self.add_worksheet(worksheet_class=RowSheet)
            if self.worksheet_meta.activesheet == 0:
                self.worksheets_objs[0].selected = 1
                self.worksheets_objs[0].hidden = 0
            for sheet in self.worksheets():
                if sheet.index == self.worksheet_meta.activesheet:
                    sheet.active = 1
            self._prepare_sst_string_data()
            self._prepare_vml()
            self._prepare_defined_names()
            self._prepare_drawings()
            self._add_chart_data()
            self._prepare_tables()
            self._prepare_metadata()
            packager = self._get_packager()
            packager._add_workbook(self)
            packager._set_tmpdir(self.tmpdir)
            packager._set_in_memory(True)
            parts: list[tuple[Any, str, bool]] = packager._create_package()  # type: ignore[no-untyped-call]
            packager.close_part()
            self.store.wait()
            with ZipFile(self.filename, "w", compression=ZIP_DEFLATED, allowZip64=self.allow_zip64) as zf:
                for _, name, _ in parts:
                    self.store.copy(zf, name, self.allow_zip64)
        finally:
            self.store.close()
