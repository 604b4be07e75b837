"""What several pages of the site derive from the register: plain data, no Markdown.

Templates print these values; the environment escapes them. Everything reads the data
defensively (``.get``) although the site is only built from a valid register.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from generator import vocab
from generator.load.register import Register
from generator.shapes import mappings

SHEETS_DIR = "activites"
CONTROLLER_ROLES = ("controller", "joint_controller")
DPIA_DONE = ("in_progress", "completed")


def sheet_path(activity: dict[str, Any]) -> str:
    return f"{SHEETS_DIR}/{activity.get('id')}.md"


def link(from_page: str, to_page: str) -> str:
    """The relative link from one generated page to another (both relative to docs/)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def is_processor_record(activity: dict[str, Any]) -> bool:
    return activity.get("role") == "processor"


def registers(reg: Register) -> list[tuple[str, list[dict[str, Any]]]]:
    """The two registers the CNIL recommends: ``controller`` (30(1)) and ``processor`` (30(2))."""
    activities = reg.activity_data()
    return [
        ("controller", [a for a in activities if not is_processor_record(a)]),
        ("processor", [a for a in activities if is_processor_record(a)]),
    ]


def ordered_activities(reg: Register) -> list[dict[str, Any]]:
    """Controller records first, then processor records, each by reference."""
    return [a for _, items in registers(reg) for a in items]


def party(reg: Register, party_id: Any) -> dict[str, Any]:
    found = reg.parties().get(str(party_id))
    return found if found is not None else {"name": str(party_id)}


def controller_names(reg: Register, activity: dict[str, Any]) -> list[str]:
    """Who decides: the client for a processor record, else the organisation and joint controllers."""
    if is_processor_record(activity):
        return [str(party(reg, activity.get("controller")).get("name"))]
    joint = [str(party(reg, p).get("name")) for p in activity.get("joint_controllers") or []]
    return [str(reg.org.get("name", ""))] + joint


def person_name(person: Any, lang: str) -> str:
    """« M. Julien Morel »."""
    if not isinstance(person, dict):
        return ""
    title = vocab.label("person_title", person["title"], lang) if person.get("title") else ""
    return " ".join(str(p) for p in (title, person.get("first_name"), person.get("last_name")) if p)


def person_line(person: Any, lang: str) -> str:
    """« M. Julien Morel, Délégué à la protection des données »."""
    name = person_name(person, lang)
    position = person.get("position") if isinstance(person, dict) else None
    return f"{name}, {position}" if name and position else name


def has_sensitive(activity: dict[str, Any]) -> bool:
    return bool(activity.get("sensitive_data"))


def has_transfers(activity: dict[str, Any]) -> bool:
    return bool(activity.get("transfers"))


def has_dpia(activity: dict[str, Any]) -> bool:
    return (activity.get("dpia") or {}).get("status") in DPIA_DONE


def counts(reg: Register) -> dict[str, int]:
    activities = reg.activity_data()
    roles = [a.get("role") for a in activities]
    return {
        "activities": len(activities),
        "controller": roles.count("controller"),
        "joint_controller": roles.count("joint_controller"),
        "processor": roles.count("processor"),
        "sensitive": sum(map(has_sensitive, activities)),
        "transfers": sum(map(has_transfers, activities)),
        "dpia": sum(map(has_dpia, activities)),
        "dpia_required": sum(1 for a in activities if (a.get("dpia") or {}).get("status") == "required"),
    }


@dataclass
class Actor:
    """One row of the sheet's « Acteurs » table."""

    role: str  # label key
    name: str
    contact: str = ""
    address: dict[str, Any] = field(default_factory=dict)
    phone: str = ""
    email: str = ""


def display_name(who: dict[str, Any], lang: str) -> str:
    """A party's, company's or person's name; a representative's company before its person."""
    company = who.get("company")
    company_name = company.get("name") if isinstance(company, dict) else company
    return str(who.get("name") or company_name or person_name(who, lang)
               or person_name(who.get("person"), lang) or "")


def _actor(role: str, who: Any, lang: str, *, fallback: Any = None) -> Actor:
    who = who if isinstance(who, dict) else {}
    fallback = fallback if isinstance(fallback, dict) else {}
    address = who.get("address") or fallback.get("address") or {}
    contact = who.get("contact") or who.get("person")
    return Actor(
        role=role,
        name=display_name(who, lang),
        contact=person_line(contact, lang) if contact else str(who.get("position") or ""),
        address=lenient(address if isinstance(address, dict) else {}),
        phone=str(who.get("phone") or fallback.get("phone") or ""),
        email=str(who.get("email") or fallback.get("email") or ""),
    )


def _organisation_actors(reg: Register, lang: str, role: str) -> list[Actor]:
    """The organisation (as ``role``), its DPO, the DPO's company and its representative."""
    org = reg.org
    dpo = org.get("dpo") or {}
    company = dpo.get("company") if isinstance(dpo.get("company"), dict) else None
    rows = [
        Actor(role, str(org.get("name", "")), person_line(org.get("head"), lang),
              lenient(org.get("address") or {}), str(org.get("phone") or ""), str(org.get("email") or "")),
        _actor("cnil.sheet.dpo", dpo.get("person"), lang, fallback=company or org),
    ]
    if company:
        rows.append(_actor("cnil.sheet.dpo_company", company, lang))
    if org.get("representative"):
        rows.append(_actor("cnil.sheet.representative", org["representative"], lang))
    return rows


