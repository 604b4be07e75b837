"""A workbook laid out like the CNIL register model, into the register's files.

The CNIL model (« registre-traitement-simplifie ») has a list sheet (« Liste des traitements »:
the header blocks of the head of the organisation, its representative and its DPO, then one row
per activity) and one « fiche » per activity (sections « Description du traitement »,
« Acteurs », « Finalité(s) du traitement effectué », « Catégories de données personnelles
concernées », « Données sensibles », « Catégories de personnes concernées », « Destinataires »,
« Mesures de sécurité », « Transferts hors UE »). ``ropa export --format xlsx`` writes the same
layout with a few more labelled rows (role, legal basis and its basis per purpose, DPIA, the
model's optional items, remarks; under « Acteurs », each processor's Art. 28 contract line) and
an « Organisme et parties » sheet; both are read here, by their labels, wherever they stand.

Sheets are recognised by their content, not their names; hidden sheets, the model's tutorial,
example and lists tabs, and sheets that are none of these are skipped, each with a notice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.importer import (
    Entry,
    Notice,
    Source,
    Where,
    mapping,
    message,
    people,
    postal_code_unsplit,
)
from generator.importer.activity import ActivityBuilder, Value
from generator.importer.json_source import contract as contract_of
from generator.importer.people import Contact, Parties, text
from generator.importer.workbook import Row, Sheet, Workbook, coordinate
from generator.render import i18n
from generator.resources import load_data

HEAD_ROWS = 80
"""Rows read to recognise a sheet."""


@functools.cache
def _labels(*keys: str) -> frozenset[str]:
    """The folded French and English labels at these keys of data/labels/."""
    out = set()
    for key in keys:
        for lang in ("fr", "en"):
            out.add(mapping.fold(i18n.t(key, lang)))
    return frozenset(out)


SECTIONS: dict[str, tuple[str, ...]] = {
    "description": ("cnil.sheet.description",),
    "actors": ("cnil.sheet.actors",),
    "purposes": ("cnil.sheet.purposes",),
    "data_categories": ("cnil.sheet.data_categories",),
    "sensitive_data": ("cnil.sheet.sensitive_data",),
    "data_subjects": ("cnil.sheet.data_subjects",),
    "recipients": ("cnil.sheet.recipients",),
    "security_measures": ("cnil.sheet.security_measures",),
    "transfers": ("cnil.sheet.transfers",),
    "legal_basis": ("cnil.sheet.legal_basis", "export.fields.basis_from_controller"),
    "basis_per_purpose": ("export.fields.basis_per_purpose",),
    "dpia": ("cnil.sheet.dpia",),
    "cnil_items": ("export.fields.data_subjects_rights",),
    "notes": ("export.fields.notes",),
}

DATED: dict[str, tuple[str, ...]] = {
    "created": ("cnil.sheet.created", "cnil.list.created"),
    "updated": ("cnil.sheet.updated", "cnil.list.updated"),
    "role": ("export.fields.role",),
}
"""The dates and the role, as a fiche and the list sheet label them (either wording in both)."""

FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "description": {
        "name": ("cnil.sheet.name",),
        "ref": ("cnil.sheet.ref",),
        **DATED,
        "description": ("export.fields.description",),
        "last_reviewed": ("export.fields.last_reviewed",),
        "review_interval": ("export.fields.review_interval",),
        "process": ("export.fields.process",),
    },
    "purposes": {
        "main": ("cnil.sheet.main_purpose",),
        "processing_operations": ("cnil.sheet.processing_operations",),
    },
    "legal_basis": {
        "basis": ("cnil.sheet.legal_basis",),
        "details": ("export.fields.legal_basis_details",),
        "balancing_test": ("export.fields.balancing_test",),
        "outside_public_tasks": ("export.fields.outside_public_tasks",),
        "special_category_condition": ("export.fields.special_category_condition",),
        "special_category_details": ("export.fields.special_category_details",),
        "criminal_data_authorisation": ("export.fields.criminal_data_authorisation",),
        "special_category_law": ("export.fields.special_category_law",),
        "nir_framework": ("export.fields.nir_framework",),
    },
    "cnil_items": {key: (f"export.fields.{key}",) for key in (
        "information", "rights_exercise", "data_source", "automated_decisions", "access_decision", "scale",
        "joint_controller_arrangement")},
    "dpia": {
        "status": ("export.fields.dpia_status",),
        "criteria": ("export.fields.dpia_criteria",),
        "cnil_list": ("export.fields.dpia_cnil_list",),
        "exemption": ("export.fields.dpia_exemption",),
        "reference": ("export.fields.dpia_reference",),
        "date": ("export.fields.dpia_date",),
        "justification": ("export.fields.dpia_justification",),
    },
}

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "categories": {
        "category": ("export.fields.category",),
        "description": ("cnil.sheet.description_col",),
        "retention": ("cnil.sheet.retention_col",),
        "retention_iso": ("export.fields.retention_iso",),
        "retention_starts": ("export.fields.retention_starts",),
        "retention_end": ("export.fields.retention_end",),
        "retention_note": ("export.fields.retention_note",),
        "items": ("export.fields.items",),
    },
    "basis_per_purpose": {
        "purpose": ("export.fields.purpose",),
        "basis": ("cnil.sheet.legal_basis",),
        "details": ("cnil.sheet.details_col",),
    },
    "data_subjects": {
        "category": ("export.fields.category",),
        "description": ("cnil.sheet.description_col",),
        "details": ("cnil.sheet.details_col",),
    },
    "recipients": {
        "type": ("cnil.sheet.recipient_type_col",),
        "name": ("export.fields.recipient_name",),
        "details": ("cnil.sheet.details_col",),
    },
    "security_measures": {
        "type": ("cnil.sheet.security_type_col",),
        "details": ("cnil.sheet.details_col",),
    },
    "transfers": {
        "recipient": ("cnil.sheet.transfer_recipient_col",),
        "country": ("cnil.sheet.transfer_country_col",),
        "safeguard": ("cnil.sheet.transfer_safeguard_col",),
        "documentation": ("cnil.sheet.transfer_documentation_col",),
        "details": ("export.fields.transfer_details",),
        # ropa export's « Lien » column: « Ouvrir », linked to the address written in full in
        # the documentation column (older exports linked the address itself)
        "link": ("export.workbook.link_col",),
    },
    "actors": {
        "name": ("cnil.fields.name",),
        "street": ("cnil.fields.address",),
        "postal_code": ("cnil.fields.postal_code",),
        "city": ("cnil.fields.city",),
        "country": ("cnil.fields.country",),
        "phone": ("cnil.fields.phone",),
        "email": ("cnil.fields.email",),
    },
    "list": {
        "name": ("cnil.list.name",),
        "ref": ("cnil.list.ref",),
        **DATED,
        "purpose": ("cnil.list.purpose",),
        "sensitive": ("cnil.list.sensitive",),
        "controller": ("cnil.sheet.controller", "export.processor_list.controller"),
    },
    "block": {
        "last_name": ("cnil.fields.last_name",),
        "first_name": ("cnil.fields.first_name",),
        "street": ("cnil.fields.address",),
        "email": ("cnil.fields.email",),
        "postal_code": ("cnil.fields.postal_code",),
        "city": ("cnil.fields.city",),
        "phone": ("cnil.fields.phone",),
        "country": ("cnil.fields.country",),
        "company": ("cnil.fields.dpo_company",),
    },
    "parties": {
        "name": ("export.fields.name",),
        "id": ("export.fields.id",),
        "kind": ("export.fields.kind",),
        "description": ("export.fields.description",),
        "registration_number": ("export.fields.registration_number",),
        "address": ("cnil.fields.address",),
        "phone": ("cnil.fields.phone",),
        "email": ("cnil.fields.email",),
        "contact": ("export.fields.contact",),
        "representative": ("export.fields.representative",),
        "dpo": ("export.fields.dpo",),
        "contract": ("export.fields.contract",),
    },
}

ACTOR_SLOTS: dict[str, tuple[str, ...]] = {
    "controller": ("cnil.sheet.controller",),
    "controller_representative": ("export.actors.controller_representative",),
    "controller_dpo": ("export.actors.controller_dpo",),
    "dpo": ("cnil.sheet.dpo",),
    "dpo_company": ("cnil.sheet.dpo_company",),
    "representative": ("cnil.sheet.representative",),
    "joint_controllers": ("cnil.sheet.joint_controllers",),
    "processor": ("cnil.sheet.processor",),
    "processors": ("cnil.sheet.processors",),
    "sub_processors": ("export.actors.sub_processors",),
}

BLOCKS: dict[str, tuple[str, ...]] = {
    "head": ("cnil.list.head_block", "export.processor_list.head_block"),
    "representative": ("cnil.list.representative_block", "export.processor_list.representative_block"),
    "dpo": ("cnil.list.dpo_block", "export.processor_list.dpo_block"),
}

ORG_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("export.fields.name",),
    "legal_form": ("export.fields.legal_form",),
    "registration_number": ("export.fields.registration_number",),
    "activity": ("export.fields.activity",),
    "employees": ("export.fields.employees",),
    "public_body": ("export.fields.public_body",),
    "address": ("cnil.fields.address",),
    "phone": ("cnil.fields.phone",),
    "email": ("cnil.fields.email",),
    "head": BLOCKS["head"],
    "representative": ("cnil.list.representative_block",),
    "dpo_type": ("export.fields.dpo_type",),
    "dpo": BLOCKS["dpo"],
    "dpo_company": ("cnil.fields.dpo_company",),
    "designation_date": ("export.fields.designation_date",),
    "cnil_designation_number": ("export.fields.cnil_designation_number",),
    "review_interval": ("export.fields.review_interval",),
}

SKIPPED_NAMES = frozenset({"tutoriel", "tutorial", "listes", "lists", "mode d emploi", "aide", "help"})
"""The CNIL model's help tabs (« Tutoriel », « 5 - Listes »), by their whole name once its
number is taken off: « Listes électorales » or « CCAS aides sociales » are a DPO's own sheets."""
SKIPPED_FIRST_WORDS = frozenset({"exemple", "exemples", "example", "examples", "tutoriel", "tutorial"})
"""…and those whose name starts with one of these words (« 4 - Exemple de fiche »)."""


