"""The XLSX file's zip container, made of parts compressed as soon as each is complete.

XlsxWriter assembles every sheet when the workbook is closed, each from its temporary file of
rows, and then puts each part into the zip through yet another temporary file: two files
created, reopened and removed per sheet (seconds at 1,000 sheets), and every sheet object kept
whole until the end (megabytes at 10,000 sheets). Here:

- ``Workbook.finish_sheet`` assembles a sheet as soon as its last row is written, with
  XlsxWriter's own ``_assemble_xml_file``, compresses it straight into one temporary file
  (``PartStore``), and puts in its place a ``FinishedSheet``: what the workbook still reads of
  it when it closes (its name, its print titles and area, its web links);
- when the workbook closes, XlsxWriter's packager writes the other parts (workbook, styles,
  properties, links) into the same store (``_Packager``), and the zip is made by copying the
  compressed parts in the packager's order, each dated and permissioned as XlsxWriter's own
  entries are (31 January 1980, ``-rw-------``: it writes each part to a temporary file first),
  so that the bytes are XlsxWriter's.

A sheet finished early must not need what XlsxWriter prepares at close for charts, images,
comments, tables or dynamic arrays: the workbook has none (``finish_sheet`` checks).
"""

from __future__ import annotations

import io
import stat
import tempfile
import zlib
from typing import IO, Any
from zipfile import ZIP_DEFLATED, LargeZipFile, ZipFile, ZipInfo

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.worksheet import Worksheet

from generator.export.xlsx_sheet import RowSheet

ENTRY_DATE = (1980, 1, 31, 0, 0, 0)
"""The date of every zip entry: XlsxWriter sets its temporary files' to 31 January 1980."""
ENTRY_MODE = stat.S_IFREG | 0o600
"""The mode of every zip entry: that of XlsxWriter's temporary files (``mkstemp``)."""
ZIP64_LIMIT = (1 << 31) - 1
FILE_COUNT_LIMIT = (1 << 16) - 1
CHUNK = 1 << 16


class Part(io.StringIO):
    """One part of the package, compressed as it is written (deflate, as ``zipfile`` does, so
    that the bytes are the same) and stored when ``finish`` is called.

    A ``StringIO`` so that XlsxWriter's ``_set_xml_writer`` writes into it as into its own
    in-memory parts, never opening or closing a file; nothing is kept in the ``StringIO``."""

    def __init__(self, store: PartStore, name: str) -> None:
        super().__init__()
        self.store = store
        self.name = name
        self.pending: list[str] = []
        self.pending_size = 0
        self.compressed: list[bytes] = []
        self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.crc = 0
        self.size = 0

    def write(self, text: str) -> int:
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size > CHUNK:
            self._compress()
        return len(text)

    def _compress(self) -> None:
        data = "".join(self.pending).encode("utf-8")
        self.pending, self.pending_size = [], 0
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.compressed.append(self.compressor.compress(data))

    def finish(self) -> None:
        self._compress()
        self.compressed.append(self.compressor.flush())
        self.store.add(self)
        self.compressed = []


class PartStore:
    """The compressed parts, one after the other in one unnamed temporary file, and the zip
    entry of each (``ZipInfo``, offset in the file)."""

    def __init__(self) -> None:
        # Open until the workbook is closed, across calls: no ``with``.
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.entries: dict[str, tuple[ZipInfo, int]] = {}

    def part(self, name: str) -> Part:
        return Part(self, name)

    def add(self, part: Part) -> None:
        info = ZipInfo(part.name, ENTRY_DATE)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = ENTRY_MODE << 16
        info.file_size = part.size
        info.CRC = part.crc
        info.compress_size = sum(len(block) for block in part.compressed)
        offset = self.file.tell()
        for block in part.compressed:
            self.file.write(block)
        self.entries[part.name] = (info, offset)

    def copy(self, zf: ZipFile, name: str, allow_zip64: bool) -> None:
        """Add part ``name`` to ``zf`` as ``ZipFile.write`` would have added it uncompressed:
        its local header (with its final CRC and sizes: no data descriptor), its data."""
        info, offset = self.entries.pop(name)
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

    def close(self) -> None:
        self.file.close()


def _index(sheet: Any) -> int:
    """A sheet's 0-based place in the workbook (XlsxWriter declares it as None only)."""
    index: int = sheet.index
    return index


def sheet_part_name(index: int) -> str:
    """The part of the sheet of 0-based ``index`` (the workbook has no chart sheet)."""
    return f"xl/worksheets/sheet{index + 1}.xml"


class FinishedSheet:
    """What the workbook reads of a sheet already assembled when it closes: its name and
    place, its print titles and area (the workbook's defined names), its web links (the
    sheet's relationships); the rest as on a sheet without charts, images, comments or tables.
    """

    __slots__ = (
        "active",
        "autofilter_area",
        "external_hyper_links",
        "hidden",
        "index",
        "name",
        "print_area_range",
        "repeat_col_range",
        "repeat_row_range",
        "selected",
    )

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
        for name in self.__slots__:
            setattr(self, name, getattr(sheet, name))


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
        self.filenames.append((self.open, xml_filename, False))
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

    def finish_sheet(self, sheet: RowSheet, *, closing: bool = False) -> None:
        """Assemble ``sheet`` into the store and keep only a ``FinishedSheet`` of it: nothing can
        be written to it any more. Left to the workbook's close (``closing``) when its last row
        has a format not numbered yet: XlsxWriter numbers those after every other sheet's rows.
        """
        used = [name for name in _PREPARED_AT_CLOSE if getattr(sheet, name)]
        if used:
            raise ValueError(f"sheet '{sheet.name}' has {', '.join(used)}: it cannot be finished early")
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

    def _get_packager(self) -> _Packager:
        return _Packager(self)

    def _store_workbook(self) -> None:
        """XlsxWriter 3.3.1's ``_store_workbook`` (less its VBA projects: the workbook has
        none): the same preparation, the packager's parts into the store, then the zip from
        the store."""
        try:
            if not self.worksheets():
                self.add_worksheet()
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
            with ZipFile(self.filename, "w", compression=ZIP_DEFLATED, allowZip64=self.allow_zip64) as zf:
                for _, name, _ in parts:
                    self.store.copy(zf, name, self.allow_zip64)
        finally:
            self.store.close()
