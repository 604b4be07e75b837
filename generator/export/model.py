"""The register normalised once for every export: plain, JSON-ready data with labels resolved.

``normalise(reg, lang)`` turns the register model (``generator.model.register.build``, built
once by the caller and passed as ``model=``, else built here) into the document the JSON export
writes as it is and the XLSX and CSV exports lay out:

- every closed-vocabulary value becomes ``{"code": ..., "label": ...}`` (label in ``lang``);
- countries become ``{"code": "US", "label": "États-Unis"}``;
- party ids become ``{"id": ..., "name": ...}`` (the full party is in ``parties``);
- retentions gain their text in words (``"1 an à compter de …, puis suppression"``);
- absent optional values are left out, empty lists are kept (``sensitive_data: []`` says "none").

The document is an ``Export``: a plain ``dict`` that also holds the model it was made from, so
that ``actors(doc, activity)`` gives the "Acteurs" section of a sheet (CNIL tab 3) from the
model's one list (``generator.model.actors``), the one the site shows: the workbook, the CSV
and the site name the same people in the same order with the same words.

``stream`` gives the same document with its activities normalised one at a time as a writer
reads them (``Activities``), so that an export of 10,000 sheets holds one normalised sheet at a
time rather than all of them; ``normalise`` gives them as a list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from generator import __version__, vocab
from generator.load.register import Register
from generator.model.activity import Activity, DataCategory, Dpia, LegalBasis, Purposes, Retention, Transfer
from generator.model.actors import SLOTS, Actor, organisation_slots
from generator.model.actors import ActorSlot as ModelSlot
from generator.model.actors import actors as model_actors
from generator.model.organisation import (
    Address,
    Company,
    Organisation,
    Party,
    Person,
    contract_text,
    person_words,
)
from generator.model.register import RegisterModel, build
from generator.render import i18n

T = TypeVar("T")

FORMAT_VERSION = 1
SCHEMA_ID = "schema/export.schema.json"  # relative to the register repository, where ropa init copies schema/

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
        "information",
        "rights_exercise",
        "data_source",
        "automated_decisions",
        "joint_controller_arrangement",
        "scale",
        "access_decision",
    }
)
ORGANIZATION_KEYS = frozenset(
    {
        "name",
        "legal_form",
        "registration_number",
        "activity",
        "employees",
        "public_body",
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


REGISTERLESS_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""The date of an export of a register without a dated sheet (the earliest a zip file holds)."""


