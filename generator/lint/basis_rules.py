"""Legal bases (Art. 6(1)), special categories (Art. 9), criminal-offence data (Art. 10) and the
French social security number (NIR, loi n° 78-17 art. 30, décret n° 2019-341).

- ``basis-unknown-purpose`` (error): ``legal_basis.purposes[i].purpose`` is not the text of
  the main purpose nor of a sub-purpose.
- ``legitimate-interest-no-assessment`` (warning): a purpose rests on legitimate interests
  without a reference to the balancing test (on the purpose, or ``legal_basis.balancing_test``).
- ``special-category-no-condition`` / ``criminal-data-no-authorisation`` /
  ``condition-without-special-category``: as before the split of ``register_rules``.
- ``special-category-no-details`` (warning): an Art. 9(2) condition without details.
- ``special-category-no-law`` (error): Art. 9(2)(b), (g), (h), (i) or (j) without the Union or
  Member-State law relied on (``legal_basis.special_category_law``), generator/data/legal/
  art9_conditions.yaml ``requires_law``.
- ``nir-no-framework`` (error): the NIR is processed (category ``nir``, or named in the data)
  without ``legal_basis.nir_framework``.

- ``legal-basis-missing`` (warning): a controller record without ``legal_basis``; Art. 30(1)
  does not list it, but Art. 5(2), 6(1) and 13(1)(c) need it known.
- ``legitimate-interest-public-body`` (warning): ``public_body: true`` and legitimate interests
  (Art. 6(1), second subparagraph), unless ``outside_public_tasks`` (on ``legal_basis``, or on
  the purpose's entry of ``legal_basis.purposes``) says why the processing is outside the
  body's tasks.

A processor record states the controller's basis for information only: none of these apply.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from generator import vocab
from generator.lint.rules import Arg, Diagnostic, Text, phrase
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.resources import load_data
from generator.shapes import dicts, strings, text

_ART9 = {key for key in vocab.vocabularies()["sensitive_category"] if key != "criminal_convictions"}
_NIR_WORDS = re.compile(r"\bNIR\b|num[ée]ro de s[ée]curit[ée] sociale|num[ée]ro d'inscription au r[ée]pertoire",
                        re.IGNORECASE)


def _controller_sheets(reg: Register) -> Iterator[tuple[Document, dict[str, Any], dict[str, Any]]]:
    """Each controller record, with its ``legal_basis`` ({} when absent or malformed)."""
    for doc in reg.activities:
        data = doc.data
        if isinstance(data, dict) and data.get("role") != "processor":
            basis = data.get("legal_basis")
            yield doc, data, basis if isinstance(basis, dict) else {}


def requires_law() -> dict[str, Text]:
    """The Art. 9(2) letters whose condition rests on Union or Member-State law, each with what
    else the GDPR accepts in its place (a collective agreement for (b), a contract with a health
    professional for (h); empty for the others)."""
    rows = load_data("legal/art9_conditions")["conditions"]
    out: dict[str, Text] = {}
    for r in rows:
        if r.get("requires_law"):
            alt = r.get("law_alternative") or {}
            out[str(r["id"])] = Text(str(alt.get("fr", "")), str(alt.get("en", "")))
    return out


def purposes_of(data: dict[str, Any]) -> list[str]:
    purposes = data.get("purposes")
    if not isinstance(purposes, dict):
        return []
    main = text(purposes.get("main"))
    return ([main] if main else []) + list(strings(purposes.get("sub")))


def bases_are_per_purpose(reg: Register) -> Iterator[Diagnostic]:
    for doc in reg.activities:
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("legal_basis"), dict):
            continue
        known = purposes_of(data)
        for i, entry in dicts(data["legal_basis"].get("purposes")):
            purpose = text(entry.get("purpose"))
            if purpose is None or purpose in known:
                continue
            close = difflib.get_close_matches(purpose, known, n=1, cutoff=0.6)
            hint: Arg = phrase("hint-did-you-mean", name=close[0]) if close else ""
            yield doc.diagnostic(("legal_basis", "purposes", i, "purpose"), "basis-unknown-purpose",
                                 index=i, purpose=purpose, hint=hint)


def legal_basis_is_stated(reg: Register) -> Iterator[Diagnostic]:
    """Art. 30(1) does not list the legal basis: its absence is a warning (Art. 5(2), 6(1))."""
    for doc, data, _ in _controller_sheets(reg):
        if "legal_basis" not in data and "role" in data:
            yield doc.diagnostic((), "legal-basis-missing", key=True)


def legitimate_interests_of_a_public_body(reg: Register) -> Iterator[Diagnostic]:
    """Art. 6(1), second subparagraph: no legitimate interests for a public authority's tasks;
    a basis or a purpose whose ``outside_public_tasks`` gives the reason it lies outside them is
    not warned (the reason is on record: the sheet and the exports show it)."""
    if reg.organization is None or reg.org.get("public_body") is not True:
        return
    org_file = reg.organization.display
    for doc, _, basis in _controller_sheets(reg):
        if basis.get("basis") == "legitimate_interests" and not text(basis.get("outside_public_tasks")):
            yield doc.diagnostic(("legal_basis", "basis"), "legitimate-interest-public-body",
                                 field="legal_basis.basis", org_file=org_file)
        for i, entry in dicts(basis.get("purposes")):
            if entry.get("basis") == "legitimate_interests" and not text(entry.get("outside_public_tasks")):
                yield doc.diagnostic(("legal_basis", "purposes", i, "basis"), "legitimate-interest-public-body",
                                     field=f"legal_basis.purposes[{i}].basis", org_file=org_file)


def legitimate_interests_are_assessed(reg: Register) -> Iterator[Diagnostic]:
    for doc, _, basis in _controller_sheets(reg):
        shared = text(basis.get("balancing_test"))
        if basis.get("basis") == "legitimate_interests" and not shared:
            yield doc.diagnostic(("legal_basis", "basis"), "legitimate-interest-no-assessment")
        for i, entry in dicts(basis.get("purposes")):
            if entry.get("basis") == "legitimate_interests" and not (shared or text(entry.get("balancing_test"))):
                yield doc.diagnostic(("legal_basis", "purposes", i, "basis"), "legitimate-interest-no-assessment")


def special_categories_have_a_condition(reg: Register) -> Iterator[Diagnostic]:
    for doc, data, basis in _controller_sheets(reg):
        sensitive = list(dicts(data.get("sensitive_data")))
        art9 = [(i, s) for i, s in sensitive if s.get("category") in _ART9]
        criminal = [(i, s) for i, s in sensitive if s.get("category") == "criminal_convictions"]
        condition = basis.get("special_category_condition")
        if art9 and not condition:
            i, item = art9[0]
            yield doc.diagnostic(("sensitive_data", i, "category"), "special-category-no-condition",
                                 index=i, category=str(item.get("category")))
        if criminal and not basis.get("criminal_data_authorisation"):
            i, _ = criminal[0]
            yield doc.diagnostic(("sensitive_data", i, "category"), "criminal-data-no-authorisation", index=i)
        if condition and not art9:
            yield doc.diagnostic(("legal_basis", "special_category_condition"), "condition-without-special-category")
        if not isinstance(condition, str) or not art9:
            continue
        if not text(basis.get("special_category_details")):
            yield doc.diagnostic(("legal_basis", "special_category_condition"), "special-category-no-details",
                                 letter=condition)
        alternatives = requires_law()
        if condition in alternatives and not text(basis.get("special_category_law")):
            yield doc.diagnostic(("legal_basis", "special_category_condition"), "special-category-no-law",
                                 letter=condition, alternative=alternatives[condition])


def _nir_path(data: dict[str, Any]) -> tuple[Any, ...] | None:
    """Where the sheet shows the NIR: a ``nir`` category, or the NIR named in a category."""
    for field in ("data_categories", "sensitive_data"):
        for i, item in dicts(data.get(field)):
            if item.get("category") == "nir":
                return (field, i, "category")
            words = [str(item.get("description") or ""), *strings(item.get("items"))]
            if any(_NIR_WORDS.search(w) for w in words):
                return (field, i, "description" if _NIR_WORDS.search(words[0]) else "items")
    return None


def nir_has_a_framework(reg: Register) -> Iterator[Diagnostic]:
    for doc, data, basis in _controller_sheets(reg):
        path = _nir_path(data)
        if path is not None and not text(basis.get("nir_framework")):
            yield doc.diagnostic(path, "nir-no-framework", field=f"{path[0]}[{path[1]}]")


# The checks of this module, in the order they run.
CHECKS = (
    bases_are_per_purpose,
    special_categories_have_a_condition,
    nir_has_a_framework,
    legitimate_interests_are_assessed,
    legitimate_interests_of_a_public_body,
    legal_basis_is_stated,
)
