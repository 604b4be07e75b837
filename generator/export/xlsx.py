"""The XLSX workbook, laid out like the CNIL register model (registre-traitement-simplifie).

Sheets, in order:

- « Liste des traitements »: the organisation's header blocks (head, representative, DPO with
  « Société (si DPO externe) ») and the controller's record, Art. 30(1): one row per activity
  with the columns of the CNIL tab 2, plus the role and the controller; each name links to its
  sheet.
- « Registre sous-traitant » (when the organisation also acts as a processor): the same header
  blocks and the processor's record, Art. 30(2), as its own list.
- one sheet per activity, laid out like the CNIL fiche (tab 3), sections and labels in order,
  then the legal basis, the DPIA and the DPO's notes; each links back to its list.
- « Organisme et parties »: every detail of the organisation and of the parties its sheets
  name (clients, joint controllers, processors, recipients).

Every text is stored as a string cell, never a formula; text that looks like a formula also
gets Excel's quote prefix, so editing the cell keeps it text. Dates are real dates.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from generator import __version__
from generator.errors import ExportError
from generator.export import model
from generator.export.model import Json, label
from generator.lint.rules import Diagnostic
from generator.lint.schema import field_arg
from generator.load.register import Register
from generator.render import i18n
from generator.render.escape import formula_like, xlsx_text
from generator.shapes import parse_date, walk_strings

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters of one cell."""

MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]+")
_RESERVED_SHEET_NAMES = {"history"}

# Column widths (in characters) of each kind of sheet.
LIST_WIDTHS = (54, 14, 16, 16, 50, 14, 24, 30, 16, 30)
FICHE_WIDTHS = (34, 44, 34, 30, 26, 26, 20, 30)
PARTIES_WIDTHS = (34, 26, 22, 40, 20, 40, 18, 28, 34, 34, 34, 40)

LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0

_SECTION_FILL = "1F4E79"
_HEADER_FILL = "DDEBF7"
_LABEL_FILL = "F2F2F2"


@dataclass(frozen=True)
class Link:
    """A cell that links to a place in the workbook (``location``) or to a web page (``url``)."""

    text: str
    location: str | None = None
    url: str | None = None


def _styles(lang: str) -> list[NamedStyle]:
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(wrap_text=True, vertical="top", horizontal="left")
    return [
        NamedStyle("ropa-title", font=Font(bold=True, size=14, color=_SECTION_FILL)),
        NamedStyle(
            "ropa-subtitle", font=Font(italic=True, color="595959"), alignment=Alignment(vertical="top")
        ),
        NamedStyle(
            "ropa-section",
            font=Font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor=_SECTION_FILL),
            alignment=Alignment(vertical="center"),
        ),
        NamedStyle(
            "ropa-header",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=_HEADER_FILL),
            border=border,
            alignment=top,
        ),
        NamedStyle(
            "ropa-label",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=_LABEL_FILL),
            border=border,
            alignment=top,
        ),
        NamedStyle("ropa-text", border=border, alignment=top),
        NamedStyle(
            "ropa-date",
            border=border,
            alignment=Alignment(horizontal="left", vertical="top"),
            number_format=i18n.t("export.workbook.date_format", lang),
        ),
        NamedStyle("ropa-link", font=Font(color="0563C1", underline="single"), border=border, alignment=top),
        NamedStyle("ropa-nav", font=Font(color="0563C1", underline="single")),
    ]


def iso_date(value: Any) -> dt.date | None:
    return parse_date(value)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _truncate(text: str, limit: int) -> str:
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text.rstrip()


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused sheet name close to ``wanted``: at most 31 characters (UTF-16 units, as
    Excel counts), none of ``[]:*?/\\``, no leading or trailing apostrophe, unique whatever the
    case; ``taken`` (lower-cased names) is updated."""
    base = _SHEET_FORBIDDEN.sub(" ", wanted)
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or "Sheet"
    if _utf16_len(base) > MAX_SHEET_NAME:
        base = _truncate(base, MAX_SHEET_NAME - 1) + "…"
    name, n = base, 1
    while name.lower() in taken or name.lower() in _RESERVED_SHEET_NAMES:
        n += 1
        suffix = f" ({n})"
        name = _truncate(base, MAX_SHEET_NAME - len(suffix)) + suffix
    taken.add(name.lower())
    return name


def location(sheet: str, cell: str = "A1") -> str:
    """An internal link target: ``'RT-01 Paie'!A1`` (apostrophes doubled)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