def help_sheet(name: str) -> bool:
    """Whether a sheet named ``name`` is one of the CNIL model's help or example tabs."""
    key = re.sub(r"^\d+\s*", "", mapping.fold(name)).strip()
    return key in SKIPPED_NAMES or key.split(" ", 1)[0] in SKIPPED_FIRST_WORDS


TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "sections": SECTIONS,
    "actor_slots": ACTOR_SLOTS,
    "blocks": BLOCKS,
    "org_fields": ORG_FIELDS,
    **{f"fields.{k}": v for k, v in FIELDS.items()},
    **{f"columns.{k}": v for k, v in COLUMNS.items()},
}
"""Every table of labels, by the name ``data/import_variants.yaml`` (``sheet_labels``) gives it."""


@functools.cache
def _keys(table: str, name: str) -> frozenset[str]:
    """The folded labels of ``name`` in ``table``: its label keys in French and English, and the
    other wordings of ``data/import_variants.yaml``."""
    variants = (load_data("import_variants") or {}).get("sheet_labels", {}).get(table, {}).get(name, [])
    return _labels(*TABLES[table][name]) | frozenset(mapping.fold(v) for v in variants)


def _find(table: str, value: Any) -> str | None:
    key = mapping.fold(value) if value is not None else ""
    if not key:
        return None
    for name in TABLES[table]:
        if key in _keys(table, name):
            return name
    return None


