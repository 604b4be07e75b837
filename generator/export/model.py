"""The register normalised once for every export: plain, JSON-ready data with labels resolved.

``normalise(reg, lang)`` turns the validated register into the document the JSON export
writes as it is and the XLSX and CSV exports lay out:

- every closed-vocabulary value becomes ``{"code": ..., "label": ...}`` (label in ``lang``);
- countries become ``{"code": "US", "label": "États-Unis"}``;
- party ids become ``{"id": ..., "name": ...}`` (the full party is in ``parties``);
- retentions gain their text in words (``"1 an à compter de …, puis suppression"``);
- absent optional values are left out, empty lists are kept (``sensitive_data: []`` says "none").

``actors(doc, activity)`` gives the "Acteurs" section of a sheet (CNIL tab 3) for both record
kinds, so the workbook and the CSV name the same people in the same order.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from generator import __version__, vocab
from generator.load.register import Register
from generator.render import i18n

FORMAT_VERSION = 1
SCHEMA_ID = "https://ropa.example/schema/export.schema.json"

Json = dict[str, Any]

# Keys of an activity and of the organisation that ``normalise`` carries over; a test compares
# them with the schemas so that a new field cannot be left out of the exports unnoticed.
ACTIVITY_KEYS = frozenset(
    {
        "id",
        "ref",
        "name",
        "role",
        "description",
        "created",
        "updated",
        "last_reviewed",
        "review_interval",
        "controller",
        "joint_controllers",
        "processors",
        "purposes",
        "processing_operations",
        "legal_basis",
        "data_subjects",
        "data_categories",
        "sensitive_data",
        "recipients",
        "transfers",
        "security_measures",
        "process",
        "dpia",
        "notes",
    }
)
ORGANIZATION_KEYS = frozenset(
    {
        "name",
        "legal_form",
        "registration_number",
        "activity",
        "employees",
        "address",
        "phone",
        "email",
        "head",
        "representative",
        "dpo",
        "review_interval",
        "parties",
    }
)


def compact(mapping: Json) -> Json:
    """The mapping without its ``None`` values."""
    return {k: v for k, v in mapping.items() if v is not None}


REGISTERLESS_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
"""The date of an export of a register without a dated sheet (the earliest a zip file holds)."""


def generated_at(activities: list[dict[str, Any]] | None = None) -> dt.datetime:
    """The date an export is stamped with: ``SOURCE_DATE_EPOCH`` when set, else the register's
    own date (``current_as_of``, at 00:00 UTC), never the clock: the same register gives the
    same bytes, whenever and in whatever time zone it is exported."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    date = current_as_of(activities or [])
    if date is None:
        return REGISTERLESS_DATE
    day = dt.date.fromisoformat(date)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def current_as_of(activities: list[dict[str, Any]]) -> str | None:
    """The date the register is current to, « à jour au »: the oldest of its sheets' latest
    ``updated`` or ``last_reviewed`` date, i.e. the date by which every sheet had been either
    changed or reviewed and found right. Not the latest change of any sheet (a sheet reviewed
    each year but unchanged since 2021 would make a 2024 register look years out of date), nor
    the latest review (one sheet reviewed yesterday says nothing of the others). ``None`` when
    no sheet is dated. Works on raw and normalised activities (the same keys)."""
    latest = []
    for activity in activities:
        dates = [
            str(activity[key])
            for key in ("updated", "last_reviewed")
            if isinstance(activity.get(key), (str, dt.date))
        ]
        dates = [d for d in dates if _is_date(d)]
        if dates:
            latest.append(max(dates))
    return min(latest) if latest else None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass
