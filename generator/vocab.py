"""Closed vocabularies and their labels, countries, adequacy decisions: the data files, read."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from generator.resources import load_data

LANGUAGES = ("fr", "en")
"""The languages of everything a user reads: the site, the exports, the messages."""
DEFAULT_LANG = "fr"


# Vocabularies whose entries are rows of a dated legal list (generator/data/legal/): their ids
# and labels come from the list itself, so the schema's enum and the list cannot drift apart.
LEGAL_VOCABULARIES = {
    "cnil_dpia_required": "legal/cnil_dpia_required",  # CNIL délibération n° 2018-327
    "cnil_dpia_exempt": "legal/cnil_dpia_exempt",  # CNIL délibération n° 2019-118
}


@functools.cache
def vocabularies() -> dict[str, dict[str, dict[str, str]]]:
    data: dict[str, dict[str, dict[str, str]]] = dict(load_data("vocabularies"))
    for name, source in LEGAL_VOCABULARIES.items():
        data[name] = {
            str(row["id"]): {lang: str(row[lang]) for lang in LANGUAGES}
            for row in load_data(source)["operations"]
        }
    return data


def legal_row(source: str, ident: Any) -> dict[str, Any] | None:
    """The row ``ident`` of the legal list ``source`` (``cnil_dpia_exempt``, ...), if any."""
    rows = load_data(f"legal/{source}")
    key = "operations" if "operations" in rows else "criteria" if "criteria" in rows else "benchmarks"
    for row in rows[key]:
        if row.get("id") == ident:
            found: dict[str, Any] = row
            return found
    return None


def label(vocabulary: str, value: Any, lang: str = "fr") -> str:
    """The label of ``value`` in ``vocabulary``; the value itself when it has none."""
    key = value if type(value) is str else str(value)
    return _labels(vocabulary, lang).get(key, key)


@functools.cache
def _labels(vocabulary: str, lang: str) -> dict[str, str]:
    """The labels of ``vocabulary`` in ``lang`` (in French when it has none in ``lang``), by code:
    looked up for every coded value of every sheet."""
    entries = vocabularies().get(vocabulary, {})
    return {key: entry.get(lang) or entry.get("fr") or key for key, entry in entries.items() if entry}


@functools.cache
def eea_countries() -> frozenset[str]:
    return frozenset(load_data("eea")["countries"])


LEGAL_DIR = "generator/data/legal"
"""Where the dated legal reference data live (named in the messages asking for an update)."""


def legal(name: str) -> dict[str, Any]:
    """The dated legal data file ``generator/data/legal/<name>.yaml`` (``as_of``, ``source``...)."""
    data: dict[str, Any] = load_data(f"legal/{name}")
    return data


def adequacy() -> dict[str, Any]:
    """``generator/data/legal/adequacy.yaml``: ``as_of``, ``source``, ``decisions`` (list)."""
    return legal("adequacy")


def adequacy_decision(country: str | None = None, organisation: str | None = None) -> dict[str, Any] | None:
    """The Commission's adequacy decision for a country code or an international organisation id."""
    for decision in adequacy().get("decisions", []):
        if (country is not None and decision.get("country") == country) or (
            organisation is not None and decision.get("international_organisation") == organisation
        ):
            return dict(decision)
    return None


@functools.cache
def eu_territory() -> Mapping[str, Mapping[str, Any]]:
    """ISO codes that are EU territory (Réunion RE, Åland AX...), by code (made once, read-only)."""
    return MappingProxyType({str(e["code"]): MappingProxyType(dict(e))
                             for e in legal("eu_territory").get("eu_territory", [])})


def is_eu_or_eea(code: str) -> bool:
    """Whether data sent to ``code`` stay under the GDPR: an EEA state or EU territory."""
    return code in eea_countries() or code in eu_territory()


def international_organisations() -> dict[str, dict[str, Any]]:
    """The international organisations of ``international_organisations.yaml``, by id."""
    return {str(o["id"]): dict(o) for o in legal("international_organisations").get("organisations", [])}


def organisation_name(ident: str, lang: str = "fr") -> str:
    """An international organisation's name in ``lang``; a free name is returned as it is."""
    entry = international_organisations().get(ident)
    return str(entry["name"][lang]) if entry else ident


def destination_name(code: str, lang: str = "fr") -> str:
    """A transfer's destination: a country code's name, an international organisation's name."""
    if code in international_organisations():
        return organisation_name(code, lang)
    return country_name(code, lang)


def adequacy_scope(code: str) -> str:
    """``whole``, ``partial`` or ``none``: the adequacy decision for a country code or an
    international organisation id."""
    decision = adequacy_decision(country=code) or adequacy_decision(organisation=code)
    return "none" if decision is None else ("partial" if decision.get("scope") == "partial" else "whole")


def art49_derogations() -> dict[str, dict[str, Any]]:
    """The Art. 49 derogations of ``art49_derogations.yaml``, by id."""
    return {str(d["id"]): dict(d) for d in legal("art49_derogations").get("derogations", [])}


@functools.cache
def countries() -> dict[str, dict[str, str]]:
    """ISO 3166-1 by alpha-2 code → its names (``fr``, ``en``): ``generator/data/countries.yaml``."""
    return {str(code): dict(names) for code, names in load_data("countries")["countries"].items()}


def _country(code: Any) -> dict[str, str] | None:
    return countries().get(code.upper()) if isinstance(code, str) else None  # (any case, as pycountry)


def is_country(code: str) -> bool:
    return _country(code) is not None


def country_name(code: str, lang: str = "fr") -> str:
    """The country's common name in ``lang`` (``FR`` → « France »); the code if unknown."""
    names = _country(code)
    if names is None:
        return str(code)
    return names["fr"] if lang == "fr" else names["en"]


def order(vocabulary: str, value: Any) -> int:
    """The position of ``value`` in ``vocabulary`` (the data file's order), for sorting; a value
    not in the vocabulary sorts last."""
    keys = list(vocabularies().get(vocabulary, {}))
    return keys.index(value) if value in keys else len(keys)