def _cells(values: list[Any]) -> list[tuple[int, Any]]:
    out = []
    for col, value in enumerate(values):
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        if value is None:
            continue
        out.append((col, value))
    return out


@functools.cache
def _article30_captions() -> frozenset[str]:
    """The Art. 30 items our XLSX quotes under a section's title (``cnil.article30``), folded,
    in French and English."""
    return _labels(*(f"cnil.article30.{item}" for item in i18n.label_file("cnil")["article30"]))


def _is_caption(cells: list[tuple[int, Any]]) -> bool:
    """A row holding only Art. 30 captions, one per line: what the section answers, not data."""
    if len(cells) != 1 or not isinstance(cells[0][1], str):
        return False
    return all(mapping.fold(line) in _article30_captions() for line in cells[0][1].splitlines() if line.strip())


def _filled(rows: Iterator[Row], where: Where) -> Iterator[tuple[list[tuple[int, Any]], Callable[[int], Where]]]:
    """The rows that hold something other than an Art. 30 caption: their cells, and where a cell
    of the row is (by column)."""
    for number, values in rows:
        cells = _cells(values)
        if cells and not _is_caption(cells):
            yield cells, functools.partial(_cell_at, where, number)


def _cell_at(where: Where, number: int, col: int) -> Where:
    return where.at(cell=coordinate(number, col))


# --- reading a fiche -----------------------------------------------------------------------------


@dataclass
class Fiche:
    """What one « fiche » says, by section, each value with its cell."""

    where: Where
    fields: dict[str, dict[str, Value]] = field(default_factory=dict)
    subs: list[Value] = field(default_factory=list)
    tables: dict[str, list[dict[str, Value]]] = field(default_factory=dict)
    actors: dict[str, list[tuple[Contact, Where]]] = field(default_factory=dict)
    notes: list[Value] = field(default_factory=list)
    contracts: dict[str, Value] = field(default_factory=dict)
    """The Art. 28 contract lines of « Acteurs » (``ropa export``), by the folded party name."""
    said_none: set[str] = field(default_factory=set)
    """Sections that say « Aucun »: written as an empty list."""

    def get(self, section: str, name: str) -> Value | None:
        return self.fields.get(section, {}).get(name)


def _section_of(cells: list[tuple[int, Any]]) -> str | None:
    if len(cells) != 1 or not isinstance(cells[0][1], str):
        return None
    return _find("sections", cells[0][1])


def _titled_header(cells: list[tuple[int, Any]]) -> tuple[str, dict[int, str], list[tuple[int, str]]] | None:
    """« Catégories de données personnelles concernées | Description | Durée de conservation » on
    one row: (the section, its known columns, the titles not known)."""
    if len(cells) < 2 or not isinstance(cells[0][1], str):
        return None
    section = _find("sections", cells[0][1])
    table = "actors" if section == "actors" else TABLE_OF.get(section or "")
    if section is None or table is None:
        return None
    found = _loose_header(cells[1:], f"columns.{table}")
    return (section, *found) if found else None


def _header(cells: list[tuple[int, Any]], table: str) -> dict[int, str] | None:
    """The columns of a header row (every cell a known column label), or None."""
    found = _loose_header(cells, table)
    return found[0] if found is not None and not found[1] else None


def _loose_header(cells: list[tuple[int, Any]], table: str) -> tuple[dict[int, str], list[tuple[int, str]]] | None:
    """A header row of which some titles are not known (« Désignation des activités | N° / RÉF |
    Responsable du dossier »): the known columns, and the unknown titles (for a notice; their
    column is not read), when every cell is a title and the known ones are all of them, or at
    least two and no fewer than the unknown; else None (a row of values)."""
    cols: dict[int, str] = {}
    unknown: list[tuple[int, str]] = []
    for col, value in cells:
        if not isinstance(value, str):
            return None
        name = _find(table, value)
        if name is None:
            unknown.append((col, value))
        else:
            cols.setdefault(col, name)
    if not cols or (unknown and (len(cols) < 2 or len(cols) < len(unknown))):
        return None
    return cols, unknown


def _unknown_columns(unknown: list[tuple[int, str]], at: Callable[[int], Where], notices: list[Notice] | None,
                     told: set[str]) -> None:
    """A notice for each column title not known (once per title and sheet): its column is not read."""
    for col, title in unknown:
        key = mapping.fold(title)
        if notices is not None and key not in told:
            told.add(key)
            notices.append(Notice(at(col), "unknown_column", {"column": title}))


def _contract_of(label: Any) -> str | None:
    """« Contrat art. 28 — VoxCloud Inc. » (a row of ``ropa export``'s « Acteurs ») → the party."""
    if not isinstance(label, str):
        return None
    head, sep, party = label.partition(" — ")
    return party.strip() if sep and mapping.fold(head) in _labels("site.transfers.contract") else None


def contract_terms(cell: Value | None) -> tuple[str | None, Value | None, Value | None]:
    """« reference (date) · Autorisation du responsable : Autorisation écrite générale — ref »
    → (the contract's text, None when « non indiqué »; the authorisation's type; its reference)."""
    if cell is None:
        return None, None, None
    said = str(text(cell.value) or "")
    contract, kind, reference = said, None, None
    for mark in (f" · {m}" for m in i18n.labelled("site.transfers.authorisation")):
        if mark in said:
            contract, _, auth = said.partition(mark)
            head, sep, tail = auth.partition(" — ")
            kind = Value(head, cell.where)
            reference = Value(tail, cell.where) if sep else None
            break
    if mapping.fold(contract) in _labels("site.transfers.no_contract"):
        return None, kind, reference
    return text(contract), kind, reference


TABLE_OF = {
    "data_categories": "categories",
    "sensitive_data": "categories",
    "data_subjects": "data_subjects",
    "recipients": "recipients",
    "security_measures": "security_measures",
    "transfers": "transfers",
    "basis_per_purpose": "basis_per_purpose",
}


