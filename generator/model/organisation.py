"""The organisation keeping the register and its parties, as typed values: addresses, persons
(one wording for a person's name, in ``Person.name`` and ``Person.line``), the DPO (a person,
and a company when the DPO is external), the representative, the parties by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator import vocab
from generator.render import i18n
from generator.shapes import mappings


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Contract:
    """An Art. 28 (or Art. 26) contract: its reference and date, or the text of an older
    register (``reference`` alone)."""

    reference: str
    date: str | None = None  # ISO

    @classmethod
    def of(cls, value: Any) -> Contract | None:
        if isinstance(value, dict):
            reference, date = _text(value.get("reference")), _text(value.get("date"))
            return cls(reference or "", date) if reference or date else None
        return None if value is None else cls(str(value))

    def line(self, lang: str) -> str:
        """« reference (15 janvier 2026) » / "reference (15 January 2026)": the date as the site
        writes dates (``i18n.format_date``), which the importer reads back."""
        return f"{self.reference} ({i18n.format_date(self.date, lang)})" if self.date else self.reference


def contract_text(value: Any, lang: str) -> str | None:
    """An Art. 28 contract as one line in ``lang`` (``Contract.line``), or None."""
    contract = Contract.of(value)
    return contract.line(lang) if contract else None


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2

    @classmethod
    def of(cls, data: Any) -> Address | None:
        if not isinstance(data, dict):
            return None
        return cls(_text(data.get("street")), _text(data.get("postal_code")), _text(data.get("city")),
                   _text(data.get("country")))


@dataclass(frozen=True)
class Person:
    title: str | None = None  # person_title code
    first_name: str | None = None
    last_name: str | None = None
    position: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None

    @classmethod
    def of(cls, data: Any) -> Person | None:
        if not isinstance(data, dict):
            return None
        return cls(_text(data.get("title")), _text(data.get("first_name")), _text(data.get("last_name")),
                   _text(data.get("position")), _text(data.get("email")), _text(data.get("phone")),
                   Address.of(data.get("address")))

    def name(self, lang: str) -> str:
        """« M. Julien Morel »."""
        return person_words(self.title_label(lang), self.first_name, self.last_name)

    def line(self, lang: str) -> str:
        """« M. Julien Morel, Délégué à la protection des données »: the one wording of a person."""
        return person_words(self.title_label(lang), self.first_name, self.last_name, self.position)

    def title_label(self, lang: str) -> str:
        return vocab.label("person_title", self.title, lang) if self.title else ""


def person_words(title: Any, first_name: Any, last_name: Any, position: Any = None) -> str:
    """The one wording of a person: « M. Julien Morel », with ``position`` « M. Julien Morel,
    Délégué à la protection des données » (``title`` is the label of the person_title code)."""
    name = " ".join(str(p) for p in (title, first_name, last_name) if p)
    return f"{name}, {position}" if name and position else name


@dataclass(frozen=True)
class Company:
    """The DPO's company, when the DPO is external."""

    name: str
    registration_number: str | None = None
    address: Address | None = None
    phone: str | None = None
    email: str | None = None

    @classmethod
    def of(cls, data: Any) -> Company | None:
        if not isinstance(data, dict):
            return None
        return cls(str(data.get("name") or ""), _text(data.get("registration_number")),
                   Address.of(data.get("address")), _text(data.get("phone")), _text(data.get("email")))


@dataclass(frozen=True)
class Dpo:
    type: str | None = None  # dpo_type code
    person: Person | None = None
    company: Company | None = None
    designation_date: str | None = None
    cnil_designation_number: str | None = None
    none: str | None = None  # no DPO designated: the reason (Art. 37(1))

    @classmethod
    def of(cls, data: Any) -> Dpo | None:
        if not isinstance(data, dict):
            return None
        return cls(_text(data.get("type")), Person.of(data.get("person")), Company.of(data.get("company")),
                   _text(data.get("designation_date")), _text(data.get("cnil_designation_number")),
                   _text(data.get("none")))


@dataclass(frozen=True)
class Representative:
    """The representative in the Union (Art. 27): a company and/or its contact person."""

    company: str | None = None
    person: Person | None = None
    address: Address | None = None
    phone: str | None = None
    email: str | None = None

    @classmethod
    def of(cls, data: Any) -> Representative | None:
        if not isinstance(data, dict):
            return None
        return cls(_text(data.get("company")), Person.of(data.get("person")), Address.of(data.get("address")),
                   _text(data.get("phone")), _text(data.get("email")))


@dataclass(frozen=True)
class Party:
    """A client controller, joint controller, processor or recipient the register names."""

    id: str
    name: str
    kind: str | None = None  # party_kind code
    description: str | None = None
    registration_number: str | None = None
    address: Address | None = None
    phone: str | None = None
    email: str | None = None
    contact: Person | None = None
    representative: Person | None = None
    dpo: Person | None = None
    contract: Contract | None = None  # its Art. 28 (or Art. 26) contract
    dpo_none: str | None = None  # why it designates no DPO (Art. 37(1))
    data_location: str | None = None  # where it processes the data, when not its address country

    @classmethod
    def of(cls, data: dict[str, Any]) -> Party:
        dpo = data.get("dpo")
        none = dpo.get("none") if isinstance(dpo, dict) else None
        return cls(str(data.get("id")), str(data.get("name") or data.get("id")), _text(data.get("kind")),
                   _text(data.get("description")), _text(data.get("registration_number")),
                   Address.of(data.get("address")), _text(data.get("phone")), _text(data.get("email")),
                   Person.of(data.get("contact")), Person.of(data.get("representative")),
                   None if none is not None else Person.of(dpo), Contract.of(data.get("contract")),
                   _text(none), _text(data.get("data_location")))


@dataclass(frozen=True)
class Organisation:
    """The organisation keeping the register (CNIL tab 2 header)."""

    name: str
    legal_form: str | None = None
    registration_number: str | None = None
    activity: str | None = None
    employees: int | None = None
    address: Address | None = None
    phone: str | None = None
    email: str | None = None
    head: Person | None = None
    representative: Representative | None = None
    dpo: Dpo | None = None
    review_interval: str | None = None
    public_body: bool | None = None  # a public authority or body (Art. 37(1)(a), 6(1), 49(3))

    @classmethod
    def of(cls, data: Any) -> Organisation:
        data = _map(data)
        employees = data.get("employees")
        return cls(str(data.get("name") or ""), _text(data.get("legal_form")),
                   _text(data.get("registration_number")), _text(data.get("activity")),
                   employees if isinstance(employees, int) else None, Address.of(data.get("address")),
                   _text(data.get("phone")), _text(data.get("email")), Person.of(data.get("head")),
                   Representative.of(data.get("representative")), Dpo.of(data.get("dpo")),
                   _text(data.get("review_interval")),
                   public_body if isinstance(public_body := data.get("public_body"), bool) else None)


def parties_of(org_data: Any) -> dict[str, Party]:
    """The organisation's parties by id, in the file's order (the first of a duplicated id)."""
    out: dict[str, Party] = {}
    for data in mappings(_map(org_data).get("parties")):
        if isinstance(data.get("id"), str):
            out.setdefault(data["id"], Party.of(data))
    return out