class Normaliser:
    """Turns raw register values into export values in one language."""

    lang: str
    parties: dict[str, Json] = field(default_factory=dict)

    def coded(self, vocabulary: str, value: Any) -> Json | None:
        if value is None:
            return None
        return {"code": value, "label": vocab.label(vocabulary, value, self.lang)}

    def coded_list(self, vocabulary: str, values: Any) -> list[Json] | None:
        if values is None:
            return None
        return [{"code": v, "label": vocab.label(vocabulary, v, self.lang)} for v in values]

    def country(self, code: Any) -> Json | None:
        if code is None:
            return None
        return {"code": code, "label": vocab.country_name(code, self.lang)}

    def party_ref(self, party_id: Any) -> Json | None:
        if party_id is None:
            return None
        party = self.parties.get(party_id, {})
        return {"id": party_id, "name": party.get("name", party_id)}

    def party_refs(self, ids: Any) -> list[Json] | None:
        return None if ids is None else [self.party_ref(i) or {} for i in ids]

    def address(self, value: Any) -> Json | None:
        if not isinstance(value, dict):
            return None
        return compact(
            {
                "street": value.get("street"),
                "postal_code": value.get("postal_code"),
                "city": value.get("city"),
                "country": self.country(value.get("country")),
            }
        )

    def person(self, value: Any) -> Json | None:
        if not isinstance(value, dict):
            return None
        return compact(
            {
                "title": self.coded("person_title", value.get("title")),
                "first_name": value.get("first_name"),
                "last_name": value.get("last_name"),
                "position": value.get("position"),
                "email": value.get("email"),
                "phone": value.get("phone"),
                "address": self.address(value.get("address")),
            }
        )

    def duration(self, value: Any) -> Json | None:
        if value is None:
            return None
        return {"code": value, "label": i18n.format_duration(value, self.lang)}

    def retention(self, value: Any) -> Json | None:
        if not isinstance(value, dict):
            return None
        return compact(
            {
                "duration": value.get("duration"),
                "duration_text": i18n.format_duration(value.get("duration"), self.lang),
                "starts": value.get("starts"),
                "end_action": self.coded("retention_end", value.get("end_action")),
                "note": value.get("note"),
                "text": i18n.format_retention(value, self.lang),
            }
        )

    def data_category(self, vocabulary: str, value: dict[str, Any]) -> Json:
        return compact(
            {
                "category": self.coded(vocabulary, value.get("category")),
                "description": value.get("description"),
                "items": value.get("items"),
                "retention": self.retention(value.get("retention")),
            }
        )

    def each(self, values: Any, fn: Callable[[dict[str, Any]], Json]) -> list[Json] | None:
        if values is None:
            return None
        return [fn(v) for v in values if isinstance(v, dict)]


def _organization(n: Normaliser, org: dict[str, Any]) -> Json:
    rep = org.get("representative")
    dpo = org.get("dpo")
    return compact(
        {
            "name": org.get("name"),
            "legal_form": org.get("legal_form"),
            "registration_number": org.get("registration_number"),
            "activity": org.get("activity"),
            "employees": org.get("employees"),
            "address": n.address(org.get("address")),
            "phone": org.get("phone"),
            "email": org.get("email"),
            "head": n.person(org.get("head")),
            "representative": compact(
                {
                    "company": rep.get("company"),
                    "person": n.person(rep.get("person")),
                    "address": n.address(rep.get("address")),
                    "phone": rep.get("phone"),
                    "email": rep.get("email"),
                }
            )
            if isinstance(rep, dict)
            else None,
            "dpo": compact(
                {
                    "type": n.coded("dpo_type", dpo.get("type")),
                    "person": n.person(dpo.get("person")),
                    "company": _dpo_company(n, dpo.get("company")),
                    "designation_date": dpo.get("designation_date"),
                    "cnil_designation_number": dpo.get("cnil_designation_number"),
                }
            )
            if isinstance(dpo, dict)
            else None,
            "review_interval": n.duration(org.get("review_interval")),
        }
    )


def _dpo_company(n: Normaliser, company: Any) -> Json | None:
    if not isinstance(company, dict):
        return None
    return compact(
        {
            "name": company.get("name"),
            "registration_number": company.get("registration_number"),
            "address": n.address(company.get("address")),
            "phone": company.get("phone"),
            "email": company.get("email"),
        }
    )


def _party(n: Normaliser, party: dict[str, Any]) -> Json:
    return compact(
        {
            "id": party.get("id"),
            "name": party.get("name"),
            "kind": n.coded("party_kind", party.get("kind")),
            "description": party.get("description"),
            "registration_number": party.get("registration_number"),
            "address": n.address(party.get("address")),
            "phone": party.get("phone"),
            "email": party.get("email"),
            "contact": n.person(party.get("contact")),
            "representative": n.person(party.get("representative")),
            "dpo": n.person(party.get("dpo")),
            "contract": party.get("contract"),
        }
    )


def _purposes(value: Any) -> Json | None:
    if not isinstance(value, dict):
        return None
    return compact({"main": value.get("main"), "sub": value.get("sub")})