def read_fiche(rows: Iterator[Row], where: Where, notices: list[Notice] | None = None) -> Fiche:
    fiche = Fiche(where)
    section: str | None = None
    columns: dict[int, str] | None = None
    slot: str | None = None
    shift: int | None = None  # a table's rows read one column to the right (decided on its first row)
    told: set[str] = set()  # column titles not known, named once a sheet
    said_untitled: set[tuple[str | None, int]] = set()  # (section, column) of cells without a title, or named unknown
    for cells, at in _filled(rows, where):
        found = _section_of(cells)
        if found is not None and (found != section or found in ("legal_basis",)):
            section, columns, slot, shift = found, None, None, None
            continue
        titled = _titled_header(cells)
        if titled is not None:
            # the section's title and its column headers on one row
            section, columns, unknown = titled
            slot, shift = None, None
            _unknown_columns(unknown, at, notices, told)
            said_untitled.update((section, col) for col, _ in unknown)  # named already, as unknown
            continue
        if section is None:
            # rows before the first section: the title, the way back to the list
            if len(cells) >= 2 and _find("fields.description", cells[0][1]) is not None:
                section = "description"
            else:
                continue
        if section in FIELDS:
            _label_col, label = cells[0]
            name = _find(f"fields.{section}", label)
            if section == "purposes" and name is None and mapping.fold(label).startswith(("sous finalite", "sub purpose")):
                if len(cells) > 1:
                    fiche.subs.append(Value(cells[1][1], at(cells[1][0])))
                continue
            if name is None and section == "description" and _find("fields.purposes", label) == "main":
                section, name = "purposes", "main"
            if name is not None and len(cells) > 1:
                fiche.fields.setdefault(section, {}).setdefault(name, Value(cells[1][1], at(cells[1][0])))
                if name == "review_interval" and len(cells) > 2:
                    fiche.fields[section]["review_interval"] = Value(cells[2][1], at(cells[2][0]))
            elif name is None and len(cells) > 1 and notices is not None and isinstance(label, str):
                # « Nom | Accueil »: a row of a section of fields that names no field ropa knows
                notices.append(Notice(at(_label_col), "unknown_label",
                                      {"label": label[:80], "value": str(cells[1][1])[:80]}))
            continue
        if section == "notes":
            value = cells[1] if len(cells) > 1 and re.fullmatch(r"\d+\.?", str(cells[0][1])) else cells[0]
            fiche.notes.append(Value(value[1], at(value[0])))
            continue
        if section == "actors":
            loose = _loose_header(cells, "columns.actors")
            if loose is not None and "name" in loose[0].values():
                columns = loose[0]
                _unknown_columns(loose[1], at, notices, told)
                continue
            first_col, first = cells[0]
            party = _contract_of(first) if first_col == 0 else None
            if party is not None:
                # « Contrat art. 28 — VoxCloud Inc. | reference (date) · Autorisation … »: not an actor
                if len(cells) > 1:
                    fiche.contracts[mapping.fold(party)] = Value(cells[1][1], at(cells[1][0]))
                continue
            found_slot = _find("actor_slots", first) if first_col == 0 else None
            if found_slot is not None:
                slot = found_slot
                fiche.actors.setdefault(slot, [])
            if slot is None or columns is None:
                continue
            contact = Contact()
            for col, value in cells:
                key = columns.get(col)
                if key is not None and (found_slot is None or col != first_col):
                    setattr(contact, key, text(value))
            if contact.name and ", " in contact.name and not (contact.street or contact.city or contact.postal_code):
                # the whole contact on one line in the name's cell (« Berger-Levrault, 892 rue … »)
                line = people.contact_line(contact.name)
                for key in ("phone", "email"):
                    setattr(line, key, getattr(contact, key) or getattr(line, key))
                contact = line if line.postal_code and line.city else contact  # an address, not « Dupont, Durand et Associés »
            if not contact.empty():
                fiche.actors[slot].append((contact, at(cells[0][0] if found_slot is None else 1)))
            continue
        table = TABLE_OF.get(section)
        if table is None:
            continue
        loose = _loose_header(cells, f"columns.{table}")
        if loose is not None and (columns is None or set(loose[0].values()) >= set(columns.values())):
            columns, shift = loose[0], None
            _unknown_columns(loose[1], at, notices, told)
            said_untitled.update((section, col) for col, _ in loose[1])  # named already, as unknown
            continue
        if len(cells) == 1 and mapping.is_none(cells[0][1]):
            fiche.said_none.add(section)
            continue
        if isinstance(cells[0][1], str) and cells[0][1].rstrip().endswith("?"):
            # « Des données sensibles sont-elles traitées ? | Oui »: a question of the sheet, not an entry
            if notices is not None:
                answer = str(cells[1][1])[:80] if len(cells) > 1 else ""
                notices.append(Notice(at(cells[0][0]), "question_row", {"question": str(cells[0][1])[:120],
                                                                        "answer": answer}))
            continue
        entry: dict[str, Value] = {}
        lead = ("category" if table in ("categories", "data_subjects")
                else "type" if table in ("recipients", "security_measures") else None)
        if columns is None or (lead and lead not in columns.values() and 0 not in (columns or {})):
            columns = dict(columns or {})
            if lead:
                columns.setdefault(0, lead)
        # a table without a lead column (transfers) whose titles stand beside the section's title
        # (from column B) and whose rows start in column A: its rows are read one column to the
        # right, as its first row tells (a numbered table, « 1 | OVH | France… », is not)
        if shift is None:
            shift = 1 if (lead is None and 0 not in columns and min(columns, default=0) == 1 and cells[0][0] == 0
                          and cells[-1][0] < max(columns)) else 0
        for col, value in cells:
            key = columns.get(col + shift)
            if key is None and col == 0 and lead:
                key = lead
            if key is not None:
                entry[key] = Value(value, at(col))
            elif notices is not None and (section, col) not in said_untitled:  # once a column and section
                said_untitled.add((section, col))
                notices.append(Notice(at(col), "untitled_cell", {"value": str(value)[:80]}))
        if table == "categories" and set(entry) <= {"category"}:
            continue  # a row of the model left empty: the category is not processed
        if table == "data_subjects" and "category" not in entry and "description" in entry:
            entry["category"] = entry["description"]
        if entry:
            fiche.tables.setdefault(section, []).append(entry)
    return fiche