def generated_at(activities: list[dict[str, Any]] | None = None) -> dt.datetime:
    """The date an export is stamped with: ``SOURCE_DATE_EPOCH`` when set, else the register's
    own date (``current_as_of``, at 00:00 UTC), never the clock: the same register gives the
    same bytes, whenever and in whatever time zone it is exported."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    date = current_as_of(activities or [])
    if date is None:
        return REGISTERLESS_DATE
    day = dt.date.fromisoformat(date)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


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


class Export(dict[str, Any]):
    """The normalised register (a ``dict``, JSON-ready, as ``normalise`` returns it) with the
    register model it was derived from and its language, for the display helpers below."""

    def __init__(self, data: Json, model: RegisterModel, lang: str) -> None:
        super().__init__(data)
        self.model = model
        self.lang = lang
        self._by_id: dict[Any, Activity] | None = None

    def activity_model(self, ident: Any) -> Activity:
        """The model's activity of that id (an index made once: a search per sheet would make
        an export of n sheets cost n²)."""
        if self._by_id is None:
            self._by_id = {}
            for a in self.model.activities:
                self._by_id.setdefault(a.id, a)
        return self._by_id[ident]

    def summaries(self) -> Activities | list[Json]:
        """What the list sheets show of each activity, in the order of ``activities``: its
        id, reference, name, role, dates, purposes and whether it has sensitive data, each as
        in the normalised activity (normalised activities when they are a list already)."""
        activities = self.get("activities")
        if isinstance(activities, Activities):
            return Activities(activities._n, activities._activities, _summary)
        return list(activities or [])

    def current_as_of(self) -> str | None:
        """``current_as_of`` of the normalised activities, read from the model (the same
        ``updated`` and ``last_reviewed`` values) without normalising them."""
        return current_as_of(
            [compact({"updated": a.updated, "last_reviewed": a.last_reviewed}) for a in self.model.activities]
        )


class Activities:
    """The normalised activities of a register, in the exports' order, each made when it is
    read (``_activity``) and left to the garbage collector once the writer has moved on: a
    sequence to iterate (as often as needed), never held whole in memory."""

    def __init__(
        self, n: Normaliser, activities: list[Activity], make: Callable[[Normaliser, Activity], Json] | None = None
    ) -> None:
        self._n = n
        self._activities = activities
        self._make = make or _activity

    def __iter__(self) -> Iterator[Json]:
        n, make = self._n, self._make
        for a in self._activities:
            yield make(n, a)

    def __len__(self) -> int:
        return len(self._activities)

    def after(self, start: int) -> Activities:
        """The activities from the ``start``-th on (0-based), made as these are."""
        return Activities(self._n, self._activities[start:], self._make)


@dataclass
class Normaliser:
    """Turns the model's values into export values in one language."""

    lang: str
    parties: Mapping[str, Party] = field(default_factory=dict)
    # The words of each duration and of each retention (its words do not depend on its note
    # or justification), made once: a register names the same few periods on every sheet.
    _durations: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _retentions: dict[tuple[str | None, ...], str] = field(default_factory=dict, repr=False, compare=False)

    def duration_text(self, value: str) -> str:
        """``i18n.format_duration`` of ``value``, made once per duration."""
        found = self._durations.get(value)
        if found is None:
            found = self._durations[value] = i18n.format_duration(value, self.lang)
        return found

    def retention_text(self, value: Retention) -> str:
        """``i18n.format_retention`` of ``value``, made once per period, start, end and action."""
        key = (value.duration, value.starts, value.until, value.end_action, value.archive_duration)
        found = self._retentions.get(key)
        if found is None:
            found = self._retentions[key] = i18n.format_retention(dataclasses.asdict(value), self.lang)
        return found

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

    def party_ref(self, party_id: str | None) -> Json | None:
        if party_id is None:
            return None
        party = self.parties.get(party_id)
        return {"id": party_id, "name": party.name if party else party_id}

    def party_refs(self, ids: tuple[str, ...] | None) -> list[Json] | None:
        return None if ids is None else [self.party_ref(i) or {} for i in ids]

    def address(self, value: Address | None) -> Json | None:
        if value is None:
            return None
        return compact(
            {
                "street": value.street,
                "postal_code": value.postal_code,
                "city": value.city,
                "country": self.country(value.country),
            }
        )

    def person(self, value: Person | None) -> Json | None:
        if value is None:
            return None
        return compact(
            {
                "title": self.coded("person_title", value.title),
                "first_name": value.first_name,
                "last_name": value.last_name,
                "position": value.position,
                "email": value.email,
                "phone": value.phone,
                "address": self.address(value.address),
            }
        )

    def duration(self, value: str | None) -> Json | None:
        if value is None:
            return None
        return {"code": value, "label": self.duration_text(value)}

    def retention(self, value: Retention | None) -> Json | None:
        if value is None:
            return None
        return compact(
            {
                "duration": value.duration,
                "duration_text": self.duration_text(value.duration) if value.duration else None,
                "starts": value.starts,
                "until": value.until,
                "end_action": self.coded("retention_end", value.end_action),
                "archive_duration": self.duration(value.archive_duration),
                "note": value.note,
                "justification": value.justification,
                "text": self.retention_text(value),
            }
        )

    def data_category(self, vocabulary: str, value: DataCategory) -> Json:
        return compact(
            {
                "category": self.coded(vocabulary, value.category),
                "description": value.description,
                "items": _list(value.items),
                "retention": self.retention(value.retention),
            }
        )