class SheetWriter:
    """Writes rows from the top of a sheet, one call per row, with fitted row heights."""

    def __init__(self, ws: Worksheet, widths: Sequence[float], styles: dict[str, Any]) -> None:
        self.ws = ws
        self.widths = widths
        self.styles = styles
        self.row = 1
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    @property
    def span(self) -> int:
        return len(self.widths)

    def put(self, col: int, value: Any, style: str = "ropa-text") -> None:
        cell = self.ws.cell(row=self.row, column=col)
        if isinstance(value, Link):
            text = xlsx_text(value.text)
            cell.value = text
            if value.location:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=value.location, display=text)
            elif value.url:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=value.url, display=text)
            style = "ropa-nav" if style == "ropa-nav" else "ropa-link"
        elif isinstance(value, dt.date):
            cell.value = value
            style = "ropa-date"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.value = value
        elif value is not None:
            text = xlsx_text(value)
            if len(text) > MAX_CELL_TEXT:
                raise ExportError(
                    f"sheet '{self.ws.title}', cell {cell.coordinate}: a text of {len(text)} characters "
                    f"is longer than an Excel cell can hold ({MAX_CELL_TEXT}); shorten it in the register"
                )
            cell.value = text
        self._style(cell, style)
        self._as_text(cell)

    def _style(self, cell: Any, name: str) -> None:
        """Give ``cell`` the named style ``name``. openpyxl registers the style's font, fill and
        border again on every assignment (most of the time of a large workbook); the first
        assignment's result (indexes into the workbook's style tables) is reused instead."""
        cached = self.styles.get(name)
        if cached is None:
            cell.style = name
            self.styles[name] = copy.copy(cell._style)
        else:
            cell._style = copy.copy(cached)

    @staticmethod
    def _as_text(cell: Any) -> None:
        """A string cell stays a string cell: never a formula, quote prefix when it looks like one."""
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if formula_like(cell.value):
                cell.quotePrefix = True

    def _fit(self, cells: Iterable[tuple[int, Any, int]]) -> None:
        lines = 1
        for col, value, span in cells:
            text = value.text if isinstance(value, Link) else value
            if not isinstance(text, str) or not text:
                continue
            width = sum(self.widths[col - 1 : col - 1 + span])
            per_line = max(1, int(width * 1.1))
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))
        if lines > 1:
            self.ws.row_dimensions[self.row].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def merge(self, first: int, last: int, style: str) -> None:
        """Merge columns ``first`` to ``last`` of the current row; the cells under the merge keep
        the style (so the merged area has its borders). Faster than ``Worksheet.merge_cells``,
        which rebuilds the borders of every merged cell; the writer only needs the range."""
        if last <= first:
            return
        for col in range(first + 1, last + 1):
            self.put(col, None, style)
        self.ws.merged_cells.add(CellRange(min_col=first, min_row=self.row, max_col=last, max_row=self.row))

    def next(self, n: int = 1) -> None:
        self.row += n

    # Kinds of rows ------------------------------------------------------------------------------

    def title(self, text: str, style: str = "ropa-title") -> None:
        self.put(1, text, style)
        if style == "ropa-subtitle":
            self.merge(1, self.span, style)
            self._fit([(1, text, self.span)])
        else:
            self.ws.row_dimensions[self.row].height = 22
        self.next()

    def nav(self, link: Link) -> None:
        self.put(1, link, "ropa-nav")
        self.next()

    def section(self, text: str) -> None:
        self.next()
        for col in range(1, self.span + 1):
            self.put(col, text if col == 1 else None, "ropa-section")
        self.ws.row_dimensions[self.row].height = 20
        self.next()

    def header(self, labels: Sequence[str]) -> None:
        for col, text in enumerate(labels, start=1):
            self.put(col, text, "ropa-header")
        self._fit((c, t, 1) for c, t in enumerate(labels, start=1))
        self.next()

    def cells(self, values: Sequence[Any], first: str = "ropa-label") -> None:
        """A table row; the first cell in ``first`` style (a row label)."""
        for col, value in enumerate(values, start=1):
            self.put(col, value, first if col == 1 else "ropa-text")
        self._fit((c, v, 1) for c, v in enumerate(values, start=1))
        self.next()

    def field(self, name: str, value: Any, extra: Any = None) -> None:
        """A ``label | value`` row, the value spread over the rest of the sheet (or over all but
        the last column when there is an ``extra`` value, such as an ISO duration)."""
        self.put(1, name, "ropa-label")
        self.put(2, value)
        end = self.span if extra is None else 3
        self.merge(2, end, "ropa-text")
        if extra is not None:
            self.put(4, extra)
        self._fit([(1, name, 1), (2, value, end - 1)])
        self.next()


