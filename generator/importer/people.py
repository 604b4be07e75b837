"""People, addresses and parties as spreadsheets write them, back to the register's shapes.

« M. Julien Morel (Délégué à la protection des données) », « Artemis — M. Paul Friand
(Directeur) », « 25 avenue des Tilleuls, 69003 Lyon, France » (what ``ropa export`` writes on
one line) are split back into their fields; ``Parties`` gives every party named in the source
one stable, valid id.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from generator import export, vocab
from generator.importer import mapping
from generator.resources import load_data

_SMALL_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par", "pour",
                "sur", "un", "une", "the", "of", "and", "for", "to", "in"}
_SPELLED_OUT = {"madame": "Mme", "mademoiselle": "Mme", "mlle": "Mme", "monsieur": "M.", "docteur": "Dr",
                "doctor": "Dr", "professeur": "Pr", "professor": "Prof"}
"""Titles a spreadsheet spells out, as the register's codes (no « Mademoiselle »: see
person_title in data/vocabularies.yaml)."""


@functools.cache
def _title_words() -> dict[str, str]:
    """A folded first word → the person_title code it writes: the code itself, or its French or
    English label, the first code in the vocabulary's order where two share a label ("Mr" is
    « M. », as ``ropa export --lang en`` writes « M. »); then the words spelled out."""
    out: dict[str, str] = {}
    for code, entry in vocab.vocabularies()["person_title"].items():
        for word in (code, *(entry[lang] for lang in vocab.LANGUAGES)):
            out.setdefault(mapping.fold(word), code)
    return {**_SPELLED_OUT, **out}

_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
_PHONE = re.compile(r"^\+?[\d][\d .()-]{5,}$")
_PLACE = re.compile(r"^(\d{4,5}|[A-Z]{1,2}\d[\dA-Z]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{3,6}(?:-\d{4})?)\s+(.+)$")
"""« 69003 Lyon », « SW1A 1AA London », « G0R 1A0 Lévis »: a postal code of a common form, then
the city; for a line that does not end with a country of ``data/postal_codes.yaml``."""


@functools.cache
def _postal_codes() -> dict[str, re.Pattern[str]]:
    """Each country's postal code before the city (``data/postal_codes.yaml``), by ISO code."""
    formats: dict[str, str] = load_data("postal_codes")["formats"]
    return {code: re.compile(rf"^((?:{form}))\s+(\S.*)$") for code, form in formats.items()}


def split_place(place: str, country: str | None) -> tuple[str, str] | None:
    """« G0R 1A0 Saint-Apollinaire » (CA), « 1012 AB Amsterdam » (NL), « 10115 Berlin » →
    (postal code, city): the form of ``country``, else a common form; None when neither fits."""
    for pattern in (_postal_codes().get(country or ""), _PLACE):
        found = pattern.match(place) if pattern is not None else None
        if found:
            return found.group(1), found.group(2)
    return None


def text(value: Any) -> str | None:
    """A cell as text, trimmed; None when empty. Whole numbers lose their ``.0``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value).strip()
    return out or None


def person(line: str | None) -> dict[str, Any] | None:
    """« M. Julien Morel (Délégué à la protection des données) » → title, first_name, last_name,
    position. The last name is the last word, or the last words written in capitals (« Maëlle
    LE GALL »), as far as a one-line name can tell."""
    if not line:
        return None
    position = None
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", line)
    if m:
        line, position = m.group(1), m.group(2).strip() or None
    elif ", " in line:  # « M. Paul Friand, Directeur »
        line, position = (part.strip() for part in line.split(", ", 1))
    words = line.split()
    title = None
    if words and mapping.fold(words[0]) in _title_words():
        title = _title_words()[mapping.fold(words[0])]
        words = words[1:]
    if not words:
        return None
    out: dict[str, Any] = {}
    if title:
        out["title"] = title
    first, last = _name_parts(words)
    if first:
        out["first_name"] = first
    out["last_name"] = last
    if position:
        out["position"] = position
    return out


def _name_parts(words: list[str]) -> tuple[str | None, str]:
    """(first name, last name) of a name's words: the family name written in capitals, as French
    usage writes it, whatever its words, after the given names (« Maëlle LE GALL ») or before
    them (« LE GALL Maëlle », « DUPONT J. »; not a short acronym before a full name, « DPO Marie
    Martin »); else, and when every word is in capitals, the last word."""
    caps = [_in_capitals(w) for w in words]
    if len(words) == 1:
        return None, words[0]
    if caps[-1] and not all(caps):  # « Maëlle LE GALL », « Marie-José PÉREZ Y GARCÍA »
        run = next(i for i, cap in enumerate(reversed(caps)) if not cap)
        return " ".join(words[:-run]), " ".join(words[-run:])
    lead = next((i for i, cap in enumerate(caps) if not cap), 0)  # 0: every word in capitals
    given = words[lead:]
    acronym = lead == 1 and len(words[0]) <= 4 and len(given) > 1  # « DPO Marie Martin », « RSSI Paul Durand »
    if lead and not acronym and all(_capitalised(w) or _initial(w) for w in given):
        return " ".join(given), " ".join(words[:lead])  # « KERBRAT Annick », « LE GALL Maëlle », « DUPONT J. »
    return " ".join(words[:-1]), words[-1]  # « JEAN DUPONT », « RSSI Paul Durand »: the last word


def _in_capitals(word: str) -> bool:
    """« GALL », « LE », « Y », « D'ARC », « SAINT-JUST »: letters, all capitals (an initial
    « J. » is not)."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and not word.endswith(".")


