"""``ropa export --format csv`` read back, one row per activity or one row per data category,
headers as labels (French or English) or as machine keys: the columns are recognised by the
export's own column list (``csv_export.columns``), so both stay in step.

The cells of a list of records hold one entry per line (line *n* of each column of a section
belongs to entry *n*); the ``'`` the export puts before a formula-like text is taken off again.
The CSV names the organisation and its parties only as one-line contacts in its actor columns:
they are split back (``people.contact_line``), which ids, titles and some details cannot survive
(README, "Coming from a spreadsheet").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from generator.export import PER_CHOICES
from generator.export.csv_export import CATEGORY_FIELDS, columns
from generator.importer import (
    MAX_BYTES,
    MAX_ROWS,
    Entry,
    ImportProblem,
    Notice,
    Reason,
    Source,
    Where,
    mapping,
    message,
    people,
    placeholder,
    postal_code_unsplit,
)
from generator.importer.activity import ActivityBuilder, Value, not_stated
from generator.importer.people import Parties, text
from generator.render.escape import formula_like

SECTIONS = ("data_subjects", "data_categories", "sensitive_data", "recipients", "transfers", "security_measures")


def _headers() -> dict[str, str]:
    """Every header the export writes (labels in each language, and keys) → the column key."""
    out: dict[str, str] = {}
    for per in PER_CHOICES:
        for lang in ("fr", "en"):
            for col in columns(per, lang):
                out.setdefault(mapping.fold(col.header(lang)), col.key)
                out.setdefault(mapping.fold(col.key), col.key)
    return out


def _cell(raw: str) -> str:
    return raw[1:] if raw.startswith("'") and formula_like(raw[1:]) else raw


def _decode(data: bytes, where: Where) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read(path: Path, display: str, lang: str) -> Source:
    where = Where(display)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportProblem(where, "too_large", size=size, limit=MAX_BYTES)
    content = _decode(path.read_bytes(), where)
    if not content.strip():
        raise ImportProblem(where, "empty_file")
    try:
        dialect: Any = csv.Sniffer().sniff(content[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # a cell is bounded by the file's size only: an export's cell of 600 long recipients is
    # well over the csv module's default limit (128 KiB), and the file is at most MAX_BYTES
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.reader(io.StringIO(content, newline=""), dialect)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportProblem(where.at(line=1), "not_csv", reason=str(exc)) from None
    known = _headers()
    keys: list[str | None] = []
    source = Source()
    for name in header:
        key = known.get(mapping.fold(name))
        if key is None and name.strip():
            source.notices.append(Notice(where.at(line=1), "unknown_column", {"column": name}))
        keys.append(key)
    if "name" not in keys and "ref" not in keys:
        raise ImportProblem(where.at(line=1), "not_csv", reason=Reason.of("no_name_column"))
    per_category = "data_category.category" in keys
    groups: dict[str, list[tuple[int, dict[str, Value]]]] = {}
    end = reader.line_num  # the header's last line
    try:
        for record in reader:
            # a record's cells of several lines span as many lines of the file: it is named by its first
            line, end = end + 1, reader.line_num
            if len(groups) >= MAX_ROWS:
                source.notices.append(Notice(where.at(line=line), "too_many_rows", {"limit": MAX_ROWS}))
                break
            row: dict[str, Value] = {}
            for n, raw in enumerate(record):
                key = keys[n] if n < len(keys) else None
                value = _cell(raw)
                if key is not None and value.strip():
                    row[key] = Value(value, where.at(line=line, field=header[n]))
            if not row:
                continue
            ident = "|".join(text(row[k].value) or "" for k in ("id", "ref", "name") if k in row)
            groups.setdefault(ident if per_category else f"{line}", []).append((line, row))
    except csv.Error as exc:
        raise ImportProblem(where.at(line=reader.line_num), "not_csv", reason=str(exc)) from None
    parties = Parties()
    org: dict[str, Any] = {}
    org_where = where
    ids = people.Ids()
    contacts = _Contacts(lang, source.notices)
    for rows in groups.values():
        first = rows[0][1]
        if per_category:
            first = dict(first)
            for section in ("data_categories", "sensitive_data"):
                entries = [r for _, r in rows if r.get("data_category.category")
                           and (mapping.yes_no(r["data_category.sensitive"].value) if r.get("data_category.sensitive")
                                else False) == (section == "sensitive_data")]
                for field in (f[0] for f in CATEGORY_FIELDS):
                    values = [text(r[f"data_category.{field}"].value) or "" if r.get(f"data_category.{field}") else ""
                              for r in entries]
                    if any(values):
                        cell = next(r[f"data_category.{field}"] for r in entries if r.get(f"data_category.{field}"))
                        first[f"{section}.{field}"] = Value("\n".join(values), cell.where)
        source.entries.append(_activity(first, lang, parties, ids, org, contacts))
        if not org_where.line:
            org_where = Where(display, line=rows[0][0])
    if org and "head" not in org:
        org["head"] = {"last_name": placeholder(None, lang)}
        head_comment = message("comment.no_head", lang)
    else:
        head_comment = ""
    org["parties"] = parties.listed()
    source.entries.insert(0, Entry("organization", org, org_where, {("head",): head_comment} if head_comment else {}))
    return source


def _lines(value: Value | None) -> list[str]:
    if value is None:
        return []
    return str(value.value).split("\n")


CNIL_ITEMS = ("information", "rights_exercise", "data_source", "automated_decisions.exists",
              "automated_decisions.details", "access_decision.exists", "access_decision.details", "scale",
              "joint_controller_arrangement")


def _records(row: dict[str, Value], section: str) -> list[dict[str, Value]] | None:
    cols = {k[len(section) + 1:]: v for k, v in row.items() if k.startswith(section + ".")}
    if not cols:
        return None
    count = max(len(_lines(v)) for v in cols.values())
    out: list[dict[str, Value]] = []
    for i in range(count):
        entry: dict[str, Value] = {}
        for field, value in cols.items():
            parts = _lines(value)
            if i < len(parts) and parts[i].strip():
                entry[field] = Value(parts[i], value.where)
        out.append(entry)
    return out


def _said(row: dict[str, Value], section: str) -> str | None:
    """What a section says when it lists nothing, as ``ropa export`` writes it in the section's
    first column: ``"absent"`` for « Non renseigné » (the register has no such key), ``"none"``
    for « Aucun » / « Aucune donnée sensible » (an empty list); ``None`` otherwise."""
    cells = [str(v.value).strip() for k, v in row.items() if k.startswith(section + ".") and text(v.value)]
    if len(cells) != 1 or "\n" in cells[0]:
        return None
    if mapping.fold(cells[0]) in not_stated():
        return "absent"
    return "none" if mapping.is_none(cells[0]) else None


def _section(row: dict[str, Value], section: str) -> list[dict[str, Value]] | None:
    """The records of a section, ``[]`` when it says « Aucun »."""
    return [] if _said(row, section) == "none" else _records(row, section)


class _Contacts:
    """The one-line contacts of a cell (``people.contact_line``), a place whose postal code and
    city cannot be told apart kept whole with a notice naming the line and column where that
    contact is first written (``postal_code_unsplit``; a processor named on every row is one
    party, one fix)."""

    def __init__(self, lang: str, notices: list[Notice]) -> None:
        self.lang, self.notices = lang, notices
        self.told: set[str] = set()

    def __call__(self, row: dict[str, Value], key: str, person: bool = False) -> list[people.Contact]:
        value = row.get(key)
        out: list[people.Contact] = []
        for line in _lines(value):
            if line.strip() and value is not None:
                contact = people.contact_line(line, person)
                postal_code_unsplit(contact, line, value.where, self.lang, [] if line in self.told else self.notices)
                self.told.add(line)
                out.append(contact)
        return out


def _organisation(org: dict[str, Any], row: dict[str, Value], processor: bool, _contacts: _Contacts) -> None:
    if org:
        return
    own = _contacts(row, "processor" if processor else "controller")
    if own:
        c = own[0]
        org.update({k: v for k, v in {"name": c.name, "address": c.address(), "phone": c.phone,
                                      "email": c.email}.items() if v})
    if row.get("public_body") and (public := mapping.yes_no(row["public_body"].value)) is not None:
        org["public_body"] = public
    for rep in _contacts(row, "representative")[:1]:
        firm, who = people.party_and_person(rep.name or "")
        found: dict[str, Any] = {"company": firm, "person": who} if who else {"person": people.person(firm)}
        found.update({k: v for k, v in {"address": rep.address(), "phone": rep.phone, "email": rep.email}.items() if v})
        org["representative"] = {k: v for k, v in found.items() if v}
    dpo = _contacts(row, "dpo", person=True)
    company = _contacts(row, "dpo_company")
    if dpo:
        person = people.person(dpo[0].name) or {}
        for key in ("email", "phone"):
            if getattr(dpo[0], key):
                person[key] = getattr(dpo[0], key)
        org["dpo"] = {"type": "external" if company else "internal", "person": person}
        if company:
            c = company[0]
            org["dpo"]["company"] = {k: v for k, v in {"name": c.name, "address": c.address(), "phone": c.phone,
                                                       "email": c.email}.items() if v}


def _activity(row: dict[str, Value], lang: str, parties: Parties, ids: people.Ids, org: dict[str, Any],
              _contacts: _Contacts) -> Entry:
    where = row[next(iter(row))].where.at()
    where = Where(where.file, line=where.line)
    b = ActivityBuilder(where, lang, parties)
    b.identity(row.get("name"), row.get("ref"))
    b.coded(("role",), "role", row.get("role"))
    processor = b.data.get("role") == "processor"
    _organisation(org, row, processor, _contacts)
    for key in ("created", "updated"):
        b.date(key, row.get(key))
    b.date("last_reviewed", row.get("last_reviewed"), required=False)
    if row.get("review_interval"):
        b.duration_field("review_interval", row["review_interval"])
    b.text_field(("description",), row.get("description"))
    if processor:
        for contact in _contacts(row, "controller")[:1]:
            client = parties.from_contact(contact, "controller")
            b.put(("controller",), client)
            for key in ("dpo", "representative") if client else ():
                for line in _lines(row.get(f"controller_{key}"))[:1]:
                    parties.complete(str(client), key, people.person_from_line(line)[0])
    joint = [parties.from_contact(c, "joint_controller") for c in _contacts(row, "joint_controllers")]
    if joint:
        b.put(("joint_controllers",), joint)
    procs = [parties.from_contact(c, "processor") for c in _contacts(row, "sub_processors" if processor else "processors")]
    terms = {}
    for entry in _records(row, "processor_contracts") or []:
        ident = parties.find(text(entry["party"].value)) if entry.get("party") else None
        if ident is not None:
            terms[ident] = (text(entry["contract"].value) if entry.get("contract") else None,
                            entry.get("authorisation_type"), entry.get("authorisation_reference"))
    b.processor_terms([p for p in procs if p], terms, {})
    subs = [Value(s, row["purposes.sub"].where) for s in _lines(row.get("purposes.sub")) if s.strip()]
    b.purposes(row.get("purposes.main"), subs)
    if processor:
        b.operations(row.get("processing_operations"))
    legal = {k.split(".", 1)[1]: v for k, v in row.items() if k.startswith("legal_basis.")}
    b.legal_basis(legal, required=False)  # not an Art. 30(1) item: legal-basis-missing warns
    b.basis_per_purpose(_records(row, "legal_basis.purposes"), listed_only=True)
    # a section that says « Non renseigné » stays absent, as it was in the register
    stated = {section: _said(row, section) != "absent" for section in SECTIONS}
    if stated["data_subjects"]:
        b.data_subjects(_section(row, "data_subjects"))
    if stated["data_categories"]:
        b.categories("data_categories", "data_category", _section(row, "data_categories"))
    sensitive = _section(row, "sensitive_data")
    flag = mapping.yes_no(row["sensitive"].value) if row.get("sensitive") else None
    if stated["sensitive_data"] and (sensitive is not None or flag is not None):
        b.categories("sensitive_data", "sensitive_category", sensitive)
    if stated["recipients"]:
        b.recipients(_section(row, "recipients"))
    if stated["transfers"]:
        b.transfers(_section(row, "transfers"))
    if stated["security_measures"]:
        b.security(_section(row, "security_measures"))
    if row.get("process"):
        b.process(row["process"])
    dpia = {k.split(".", 1)[1]: v for k, v in row.items() if k.startswith("dpia.")}
    if dpia:
        b.dpia(dpia)
    notes = [n for n in _lines(row.get("notes")) if n.strip()]
    if notes:
        b.put(("notes",), notes)
    b.cnil_items({k.removesuffix(".exists").replace(".", "_"): v
                  for k, v in row.items() if k in CNIL_ITEMS})
    wanted = text(row["id"].value) if row.get("id") else None
    return b.finish(ids, wanted)
