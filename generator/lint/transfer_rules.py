"""Transfers outside the Union (GDPR Chapter V, Art. 30(1)(e), 30(2)(c)): what the register's
``transfers`` say, checked against the dated legal data of ``generator/data/legal/``
(adequacy decisions with their scope and expiry, EU territory, international organisations,
Art. 49 derogations), and the parties abroad an activity names without a transfer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from generator import shapes, vocab
from generator.lint.rules import Arg, Diagnostic, Text, article_text, phrase
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.resources import load_data
from generator.shapes import dicts, parse_date, text

ADEQUACY_FILE = f"{vocab.LEGAL_DIR}/adequacy.yaml"
MAX_AGE_MONTHS = 12
"""A list of adequacy decisions older than this is to be checked again."""


def _activities(reg: Register) -> Iterator[tuple[Document, dict[str, Any]]]:
    for doc in reg.activities:
        if isinstance(doc.data, dict):
            yield doc, doc.data


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _bilingual(node: Any) -> Text:
    node = node if isinstance(node, dict) else {}
    return Text(fr=str(node.get("fr", "")), en=str(node.get("en", "")))


def _clause(node: Any) -> Text:
    """A sentence of the legal data, put inside another one: without its full stop."""
    text = _bilingual(node)
    return Text(fr=text.fr.rstrip(". "), en=text.en.rstrip(". "))


def _country_text(code: str) -> Text:
    return Text(fr=vocab.country_name(code, "fr"), en=vocab.country_name(code, "en"))


def _destination(doc: Document, i: int, transfer: dict[str, Any]) -> Iterator[Diagnostic | tuple[Text, str]]:
    """The transfer's destination as (name, code), or the diagnostic saying it is none."""
    path = ("transfers", i)
    country = transfer.get("country")
    organisation = text(transfer.get("international_organisation"))
    if isinstance(country, str):
        if len(country) != 2 or not country.isupper():
            return  # the schema reports the shape
        if not vocab.is_country(country):
            yield doc.diagnostic((*path, "country"), "unknown-country", index=i, country=country)
            return
        name = _country_text(country)
        if country in vocab.eea_countries():
            yield doc.diagnostic((*path, "country"), "transfer-within-eea", index=i, name=name, country=country)
            return
        territory = vocab.eu_territory().get(country)
        if territory is not None:
            yield doc.diagnostic((*path, "country"), "transfer-eu-territory", index=i,
                                 name=_bilingual(territory.get("name")), country=country,
                                 article=_bilingual(territory.get("article")))
            return
        yield name, country
    elif organisation is not None:
        yield Text(fr=vocab.organisation_name(organisation, "fr"),
                   en=vocab.organisation_name(organisation, "en")), organisation


def _derogation(doc: Document, i: int, transfer: dict[str, Any]) -> Iterator[Diagnostic]:
    path = ("transfers", i)
    derogations = vocab.art49_derogations()
    which = derogations.get(str(transfer.get("derogation")))
    if which is None:
        if "derogation" not in transfer:  # (a value outside the list is the schema's)
            yield doc.diagnostic((*path, "safeguard"), "transfer-derogation-unspecified", index=i,
                                 known=", ".join(derogations))
        if not text(transfer.get("documentation")):
            yield doc.diagnostic(path, "transfer-undocumented", key=True, index=i)
        return
    if which.get("requires_documentation") and not text(transfer.get("documentation")):
        yield doc.diagnostic((*path, "derogation"), "transfer-compelling-undocumented", index=i)
    elif not which.get("requires_documentation") and not text(transfer.get("documentation")):
        yield doc.diagnostic(path, "transfer-undocumented", key=True, index=i)
    if which.get("requires_authority_informed") and transfer.get("authority_informed") in (None, False):
        yield doc.diagnostic((*path, "derogation"), "transfer-authority-not-informed", index=i)


def transfers_are_lawful(reg: Register) -> Iterator[Diagnostic]:
    adequacy = vocab.adequacy()
    as_of = parse_date(adequacy.get("as_of"))
    today = shapes.today()
    outdated = as_of is not None and as_of < _year_before(today)
    for doc, data in _activities(reg):
        for i, transfer in dicts(data.get("transfers")):
            path = ("transfers", i)
            found = list(_destination(doc, i, transfer))
            if not found or isinstance(found[0], Diagnostic):
                yield from (d for d in found if isinstance(d, Diagnostic))
                continue
            name, code = found[0]
            if outdated:
                outdated = False  # once per register, at the first transfer it is read for
                yield doc.diagnostic(path, "legal-data-outdated", key=True, file=ADEQUACY_FILE,
                                     as_of=str(as_of), today=today.isoformat(), months=MAX_AGE_MONTHS)
            if "country" in transfer:
                decision = vocab.adequacy_decision(country=code)
            else:
                decision = vocab.adequacy_decision(organisation=code)
            safeguard = transfer.get("safeguard")
            partial = decision is not None and decision.get("scope") == "partial"
            if decision is not None and safeguard in (None, "adequacy"):
                expires = parse_date(decision.get("expires"))
                if expires is not None and expires < today:
                    yield doc.diagnostic(path, "adequacy-decision-expired", key=True, index=i, name=name,
                                         reference=str(decision.get("reference")), expires=expires.isoformat(),
                                         file=ADEQUACY_FILE)
            if safeguard == "adequacy" and decision is None:
                yield doc.diagnostic((*path, "safeguard"), "transfer-not-adequate",
                                     index=i, name=name, country=code, as_of=str(adequacy.get("as_of")))
            elif safeguard == "adequacy" and partial and not isinstance(transfer.get("adequacy_coverage"), dict):
                assert decision is not None
                yield doc.diagnostic((*path, "safeguard"), "transfer-adequacy-coverage", index=i, name=name,
                                     reference=str(decision.get("reference")),
                                     coverage=_bilingual(decision.get("coverage")),
                                     hint=_bilingual(decision.get("certification_hint")))
            elif safeguard is None and (decision is None or partial):
                reason: Arg = (
                    phrase("adequacy-scope", name=name, scope=_clause((decision or {}).get("coverage")))
                    if partial
                    else phrase("no-adequacy", name=name, country=code, as_of=str(adequacy.get("as_of")))
                )
                yield doc.diagnostic(path, "transfer-no-safeguard", key=True, index=i, reason=reason)
            if safeguard == "derogation":
                yield from _derogation(doc, i, transfer)
        third_country_recipients = [
            i for i, r in dicts(data.get("recipients")) if r.get("type") == "third_country"
        ]
        if third_country_recipients and data.get("transfers") == []:
            i = third_country_recipients[0]
            yield doc.diagnostic(("recipients", i, "type"), "recipient-without-transfer", index=i)