def too_long_texts(reg: Register) -> list[Diagnostic]:
    """Register values longer than an Excel cell can hold, each at its file, line and column."""
    found = []
    for doc in reg.documents():
        for path, text in walk_strings(doc.data, ()):
            if len(text) > MAX_CELL_TEXT:
                found.append(doc.diagnostic(path, "xlsx-cell-too-long", field=field_arg(path),
                                            length=len(text), limit=MAX_CELL_TEXT))
    return found


# --- The list sheets -----------------------------------------------------------------------------


def _t(key: str, lang: str) -> str:
    return i18n.t(key, lang)


def _header_blocks(w: SheetWriter, doc: Json, lang: str) -> None:
    """The CNIL tab 2 header: head, representative and DPO, one row each, the fields in columns."""
    fields = [
        "last_name",
        "first_name",
        "address",
        "email",
        "postal_code",
        "city",
        "phone",
        "country",
        "dpo_company",
    ]
    w.header([""] + [_t(f"cnil.fields.{f}", lang) for f in fields])
    people = model.organisation_people(doc)
    for key, block in (
        ("head", "head_block"),
        ("representative", "representative_block"),
        ("dpo", "dpo_block"),
    ):
        found = people[key]
        if found is None:
            w.cells([_t(f"cnil.list.{block}", lang)])
            continue
        c = found.contact
        w.cells(
            [
                _t(f"cnil.list.{block}", lang),
                found.person.get("last_name"),
                found.person.get("first_name"),
                c.street,
                c.email,
                c.postal_code,
                c.city,
                c.phone,
                c.country,
                found.company if key == "dpo" else "",
            ]
        )


def _list_columns(lang: str) -> list[str]:
    return [
        _t("cnil.list.name", lang),
        _t("cnil.list.ref", lang),
        _t("cnil.list.created", lang),
        _t("cnil.list.updated", lang),
        _t("cnil.list.purpose", lang),
        _t("cnil.list.sensitive", lang),
        _t("export.fields.role", lang),
        _t("cnil.sheet.controller", lang),
    ]


def controller_names(doc: Json, activity: Json) -> str:
    """Who decides: the client for a processor record, else the organisation and its joint
    controllers (the model's ``controller_names``, one per line)."""
    return "\n".join(n for n in model.controller_names(doc, activity) if n)