def _list(values: tuple[Any, ...] | None) -> list[Any] | None:
    return None if values is None else list(values)


def _each(values: tuple[T, ...] | None, fn: Callable[[T], Json]) -> list[Json] | None:
    return None if values is None else [fn(v) for v in values]


def _organization(n: Normaliser, org: Organisation) -> Json:
    rep = org.representative
    dpo = org.dpo
    return compact(
        {
            "name": org.name,
            "legal_form": org.legal_form,
            "registration_number": org.registration_number,
            "activity": org.activity,
            "employees": org.employees,
            "public_body": org.public_body,
            "address": n.address(org.address),
            "phone": org.phone,
            "email": org.email,
            "head": n.person(org.head),
            "representative": compact(
                {
                    "company": rep.company,
                    "person": n.person(rep.person),
                    "address": n.address(rep.address),
                    "phone": rep.phone,
                    "email": rep.email,
                }
            )
            if rep is not None
            else None,
            "dpo": compact(
                {
                    "type": n.coded("dpo_type", dpo.type),
                    "person": n.person(dpo.person),
                    "company": _dpo_company(n, dpo.company),
                    "designation_date": dpo.designation_date,
                    "cnil_designation_number": dpo.cnil_designation_number,
                }
            )
            if dpo is not None and dpo.none is None
            else None,
            "dpo_none": dpo.none if dpo is not None else None,
            "review_interval": n.duration(org.review_interval),
        }
    )


def _dpo_company(n: Normaliser, company: Company | None) -> Json | None:
    if company is None:
        return None
    return compact(
        {
            "name": company.name,
            "registration_number": company.registration_number,
            "address": n.address(company.address),
            "phone": company.phone,
            "email": company.email,
        }
    )


def _party(n: Normaliser, party: Party) -> Json:
    return compact(
        {
            "id": party.id,
            "name": party.name,
            "kind": n.coded("party_kind", party.kind),
            "description": party.description,
            "registration_number": party.registration_number,
            "address": n.address(party.address),
            "phone": party.phone,
            "email": party.email,
            "contact": n.person(party.contact),
            "representative": n.person(party.representative),
            "dpo": n.person(party.dpo),
            "dpo_none": party.dpo_none,
            "contract": party.contract and party.contract.line(n.lang),
            "data_location": n.country(party.data_location),
        }
    )


def _purposes(value: Purposes | None) -> Json | None:
    if value is None:
        return None
    return compact({"main": value.main, "sub": _list(value.sub)})


def _legal_basis(n: Normaliser, value: LegalBasis | None) -> Json | None:
    if value is None:
        return None
    return compact(
        {
            "basis": n.coded("legal_basis", value.basis),
            "details": value.details,
            "balancing_test": value.balancing_test,
            "outside_public_tasks": value.outside_public_tasks,
            "special_category_condition": n.coded("special_category_condition", value.special_category_condition),
            "special_category_details": value.special_category_details,
            "criminal_data_authorisation": value.criminal_data_authorisation,
            "special_category_law": value.special_category_law,
            "nir_framework": value.nir_framework,
            "purposes": _each(value.purposes, lambda p: compact({
                "purpose": p.purpose, "basis": n.coded("legal_basis", p.basis), "details": p.details,
                "balancing_test": p.balancing_test, "outside_public_tasks": p.outside_public_tasks})),
        }
    )


def _dpia(n: Normaliser, value: Dpia | None) -> Json | None:
    if value is None:
        return None
    return compact(
        {
            "status": n.coded("dpia_status", value.status),
            "criteria": n.coded_list("dpia_criterion", value.criteria),
            "cnil_list": n.coded("cnil_dpia_required", value.cnil_list),
            "exemption": n.coded("cnil_dpia_exempt", value.exemption),
            "reference": value.reference,
            "date": value.date,
            "justification": value.justification,
        }
    )


