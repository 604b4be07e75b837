"""The CSV export: RFC 4180 (comma, double quotes, CRLF), UTF-8, optionally with the BOM Excel
looks for.

One row per activity (``per="activity"``) with every Article 30 field flattened, or one row per
category of data (``per="data-category"``: ordinary then sensitive categories, the activity's
columns repeated on each row; an activity without any category still has its row).

Flattening, so that the columns are the same for every register:

- a list of plain values (sub-purposes, processing operations, criteria, notes) is one cell,
  one entry per line;
- a list of records (data subjects, data categories, recipients, transfers, security
  measures) is one column per field of the record, one entry per line, so that line *n* of
  each of those columns belongs to the same entry (an empty line where an entry has no value);
  the data items of one category are joined with ", ";
- a line break inside a value becomes a space in those list cells, so lines stay entries;
- closed vocabularies are written as their labels, retention both in words and as ISO 8601,
  dates as ISO 8601 (YYYY-MM-DD).

Header: labels in the chosen language (``header="labels"``) or the stable machine keys
(``header="keys"``), e.g. ``data_categories.retention_iso``.

A cell that would start with = + - @, a tab or a carriage return gets a leading ``'`` so that
no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from generator import vocab
from generator.export import PER_ACTIVITY, PER_DATA_CATEGORY, model
from generator.export.model import Json, label
from generator.render import i18n
from generator.render.escape import csv_cell

LIST_SEPARATOR = "\n"
NONE = "export.workbook.none"
"""What the first column of a section says for an empty list, as the XLSX does (« Aucun »)."""
ITEM_SEPARATOR = ", "


@dataclass(frozen=True)
class Row:
    """What one CSV row is about: an activity and, one row per category, one of its categories."""

    doc: Json
    activity: Json
    category: Json | None = None
    sensitive: bool | None = None

    @functools.cached_property
    def actors(self) -> dict[str, tuple[model.Contact, ...]]:
        return {slot.key: slot.contacts for slot in model.actors(self.doc, self.activity)}


@dataclass(frozen=True)
class Column:
    key: str
    header: Callable[[str], str]
    value: Callable[[Row], Any]


Field = tuple[str, str, Callable[[Json], Any]]


def _label_of(key: str) -> Callable[[str], str]:
    return lambda lang: i18n.t(key, lang)


def _field(key: str, label_key: str, get: Callable[[Json], Any]) -> Column:
    return Column(key, _label_of(label_key), lambda row: get(row.activity))


def _sub(name: str) -> Callable[[Json], Any]:
    """A key of a sub-record: ``_sub("legal_basis.details")``."""
    first, _, second = name.partition(".")
    return lambda a: label((a.get(first) or {}).get(second))


def _records(
    section: str, section_label: str, fields: list[Field], items: Callable[[Row], Any] | None = None,
    none_key: str | None = None,
) -> list[Column]:
    """One column per field of the records of ``activity[section]`` (or of ``items(row)``),
    one line per record. With ``none_key``, the section's first column says what the XLSX says:
    « Non renseigné » for an absent key, the label ``none_key`` (« Aucun ») for an empty list."""
    records = items or (lambda row: row.activity.get(section))

    def column(key: str, label_key: str, get: Callable[[Json], Any], first: bool) -> Column:
        def value(row: Row) -> list[Any] | str | None:
            found = records(row)
            if first and none_key and not found:
                said = "export.workbook.not_stated" if found is None else none_key
                return i18n.t(said, str(row.doc.get("lang", i18n.DEFAULT_LANG)))
            return None if found is None else [get(r) for r in found]

        return Column(f"{section}.{key}", lambda lang: f"{i18n.t(section_label, lang)} — {i18n.t(label_key, lang)}",
                      value)

    return [column(*f, first=n == 0) for n, f in enumerate(fields)]


def _yes_no(value: bool | None, lang: str) -> str | None:
    """« Oui » / « Non » ("Yes" / "No") in the export's language; nothing for an absent value."""
    return None if value is None else i18n.t("common.yes" if value else "common.no", lang)


def _transfers(row: Row) -> list[Json] | None:
    """The transfers, each with its Art. 49 derogation's label (``derogation_label``) and the
    authority informed as the CSV says it (``authority_informed_text``): « Oui » / "Yes" for
    ``true``, else the date as the CSV writes dates (ISO 8601)."""
    found = row.activity.get("transfers")
    if found is None:
        return None
    lang = str(row.doc.get("lang", i18n.DEFAULT_LANG))

    def said(t: Json) -> Json:
        informed = t.get("authority_informed")
        return {**t,
                "derogation_label": vocab.label("art49_derogation", t["derogation"]["code"], lang)
                if t.get("derogation") else None,
                "authority_informed_text": _yes_no(informed, lang) if isinstance(informed, bool) else informed}

    return [said(t) for t in found]


