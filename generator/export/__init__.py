"""Exports of the register for a supervisory authority, an auditor or a client (Art. 30(4)).

One module per format, all fed by ``model.stream`` (the register normalised one activity at a
time, as the file is written) or ``model.normalise`` (all at once, for the site's three files):

- ``xlsx``: a workbook laid out like the CNIL register model;
- ``csv_export``: one row per activity (or per data category), every Article 30 field;
- ``json_export``: the whole normalised register, described by ``schema/export.schema.json``.

``write`` writes one export to a file as it is made; ``render`` gives its bytes;
``site_downloads`` the files the site offers. Their names are in the export's language
(``data/paths.yaml``): ``registre-<slug>.xlsx`` and ``telechargements/registre.xlsx`` in French,
``register-<slug>.xlsx`` and ``downloads/register.xlsx`` in English.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from generator import paths
from generator.render import i18n

if TYPE_CHECKING:  # the exporters are imported when an export is made, not by `ropa --help`
    from generator.export.model import Json
    from generator.load.register import Register
    from generator.model.register import RegisterModel

FORMATS = ("xlsx", "csv", "json")
MODULES = {
    "xlsx": "generator.export.xlsx",
    "csv": "generator.export.csv_export",
    "json": "generator.export.json_export",
}

# The CSV's options (generator/export/csv_export.py).
PER_ACTIVITY = "activity"
PER_DATA_CATEGORY = "data-category"
PER_CHOICES = (PER_ACTIVITY, PER_DATA_CATEGORY)
HEADER_CHOICES = ("labels", "keys")


@dataclass(frozen=True)
class Options:
    """How to export: the format, the language, and the CSV's options."""

    format: str
    lang: str = i18n.DEFAULT_LANG
    per: str = "activity"
    bom: bool = False
    header: str = "labels"


def render(
    reg: Register, options: Options, *, now: dt.datetime | None = None, register_model: RegisterModel | None = None
) -> bytes:
    """The export of a valid register, as bytes, from its model (built here when not given)."""
    buffer = io.BytesIO()
    write(reg, options, buffer, now=now, register_model=register_model)
    return buffer.getvalue()


def write(
    reg: Register,
    options: Options,
    out: IO[bytes],
    *,
    now: dt.datetime | None = None,
    register_model: RegisterModel | None = None,
    fork: bool = False,
) -> None:
    """Write the export of a valid register to ``out`` as it is made: its activities are
    normalised one at a time (``model.stream``), so that memory does not grow with them.
    ``fork``: the XLSX of a large register may be made by two processes (``xlsx_fork``; for a
    caller with no other thread of its own, such as ``ropa export``)."""
    from generator.export import model

    write_document(model.stream(reg, options.lang, now=now, model=register_model), options, out, fork=fork)


def write_document(doc: Json, options: Options, out: IO[bytes], *, fork: bool = False) -> None:
    module: Any = importlib.import_module(MODULES[options.format])
    if options.format == "csv":
        module.write(doc, out, per=options.per, header=options.header, bom=options.bom)
    elif options.format == "xlsx":
        module.write(doc, out, fork=fork)
    else:
        module.write(doc, out)


def render_document(doc: Json, options: Options) -> bytes:
    buffer = io.BytesIO()
    write_document(doc, options, buffer)
    return buffer.getvalue()


def slug(text: str, empty: str = "registre") -> str:
    """« Société Générale » → ``societe-generale``; ``empty`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or empty


def default_filename(reg: Register, options: Options) -> str:
    """``registre-centrecall.xlsx``; ``registre-centrecall-categories.csv`` one row per category;
    ``register-centrecall.xlsx`` in English (the name in the export's language says it apart
    from the French one)."""
    stem = paths.name("export", options.lang)
    name = f"{stem}-{slug(str(reg.org.get('name', '')), empty=stem)}"
    if options.format == "csv" and options.per != "activity":
        name += "-categories"
    return f"{name}.{options.format}"


def downloads_dir(lang: str = i18n.DEFAULT_LANG) -> str:
    """The site's folder of downloads: ``telechargements``; ``downloads`` in English."""
    return paths.name("downloads", lang)


def site_downloads(
    reg: Register,
    lang: str = i18n.DEFAULT_LANG,
    *,
    now: dt.datetime | None = None,
    register_model: RegisterModel | None = None,
) -> dict[str, bytes]:
    """The exports the site offers, ``{path under the site: bytes}``:
    ``telechargements/registre.xlsx``, ``.csv`` (with the BOM, for Excel) and ``.json``
    (``downloads/register.xlsx``... in English).

    For the site's plugin: call it once per build with the checked register and add each file
    with ``File.generated(config, path, content=data)``; link them from the register page.
    ``register_model`` is the model the site's pages were built from.
    """
    from generator.export import model

    doc = model.normalise(reg, lang, now=now, model=register_model)
    return {path: render_document(doc, options) for path, options in _site_downloads(lang).items()}


def _site_downloads(lang: str) -> dict[str, Options]:
    stem = f"{downloads_dir(lang)}/{paths.name('export', lang)}"
    return {
        f"{stem}.xlsx": Options("xlsx", lang),
        f"{stem}.csv": Options("csv", lang, bom=True),
        f"{stem}.json": Options("json", lang),
    }


def site_download_paths(lang: str = i18n.DEFAULT_LANG) -> list[str]:
    """The paths of ``site_downloads``' files under the site, in its order."""
    return list(_site_downloads(lang))