# --- reading the list sheet, the organisation sheet ---------------------------------------------


@dataclass
class ListSheet:
    where: Where
    blocks: dict[str, dict[str, Value]] = field(default_factory=dict)
    rows: list[dict[str, Value]] = field(default_factory=list)
    processor: bool = False


def read_list(rows: Iterator[Row], where: Where, processor: bool, notices: list[Notice] | None = None) -> ListSheet:
    out = ListSheet(where, processor=processor)
    block_cols: dict[int, str] | None = None
    list_cols: dict[int, str] | None = None
    block: str | None = None
    told: set[str] = set()
    for cells, at in _filled(rows, where):
        loose = _loose_header(cells, "columns.list")
        if loose is not None and {"name", "ref"} <= set(loose[0].values()):
            list_cols, block = loose[0], None
            _unknown_columns(loose[1], at, notices, told)
            continue
        if list_cols is not None:
            entry = {list_cols[col]: Value(v, at(col)) for col, v in cells if col in list_cols}
            named = entry.get("name") is not None and any(c.isalpha() for c in str(entry["name"].value))
            if named or (entry.get("ref") and len(set(entry) - {"ref", "name"}) >= 1):
                out.rows.append(entry)
            elif entry and notices is not None:  # « Nombre d'activités | =COUNTA(…) » under the list
                notices.append(Notice(at(cells[0][0]), "lone_list_row", {"value": str(cells[0][1])[:80]}))
            continue
        fields = _header(cells, "columns.block")
        if fields is not None and len(fields) >= 3:
            block_cols = fields
            continue
        _first_col, first = cells[0]
        found = _find("blocks", first) if isinstance(first, str) else None
        if found is None and isinstance(first, str):
            key = mapping.fold(first)
            found = next((b for b in BLOCKS if any(key.startswith(k) for k in _keys("blocks", b))), None)
        if found is not None:
            block = found
            data = out.blocks.setdefault(block, {})
            if block_cols and len(cells) > 1:
                for col, value in cells[1:]:
                    if col in block_cols:
                        data[block_cols[col]] = Value(value, at(col))
            continue
        if block is not None and len(cells) >= 2:
            name = _find("columns.block", first)
            if name is not None:
                out.blocks[block].setdefault(name, Value(cells[1][1], at(cells[1][0])))
            elif notices is not None:
                notices.append(Notice(at(cells[0][0]), "unknown_label",
                                      {"label": str(first)[:80], "value": str(cells[1][1])[:80]}))
    return out


@dataclass
class OrgSheet:
    where: Where
    fields: dict[str, Value] = field(default_factory=dict)
    parties: list[dict[str, Value]] = field(default_factory=list)


def _parties_header(header: dict[int, str]) -> bool:
    """A header row of a parties table: the name first, then at least two other columns (one
    table with the id, as older exports wrote it, or ropa export's two tables)."""
    names = [header[c] for c in sorted(header)]
    return names[0] == "name" and len(set(names)) >= 3


@functools.cache
def _representative_person() -> frozenset[str]:
    """« Représentant — Personne à contacter »: the row of ``ropa export``'s organisation block
    that gives the representative's contact person."""
    return frozenset(mapping.fold(f"{i18n.t('cnil.sheet.representative', lang)} — {i18n.t('export.fields.contact', lang)}")
                     for lang in ("fr", "en"))


def read_org(rows: Iterator[Row], where: Where) -> OrgSheet:
    out = OrgSheet(where)
    party_cols: dict[int, str] | None = None
    by_name: dict[str, list[int]] = {}
    """Folded party name → the indexes of ``out.parties`` of that name."""
    completed: set[int] = set()
    """The parties the current table has completed."""
    for cells, at in _filled(rows, where):
        header = _header(cells, "columns.parties")
        if header is not None and _parties_header(header):
            party_cols, completed = header, set()
            continue
        if party_cols is not None:
            if len(cells) == 1 and mapping.is_none(cells[0][1]):
                continue  # « Aucun »: no parties
            row = {party_cols[c]: Value(v, at(c)) for c, v in cells if c in party_cols}
            party = row.get("name")
            if party is None:
                continue
            # ropa export gives the parties in two tables, each starting with the name (who
            # they are, with the id; then how to reach them): a row of a table without ids
            # completes the first party of that name this table has not completed yet
            key = mapping.fold(party.value)
            same = None
            if "id" not in party_cols.values():
                same = next((i for i in by_name.get(key, []) if i not in completed), None)
            if same is None:
                by_name.setdefault(key, []).append(len(out.parties))
                out.parties.append(row)
            else:
                completed.add(same)
                for field_name, cell in row.items():
                    out.parties[same].setdefault(field_name, cell)
            continue
        name = _find("org_fields", cells[0][1]) if isinstance(cells[0][1], str) else None
        if mapping.fold(cells[0][1]) in _representative_person():
            name = "representative_person"
        if name is not None and len(cells) > 1:
            value = cells[-1] if name == "review_interval" else cells[1]
            out.fields.setdefault(name, Value(value[1], at(value[0])))
    return out


# --- recognising sheets --------------------------------------------------------------------------


