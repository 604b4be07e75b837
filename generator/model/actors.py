"""The « Acteurs » of a sheet (CNIL tab 3), one list for the site and every export.

Slots in the CNIL model's order: Responsable du traitement · Délégué à la protection des
données · Société du DPO (si externe) · Représentant · Responsable(s) conjoint(s) ·
Sous-traitant(s). A processor record (Art. 30(2)(a)) names the client controller it acts for
(with the client's DPO and representative), then the organisation as the processor, its DPO,
the DPO's company and its representative, then its own processors as sub-processors.

A slot may hold no actor (an empty row of the workbook; the site leaves it out). A person is
worded once, ``Person.line``: « M. Julien Morel, Délégué à la protection des données ».
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.model.organisation import Address, Party, Person

if TYPE_CHECKING:
    from generator.model.activity import Activity
    from generator.model.register import RegisterModel


@dataclass(frozen=True)
class Actor:
    """One actor: a name (an organisation, a company or a person), the line of its contact
    person when it has one, and its contact details."""

    name: str
    contact: str = ""
    address: Address | None = None
    phone: str = ""
    email: str = ""
    terms: str = ""  # a processor's or client's Art. 28 contract, a sub-processor's authorisation

    @property
    def text(self) -> str:
        """The actor on one line: « Artemis — Mme Claire Dubois, Responsable fidélisation » (its
        ``terms`` are shown apart: the sheet's « Acteurs », the workbook's contract rows)."""
        return " — ".join(p for p in (self.name, self.contact) if p)


@dataclass(frozen=True)
class ActorSlot:
    """A row label of the « Acteurs » section (a label key) and the actors under it."""

    key: str
    label_key: str
    actors: tuple[Actor, ...]


SLOTS = (
    ("controller", "cnil.sheet.controller"),
    ("controller_dpo", "export.actors.controller_dpo"),
    ("controller_representative", "export.actors.controller_representative"),
    ("joint_controllers", "cnil.sheet.joint_controllers"),
    ("processor", "cnil.sheet.processor"),
    ("dpo", "cnil.sheet.dpo"),
    ("dpo_company", "cnil.sheet.dpo_company"),
    ("representative", "cnil.sheet.representative"),
    ("processors", "cnil.sheet.processors"),
    ("sub_processors", "export.actors.sub_processors"),
)
"""Every slot of either record kind, in the CNIL order (the CSV's actor columns)."""

LABELS = dict(SLOTS)


def person_actor(person: Person | None, lang: str, *, address: Address | None = None) -> tuple[Actor, ...]:
    """A person as an actor; ``address`` when the person has none of their own."""
    if person is None:
        return ()
    return (Actor(person.line(lang), "", person.address or address, person.phone or "", person.email or ""),)


def contract_terms(party: Party, entry: Mapping[str, Any] | None, lang: str, *, processor: bool) -> str:
    """« Contrat art. 28 : référence (date) » (the activity's entry first, else the party's),
    then, for a sub-processor, « Autorisation du responsable : générale — référence »."""
    from generator.model.organisation import contract_text
    from generator.render import i18n

    entry = entry or {}
    contract = contract_text(entry.get("contract"), lang) or (party.contract and party.contract.line(lang))
    parts = []
    if contract:
        parts.append(f"{i18n.t('site.transfers.contract', lang)}{i18n.colon(lang)}{contract}")
    elif processor:
        parts.append(i18n.t("site.transfers.no_contract", lang))
    auth = entry.get("authorisation")
    if isinstance(auth, dict):
        kind = i18n.t(f"site.transfers.authorisation_{auth.get('type')}", lang) \
            if auth.get("type") in ("general", "specific") else str(auth.get("type"))
        parts.append(f"{i18n.t('site.transfers.authorisation', lang)}{i18n.colon(lang)}{kind} — {auth.get('reference')}")
    return " · ".join(parts)


def party_actor(party: Party, lang: str, terms: str = "") -> Actor:
    contact = party.contact
    return Actor(
        party.name,
        contact.line(lang) if contact else "",
        party.address,
        party.phone or (contact.phone if contact else None) or "",
        party.email or (contact.email if contact else None) or "",
        terms,
    )


def organisation_slots(rm: RegisterModel, lang: str, role: str) -> list[ActorSlot]:
    """The organisation (as ``role``: controller or processor), its DPO, the DPO's company
    and its representative."""
    org = rm.organisation
    dpo, rep = org.dpo, org.representative
    company = dpo.company if dpo else None
    own = (Actor(org.name, "", org.address, org.phone or "", org.email or ""),)
    dpo_actor = person_actor(dpo.person if dpo else None, lang,
                             address=(company.address if company else None) or org.address)
    company_actor = (Actor(company.name, "", company.address, company.phone or "", company.email or ""),
                     ) if company else ()
    rep_actor: tuple[Actor, ...] = ()
    if rep is not None:
        person = rep.person
        line = person.line(lang) if person else ""
        rep_actor = (Actor(
            rep.company or line,
            line if rep.company else "",
            rep.address or (person.address if person else None),
            rep.phone or (person.phone if person else None) or "",
            rep.email or (person.email if person else None) or "",
        ),)
    return [
        ActorSlot(role, LABELS[role], own),
        ActorSlot("dpo", LABELS["dpo"], dpo_actor),
        ActorSlot("dpo_company", LABELS["dpo_company"], company_actor),
        ActorSlot("representative", LABELS["representative"], rep_actor),
    ]


def actors(rm: RegisterModel, activity: Activity, lang: str) -> list[ActorSlot]:
    """The « Acteurs » slots of a sheet, in the CNIL order, for a controller or processor record."""

    def parties(ids: tuple[str, ...] | None) -> tuple[Actor, ...]:
        return tuple(party_actor(rm.party(i), lang) for i in ids or ())

    def processors(ids: tuple[str, ...] | None) -> tuple[Actor, ...]:
        terms = activity.processor_terms or {}
        return tuple(party_actor(rm.party(i), lang, contract_terms(rm.party(i), terms.get(i), lang, processor=True))
                     for i in ids or ())

    def slot(key: str, found: tuple[Actor, ...]) -> ActorSlot:
        return ActorSlot(key, LABELS[key], found)

    joint = slot("joint_controllers", parties(activity.joint_controllers))
    if activity.processor_record:
        client = rm.parties.get(activity.controller or "")
        return [
            slot("controller", (party_actor(client, lang, contract_terms(client, None, lang, processor=False)),)
                 if client else ()),
            slot("controller_dpo", person_actor(client.dpo if client else None, lang)),
            slot("controller_representative", person_actor(client.representative if client else None, lang)),
            joint,
            *organisation_slots(rm, lang, "processor"),
            slot("sub_processors", processors(activity.processors)),
        ]
    return [*organisation_slots(rm, lang, "controller"), joint, slot("processors", processors(activity.processors))]