def _transfer(n: Normaliser, value: Transfer) -> Json:
    party = n.party_ref(value.recipient) if value.recipient_is_party else None
    coverage = value.adequacy_coverage
    return compact(
        {
            "recipient": party or {"name": value.recipient},
            "country": n.country(value.country),
            "international_organisation": _organisation_ref(n, value.international_organisation),
            "safeguard": n.coded("safeguard", value.safeguard),
            "adequacy_scope": value.adequacy_scope
            if value.safeguard == "adequacy" and value.adequacy_scope != "none" else None,
            "adequacy_coverage": compact({"reference": coverage.reference, "url": coverage.url,
                                          "checked": coverage.checked}) if coverage else None,
            "derogation": compact({
                "code": value.derogation,
                "article": str(vocab.art49_derogations().get(value.derogation, {}).get("article", "")) or None,
            }) if value.derogation else None,
            # a JSON boolean for `authority_informed: true`, else the ISO date (the model's "true")
            "authority_informed": True if value.authority_informed == "true" else value.authority_informed,
            "authority_authorisation": value.authority_authorisation,
            "outside_public_powers": value.outside_public_powers,
            "documentation": value.documentation,
            "details": value.details,
        }
    )


def _organisation_ref(n: Normaliser, ident: str | None) -> Json | None:
    if ident is None:
        return None
    known = ident in vocab.international_organisations()
    return compact({"id": ident if known else None, "name": vocab.organisation_name(ident, n.lang)})


def _processor_terms(n: Normaliser, a: Activity) -> list[Json] | None:
    """Each processor's Art. 28 contract (its entry's, else its party's) and, in a processor
    record, the controller's authorisation of the sub-processor."""
    if a.processors is None:
        return None
    out = []
    for ident in a.processors:
        entry = (a.processor_terms or {}).get(ident, {})
        party = n.parties.get(ident)
        auth = entry.get("authorisation")
        out.append(compact({
            "party": n.party_ref(ident),
            "contract": contract_text(entry.get("contract"), n.lang) or (party and party.contract and party.contract.line(n.lang)),
            "authorisation": compact({"type": str(auth.get("type")), "reference": str(auth.get("reference"))})
            if isinstance(auth, dict) else None,
        }))
    return out


def _head(n: Normaliser, a: Activity) -> Json:
    """The first keys of a normalised activity (and of its summary)."""
    return {"id": a.id, "ref": a.ref, "name": a.name, "role": n.coded("role", a.role)}


def _activity(n: Normaliser, a: Activity) -> Json:
    sensitive = a.sensitive_data
    return compact(
        {
            **_head(n, a),
            "description": a.description,
            "created": a.created,
            "updated": a.updated,
            "last_reviewed": a.last_reviewed,
            "review_interval": n.duration(a.review_interval),
            "controller": n.party_ref(a.controller),
            "joint_controllers": n.party_refs(a.joint_controllers),
            "processors": n.party_refs(a.processors),
            "processor_contracts": _processor_terms(n, a),
            "purposes": _purposes(a.purposes),
            "processing_operations": n.coded_list("processing_operation", a.processing_operations),
            "legal_basis": _legal_basis(n, a.legal_basis),
            "data_subjects": _each(
                a.data_subjects,
                lambda v: compact(
                    {
                        "category": n.coded("data_subject", v.category),
                        "description": v.description,
                        "details": v.details,
                    }
                ),
            ),
            "data_categories": _each(a.data_categories, lambda v: n.data_category("data_category", v)),
            "sensitive_data": _each(sensitive, lambda v: n.data_category("sensitive_category", v)),
            "has_sensitive_data": bool(sensitive) if sensitive is not None else None,
            "recipients": _each(
                a.recipients,
                lambda v: compact(
                    {
                        "type": n.coded("recipient_type", v.type),
                        "name": v.name,
                        "party": n.party_ref(v.party),
                        "details": v.details,
                    }
                ),
            ),
            "transfers": _each(a.transfers, lambda v: _transfer(n, v)),
            "security_measures": _each(
                a.security_measures,
                lambda v: compact({"type": n.coded("security_measure", v.type), "details": v.details}),
            ),
            "process": a.process,
            "dpia": _dpia(n, a.dpia),
            "notes": _list(a.notes),
            "information": a.information,
            "rights_exercise": a.rights_exercise,
            "data_source": a.data_source,
            "automated_decisions": compact({"exists": a.automated_decisions.exists,
                                            "details": a.automated_decisions.details})
            if a.automated_decisions else None,
            "joint_controller_arrangement": a.joint_controller_arrangement,
            "scale": compact({**dataclasses.asdict(a.scale),
                              "text": i18n.format_scale(dataclasses.asdict(a.scale), n.lang)})
            if a.scale else None,
            "access_decision": compact({"exists": a.access_decision.exists, "details": a.access_decision.details})
            if a.access_decision else None,
        }
    )