def classify(sheet: Sheet, where: Where) -> str | None:
    """``list``, ``processor_list``, ``fiche``, ``org`` or None, from the first rows."""
    if help_sheet(sheet.name):
        return "skip"
    sections = 0
    has_list = has_org = False
    described = False
    for _, values in sheet.rows(None, where, HEAD_ROWS):
        cells = _cells(values)
        if not cells:
            continue
        loose = _loose_header(cells, "columns.list")
        if loose is not None and {"name", "ref"} <= set(loose[0].values()):
            has_list = True
        parties = _header(cells, "columns.parties")
        if parties is not None and "id" in parties.values() and "kind" in parties.values():
            has_org = True
        if _section_of(cells):
            sections += 1
        if len(cells) >= 2 and _find("fields.description", cells[0][1]) == "name":
            described = True
    if has_list:
        key = mapping.fold(sheet.name)
        processor = key in _labels("export.sheets.processor_list") or "sous traitant" in key
        return "processor_list" if processor else "list"
    if has_org:
        return "org"
    if sections >= 2 or described:
        return "fiche"
    return None


# --- assembling the register ---------------------------------------------------------------------


def _strip_registration(line: str) -> tuple[str, str | None]:
    m = re.fullmatch(r"(.*?)\s*\(([^()]*?)\s+([0-9A-Z][0-9A-Z .-]{3,})\)\s*", line)
    return (m.group(1), m.group(3).strip()) if m else (line, None)


def _block_person(block: dict[str, Value]) -> dict[str, Any] | None:
    def get(name: str) -> str | None:
        v = block.get(name)
        return text(v.value) if v else None

    last = get("last_name")
    if not last:
        return None
    out: dict[str, Any] = {}
    for key in ("first_name", "last_name", "email", "phone"):
        if get(key):
            out[key] = get(key)
    addr = people.address(get("street"), get("postal_code"), get("city"), get("country"))
    if addr:
        out["address"] = addr
    return out


def _actor_names(fiche: Fiche, slot: str) -> frozenset[str]:
    """The folded names of a sheet's actors in ``slot`` (the party, without its person)."""
    return frozenset(mapping.fold(people.party_and_person(c.name or "")[0]) for c, _ in fiche.actors.get(slot) or [])