def _legal_basis(n: Normaliser, value: Any) -> Json | None:
    if not isinstance(value, dict):
        return None
    return compact(
        {
            "basis": n.coded("legal_basis", value.get("basis")),
            "details": value.get("details"),
            "balancing_test": value.get("balancing_test"),
            "special_category_condition": n.coded(
                "special_category_condition", value.get("special_category_condition")
            ),
            "special_category_details": value.get("special_category_details"),
            "criminal_data_authorisation": value.get("criminal_data_authorisation"),
        }
    )


def _dpia(n: Normaliser, value: Any) -> Json | None:
    if not isinstance(value, dict):
        return None
    return compact(
        {
            "status": n.coded("dpia_status", value.get("status")),
            "criteria": n.coded_list("dpia_criterion", value.get("criteria")),
            "cnil_list": value.get("cnil_list"),
            "exemption": value.get("exemption"),
            "reference": value.get("reference"),
            "date": value.get("date"),
            "justification": value.get("justification"),
        }
    )


def _transfer(n: Normaliser, value: dict[str, Any]) -> Json:
    recipient = value.get("recipient")
    party = n.party_ref(recipient) if recipient in n.parties else None
    return compact(
        {
            "recipient": party or {"name": recipient},
            "country": n.country(value.get("country")),
            "safeguard": n.coded("safeguard", value.get("safeguard")),
            "documentation": value.get("documentation"),
            "details": value.get("details"),
        }
    )


def _activity(n: Normaliser, a: dict[str, Any]) -> Json:
    sensitive = a.get("sensitive_data")
    return compact(
        {
            "id": a.get("id"),
            "ref": a.get("ref"),
            "name": a.get("name"),
            "role": n.coded("role", a.get("role")),
            "description": a.get("description"),
            "created": a.get("created"),
            "updated": a.get("updated"),
            "last_reviewed": a.get("last_reviewed"),
            "review_interval": n.duration(a.get("review_interval")),
            "controller": n.party_ref(a.get("controller")),
            "joint_controllers": n.party_refs(a.get("joint_controllers")),
            "processors": n.party_refs(a.get("processors")),
            "purposes": _purposes(a.get("purposes")),
            "processing_operations": n.coded_list("processing_operation", a.get("processing_operations")),
            "legal_basis": _legal_basis(n, a.get("legal_basis")),
            "data_subjects": n.each(
                a.get("data_subjects"),
                lambda v: compact(
                    {
                        "category": n.coded("data_subject", v.get("category")),
                        "description": v.get("description"),
                        "details": v.get("details"),
                    }
                ),
            ),
            "data_categories": n.each(
                a.get("data_categories"), lambda v: n.data_category("data_category", v)
            ),
            "sensitive_data": n.each(sensitive, lambda v: n.data_category("sensitive_category", v)),
            "has_sensitive_data": bool(sensitive) if isinstance(sensitive, list) else None,
            "recipients": n.each(
                a.get("recipients"),
                lambda v: compact(
                    {
                        "type": n.coded("recipient_type", v.get("type")),
                        "name": v.get("name"),
                        "party": n.party_ref(v.get("party")),
                        "details": v.get("details"),
                    }
                ),
            ),
            "transfers": n.each(a.get("transfers"), lambda v: _transfer(n, v)),
            "security_measures": n.each(
                a.get("security_measures"),
                lambda v: compact(
                    {
                        "type": n.coded("security_measure", v.get("type")),
                        "details": v.get("details"),
                    }
                ),
            ),
            "process": a.get("process"),
            "dpia": _dpia(n, a.get("dpia")),
            "notes": a.get("notes"),
        }
    )


def as_of(reg: Register) -> str | None:
    """The date the register is current to: the latest update of any of its sheets."""
    dates = [str(a["updated"]) for a in reg.activity_data() if a.get("updated")]
    return max(dates) if dates else None


def normalise(reg: Register, lang: str = i18n.DEFAULT_LANG, *, now: dt.datetime | None = None) -> Json:
    """The whole register as the JSON export writes it (schema/export.schema.json)."""
    n = Normaliser(lang, reg.parties())
    stamp = (now or generated_at(reg.activity_data())).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    processes = reg.process_data()
    return compact(
        {
            "$schema": SCHEMA_ID,
            "format_version": FORMAT_VERSION,
            "generator": f"ropa {__version__}",
            "generated_at": stamp,
            "as_of": as_of(reg),
            "lang": lang,
            "organization": _organization(n, reg.org),
            "parties": [_party(n, p) for p in n.parties.values()],
            "activities": [_activity(n, a) for a in reg.activity_data()],
            "processes": [{"id": pid, "data": processes[pid]} for pid in sorted(processes)],
        }
    )