def actors(reg: Register, activity: dict[str, Any], lang: str) -> list[Actor]:
    """The « Acteurs » of a sheet, in the CNIL order. A processor record (30(2)(a)) names the
    client as controller, the organisation as processor and its own processors as sub-processors."""
    processor_record = is_processor_record(activity)
    processor_role = "site.actors.sub_processor" if processor_record else "site.actors.processor_party"
    processors = [_actor(processor_role, party(reg, p), lang) for p in activity.get("processors") or []]
    if processor_record:
        client = party(reg, activity.get("controller"))
        rows = [_actor("cnil.sheet.controller", client, lang)]
        if client.get("dpo"):
            rows.append(_actor("site.actors.controller_dpo", client["dpo"], lang))
        if client.get("representative"):
            rows.append(_actor("site.actors.controller_representative", client["representative"], lang))
        return rows + _organisation_actors(reg, lang, "cnil.sheet.processor") + processors
    rows = _organisation_actors(reg, lang, "cnil.sheet.controller")
    rows += [_actor("cnil.sheet.joint_controllers", party(reg, p), lang)
             for p in activity.get("joint_controllers") or []]
    return rows + processors


def by_category(reg: Register, key: str, vocabulary: str) -> list[tuple[str, list[tuple[dict[str, Any], dict[str, Any]]]]]:
    """For each category of ``vocabulary`` (in its order) the activities and entries of ``key``
    (``data_categories`` or ``sensitive_data``) in that category."""
    found: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for activity in ordered_activities(reg):
        for entry in mappings(activity.get(key)):
            found.setdefault(str(entry.get("category")), []).append((activity, entry))
    order = list(vocab.vocabularies().get(vocabulary, {}))
    return sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


@dataclass
class Recipient:
    """A recipient across the register, with the activities that disclose data to it."""

    type: str
    name: str
    party: dict[str, Any] | None
    uses: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (activity, details)


def recipients_by_type(reg: Register) -> list[tuple[str, list[Recipient]]]:
    grouped: dict[tuple[str, str], Recipient] = {}
    for activity in ordered_activities(reg):
        for entry in mappings(activity.get("recipients")):
            kind = str(entry.get("type"))
            the_party = reg.parties().get(str(entry.get("party"))) if entry.get("party") else None
            name = str(the_party.get("name") if the_party else entry.get("name"))
            key = (kind, str(entry.get("party") or name.casefold()))
            recipient = grouped.setdefault(key, Recipient(kind, name, the_party))
            recipient.uses.append((activity, str(entry.get("details") or "")))
    order = list(vocab.vocabularies().get("recipient_type", {}))
    out: dict[str, list[Recipient]] = {}
    for recipient in grouped.values():
        out.setdefault(recipient.type, []).append(recipient)
    return sorted(((k, sorted(v, key=lambda r: r.name.casefold())) for k, v in out.items()),
                  key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def transfers(reg: Register, activity: dict[str, Any]) -> list[dict[str, Any]]:
    """The activity's transfers, each with ``recipient_name`` (the party's name when the
    recipient is a party id) and ``link`` (whether the documentation is a web link)."""
    out = []
    for transfer in mappings(activity.get("transfers")):
        recipient = transfer.get("recipient")
        name = reg.parties().get(str(recipient), {}).get("name") or recipient
        out.append({**transfer, "recipient_name": name, "link": is_web_link(transfer.get("documentation"))})
    return out


def transfers_by_country(reg: Register, lang: str) -> list[tuple[str, list[tuple[dict[str, Any], dict[str, Any]]]]]:
    """For each third country (sorted by its name in ``lang``): (activity, transfer)."""
    out: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for activity in ordered_activities(reg):
        for transfer in transfers(reg, activity):
            out.setdefault(str(transfer.get("country")), []).append((activity, transfer))
    return sorted(out.items(), key=lambda kv: vocab.country_name(kv[0], lang))


def adequacy(country: str) -> str:
    """``full``, ``partial`` (a decision limited in scope, e.g. the US Data Privacy Framework)
    or ``none``: the European Commission's adequacy decision for ``country``."""
    entry = vocab.adequacy().get("countries", {}).get(country, False)
    if entry is False:
        return "none"
    return "partial" if isinstance(entry, dict) and entry.get("scope") else "full"


def is_web_link(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value


class Lenient(dict):  # type: ignore[type-arg]
    """A mapping whose missing keys read as ``None``, so templates can test optional fields
    (``{% if a.dpia %}``) under the environment's ``StrictUndefined``."""

    def __missing__(self, key: Any) -> None:
        return None


def lenient(value: Any) -> Any:
    """``value`` with every mapping in it made ``Lenient``."""
    if isinstance(value, dict):
        return Lenient({k: lenient(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return type(value)(lenient(v) for v in value)
    return value


def party_ids(activity: dict[str, Any]) -> set[str]:
    """Every party id an activity names."""
    ids = {activity.get("controller"), *(activity.get("processors") or []), *(activity.get("joint_controllers") or [])}
    ids |= {r.get("party") for r in mappings(activity.get("recipients"))}
    ids |= {t.get("recipient") for t in mappings(activity.get("transfers"))}
    return {str(i) for i in ids if i}
