"""Checks beyond the schema: what one file cannot say about itself, and what the law implies.

Each check is a function that takes the ``Register`` and yields ``Diagnostic``s; ``CHECKS``
lists them in the order they run. Checks read the data defensively: a file that failed its
schema is still checked as far as its shape allows, so every problem is reported in one run.
"""

from __future__ import annotations

from typing import Any, Iterator

from generator import shapes, vocab
from generator.lint.diagnostics import Diagnostic
from generator.load.layout import PROCESSES
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.shapes import dicts, parse_date, text


def _activities(reg: Register) -> Iterator[tuple[Document, dict[str, Any]]]:
    for doc in reg.activities:
        if isinstance(doc.data, dict):
            yield doc, doc.data


def file_name_is_id(reg: Register) -> Iterator[Diagnostic]:
    for doc, data in _activities(reg):
        ident = text(data.get("id"))
        if ident is not None and ident != doc.path.stem:
            yield doc.diagnostic(
                ("id",), "id-mismatch",
                f"id '{ident}' differs from the file name '{doc.path.name}': rename the file "
                f"to '{ident}.yaml' or set id: {doc.path.stem}",
            )


def unique_ids_and_refs(reg: Register) -> Iterator[Diagnostic]:
    # A file whose id is its own name owns that id: a copy that kept the id gets the error.
    owners_first = sorted(_activities(reg), key=lambda item: item[1].get("id") != item[0].path.stem)
    for key, rule in (("id", "duplicate-id"), ("ref", "duplicate-ref")):
        first: dict[str, tuple[Document, int]] = {}
        for doc, data in owners_first if key == "id" else _activities(reg):
            value = data.get(key)
            if not isinstance(value, (str, int)):
                continue
            value = str(value)
            line = doc.locate((key,))[0]
            if value in first:
                other, other_line = first[value]
                yield doc.diagnostic(
                    (key,), rule,
                    f"{key} '{value}' is already used by {other.display} (line {other_line}); "
                    f"each activity needs its own {key}",
                )
            else:
                first[value] = (doc, line)
    org = reg.organization
    if org is not None:
        seen: dict[str, int] = {}
        for i, party in dicts(reg.org.get("parties")):
            pid = text(party.get("id"))
            if pid is None:
                continue
            if pid in seen:
                yield org.diagnostic(
                    ("parties", i, "id"), "duplicate-party",
                    f"party id '{pid}' is already used at line {seen[pid]}; each party needs its own id",
                )
            else:
                seen[pid] = org.locate(("parties", i, "id"))[0]


def party_ref(
    reg: Register, doc: Document, path: tuple[Any, ...], ref: Any, kinds: tuple[str, ...], what: str
) -> Iterator[Diagnostic]:
    if not isinstance(ref, str) or reg.organization is None or not isinstance(reg.organization.data, dict):
        return  # without a readable organization.yaml, its own error says it all: no cascade
    party = reg.parties().get(ref)
    org_file = reg.organization.display if reg.organization else "register/organization.yaml"
    if party is None:
        known = ", ".join(sorted(reg.parties())) or "none"
        yield doc.diagnostic(
            path, "unknown-party",
            f"{what} '{ref}' is not a party of {org_file} (known parties: {known})",
        )
    elif party.get("kind") not in kinds and party.get("kind") in vocab.vocabularies()["party_kind"]:
        # (a kind outside the vocabulary is reported once, on organization.yaml, by its schema)
        yield doc.diagnostic(
            path, "party-kind",
            f"{what} '{ref}' is declared in {org_file} as kind '{party.get('kind')}', "
            f"expected {' or '.join(kinds)}",
        )


def references_resolve(reg: Register) -> Iterator[Diagnostic]:
    process_ids = {d.path.stem for d in reg.processes}
    # a process file that exists but could not be read has its own error: no unknown-process too
    process_folder = reg.root / PROCESSES
    existing = process_ids | {path.stem for path in reg.paths if path.parent == process_folder}
    for doc, data in _activities(reg):
        yield from party_ref(reg, doc, ("controller",), data.get("controller"), ("controller",), "controller")
        for field, kind, what in (
            ("joint_controllers", "joint_controller", "joint controller"),
            ("processors", "processor", "processor"),
        ):
            items = data.get(field)
            if isinstance(items, list):
                for i, ref in enumerate(items):
                    yield from party_ref(reg, doc, (field, i), ref, (kind,), what)
        for i, rec in dicts(data.get("recipients")):
            if "party" in rec:
                yield from party_ref(
                    reg, doc, ("recipients", i, "party"), rec.get("party"),
                    ("controller", "joint_controller", "processor", "recipient"), "recipient party",
                )
        process = text(data.get("process"))
        if process is not None and process not in existing:
            known = ", ".join(sorted(process_ids)) or "none"
            yield doc.diagnostic(
                ("process",), "unknown-process",
                f"process '{process}' has no file processes/{process}.yaml (known processes: {known})",
            )


def dates_are_consistent(reg: Register) -> Iterator[Diagnostic]:
    today = shapes.today()
    for doc, data in _activities(reg):
        created, updated = parse_date(data.get("created")), parse_date(data.get("updated"))
        if created and updated and updated < created:
            yield doc.diagnostic(
                ("updated",), "updated-before-created",
                f"updated {updated.isoformat()} is before created {created.isoformat()}",
            )
        for key in ("created", "updated", "last_reviewed"):
            value = parse_date(data.get(key))
            if value and value > today:
                yield doc.diagnostic(
                    (key,), "date-in-future",
                    f"{key} {value.isoformat()} is in the future", severity="warning",
                )