class Assembler:
    """Puts the sheets together: the organisation, its parties, one activity per fiche."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.parties = Parties()
        self.activity_ids = people.Ids()
        self.on_every_sheet: dict[str, frozenset[str]] | None = None
        """The controllers and the processors named on every sheet (of two or more)."""
        self.own_name = ""
        """The organisation's name, folded, when a sheet of its own gives it (not a fiche)."""
        self.org: dict[str, Any] = {}
        self.org_where: Where | None = None
        self.org_comments: dict[tuple[Any, ...], str] = {}
        self.own_address: dict[str, bool] = {}
        self.notices: list[Notice] = []

    def _address(self, cell: Value) -> dict[str, Any] | None:
        """An address written on one line (``people.address_contact``); a place whose postal
        code and city cannot be told apart is kept whole, with a notice naming the cell
        (``postal_code_unsplit``)."""
        line = text(cell.value)
        found = people.address_contact(line)
        if line:
            postal_code_unsplit(found, line, cell.where, self.lang, self.notices)
        return found.address()

    def organisation(self, lists: list[ListSheet], org_sheet: OrgSheet | None, fiches: list[Fiche]) -> None:
        # once, before any sheet's « Sous-traitant » rows are read as its processors (_own_processors)
        if len(fiches) >= 2:
            self.on_every_sheet = {slot: frozenset.intersection(*(_actor_names(x, slot) for x in fiches))
                                   for slot in ("controller", "processor")}
        org = self.org
        if org_sheet is not None:
            self.org_where = org_sheet.where
            f = org_sheet.fields
            if "name" in f:
                self.own_name = mapping.fold(str(text(f["name"].value) or ""))
            for key in ("name", "legal_form", "registration_number", "activity", "phone", "email"):
                if key in f:
                    org[key] = text(f[key].value)
            if "employees" in f:
                try:
                    org["employees"] = int(float(str(f["employees"].value)))
                except (ValueError, OverflowError):  # not a number, NaN, or infinite (1e400)
                    org["employees"] = text(f["employees"].value)
            if "public_body" in f and (public := mapping.yes_no(f["public_body"].value)) is not None:
                org["public_body"] = public
            if "address" in f:
                org["address"] = self._address(f["address"])
            if "head" in f:
                who, _ = people.person_from_line(f["head"].value)
                if who:
                    org["head"] = who
            if "dpo" in f:
                who, _ = people.person_from_line(f["dpo"].value)
                if who:
                    org.setdefault("dpo", {})["person"] = who
            if "representative" in f:
                contact = people.contact_line(text(f["representative"].value))
                company, who = people.party_and_person(contact.name or "")
                org["representative"] = {"company": company} if who else {"person": people.person(company)}
                if who:
                    org["representative"]["person"] = who
            if "representative_person" in f:
                who, _ = people.person_from_line(f["representative_person"].value)
                if who:
                    org.setdefault("representative", {})["person"] = who
            dpo = org.setdefault("dpo", {})
            if "dpo_type" in f:
                found = mapping.match("dpo_type", f["dpo_type"].value)
                dpo["type"] = found.code if found else text(f["dpo_type"].value)
            if "dpo_company" in f:
                line, number = _strip_registration(str(text(f["dpo_company"].value)))
                contact = people.contact_line(line)
                firm: dict[str, Any] = {"name": contact.name, "registration_number": number,
                                        "address": contact.address(), "phone": contact.phone, "email": contact.email}
                dpo["company"] = {k: v for k, v in firm.items() if v is not None}
            for key in ("designation_date",):
                if key in f:
                    dpo[key] = mapping.date(f[key].value) or text(f[key].value)
            if "cnil_designation_number" in f:
                dpo["cnil_designation_number"] = text(f["cnil_designation_number"].value)
            if "review_interval" in f:
                iso, _ = mapping.duration(text(f["review_interval"].value))
                if iso:
                    org["review_interval"] = iso
            for row in org_sheet.parties:
                self._party_row(row)
        # the organisation sheet gives each person's own details (the list's blocks fill in the
        # organisation's address for a person who has none)
        self.own_address = {"head": "address" in (org.get("head") or {}),
                            "dpo": "address" in ((org.get("dpo") or {}).get("person") or {})}
        for sheet in lists:
            self.org_where = self.org_where or sheet.where
            for block, key in (("head", "head"), ("dpo", "dpo"), ("representative", "representative")):
                data = sheet.blocks.get(block)
                if not data:
                    continue
                person = _block_person(data)
                if person is None:
                    continue
                target = org.setdefault("dpo", {}).setdefault("person", {}) if key == "dpo" else None
                if key == "representative":
                    rep = org.setdefault("representative", {})
                    target = rep.setdefault("person", {})
                    if data.get("company"):
                        rep.setdefault("company", text(data["company"].value))
                    # ropa export writes the representative's own details in its block
                    for detail in ("email", "phone", "address"):
                        if detail in person:
                            rep[detail] = person.pop(detail)
                if key == "head":
                    target = org.setdefault("head", {})
                assert target is not None
                # the block's own cells (Nom, Prénom...) win over a name split from one line
                if "first_name" not in person:
                    target.pop("first_name", None)
                target.update(person)
                if key == "dpo" and data.get("company"):
                    org["dpo"].setdefault("company", {}).setdefault("name", text(data["company"].value))
        for fiche in fiches:
            self._org_from_fiche(fiche)
        self._tidy_org()

    def _org_from_fiche(self, fiche: Fiche) -> None:
        org = self.org
        role = fiche.get("description", "role")
        processor = bool(role and (m := mapping.match("role", role.value)) and m.code == "processor")
        own = fiche.actors.get("processor" if processor else "controller") or []
        if own:
            contact = own[0][0]
            org.setdefault("name", contact.name)
            if contact.address():
                org.setdefault("address", contact.address())
            if contact.phone:
                org.setdefault("phone", contact.phone)
            if contact.email:
                org.setdefault("email", contact.email)
            self.org_where = self.org_where or fiche.where
        dpo_rows = fiche.actors.get("dpo") or []
        if dpo_rows:
            contact = dpo_rows[0][0]
            who = people.person(contact.name) or {}
            person = org.setdefault("dpo", {}).setdefault("person", {})
            for k, v in {**who, "email": contact.email, "phone": contact.phone}.items():
                if v:
                    person.setdefault(k, v)
            if contact.address():
                person.setdefault("address", contact.address())
        company_rows = fiche.actors.get("dpo_company") or []
        if company_rows:
            contact = company_rows[0][0]
            company = org.setdefault("dpo", {}).setdefault("company", {})
            for k, v in {"name": contact.name, "address": contact.address(), "phone": contact.phone,
                         "email": contact.email}.items():
                if v:
                    company.setdefault(k, v)

    def _tidy_org(self) -> None:
        org = self.org
        dpo = org.get("dpo") or {}
        company = dpo.get("company") or {}
        person = dpo.get("person") or {}
        if "type" not in dpo and dpo:
            dpo["type"] = "external" if company else "internal"
            self.org_comments[("dpo", "type")] = message("comment.guessed_dpo_type", self.lang)
        # ropa export writes the organisation's (or the DPO company's) address for a person
        # who has none of their own: that fallback is not the person's.
        def place(addr: Any) -> Any:
            return tuple((addr or {}).get(k) for k in ("street", "postal_code", "city")) if isinstance(addr, dict) else None

        for key, who, fallbacks in (("head", org.get("head"), [org.get("address")]),
                                    ("dpo", person, [company.get("address"), org.get("address")])):
            if self.own_address.get(key):
                continue
            if isinstance(who, dict) and who.get("address") and place(who["address"]) in [place(f) for f in fallbacks]:
                del who["address"]

    def _party_row(self, row: dict[str, Value]) -> None:
        def get(name: str) -> str | None:
            v = row.get(name)
            return text(v.value) if v else None

        name = get("name")
        if not name:
            return
        kind = mapping.match("party_kind", get("kind")) if get("kind") else None
        details: dict[str, Any] = {
            "description": get("description"),
            "registration_number": get("registration_number"),
            "address": self._address(row["address"]) if get("address") else None,
            "phone": get("phone"),
            "email": get("email"),
        }
        for key in ("contact", "representative", "dpo"):
            if get(key):
                who, _ = people.person_from_line(get(key))
                details[key] = who
        details["contract"] = contract_of(get("contract"))
        self.parties.add(name, kind.code if kind else "recipient", details, get("id"))

    def _own_processors(self, f: Fiche) -> None:
        """A sheet that says no role and names a « Responsable du traitement » and « Sous-traitant »
        rows: the CNIL model's record (Art. 30(1)) has no « Sous-traitant » row, so these are the
        controller's processors (a town hall's sheets written by hand), unless something says the
        organisation is that processor, making the sheet a processor's record, as ``ropa
        export``'s are: the organisation's own name (« Organisme » sheet) on the row, or the same
        « Sous-traitant » on every sheet while the controllers differ (its clients). The role
        stays marked as guessed either way."""
        if not f.actors.get("processor") or not f.actors.get("controller"):
            return
        if self.own_name and self.own_name in _actor_names(f, "processor"):
            return
        if self.on_every_sheet is not None and _actor_names(f, "processor") & self.on_every_sheet["processor"] \
                and not self.on_every_sheet["controller"]:
            return
        f.actors.setdefault("processors", []).extend(f.actors.pop("processor"))

    def activity(self, fiche: Fiche | None, listed: dict[str, Value] | None, processor_list: bool) -> Entry:
        where = fiche.where if fiche is not None else (next(iter(listed.values())).where if listed else Where("?"))
        b = ActivityBuilder(where, self.lang, self.parties)
        f = fiche or Fiche(where)
        row = listed or {}

        def pick(section: str, name: str, list_key: str | None = None) -> Value | None:
            return f.get(section, name) or (row.get(list_key) if list_key else None)

        name = pick("description", "name", "name")
        ref = pick("description", "ref", "ref")
        role = pick("description", "role", "role")
        b.identity(name, ref)
        if role is not None:
            b.coded(("role",), "role", role)
        else:
            self._own_processors(f)
            processor = processor_list or bool(f.actors.get("processor")) or bool(f.actors.get("sub_processors"))
            b.put(("role",), "processor" if processor else "controller")
            b.guess(("role",), "guessed_role")
        b.date("created", pick("description", "created", "created"))
        b.date("updated", pick("description", "updated", "updated"))
        b.date("last_reviewed", f.get("description", "last_reviewed"), required=False)
        if f.get("description", "review_interval"):
            b.duration_field("review_interval", f.get("description", "review_interval"))
        b.text_field(("description",), f.get("description", "description"))
        role_code = b.data.get("role")
        if role_code == "processor":
            for contact, _at in (f.actors.get("controller") or [])[:1]:
                b.put(("controller",), self.parties.from_contact(contact, "controller"))
            if "controller" not in b.data and row.get("controller"):
                b.put(("controller",), self.parties.add(str(text(row["controller"].value)), "controller"))
        joint = [self.parties.from_contact(c, "joint_controller") for c, _ in f.actors.get("joint_controllers") or []]
        if joint:
            b.put(("joint_controllers",), [j for j in joint if j])
        slot = "sub_processors" if role_code == "processor" else "processors"
        procs: list[str] = []
        terms = {}
        for c, _ in f.actors.get(slot) or []:
            ident = self.parties.from_contact(c, "processor")
            if ident is not None:
                procs.append(ident)
                terms[ident] = contract_terms(f.contracts.get(mapping.fold(people.party_and_person(c.name or "")[0])))
        b.processor_terms(procs, terms, self.parties.contracts())
        b.purposes(pick("purposes", "main", "purpose"), f.subs)
        if role_code == "processor":
            b.operations(f.get("purposes", "processing_operations"))
        b.legal_basis(f.fields.get("legal_basis", {}), required=False)  # not an Art. 30(1) item: legal-basis-missing warns
        b.basis_per_purpose(f.tables.get("basis_per_purpose"), listed_only=False)
        b.data_subjects(f.tables.get("data_subjects"))
        # an activity of the list without a fiche: what the list does not say is left to complete,
        # never written as « none » (an empty list): one entry to fill in, or the key left out
        # (transfers: ropa validate asks for it, with `transfers: []` if there is none)
        unknown: list[dict[str, Value]] | None = [{}] if fiche is None else None
        b.categories("data_categories", "data_category", f.tables.get("data_categories", unknown))
        b.categories("sensitive_data", "sensitive_category", f.tables.get("sensitive_data"))
        if fiche is None and row.get("sensitive") and mapping.yes_no(row["sensitive"].value):
            b.put(("sensitive_data",), [])
            b.todo(("sensitive_data",), row["sensitive"], "sensitive_listed")
        b.recipients(f.tables.get("recipients", unknown))
        if fiche is not None:
            b.transfers(f.tables.get("transfers"))
            b.security(f.tables.get("security_measures"))
        process = f.get("description", "process")
        if process is not None:
            b.process(process)
        if f.fields.get("dpia"):
            b.dpia(f.fields["dpia"])
        if f.notes:
            b.put(("notes",), [str(text(v.value)) for v in f.notes])
        b.cnil_items(f.fields.get("cnil_items", {}))
        return b.finish(self.activity_ids)