def _initial(word: str) -> bool:
    """« J. », « J.-P. »: initials."""
    return bool(re.fullmatch(r"(?:[^\W\d_]\.-?)+", word))


def _capitalised(word: str) -> bool:
    """« Annick », « Jean-Pierre »: a capital, then small letters (not « GmbH »)."""
    parts = [p for p in re.split(r"[-']", word) if p]
    return bool(parts) and all(p[0].isupper() and p[1:].islower() for p in parts if len(p) > 1)


def address(street: Any, postal_code: Any, city: Any, country: Any) -> dict[str, Any] | None:
    """An address from its four cells; None when all are empty. The country as its ISO code
    when known, else as written (the schema then says so)."""
    parts = [text(street), text(postal_code), text(city), text(country)]
    if not any(parts):
        return None
    code = mapping.country(parts[3]) if parts[3] else None
    out: dict[str, Any] = {"street": parts[0], "postal_code": parts[1], "city": parts[2], "country": code or parts[3]}
    return {k: v for k, v in out.items() if v is not None}


@dataclass
class Contact:
    """A row of contact details: name, street, postal code, city, country, phone, email."""

    name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    phone: str | None = None
    email: str | None = None
    unsplit: str | None = None
    """The place (before the country) whose postal code and city could not be told apart: kept
    whole as the city, for the caller to warn about."""

    def address(self) -> dict[str, Any] | None:
        return address(self.street, self.postal_code, self.city, self.country)

    def empty(self) -> bool:
        return not any(vars(self).values())


def contact_line(line: str | None, person: bool = False) -> Contact:
    """« CentreCall, 25 avenue des Tilleuls, 69003 Lyon, France, +33 4 72 00 10 00, contact@… »
    (``model.Contact.line``) split back: email and phone by their look, a country by its name
    (the last part that names one, after another part), the part before it as postal code and
    city (« 69003 Lyon », « G0R 1A0 Lévis », in the country's form: ``split_place``; kept whole
    as the city, and ``unsplit``, when they cannot be told apart); without a country, the first
    part after the street that looks like « 69003 Lyon »; the first part is the name, the rest
    the street."""
    out = Contact()
    if not line:
        return out
    parts = [p.strip() for p in line.split(", ") if p.strip()]
    if not parts:
        return out
    out.name = parts.pop(0)
    if (person or " — " in out.name) and parts and _is_position(parts[0]):
        # « M. Paul Friand, Directeur, 140 boulevard … »: a person's position follows the name
        out.name = f"{out.name} ({parts.pop(0)})"
    rest: list[str] = []
    for part in parts:
        if out.email is None and _EMAIL.match(part):
            out.email = part
        elif out.phone is None and _PHONE.match(part):
            out.phone = part
        else:
            rest.append(part)
    at, size = _country_at(rest)
    if at is not None:
        out.country = ", ".join(rest[at:at + size])
        del rest[at:at + size]
        place = rest.pop(at - 1)
        split = split_place(place, mapping.country(out.country))
        if split is None:
            out.city = out.unsplit = place
        else:
            out.postal_code, out.city = split
    else:
        for i, part in enumerate(rest):
            if i and (split := split_place(part, None)):
                out.postal_code, out.city = split
                del rest[i]
                break
    out.street = ", ".join(rest) or None
    return out