# --- Display helpers shared by the workbook and the CSV ------------------------------------------


def label(value: Any) -> str:
    """The label of a coded value, the name of a party reference, or the text itself."""
    if isinstance(value, dict):
        return str(value.get("label") or value.get("name") or value.get("code") or "")
    return "" if value is None else str(value)


def person_name(person: Json | None) -> str:
    """« M. Paul Friand (Directeur) »."""
    if not person:
        return ""
    name = " ".join(
        str(p) for p in (label(person.get("title")), person.get("first_name"), person.get("last_name")) if p
    )
    return f"{name} ({person['position']})" if person.get("position") else name


def sensitive_text(activity: Json, lang: str) -> str:
    """« Oui », « Non », or « Non renseigné » when the sheet does not say (a processor record)."""
    flag = activity.get("has_sensitive_data")
    if flag is None:
        return i18n.t("export.workbook.not_stated", lang)
    return i18n.t("common.yes" if flag else "common.no", lang)


@dataclass(frozen=True)
class Contact:
    """One row of the "Acteurs" section: Nom, Adresse, Code postal, Ville, Pays, Téléphone, Adresse mél."""

    name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""

    def cells(self) -> list[str]:
        return [self.name, self.street, self.postal_code, self.city, self.country, self.phone, self.email]

    def line(self) -> str:
        """The contact on one line: « Artemis, 140 boulevard Haussmann, 75008 Paris, France, … »."""
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(
            p for p in (self.name, self.street, place, self.country, self.phone, self.email) if p
        )


@dataclass(frozen=True)
class ActorSlot:
    """A row label of the "Acteurs" section and the contacts under it (none: an empty row)."""

    key: str
    label_key: str
    contacts: tuple[Contact, ...]


def _contact(name: str, address: Json | None, phone: Any = None, email: Any = None) -> Contact:
    address = address or {}
    return Contact(
        name=name,
        street=str(address.get("street", "")),
        postal_code=str(address.get("postal_code", "")),
        city=str(address.get("city", "")),
        country=label(address.get("country")),
        phone=str(phone or ""),
        email=str(email or ""),
    )


def _person_contact(person: Json | None, fallback_address: Json | None = None) -> tuple[Contact, ...]:
    if not person:
        return ()
    return (
        _contact(
            person_name(person),
            person.get("address") or fallback_address,
            person.get("phone"),
            person.get("email"),
        ),
    )


def _party_contact(party: Json | None) -> Contact:
    party = party or {}
    contact = party.get("contact") or {}
    name = str(party.get("name", ""))
    if contact:
        name = f"{name} — {person_name(contact)}"
    return _contact(
        name,
        party.get("address"),
        party.get("phone") or contact.get("phone"),
        party.get("email") or contact.get("email"),
    )


@dataclass(frozen=True)
class OrgPerson:
    """A person of the CNIL tab 2 header blocks: the normalised person, their contact details
    (with the fallbacks applied) and, for the representative or an external DPO, the company."""

    person: Json
    contact: Contact
    company: str = ""


def organisation_people(doc: Json) -> dict[str, OrgPerson | None]:
    """The head of the organisation, its representative and its DPO (CNIL tab 2 header).

    Missing contact details fall back on what stands for the person: the organisation's
    address, phone and email for the head; the representative's own details before its
    person's; the DPO's company address (or the organisation's) for the DPO.
    """
    org = doc.get("organization", {})
    head = org.get("head") or {}
    rep = org.get("representative") or {}
    rep_person = rep.get("person") or {}
    dpo = org.get("dpo") or {}
    dpo_person = dpo.get("person") or {}
    company = dpo.get("company") or {}
    people: dict[str, OrgPerson | None] = {"head": None, "representative": None, "dpo": None}
    if head:
        people["head"] = OrgPerson(
            head,
            _contact(
                person_name(head),
                head.get("address") or org.get("address"),
                head.get("phone") or org.get("phone"),
                head.get("email") or org.get("email"),
            ),
        )
    if rep:
        name = " — ".join(n for n in (str(rep.get("company", "")), person_name(rep_person)) if n)
        people["representative"] = OrgPerson(
            rep_person,
            _contact(
                name,
                rep.get("address") or rep_person.get("address"),
                rep.get("phone") or rep_person.get("phone"),
                rep.get("email") or rep_person.get("email"),
            ),
            str(rep.get("company", "")),
        )
    if dpo_person:
        people["dpo"] = OrgPerson(
            dpo_person,
            _contact(
                person_name(dpo_person),
                dpo_person.get("address") or company.get("address") or org.get("address"),
                dpo_person.get("phone"),
                dpo_person.get("email"),
            ),
            str(company.get("name", "")),
        )
    return people