def read(book: Workbook, lang: str) -> Source:
    source = Source(notices=book.notices)
    lists: list[ListSheet] = []
    fiches: list[Fiche] = []
    org_sheet: OrgSheet | None = None
    seen_kind = False
    for sheet in book.sheets:
        where = book.where(sheet)
        if sheet.hidden:
            source.notices.append(Notice(where, "hidden_sheet"))
            continue
        kind = classify(sheet, where)
        if kind == "skip":
            source.notices.append(Notice(where, "model_sheet"))
            continue
        if kind is None:
            source.notices.append(Notice(where, "unknown_sheet"))
            continue
        seen_kind = True
        rows = sheet.rows(source.notices, where)
        if kind in ("list", "processor_list"):
            lists.append(read_list(rows, where, kind == "processor_list", source.notices))
        elif kind == "org":
            org_sheet = read_org(rows, where)
        else:
            fiche = read_fiche(rows, where, source.notices)
            if fiche.get("description", "name") or fiche.get("description", "ref"):
                fiches.append(fiche)
            else:
                source.notices.append(Notice(where, "empty_fiche"))
    if not seen_kind:
        return source
    asm = Assembler(lang)
    asm.organisation(lists, org_sheet, fiches)
    matched: set[int] = set()
    listed_by_key: dict[str, tuple[int, dict[str, Value], bool]] = {}
    index = 0
    for listing in lists:
        for row in listing.rows:
            for key in ("ref", "name"):
                if row.get(key):
                    listed_by_key.setdefault(f"{key}:{mapping.fold(row[key].value)}", (index, row, listing.processor))
            index += 1
    for fiche in fiches:
        found = None
        for key in ("ref", "name"):
            value = fiche.get("description", key)
            if value is not None and found is None:
                found = listed_by_key.get(f"{key}:{mapping.fold(value.value)}")
        listed = found[1] if found else None
        if found:
            matched.add(found[0])
        source.entries.append(asm.activity(fiche, listed, bool(found and found[2])))
    index = 0
    for listing in lists:
        for row in listing.rows:
            if index not in matched:
                source.notices.append(Notice(next(iter(row.values())).where, "list_only"))
                source.entries.append(asm.activity(None, row, listing.processor))
            index += 1
    source.notices.extend(asm.notices)
    org_entry = Entry("organization", asm.org, asm.org_where or Where(book.file), dict(asm.org_comments))
    org_entry.data["parties"] = asm.parties.listed()
    source.entries.insert(0, org_entry)
    return source
