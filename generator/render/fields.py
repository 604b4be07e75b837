"""A register field and its value said in words, from the schemas: the field named by its schema
titles (« Destinataires › Précisions »), the value as a reader should see it (vocabulary labels,
« 1 an », « 15 septembre 2020 », country names). Used by ``ropa diff``."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from generator import vocab
from generator.lint.schema import _lookup as subschema
from generator.render import i18n
from generator.resources import load_schema, schema_dir

BREADCRUMB = " › "

# Where a register file names a party of organization.yaml by its id (list indexes as 0): the
# value is said with the party's name. A transfer's recipient may also be a plain name.
PARTY_REFS: dict[str, frozenset[tuple[Any, ...]]] = {
    "activity": frozenset({
        ("controller",),
        ("joint_controllers", 0),
        ("processors", 0),
        ("processors", 0, "party"),
        ("recipients", 0, "party"),
        ("transfers", 0, "recipient"),
    }),
    "process": frozenset({("actors", 0, "party")}),
}


def _raw_names(organization: Any) -> dict[str, str]:
    parties = organization.get("parties") if isinstance(organization, dict) else None
    names: dict[str, str] = {}
    for party in parties if isinstance(parties, list) else []:
        if isinstance(party, dict) and isinstance(party.get("id"), str):
            name = party.get("name")
            names.setdefault(party["id"], name if isinstance(name, str) and name.strip() else party["id"])
    return names


def party_names(organization: Any, *others: Any) -> dict[str, str]:
    """The parties of organization.yaml's data by id (the first of a duplicated id), each as a
    reader should see it: its name, with its id in brackets when another party has the same name
    there or in ``others`` (the same file at another revision)."""
    names = _raw_names(organization)
    ids_by_name: dict[str, set[str]] = {}
    for org in (organization, *others):
        for ref, name in _raw_names(org).items():
            ids_by_name.setdefault(name, set()).add(ref)
    return {
        ref: f"{name} ({ref})" if len(ids_by_name[name]) > 1 and name != ref else name
        for ref, name in names.items()
    }


def _is_party_ref(kind: str, path: tuple[Any, ...]) -> bool:
    return tuple(0 if isinstance(p, int) else p for p in path) in PARTY_REFS.get(kind, frozenset())


@functools.cache
def _schema(kind: str) -> dict[str, Any]:
    return load_schema(kind) if (schema_dir() / f"{kind}.schema.json").is_file() else {}


@functools.cache
def _vocabulary_for(values: frozenset[str]) -> str | None:
    """The vocabulary whose keys are exactly an enum's values."""
    for name, entries in vocab.vocabularies().items():
        if frozenset(entries) == values:
            return name
    return None


def schema_title(schema: Any, fallback: str, lang: str) -> str:
    """The field's name from its schema title « Français / English »."""
    title = schema.get("title") if isinstance(schema, dict) else None
    if not isinstance(title, str):
        return fallback
    fr, sep, en = title.partition(" / ")
    return (en if lang == "en" and sep else fr).strip()


def field_schema(kind: str, path: tuple[Any, ...]) -> Any:
    root = _schema(kind)
    return subschema(root, path) if root else None


def field_label(kind: str, path: tuple[Any, ...], lang: str) -> str:
    """« Destinataires › Précisions »: a field named by the schema titles along its path
    (list indexes skipped)."""
    return BREADCRUMB.join(
        schema_title(field_schema(kind, path[: i + 1]), str(part), lang)
        for i, part in enumerate(path)
        if not isinstance(part, int)
    )


def words(
    value: Any, kind: str, path: tuple[Any, ...], lang: str, parties: Mapping[str, str] | None = None
) -> str:
    """A value as the reader should see it: labels for codes, dates and durations in words,
    parties by name (``parties``: ``party_names`` of the same revision).

    ``kind`` and ``path`` say where the value stands, so its schema says what it is.
    """
    if value is None:
        return ""
    if isinstance(value, str) and parties and value in parties and _is_party_ref(kind, path):
        return parties[value]
    schema = field_schema(kind, path)
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, bool):
        return i18n.t("common.yes" if value else "common.no", lang)
    if isinstance(value, str):
        if isinstance(schema.get("enum"), list):
            name = _vocabulary_for(frozenset(str(v) for v in schema["enum"]))
            return vocab.label(name, value, lang) if name else value
        if schema.get("format") == "date":
            return i18n.format_date(value, lang)
        pattern = str(schema.get("pattern", ""))
        if pattern.startswith("^P("):
            return i18n.format_duration(value, lang)
        if pattern == "^[A-Z]{2}$" and vocab.is_country(value):
            return f"{vocab.country_name(value, lang)} ({value})"
        return value
    if isinstance(value, list):
        return ", ".join(words(v, kind, (*path, 0), lang, parties) for v in value)
    if isinstance(value, dict):
        if "duration" in value and "starts" in value:
            return i18n.format_retention(value, lang)
        return (" ; " if lang == "fr" else "; ").join(
            f"{schema_title(field_schema(kind, (*path, k)), str(k), lang)}{i18n.colon(lang)}"
            f"{words(v, kind, (*path, k), lang, parties)}"
            for k, v in value.items()
        )
    return str(value)