def _list_sheet(
    w: SheetWriter, doc: Json, lang: str, title: str, subtitle: str, activities: list[tuple[Json, str]]
) -> None:
    ws = w.ws
    w.title(title)
    w.title(subtitle, "ropa-subtitle")
    org = doc.get("organization", {})
    w.title(_as_of_text(doc, lang), "ropa-subtitle")
    w.next()
    w.put(1, str(org.get("name", "")), "ropa-header")
    w.next()
    _header_blocks(w, doc, lang)
    w.next()
    first = w.row
    w.header(_list_columns(lang))
    if not activities:
        w.cells([_t("export.workbook.no_activity", lang)], first="ropa-text")
    for activity, sheet in activities:
        w.cells(
            [
                Link(str(activity.get("name", "")), location=location(sheet)),
                Link(str(activity.get("ref", "")), location=location(sheet)),
                iso_date(activity.get("created")),
                iso_date(activity.get("updated")),
                (activity.get("purposes") or {}).get("main"),
                model.sensitive_text(activity, lang),
                label(activity.get("role")),
                controller_names(doc, activity),
            ],
            first="ropa-link",
        )
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(_list_columns(lang)))}{max(first, w.row - 1)}"
    ws.print_title_rows = f"{first}:{first}"


def _as_of_text(doc: Json, lang: str) -> str:
    stamp = dt.datetime.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    return _t("export.workbook.as_of", lang).format(
        date=i18n.format_date(doc.get("as_of") or "", lang) or "—",
        generated=i18n.format_date(stamp.date(), lang),
        version=__version__,
    )


# --- The activity sheet (the CNIL fiche) -----------------------------------------------------------