def _get(key: str) -> Callable[[Json], Any]:
    return lambda record: record.get(key)


def _own_contracts(row: Row) -> list[Json] | None:
    """Each processor's terms: the contract only when it is the entry's own (not its party's,
    which the CSV does not carry), the controller's authorisation of a sub-processor."""
    terms = row.activity.get("processor_contracts")
    if terms is None:
        return None
    lang = str(row.doc.get("lang", i18n.DEFAULT_LANG))
    parties = {p.get("id"): p.get("contract") for p in row.doc.get("parties") or []}
    out = []
    for t in terms:
        auth = t.get("authorisation") or {}
        party = t.get("party") or {}
        out.append({
            "party": label(party),
            "contract": None if t.get("contract") == parties.get(party.get("id")) else t.get("contract"),
            "authorisation_type": vocab.label("subprocessor_authorisation", auth["type"], lang) if auth else None,
            "authorisation_reference": auth.get("reference"),
        })
    return out


def _retention(key: str) -> Callable[[Json], Any]:
    return lambda c: label((c.get("retention") or {}).get(key))


CATEGORY_FIELDS: list[Field] = [
    ("category", "export.fields.category", lambda c: label(c.get("category"))),
    ("description", "cnil.sheet.description_col", lambda c: c.get("description")),
    ("items", "export.fields.items", lambda c: ITEM_SEPARATOR.join(c.get("items") or [])),
    ("retention", "cnil.sheet.retention_col", _retention("text")),
    ("retention_iso", "export.fields.retention_iso", _retention("duration")),
    ("retention_starts", "export.fields.retention_starts", _retention("starts")),
    ("retention_end", "export.fields.retention_end", _retention("end_action")),
    ("retention_note", "export.fields.retention_note", _retention("note")),
    ("retention_justification", "export.fields.retention_justification", _retention("justification")),
]


def _actor_columns() -> list[Column]:
    def column(key: str, label_key: str) -> Column:
        return Column(key, _label_of(label_key), lambda row: [c.line() for c in row.actors.get(key, ())])

    return [column(key, label_key) for key, label_key in model.ACTOR_KEYS]


def _labels(key: str) -> Callable[[Json], Any]:
    return lambda a: None if a.get(key) is None else [label(v) for v in a[key]]


def _decided(key: str) -> Callable[[Row], str | None]:
    """« Oui » or « Non »: whether a decision is taken solely by automated means (Art. 22,
    ``automated_decisions``) or one decides on access to a right, a service or a contract
    (``access_decision``, WP248 criterion 9)."""

    def value(row: Row) -> str | None:
        found = row.activity.get(key)
        return None if found is None else _yes_no(bool(found.get("exists")), str(row.doc.get("lang", i18n.DEFAULT_LANG)))

    return value