def organisation_contacts(doc: Json) -> dict[str, tuple[Contact, ...]]:
    """The organisation, its DPO, the DPO's company and its representative, as contacts."""
    org = doc.get("organization", {})
    company = (org.get("dpo") or {}).get("company") or {}
    people = organisation_people(doc)

    def of(key: str) -> tuple[Contact, ...]:
        found = people[key]
        return (found.contact,) if found else ()

    return {
        "organisation": (
            _contact(str(org.get("name", "")), org.get("address"), org.get("phone"), org.get("email")),
        ),
        "dpo": of("dpo"),
        "dpo_company": (
            _contact(
                str(company["name"]), company.get("address"), company.get("phone"), company.get("email")
            ),
        )
        if company
        else (),
        "representative": of("representative"),
    }


def person_line(person: Json | None) -> str:
    """A person and their contact details on one line."""
    return _person_contact(person)[0].line() if person else ""


def address_line(address: Json | None) -> str:
    """« 25 avenue des Tilleuls, 69003 Lyon, France »."""
    return _contact("", address).line() if address else ""


def actors(doc: Json, activity: Json) -> list[ActorSlot]:
    """The "Acteurs" rows of a sheet, in the CNIL order, for a controller or processor record."""
    parties = {p["id"]: p for p in doc.get("parties", [])}
    own = organisation_contacts(doc)

    def of(refs: list[Json] | None) -> tuple[Contact, ...]:
        return tuple(_party_contact(parties.get(r.get("id"))) for r in refs or [])

    joint = ActorSlot(
        "joint_controllers", "cnil.sheet.joint_controllers", of(activity.get("joint_controllers"))
    )
    if activity.get("role", {}).get("code") == "processor":
        client = parties.get((activity.get("controller") or {}).get("id"), {})
        return [
            ActorSlot("controller", "cnil.sheet.controller", of([activity["controller"]]) if client else ()),
            ActorSlot(
                "controller_representative",
                "export.actors.controller_representative",
                _person_contact(client.get("representative")),
            ),
            ActorSlot("controller_dpo", "export.actors.controller_dpo", _person_contact(client.get("dpo"))),
            joint,
            ActorSlot("processor", "cnil.sheet.processor", own["organisation"]),
            ActorSlot("dpo", "cnil.sheet.dpo", own["dpo"]),
            ActorSlot("dpo_company", "cnil.sheet.dpo_company", own["dpo_company"]),
            ActorSlot("representative", "cnil.sheet.representative", own["representative"]),
            ActorSlot("sub_processors", "export.actors.sub_processors", of(activity.get("processors"))),
        ]
    return [
        ActorSlot("controller", "cnil.sheet.controller", own["organisation"]),
        ActorSlot("dpo", "cnil.sheet.dpo", own["dpo"]),
        ActorSlot("dpo_company", "cnil.sheet.dpo_company", own["dpo_company"]),
        ActorSlot("representative", "cnil.sheet.representative", own["representative"]),
        joint,
        ActorSlot("processors", "cnil.sheet.processors", of(activity.get("processors"))),
    ]


ACTOR_KEYS = (
    ("controller", "cnil.sheet.controller"),
    ("controller_representative", "export.actors.controller_representative"),
    ("controller_dpo", "export.actors.controller_dpo"),
    ("joint_controllers", "cnil.sheet.joint_controllers"),
    ("processor", "cnil.sheet.processor"),
    ("dpo", "cnil.sheet.dpo"),
    ("dpo_company", "cnil.sheet.dpo_company"),
    ("representative", "cnil.sheet.representative"),
    ("processors", "cnil.sheet.processors"),
    ("sub_processors", "export.actors.sub_processors"),
)
"""Every actor slot of either record kind, in a stable order (the CSV's actor columns)."""