def _summary(n: Normaliser, a: Activity) -> Json:
    """The keys of ``_activity`` that the list sheets read, with the same values."""
    sensitive = a.sensitive_data
    return compact(
        {
            **_head(n, a),
            "created": a.created,
            "updated": a.updated,
            "purposes": _purposes(a.purposes),
            "has_sensitive_data": bool(sensitive) if sensitive is not None else None,
        }
    )


def stream(
    reg: Register,
    lang: str = i18n.DEFAULT_LANG,
    *,
    now: dt.datetime | None = None,
    model: RegisterModel | None = None,
) -> Export:
    """The whole register as the JSON export writes it (schema/export.schema.json), from its
    model (``model``, else built from ``reg``), its ``activities`` an ``Activities``: each
    normalised when a writer reads it."""
    rm = model if model is not None else build(reg)
    n = Normaliser(lang, rm.parties)
    stamp = (now or generated_at(reg.activity_data())).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    processes = rm.process_data
    doc = compact(
        {
            "$schema": SCHEMA_ID,
            "format_version": FORMAT_VERSION,
            "generator": f"ropa {__version__}",
            "generated_at": stamp,
            "as_of": rm.as_of(),
            "lang": lang,
            "organization": _organization(n, rm.organisation),
            "parties": [_party(n, p) for p in rm.parties.values()],
            "activities": Activities(n, rm.by_ref()),
            "processes": [{"id": pid, "data": processes[pid]} for pid in sorted(processes)],
        }
    )
    return Export(doc, rm, lang)


def normalise(
    reg: Register,
    lang: str = i18n.DEFAULT_LANG,
    *,
    now: dt.datetime | None = None,
    model: RegisterModel | None = None,
) -> Export:
    """``stream``'s document with its activities normalised once, as a list (for a caller that
    reads them several times, such as the site's three downloads, or indexes them)."""
    doc = stream(reg, lang, now=now, model=model)
    doc["activities"] = list(doc["activities"])
    return doc


# --- Display helpers shared by the workbook and the CSV ------------------------------------------


def label(value: Any) -> str:
    """The label of a coded value, the name of a party reference, or the text itself."""
    if isinstance(value, dict):
        return str(value.get("label") or value.get("name") or value.get("code") or "")
    return "" if value is None else str(value)


def person_name(person: Json | None) -> str:
    """« M. Paul Friand, Directeur »: a normalised person in the model's one wording."""
    if not person:
        return ""
    return person_words(label(person.get("title")), person.get("first_name"), person.get("last_name"),
                        person.get("position"))


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


def _model_of(doc: Json) -> tuple[RegisterModel, str]:
    if not isinstance(doc, Export):
        raise TypeError("the actors are read from the register model: pass the document `normalise` returned")
    return doc.model, doc.lang