def _country_at(parts: list[str]) -> tuple[int | None, int]:
    """Where the last country named in ``parts`` (after another part) starts, and how many parts
    its name takes: two for the names with a comma (« Réunion, Île de la », « Åland, Îles »)."""
    for i in range(len(parts) - 1, 0, -1):
        for size in (2, 1):
            if i + size <= len(parts) and mapping.country(", ".join(parts[i:i + size])):
                return i, size
    return None, 1


def _is_position(part: str) -> bool:
    return not (part[:1].isdigit() or _EMAIL.match(part) or _PHONE.match(part) or _PLACE.match(part)
                or mapping.country(part))


def address_line(line: str | None) -> dict[str, Any] | None:
    """« 25 avenue des Tilleuls, 69003 Lyon, France » → an address."""
    return address_contact(line).address()


def address_contact(line: str | None) -> Contact:
    """``address_line`` as a contact without a name: with the place kept whole when its postal
    code and city could not be told apart (``Contact.unsplit``), for the caller to warn about
    (``importer.postal_code_unsplit``)."""
    return contact_line("-, " + line) if line else Contact()


def party_and_person(name: str) -> tuple[str, dict[str, Any] | None]:
    """« Artemis — M. Paul Friand (Directeur) » → (« Artemis », the person)."""
    head, sep, tail = name.partition(" — ")
    return (head.strip(), person(tail.strip())) if sep else (name.strip(), None)


def slug(name: str, limit: int = 40) -> str:
    """An id from a name: lowercase ASCII words joined by hyphens, cut at a word boundary."""
    base = export.slug(name, empty="")  # "" when the name has no letter or digit: « sans-nom »
    if len(base) > limit:
        words = base[: limit + 1].split("-")[:-1] or [base[:limit]]
        while len(words) > 1 and words[-1] in _SMALL_WORDS:
            words.pop()
        base = "-".join(words)
    return base.strip("-") or "sans-nom"


class Ids:
    """Unique ids from names: the second « Newsletter » is ``newsletter-2``."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = set(taken or ())

    def new(self, name: str, wanted: str | None = None) -> str:
        base = wanted if wanted and re.fullmatch(r"[a-z0-9][a-z0-9-]*", wanted) else slug(name)
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident


@dataclass
class Parties:
    """The parties the source names, by folded name: one id each, details merged."""

    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: Ids = field(default_factory=Ids)

    def add(self, name: str, kind: str, details: dict[str, Any] | None = None, ident: str | None = None) -> str:
        key = mapping.fold(name)
        party = self.by_name.get(key)
        if party is None:
            party = {"id": self.ids.new(name, ident), "name": name, "kind": kind}
            self.by_name[key] = party
        for k, v in (details or {}).items():
            if v is not None and k not in party:
                party[k] = v
        return str(party["id"])

    def find(self, name: str | None) -> str | None:
        if not name:
            return None
        party = self.by_name.get(mapping.fold(name))
        return None if party is None else str(party["id"])

    def contracts(self) -> dict[str, Any]:
        """Each party's Art. 28 contract, by id."""
        return {str(p["id"]): p.get("contract") for p in self.by_name.values()}

    def complete(self, ident: str, key: str, value: Any) -> None:
        """Give the party ``ident`` its ``key`` (a DPO, a representative) when it has none yet."""
        for party in self.by_name.values():
            if party["id"] == ident and value is not None:
                party.setdefault(key, value)

    def from_contact(self, contact: Contact, kind: str) -> str | None:
        if not contact.name:
            return None
        name, who = party_and_person(contact.name)
        details: dict[str, Any] = {
            "address": contact.address(),
            "phone": contact.phone,
            "email": contact.email,
            "contact": who,
        }
        return self.add(name, kind, details)

    def listed(self) -> list[dict[str, Any]]:
        return list(self.by_name.values())


def person_from_line(line: Any) -> tuple[dict[str, Any] | None, Contact]:
    """« Mme Claire Vasseur, Déléguée…, dpo@artemis.example » → the person, with email, phone and
    address."""
    contact = contact_line(text(line), person=True)
    who = person(contact.name)
    if who is not None:
        for key in ("email", "phone"):
            if getattr(contact, key):
                who[key] = getattr(contact, key)
        if contact.address():
            who["address"] = contact.address()
    return who, contact