def _activity_columns() -> tuple[list[Column], list[Column]]:
    """The columns before and after the data categories, in their stable order."""
    head = [
        _field("ref", "cnil.list.ref", lambda a: a.get("ref")),
        _field("name", "cnil.list.name", lambda a: a.get("name")),
        _field("id", "export.fields.id", lambda a: a.get("id")),
        _field("role", "export.fields.role", lambda a: label(a.get("role"))),
        *_actor_columns(),
        # the organisation's own field beside its contact line (Art. 37(1)(a), 6(1), 49(3))
        Column("public_body", _label_of("export.fields.public_body"),
               lambda row: _yes_no((row.doc.get("organization") or {}).get("public_body"),
                                   str(row.doc.get("lang", i18n.DEFAULT_LANG)))),
        *_records(
            "processor_contracts",
            "export.fields.processor_contracts",
            [(key, f"export.fields.{label_key}", _get(key))
             for key, label_key in (("party", "name"), ("contract", "contract"),
                                    ("authorisation_type", "authorisation_type"),
                                    ("authorisation_reference", "authorisation_reference"))],
            _own_contracts,
        ),
        _field("created", "cnil.list.created", lambda a: a.get("created")),
        _field("updated", "cnil.list.updated", lambda a: a.get("updated")),
        _field("last_reviewed", "export.fields.last_reviewed", lambda a: a.get("last_reviewed")),
        _field(
            "review_interval",
            "export.fields.review_interval",
            lambda a: (a.get("review_interval") or {}).get("code"),
        ),
        _field("description", "export.fields.description", lambda a: a.get("description")),
        _field("purposes.main", "cnil.sheet.main_purpose", lambda a: (a.get("purposes") or {}).get("main")),
        _field("purposes.sub", "export.fields.sub_purposes", lambda a: (a.get("purposes") or {}).get("sub")),
        _field("processing_operations", "cnil.sheet.processing_operations", _labels("processing_operations")),
        _field("legal_basis.basis", "cnil.sheet.legal_basis", _sub("legal_basis.basis")),
        _field("legal_basis.details", "export.fields.legal_basis_details", _sub("legal_basis.details")),
        _field(
            "legal_basis.balancing_test", "export.fields.balancing_test", _sub("legal_basis.balancing_test")
        ),
        _field("legal_basis.outside_public_tasks", "export.fields.outside_public_tasks",
               _sub("legal_basis.outside_public_tasks")),
        _field(
            "legal_basis.special_category_condition",
            "export.fields.special_category_condition",
            _sub("legal_basis.special_category_condition"),
        ),
        _field(
            "legal_basis.special_category_details",
            "export.fields.special_category_details",
            _sub("legal_basis.special_category_details"),
        ),
        _field(
            "legal_basis.criminal_data_authorisation",
            "export.fields.criminal_data_authorisation",
            _sub("legal_basis.criminal_data_authorisation"),
        ),
        _field(
            "legal_basis.special_category_law",
            "export.fields.special_category_law",
            _sub("legal_basis.special_category_law"),
        ),
        _field("legal_basis.nir_framework", "export.fields.nir_framework", _sub("legal_basis.nir_framework")),
        *_records(
            "legal_basis.purposes",
            "export.fields.basis_per_purpose",
            [
                ("purpose", "export.fields.purpose", lambda r: r.get("purpose")),
                ("basis", "cnil.sheet.legal_basis", lambda r: label(r.get("basis"))),
                ("details", "export.fields.legal_basis_details", lambda r: r.get("details")),
                ("balancing_test", "export.fields.balancing_test", lambda r: r.get("balancing_test")),
                ("outside_public_tasks", "export.fields.outside_public_tasks", lambda r: r.get("outside_public_tasks")),
            ],
            lambda row: (row.activity.get("legal_basis") or {}).get("purposes"),
        ),
        *_records(
            "data_subjects",
            "cnil.sheet.data_subjects",
            none_key=NONE,
            fields=[
                ("category", "export.fields.category", lambda r: label(r.get("category"))),
                ("description", "cnil.sheet.description_col", lambda r: r.get("description")),
                ("details", "cnil.sheet.details_col", lambda r: r.get("details")),
            ],
        ),
    ]
    tail = [
        *_records(
            "recipients",
            "cnil.sheet.recipients",
            none_key=NONE,
            fields=[
                ("type", "cnil.sheet.recipient_type_col", lambda r: label(r.get("type"))),
                ("name", "export.fields.recipient_name", lambda r: r.get("name")),
                ("details", "cnil.sheet.details_col", lambda r: r.get("details")),
            ],
        ),
        *_records(
            "transfers",
            "cnil.sheet.transfers",
            [
                ("recipient", "cnil.sheet.transfer_recipient_col", lambda r: label(r.get("recipient"))),
                ("country", "cnil.sheet.transfer_country_col", lambda r: label(r.get("country"))),
                ("safeguard", "cnil.sheet.transfer_safeguard_col", lambda r: label(r.get("safeguard"))),
                ("documentation", "cnil.sheet.transfer_documentation_col", lambda r: r.get("documentation")),
                ("details", "export.fields.transfer_details", lambda r: r.get("details")),
                ("international_organisation", "export.fields.international_organisation",
                 lambda r: label(r.get("international_organisation"))),
                ("coverage", "export.fields.adequacy_coverage", lambda r: (r.get("adequacy_coverage") or {}).get("reference")),
                ("derogation", "export.fields.derogation", _get("derogation_label")),
                ("authority_informed", "export.fields.authority_informed", _get("authority_informed_text")),
                ("authority_authorisation", "export.fields.authority_authorisation",
                 lambda r: r.get("authority_authorisation")),
                ("outside_public_powers", "export.fields.outside_public_powers", lambda r: r.get("outside_public_powers")),
            ],
            _transfers,
            NONE,
        ),
        *_records(
            "security_measures",
            "cnil.sheet.security_measures",
            none_key=NONE,
            fields=[
                ("type", "cnil.sheet.security_type_col", lambda r: label(r.get("type"))),
                ("details", "cnil.sheet.details_col", lambda r: r.get("details")),
            ],
        ),
        _field("process", "export.fields.process", lambda a: a.get("process")),
        _field("dpia.status", "export.fields.dpia_status", _sub("dpia.status")),
        _field(
            "dpia.criteria",
            "export.fields.dpia_criteria",
            lambda a: (
                None
                if (a.get("dpia") or {}).get("criteria") is None
                else [label(c) for c in a["dpia"]["criteria"]]
            ),
        ),
        _field("dpia.cnil_list", "export.fields.dpia_cnil_list", _sub("dpia.cnil_list")),
        _field("dpia.exemption", "export.fields.dpia_exemption", _sub("dpia.exemption")),
        _field("dpia.reference", "export.fields.dpia_reference", _sub("dpia.reference")),
        _field("dpia.date", "export.fields.dpia_date", _sub("dpia.date")),
        _field("dpia.justification", "export.fields.dpia_justification", _sub("dpia.justification")),
        _field("notes", "export.fields.notes", lambda a: a.get("notes")),
        *(_field(key, f"export.fields.{key}", _get(key))
          for key in ("information", "rights_exercise", "data_source")),
        *(column
          for key in ("automated_decisions", "access_decision")
          for column in (Column(f"{key}.exists", _label_of(f"export.fields.{key}"), _decided(key)),
                         _field(f"{key}.details", f"export.fields.{key}_details", _sub(f"{key}.details")))),
        # the scale in the words of ``i18n.format_scale``, which ``ropa import`` reads back
        _field("scale", "export.fields.scale", _sub("scale.text")),
        _field("joint_controller_arrangement", "export.fields.joint_controller_arrangement",
               lambda a: a.get("joint_controller_arrangement")),
    ]
    return head, tail