@functools.lru_cache(maxsize=1024)
def actor_contact(actor: Actor, lang: str) -> Contact:
    """An actor of the model as a row of the "Acteurs" section (its name on one line).
    Remembered: the same organisation, DPO and processors come on sheet after sheet."""
    return _contact(actor.text, Normaliser(lang).address(actor.address), actor.phone, actor.email)


def _slots(slots: list[ModelSlot], lang: str) -> list[ActorSlot]:
    return [ActorSlot(s.key, s.label_key, tuple(actor_contact(a, lang) for a in s.actors)) for s in slots]


@dataclass(frozen=True)
class OrgPerson:
    """A person of the CNIL tab 2 header blocks: the normalised person, their contact details
    (with the fallbacks applied) and, for the representative or an external DPO, the company."""

    person: Json
    contact: Contact
    company: str = ""


def organisation_contacts(doc: Json) -> dict[str, tuple[Contact, ...]]:
    """The organisation, its DPO, the DPO's company and its representative, as contacts (the
    model's « Acteurs » of a controller record)."""
    rm, lang = _model_of(doc)
    slots = {s.key: s.contacts for s in _slots(organisation_slots(rm, lang, "controller"), lang)}
    return {"organisation": slots["controller"], "dpo": slots["dpo"], "dpo_company": slots["dpo_company"],
            "representative": slots["representative"]}


def organisation_people(doc: Json) -> dict[str, OrgPerson | None]:
    """The head of the organisation, its representative and its DPO (CNIL tab 2 header).

    Missing contact details fall back on what stands for the person: the organisation's
    address, phone and email for the head; the representative's own details before its
    person's; the DPO's company address (or the organisation's) for the DPO.
    """
    rm, lang = _model_of(doc)
    n = Normaliser(lang)
    org = rm.organisation
    contacts = organisation_contacts(doc)
    people: dict[str, OrgPerson | None] = {"head": None, "representative": None, "dpo": None}
    if org.head is not None:
        head = org.head
        people["head"] = OrgPerson(
            n.person(head) or {},
            _contact(head.line(lang), n.address(head.address or org.address), head.phone or org.phone,
                     head.email or org.email),
        )
    if org.representative is not None and contacts["representative"]:
        rep = org.representative
        people["representative"] = OrgPerson(n.person(rep.person) or {}, contacts["representative"][0],
                                             rep.company or "")
    if org.dpo is not None and org.dpo.person is not None and contacts["dpo"]:
        people["dpo"] = OrgPerson(n.person(org.dpo.person) or {}, contacts["dpo"][0],
                                  org.dpo.company.name if org.dpo.company else "")
    return people


def person_line(person: Json | None) -> str:
    """A person and their contact details on one line."""
    if not person:
        return ""
    return _contact(person_name(person), person.get("address"), person.get("phone"), person.get("email")).line()


def address_line(address: Json | None) -> str:
    """« 25 avenue des Tilleuls, 69003 Lyon, France »."""
    return _contact("", address).line() if address else ""


def _activity_of(doc: Json, activity: Json) -> tuple[RegisterModel, Activity, str]:
    rm, lang = _model_of(doc)
    assert isinstance(doc, Export)
    return rm, doc.activity_model(activity.get("id")), lang


def controller_names(doc: Json, activity: Json) -> list[str]:
    """Who decides (``RegisterModel.controller_names``)."""
    rm, found, _ = _activity_of(doc, activity)
    return rm.controller_names(found)


def actors(doc: Json, activity: Json) -> list[ActorSlot]:
    """The "Acteurs" rows of a sheet, in the CNIL order, for a controller or processor record:
    the model's ``actors`` (the list the site shows), as contacts."""
    rm, found, lang = _activity_of(doc, activity)
    return _slots(model_actors(rm, found, lang), lang)


ACTOR_KEYS = SLOTS
"""Every actor slot of either record kind, in the CNIL order (the CSV's actor columns)."""
