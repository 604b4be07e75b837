"""Parties, contracts and officers: the Art. 28 contract of each processor an activity uses, the
controller's authorisation of each sub-processor of a processor record (Art. 28(2), 30(2)), the
DPO (Art. 37(1)) or the reason there is none (a public body must have one, Art. 37(1)(a)), the
DPO of the controller a processor record acts for (Art. 30(2)(a)), the representative of an
organisation established outside the Union (Art. 27).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator import shapes, vocab
from generator.lint.rules import Diagnostic
from generator.load.register import Register
from generator.load.yamlload import Document


def _activities(reg: Register) -> Iterator[tuple[Document, dict[str, Any]]]:
    for doc in reg.activities:
        if isinstance(doc.data, dict):
            yield doc, doc.data


def processors_have_contracts(reg: Register) -> Iterator[Diagnostic]:
    if reg.organization is None:
        return
    parties = reg.parties()
    org_file = reg.organization.display
    for doc, data in _activities(reg):
        record = data.get("role") == "processor"
        for i, path, ref, entry in shapes.processor_entries(data.get("processors")):
            party = parties.get(ref)
            if party is None or party.get("kind") != "processor":
                continue  # unknown-party / party-kind say it
            name = str(party.get("name", ref))
            if not entry.get("contract") and not party.get("contract"):
                yield doc.diagnostic(path, "processor-no-contract", party=ref, name=name, org_file=org_file)
            if record and not isinstance(entry.get("authorisation"), dict):
                controller = str(data.get("controller", ""))
                yield doc.diagnostic(path, "subprocessor-no-authorisation", index=i, party=ref, name=name,
                                     controller=controller)


def controller_dpo_is_known(reg: Register) -> Iterator[Diagnostic]:
    if reg.organization is None:
        return
    parties = reg.parties()
    for doc, data in _activities(reg):
        ref = data.get("controller")
        party = parties.get(ref) if data.get("role") == "processor" and isinstance(ref, str) else None
        if party is not None and party.get("kind") == "controller" and not party.get("dpo"):
            yield doc.diagnostic(("controller",), "controller-dpo-missing", party=str(ref),
                                 name=str(party.get("name", ref)), org_file=reg.organization.display)


def dpo_is_recorded(reg: Register) -> Iterator[Diagnostic]:
    """A DPO, or the reason there is none (Art. 37(1)); a public authority or body must designate
    one (Art. 37(1)(a)): an error when none is named, a warning when the record says none."""
    org = reg.organization
    if org is None or not isinstance(org.data, dict):
        return
    public = org.data.get("public_body") is True
    dpo = org.data.get("dpo")
    if "dpo" not in org.data:
        yield org.diagnostic(("name",), "public-body-dpo-missing" if public else "dpo-missing", key=True)
    elif public and isinstance(dpo, dict) and "none" in dpo:
        yield org.diagnostic(("dpo", "none"), "public-body-dpo-none", key=True)


def representative_outside_eu(reg: Register) -> Iterator[Diagnostic]:
    org = reg.organization
    address = reg.org.get("address")
    if org is None or not isinstance(address, dict):
        return
    country = address.get("country")
    if (isinstance(country, str) and vocab.is_country(country) and not vocab.is_eu_or_eea(country)
            and not reg.org.get("representative")):
        yield org.diagnostic(("address", "country"), "representative-missing")


# The checks of this module, in the order they run.
CHECKS = (
    processors_have_contracts,
    controller_dpo_is_known,
    dpo_is_recorded,
    representative_outside_eu,
)