def transfers_are_lawful(reg: Register) -> Iterator[Diagnostic]:
    eea = vocab.eea_countries()
    adequacy = vocab.adequacy()
    adequate = adequacy["countries"]
    as_of = adequacy["as_of"]
    for doc, data in _activities(reg):
        for i, transfer in dicts(data.get("transfers")):
            country = transfer.get("country")
            safeguard = transfer.get("safeguard")
            path = ("transfers", i)
            if not isinstance(country, str) or len(country) != 2 or not country.isupper():
                continue  # the schema reports the shape
            if not vocab.is_country(country):
                yield doc.diagnostic(
                    path + ("country",), "unknown-country",
                    f"transfers[{i}].country: '{country}' is not an ISO 3166-1 alpha-2 country code",
                )
                continue
            name = vocab.country_name(country, "en")
            if country in eea:
                yield doc.diagnostic(
                    path + ("country",), "transfer-within-eea",
                    f"transfers[{i}].country: {name} ({country}) is in the EU/EEA: sending data there "
                    "is not a transfer under Chapter V; list the recipient under 'recipients' instead",
                    severity="warning",
                )
                continue
            entry = adequate.get(country)
            if safeguard == "adequacy" and entry is None:
                yield doc.diagnostic(
                    path + ("safeguard",), "transfer-not-adequate",
                    f"transfers[{i}].safeguard: {name} ({country}) has no adequacy decision "
                    f"(list as of {as_of}); choose scc, bcr, code_of_conduct, certification or derogation",
                )
            elif safeguard is None and (entry is None or (entry or {}).get("scope")):
                scope = (entry or {}).get("scope")
                reason = (
                    f"the adequacy decision for {name} covers {scope}"
                    if scope
                    else f"{name} ({country}) has no adequacy decision (list as of {as_of})"
                )
                yield doc.diagnostic(
                    path, "transfer-no-safeguard",
                    f"transfers[{i}]: {reason}, and no safeguard is given: add 'safeguard' "
                    "(scc, bcr, code_of_conduct, certification, adequacy, derogation) and its documentation",
                    key=True,
                )
            if safeguard == "derogation" and not text(transfer.get("documentation")):
                yield doc.diagnostic(
                    path, "transfer-undocumented",
                    f"transfers[{i}]: a transfer under an Art. 49 derogation needs the link to its "
                    "documentation (Art. 30(1)(e))", severity="warning", key=True,
                )
        third_country_recipients = [
            i for i, r in dicts(data.get("recipients")) if r.get("type") == "third_country"
        ]
        if third_country_recipients and data.get("transfers") == []:
            i = third_country_recipients[0]
            yield doc.diagnostic(
                ("recipients", i, "type"), "recipient-without-transfer",
                f"recipients[{i}] is a recipient in a third country, but 'transfers' is empty",
                severity="warning",
            )


_ART9 = {key for key in vocab.vocabularies()["sensitive_category"] if key != "criminal_convictions"}


def special_categories_have_a_condition(reg: Register) -> Iterator[Diagnostic]:
    for doc, data in _activities(reg):
        sensitive = list(dicts(data.get("sensitive_data")))
        basis = data.get("legal_basis") if isinstance(data.get("legal_basis"), dict) else {}
        is_processor = data.get("role") == "processor"
        art9 = [(i, s) for i, s in sensitive if s.get("category") in _ART9]
        criminal = [(i, s) for i, s in sensitive if s.get("category") == "criminal_convictions"]
        if art9 and not is_processor and not basis.get("special_category_condition"):
            i, item = art9[0]
            yield doc.diagnostic(
                ("sensitive_data", i, "category"), "special-category-no-condition",
                f"sensitive_data[{i}] is a special category ({item.get('category')}), but "
                "legal_basis.special_category_condition gives no Art. 9(2) condition",
            )
        if criminal and not is_processor and not basis.get("criminal_data_authorisation"):
            i, _ = criminal[0]
            yield doc.diagnostic(
                ("sensitive_data", i, "category"), "criminal-data-no-authorisation",
                f"sensitive_data[{i}] is criminal convictions and offences data, but "
                "legal_basis.criminal_data_authorisation names no legal authorisation (Art. 10)",
            )
        if basis.get("special_category_condition") and not art9:
            yield doc.diagnostic(
                ("legal_basis", "special_category_condition"), "condition-without-special-category",
                "an Art. 9(2) condition is given but sensitive_data lists no special category",
                severity="warning",
            )


def legitimate_interests_are_assessed(reg: Register) -> Iterator[Diagnostic]:
    for doc, data in _activities(reg):
        basis = data.get("legal_basis")
        if isinstance(basis, dict) and basis.get("basis") == "legitimate_interests" and not text(
            basis.get("balancing_test")
        ):
            yield doc.diagnostic(
                ("legal_basis", "basis"), "legitimate-interest-no-assessment",
                "legitimate interests are relied on without a reference to the balancing test: "
                "add legal_basis.balancing_test",
                severity="warning",
            )


def representative_outside_eu(reg: Register) -> Iterator[Diagnostic]:
    org = reg.organization
    address = reg.org.get("address")
    if org is None or not isinstance(address, dict):
        return
    country = address.get("country")
    if isinstance(country, str) and vocab.is_country(country) and country not in vocab.eea_countries():
        if not reg.org.get("representative"):
            yield org.diagnostic(
                ("address", "country"), "representative-missing",
                "the organisation is established outside the EU/EEA: name its representative "
                "in the Union (Art. 27) under 'representative'", severity="warning",
            )


# The checks of this module, in the order they run.
CHECKS = (
    file_name_is_id,
    unique_ids_and_refs,
    references_resolve,
    dates_are_consistent,
    transfers_are_lawful,
    special_categories_have_a_condition,
    legitimate_interests_are_assessed,
    representative_outside_eu,
)