def _named_parties(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """(path, party id, label key) of every party an activity sends data to."""
    items = data.get("joint_controllers")
    for i, ref in enumerate(items if isinstance(items, list) else []):
        if isinstance(ref, str):
            yield ("joint_controllers", i), ref, "party-joint-controller"
    for _, path, ref, _ in shapes.processor_entries(data.get("processors")):
        yield path, ref, "party-processor"
    for i, rec in dicts(data.get("recipients")):
        if isinstance(rec.get("party"), str):
            yield ("recipients", i, "party"), rec["party"], "party-recipient"


def parties_abroad_have_a_transfer(reg: Register) -> Iterator[Diagnostic]:
    """A party an activity names that processes the data outside the EU/EEA (its
    ``data_location``, else its address) needs a transfer to that country."""
    if reg.organization is None:
        return
    parties = reg.parties()
    org_file = reg.organization.display
    for doc, data in _activities(reg):
        transfers = [t for _, t in dicts(data.get("transfers"))]
        countries = {t.get("country") for t in transfers}
        # A party that is an international organisation (the WHO in Geneva) is reached by a
        # transfer to that organisation (Art. 30(1)(e)), not to the country of its seat.
        organisations = {t.get("recipient") for t in transfers if text(t.get("international_organisation"))}
        seen: set[str] = set()
        for path, ref, what in _named_parties(data):
            party = parties.get(ref)
            if party is None or ref in seen:
                continue
            address = party.get("address")
            location = party.get("data_location") or (address.get("country") if isinstance(address, dict) else None)
            if not isinstance(location, str) or not vocab.is_country(location) or vocab.is_eu_or_eea(location):
                continue
            seen.add(ref)
            if location not in countries and ref not in organisations:
                yield doc.diagnostic(path, "transfer-party-abroad", what=phrase(what), party=ref,
                                     name=_country_text(location), country=location, org_file=org_file)


def safeguards_of_public_bodies(reg: Register) -> Iterator[Diagnostic]:
    """What being a public authority or body (``public_body: true``) changes for a transfer: the
    safeguards that exist only between public bodies (Art. 46(2)(a), 46(3)(b)), and the
    derogations that do not apply to activities in the exercise of public powers (Art. 49(3));
    and, for any organisation, the supervisory authority's authorisation of the safeguards of
    Art. 46(3) (ad hoc clauses, (a); administrative arrangements, (b)); flags of
    ``legal/art46_safeguards.yaml`` and ``legal/art49_derogations.yaml``. Without
    ``organization.yaml`` only the authorisation is checked."""
    known = reg.organization is not None
    org_file = reg.organization.display if reg.organization is not None else ""
    public = reg.org.get("public_body") is True
    safeguards = {str(s["id"]): s for s in load_data("legal/art46_safeguards")["safeguards"]}
    derogations = vocab.art49_derogations()
    for doc, data in _activities(reg):
        for i, transfer in dicts(data.get("transfers")):
            path = ("transfers", i)
            code = str(transfer.get("safeguard"))
            safeguard = safeguards.get(code)
            if safeguard is not None:
                article = article_text(str(safeguard["article"]))
                if safeguard.get("public_bodies_only") and known and not public:
                    yield doc.diagnostic((*path, "safeguard"), "transfer-safeguard-public-bodies", index=i,
                                         safeguard=code, article=article, org_file=org_file)
                if safeguard.get("requires_authorisation") and not text(transfer.get("authority_authorisation")):
                    yield doc.diagnostic((*path, "safeguard"), "transfer-authorisation-unrecorded", index=i,
                                         safeguard=code, article=article)
            which = derogations.get(str(transfer.get("derogation")))
            if (public and code == "derogation" and which is not None and which.get("not_for_public_authorities")
                    and not text(transfer.get("outside_public_powers"))):
                derogation = str(transfer["derogation"])
                yield doc.diagnostic((*path, "derogation"), "transfer-derogation-public-powers", index=i,
                                     derogation=Text(fr=vocab.label("art49_derogation", derogation, "fr"),
                                                     en=vocab.label("art49_derogation", derogation, "en")),
                                     org_file=org_file)


# The checks of this module, in the order they run.
CHECKS = (
    transfers_are_lawful,
    parties_abroad_have_a_transfer,
    safeguards_of_public_bodies,
)