def _sensitive(row: Row, lang: str) -> str:
    return model.sensitive_text(row.activity, lang)


def columns(per: str, lang: str) -> list[Column]:
    """Every column of the CSV, in order."""
    head, tail = _activity_columns()
    sensitive = Column("sensitive", _label_of("cnil.list.sensitive"), lambda row: _sensitive(row, lang))
    if per == PER_DATA_CATEGORY:

        def category(key: str, label_key: str, get: Callable[[Json], Any]) -> Column:
            return Column(
                f"data_category.{key}",
                _label_of(label_key),
                lambda row: None if row.category is None else get(row.category),
            )

        kind = Column(
            "data_category.sensitive",
            _label_of("export.fields.data_kind"),
            lambda row: (
                None
                if row.sensitive is None
                else i18n.t("common.yes" if row.sensitive else "common.no", lang)
            ),
        )
        return [*head, sensitive, kind, *(category(*f) for f in CATEGORY_FIELDS), *tail]
    return [
        *head,
        *_records("data_categories", "cnil.sheet.data_categories", CATEGORY_FIELDS, none_key=NONE),
        sensitive,
        *_records("sensitive_data", "cnil.sheet.sensitive_data", CATEGORY_FIELDS,
                  none_key="export.workbook.none_sensitive"),
        *tail,
    ]


def one_line(value: Any) -> str:
    return " ".join(str(value).splitlines()) if value is not None else ""


def cell(value: Any) -> str:
    """The text of one cell: a list is one entry per line."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(one_line(v) for v in value)
    return csv_cell(value)


def rows(doc: Json, per: str) -> Iterator[Row]:
    for activity in doc.get("activities", []):
        if per != PER_DATA_CATEGORY:
            yield Row(doc, activity)
            continue
        categories = [(c, False) for c in activity.get("data_categories") or []]
        categories += [(c, True) for c in activity.get("sensitive_data") or []]
        if not categories:
            yield Row(doc, activity)
        for category, sensitive in categories:
            yield Row(doc, activity, category, sensitive)


def write(
    doc: Json, out: IO[bytes], *, per: str = PER_ACTIVITY, header: str = "labels", bom: bool = False
) -> None:
    """Write the CSV file of a normalised register (``model.stream`` or ``model.normalise``) to
    ``out``, row by row."""
    lang = str(doc.get("lang", i18n.DEFAULT_LANG))
    cols = columns(per, lang)
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=False)
    writer = csv.writer(text, dialect="excel", lineterminator="\r\n")
    writer.writerow([csv_cell(c.key if header == "keys" else c.header(lang)) for c in cols])
    for row in rows(doc, per):
        writer.writerow([cell(c.value(row)) for c in cols])
    text.flush()
    text.detach()


def render(doc: Json, *, per: str = PER_ACTIVITY, header: str = "labels", bom: bool = False) -> bytes:
    """The CSV file of a normalised register, as bytes."""
    buffer = io.BytesIO()
    write(doc, buffer, per=per, header=header, bom=bom)
    return buffer.getvalue()