def _actors(w: SheetWriter, doc: Json, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.actors", lang))
    fields = ["name", "address", "postal_code", "city", "country", "phone", "email"]
    w.header([""] + [_t(f"cnil.fields.{f}", lang) for f in fields])
    for slot in model.actors(doc, activity):
        for contact in slot.contacts or (model.Contact(),):
            w.cells([_t(slot.label_key, lang), *contact.cells()])


def _purposes(w: SheetWriter, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.purposes", lang))
    purposes = activity.get("purposes") or {}
    w.field(_t("cnil.sheet.main_purpose", lang), purposes.get("main"))
    for i, sub in enumerate(purposes.get("sub") or [], start=1):
        w.field(f"{_t('cnil.sheet.sub_purpose', lang)} {i}", sub)
    if activity.get("processing_operations") is not None:
        w.field(
            _t("cnil.sheet.processing_operations", lang),
            ", ".join(label(op) for op in activity["processing_operations"]),
        )


def _categories(w: SheetWriter, title: str, items: list[Json] | None, lang: str, none_key: str) -> None:
    w.section(title)
    w.header(
        [
            _t("export.fields.category", lang),
            _t("cnil.sheet.description_col", lang),
            _t("cnil.sheet.retention_col", lang),
            _t("export.fields.retention_iso", lang),
            _t("export.fields.retention_note", lang),
            _t("export.fields.items", lang),
        ]
    )
    if items is None:
        w.cells([_t("export.workbook.not_stated", lang)], first="ropa-text")
    elif not items:
        w.cells([_t(none_key, lang)], first="ropa-text")
    for item in items or []:
        retention = item.get("retention") or {}
        w.cells(
            [
                label(item.get("category")),
                item.get("description"),
                retention.get("text"),
                retention.get("duration"),
                retention.get("note"),
                ", ".join(item.get("items") or []),
            ]
        )


def _table(w: SheetWriter, title: str, headers: list[str], rows: list[list[Any]] | None, lang: str) -> None:
    w.section(title)
    w.header(headers)
    if rows is None:
        w.cells([_t("export.workbook.not_stated", lang)], first="ropa-text")
    elif not rows:
        w.cells([_t("export.workbook.none", lang)], first="ropa-text")
    for row in rows or []:
        w.cells(row)


def _rows(items: list[Json] | None, *keys: str) -> list[list[Any]] | None:
    if items is None:
        return None
    return [[label(item.get(k)) for k in keys] for item in items]


def _transfer_rows(items: list[Json] | None) -> list[list[Any]] | None:
    if items is None:
        return None
    rows: list[list[Any]] = []
    for item in items:
        doc = item.get("documentation")
        link = Link(doc, url=doc) if isinstance(doc, str) and doc.startswith(("https://", "http://")) else doc
        rows.append(
            [
                label(item.get("recipient")),
                label(item.get("country")),
                label(item.get("safeguard")),
                link,
                item.get("details"),
            ]
        )
    return rows


LEGAL_BASIS_FIELDS = (
    ("basis", "cnil.sheet.legal_basis"),
    ("details", "export.fields.legal_basis_details"),
    ("balancing_test", "export.fields.balancing_test"),
    ("special_category_condition", "export.fields.special_category_condition"),
    ("special_category_details", "export.fields.special_category_details"),
    ("criminal_data_authorisation", "export.fields.criminal_data_authorisation"),
)
DPIA_FIELDS = (
    ("status", "export.fields.dpia_status"),
    ("criteria", "export.fields.dpia_criteria"),
    ("cnil_list", "export.fields.dpia_cnil_list"),
    ("exemption", "export.fields.dpia_exemption"),
    ("reference", "export.fields.dpia_reference"),
    ("date", "export.fields.dpia_date"),
    ("justification", "export.fields.dpia_justification"),
)


def _value(key: str, value: Any, lang: str) -> Any:
    if isinstance(value, list):
        return "\n".join(label(v) for v in value) or _t("export.workbook.none", lang)
    return iso_date(value) if key == "date" else label(value)


def _record(
    w: SheetWriter, title_key: str, record: Json | None, fields: Sequence[tuple[str, str]], lang: str
) -> None:
    """A section of ``label | value`` rows for a sub-record (legal basis, DPIA); « Non renseigné »
    when the sheet has none (a processor record leaves the legal basis to its controller)."""
    w.section(_t(title_key, lang))
    if record is None:
        w.field(_t(fields[0][1], lang), _t("export.workbook.not_stated", lang))
        return
    for key, label_key in fields:
        if key in record:
            w.field(_t(label_key, lang), _value(key, record[key], lang))


def _description(w: SheetWriter, activity: Json, lang: str) -> None:
    w.section(_t("cnil.sheet.description", lang))
    w.field(_t("cnil.sheet.name", lang), activity.get("name"))
    w.field(_t("cnil.sheet.ref", lang), activity.get("ref"))
    w.field(_t("cnil.sheet.created", lang), iso_date(activity.get("created")))
    w.field(_t("cnil.sheet.updated", lang), iso_date(activity.get("updated")))
    w.field(_t("export.fields.role", lang), label(activity.get("role")))
    if "description" in activity:
        w.field(_t("export.fields.description", lang), activity["description"])
    if "last_reviewed" in activity:
        w.field(_t("export.fields.last_reviewed", lang), iso_date(activity["last_reviewed"]))
    if "review_interval" in activity:
        interval = activity["review_interval"]
        w.field(_t("export.fields.review_interval", lang), label(interval), interval.get("code"))
    if "process" in activity:
        w.field(_t("export.fields.process", lang), activity["process"])


def _fiche(w: SheetWriter, doc: Json, activity: Json, lang: str, back: Link) -> None:
    ws = w.ws
    w.title(
        _t("export.workbook.sheet_title", lang).format(
            ref=activity.get("ref", ""), name=activity.get("name", "")
        )
    )
    w.nav(back)
    ws.freeze_panes = "A3"
    _description(w, activity, lang)
    _actors(w, doc, activity, lang)
    _purposes(w, activity, lang)
    _categories(
        w,
        _t("cnil.sheet.data_categories", lang),
        activity.get("data_categories"),
        lang,
        "export.workbook.none",
    )
    _categories(
        w,
        _t("cnil.sheet.sensitive_data", lang),
        activity.get("sensitive_data"),
        lang,
        "export.workbook.none_sensitive",
    )
    _table(
        w,
        _t("cnil.sheet.data_subjects", lang),
        [
            _t("export.fields.category", lang),
            _t("cnil.sheet.description_col", lang),
            _t("cnil.sheet.details_col", lang),
        ],
        _rows(activity.get("data_subjects"), "category", "description", "details"),
        lang,
    )
    _table(
        w,
        _t("cnil.sheet.recipients", lang),
        [
            _t("cnil.sheet.recipient_type_col", lang),
            _t("export.fields.recipient_name", lang),
            _t("cnil.sheet.details_col", lang),
        ],
        _rows(activity.get("recipients"), "type", "name", "details"),
        lang,
    )
    _table(
        w,
        _t("cnil.sheet.security_measures", lang),
        [_t("cnil.sheet.security_type_col", lang), _t("cnil.sheet.details_col", lang)],
        _rows(activity.get("security_measures"), "type", "details"),
        lang,
    )
    _table(
        w,
        _t("cnil.sheet.transfers", lang),
        [
            _t("cnil.sheet.transfer_recipient_col", lang),
            _t("cnil.sheet.transfer_country_col", lang),
            _t("cnil.sheet.transfer_safeguard_col", lang),
            _t("cnil.sheet.transfer_documentation_col", lang),
            _t("export.fields.transfer_details", lang),
        ],
        _transfer_rows(activity.get("transfers")),
        lang,
    )
    _record(w, "cnil.sheet.legal_basis", activity.get("legal_basis"), LEGAL_BASIS_FIELDS, lang)
    _record(w, "cnil.sheet.dpia", activity.get("dpia"), DPIA_FIELDS, lang)
    if activity.get("notes"):
        w.section(_t("export.fields.notes", lang))
        for i, note in enumerate(activity["notes"], start=1):
            w.field(str(i), note)


# --- Organisation and parties ----------------------------------------------------------------------


def _organisation(w: SheetWriter, doc: Json, lang: str) -> None:
    org = doc.get("organization", {})
    contacts = model.organisation_contacts(doc)
    w.section(_t("export.workbook.organisation_block", lang))
    f = lambda key: _t(f"export.fields.{key}", lang)  # noqa: E731
    w.field(f("name"), org.get("name"))
    for key in ("legal_form", "registration_number", "activity", "employees"):
        if key in org:
            w.field(f(key), org[key])
    w.field(_t("cnil.fields.address", lang), model.address_line(org.get("address")))
    w.field(_t("cnil.fields.phone", lang), org.get("phone"))
    w.field(_t("cnil.fields.email", lang), org.get("email"))
    w.field(_t("cnil.list.head_block", lang), model.person_line(org.get("head")))
    if org.get("representative"):
        w.field(_t("cnil.list.representative_block", lang), contacts["representative"][0].line())
        w.field(
            f"{_t('cnil.sheet.representative', lang)} — {f('contact')}",
            model.person_line(org["representative"].get("person")),
        )
    dpo = org.get("dpo") or {}
    if dpo:
        w.field(f("dpo_type"), label(dpo.get("type")))
        w.field(_t("cnil.list.dpo_block", lang), model.person_line(dpo.get("person")))
        company = dpo.get("company")
        if company:
            text = contacts["dpo_company"][0].line()
            if company.get("registration_number"):
                text += f" ({f('registration_number')} {company['registration_number']})"
            w.field(_t("cnil.fields.dpo_company", lang), text)
        if "designation_date" in dpo:
            w.field(f("designation_date"), iso_date(dpo["designation_date"]))
        if "cnil_designation_number" in dpo:
            w.field(f("cnil_designation_number"), dpo["cnil_designation_number"])
    if "review_interval" in org:
        w.field(f("review_interval"), label(org["review_interval"]), org["review_interval"].get("code"))


def _parties_sheet(w: SheetWriter, doc: Json, lang: str) -> None:
    ws = w.ws
    w.title(_t("export.sheets.parties", lang))
    w.title(_as_of_text(doc, lang), "ropa-subtitle")
    ws.freeze_panes = "A3"
    _organisation(w, doc, lang)
    w.section(_t("export.registers.parties", lang))
    f = lambda key: _t(f"export.fields.{key}", lang)  # noqa: E731
    w.header(
        [
            f("name"),
            f("id"),
            f("kind"),
            f("description"),
            f("registration_number"),
            _t("cnil.fields.address", lang),
            _t("cnil.fields.phone", lang),
            _t("cnil.fields.email", lang),
            f("contact"),
            f("representative"),
            f("dpo"),
            f("contract"),
        ]
    )
    parties = doc.get("parties", [])
    if not parties:
        w.cells([_t("export.workbook.none", lang)], first="ropa-text")
    for p in parties:
        w.cells(
            [
                p.get("name"),
                p.get("id"),
                label(p.get("kind")),
                p.get("description"),
                p.get("registration_number"),
                model.address_line(p.get("address")),
                p.get("phone"),
                p.get("email"),
                model.person_line(p.get("contact")),
                model.person_line(p.get("representative")),
                model.person_line(p.get("dpo")),
                p.get("contract"),
            ]
        )


# --- The workbook ----------------------------------------------------------------------------------


def _is_processor(activity: Json) -> bool:
    return (activity.get("role") or {}).get("code") == "processor"


def workbook(doc: Json) -> Workbook:
    """The workbook of a normalised register (``model.normalise``)."""
    lang = str(doc.get("lang", i18n.DEFAULT_LANG))
    org_name = str(doc.get("organization", {}).get("name", ""))
    wb = Workbook()
    for style in _styles(lang):
        wb.add_named_style(style)
    taken: set[str] = set()
    styles: dict[str, Any] = {}
    list_name = sheet_name(_t("cnil.list.title", lang), taken)
    activities = doc.get("activities", [])
    processing = [a for a in activities if _is_processor(a)]
    own = [a for a in activities if not _is_processor(a)]
    processor_name = sheet_name(_t("export.sheets.processor_list", lang), taken) if processing else None
    parties_name = sheet_name(_t("export.sheets.parties", lang), taken)
    names = {id(a): sheet_name(f"{a.get('ref', '')} {a.get('name', '')}", taken) for a in activities}

    ws = wb.active
    ws.title = list_name
    _list_sheet(
        SheetWriter(ws, LIST_WIDTHS, styles),
        doc,
        lang,
        _t("cnil.list.title", lang),
        _t("export.registers.controller", lang),
        [(a, names[id(a)]) for a in own],
    )
    if processor_name:
        _list_sheet(
            SheetWriter(wb.create_sheet(processor_name), LIST_WIDTHS, styles),
            doc,
            lang,
            _t("export.sheets.processor_list", lang),
            _t("export.registers.processor", lang),
            [(a, names[id(a)]) for a in processing],
        )
    back_own = Link(_t("export.workbook.back_to_list", lang), location=location(list_name))
    back_processor = Link(
        _t("export.workbook.back_to_processor_list", lang), location=location(processor_name or list_name)
    )
    for activity in activities:
        _fiche(
            SheetWriter(wb.create_sheet(names[id(activity)]), FICHE_WIDTHS, styles),
            doc,
            activity,
            lang,
            back_processor if _is_processor(activity) else back_own,
        )
    _parties_sheet(SheetWriter(wb.create_sheet(parties_name), PARTIES_WIDTHS, styles), doc, lang)

    stamp = dt.datetime.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    props = wb.properties
    props.title = xlsx_text(_t("export.workbook.title", lang).format(org=org_name))
    props.subject = _t("export.workbook.subject", lang)
    props.creator = f"ropa {__version__}"
    props.lastModifiedBy = f"ropa {__version__}"
    props.language = lang
    props.keywords = "RGPD; GDPR; article 30"
    props.created = stamp
    props.modified = stamp
    return wb


def render(doc: Json) -> bytes:
    """The XLSX file of a normalised register, as bytes."""
    buffer = io.BytesIO()
    workbook(doc).save(buffer)
    return buffer.getvalue()
