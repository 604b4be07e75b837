"""The JSON Schemas themselves, their vocabularies, and CentreCall's register against them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from jsonschema import Draft202012Validator

from generator import vocab
from generator.lint.runner import load_register

SCHEMA_DIR = REPO / "schema"
SCHEMAS = sorted(SCHEMA_DIR.glob("*.schema.json"))
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)$")
EXPECTED_SCHEMA = {
    "register/organization.yaml": "organization.schema.json",
    "register/activities": "activity.schema.json",
    "processes": "process.schema.json",
}
"""Which schema the first line of each register file must name, by file or folder."""

Pointer = str


def _load(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def _walk(node: Any, pointer: Pointer = "#") -> Iterator[tuple[Pointer, Any]]:
    """Every subschema-like node with its JSON pointer."""
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{i}")


def _resolve(schema_file: Path, node: dict[str, Any]) -> dict[str, Any]:
    """``node`` merged with what its ``$ref`` points at (in this file or a sibling), recursively:
    a property that is a reference gets its title and description from the target unless it
    gives its own, as editors do."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target_file, _, fragment = ref.partition("#")
    base_file = SCHEMA_DIR / target_file if target_file else schema_file
    target: Any = _load(base_file)
    for part in [p for p in fragment.split("/") if p]:
        target = target[part]
    merged = {**_resolve(base_file, target), **{k: v for k, v in node.items() if k != "$ref"}}
    return merged


_CONDITIONAL = re.compile(r"/(if|then|else|not)/")
"""Branches that state conditions on, or refine, properties declared elsewhere."""


def _properties(schema_file: Path) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    """The declared properties: those of conditional branches only restate a declared one."""
    for pointer, node in _walk(_load(schema_file)):
        if pointer.endswith("/properties") and isinstance(node, dict) and not _CONDITIONAL.search(pointer):
            for name, prop in node.items():
                if isinstance(prop, dict):
                    yield f"{pointer}/{name}", prop


def _enums(schema_file: Path) -> Iterator[tuple[Pointer, list[Any]]]:
    for pointer, node in _walk(_load(schema_file)):
        if isinstance(node, dict) and isinstance(node.get("enum"), list):
            yield pointer, node["enum"]


def test_there_are_schemas() -> None:
    names = {p.name for p in SCHEMAS}
    assert {"activity.schema.json", "organization.schema.json", "common.schema.json"} <= names


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = _load(path)
    assert schema.get("$schema") == DRAFT_2020_12, f"{path.name}: $schema is not {DRAFT_2020_12}"
    Draft202012Validator.check_schema(schema)  # raises SchemaError, with its path, when invalid
    # no $id: the references resolve against where the file is, with no network (an absolute
    # $id would send every tool to that address; a relative one trips some of them)
    assert "$id" not in schema, f"{path.name}: $id"
    for pointer, node in _walk(schema):
        ref = node.get("$ref", "#") if isinstance(node, dict) else "#"
        assert ref.startswith("#") or re.fullmatch(r"[a-z]+\.schema\.json#/\S*", ref), f"{pointer}: {ref}"


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_property_has_a_title_and_a_description(path: Path) -> None:
    lacking = []
    for pointer, prop in _properties(path):
        resolved = _resolve(path, prop)
        for key in ("title", "description"):
            if not (isinstance(resolved.get(key), str) and resolved[key].strip()):
                lacking.append(f"{path.name}{pointer}: no {key}")
    assert not lacking, "\n".join(lacking)


def _vocabulary_for(values: list[Any]) -> tuple[str | None, str]:
    """The vocabulary whose keys are exactly ``values`` (else the smallest that holds them all),
    and, when none fits, a hint naming the closest one and what it lacks."""
    wanted = {str(v) for v in values}
    vocabularies = vocab.vocabularies()
    exact = [name for name, entries in vocabularies.items() if set(entries) == wanted]
    if exact:
        return exact[0], ""
    holders = sorted((len(e), name) for name, e in vocabularies.items() if wanted <= set(e))
    if holders:
        return holders[0][1], ""
    closest = max(vocabularies, key=lambda name: len(wanted & set(vocabularies[name])))
    lacking = sorted(wanted - set(vocabularies[closest]))
    return None, f"closest vocabulary '{closest}' lacks {lacking}"


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_enum_value_has_french_and_english_labels(path: Path) -> None:
    problems = []
    vocabularies = vocab.vocabularies()
    for pointer, values in _enums(path):
        name, hint = _vocabulary_for(values)
        if name is None:
            problems.append(
                f"{path.name}{pointer}: enum {values} matches no vocabulary of "
                f"generator/data/vocabularies.yaml ({hint})"
            )
            continue
        for value in values:
            entry = vocabularies[name][str(value)]
            for lang in vocab.LANGUAGES:
                if not (isinstance(entry, dict) and isinstance(entry.get(lang), str) and entry[lang].strip()):
                    problems.append(f"vocabularies.yaml: {name}.{value} has no '{lang}' label (enum {path.name}{pointer})")
    assert not problems, "\n".join(problems)


def test_every_vocabulary_entry_has_both_labels() -> None:
    problems = [
        f"{name}.{key}: no '{lang}' label"
        for name, entries in vocab.vocabularies().items()
        for key, entry in entries.items()
        for lang in vocab.LANGUAGES
        if not (isinstance(entry, dict) and isinstance(entry.get(lang), str) and entry[lang].strip())
    ]
    assert not problems, "\n".join(problems)


def test_centrecall_register_is_valid_without_a_single_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    reg = load_register(REPO)
    assert reg.organization is not None
    assert len(reg.activities) >= 5
    assert not reg.diagnostics, "\n" + "".join(d.text() + "\n" for d in reg.diagnostics)


def _register_files() -> list[Path]:
    files = [REPO / "register" / "organization.yaml"]
    files += sorted((REPO / "register" / "activities").glob("*.y*ml"))
    files += sorted((REPO / "processes").glob("*.y*ml"))
    return [f for f in files if f.exists()]


@pytest.mark.parametrize("path", _register_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_register_file_starts_with_its_schema_line(path: Path) -> None:
    relative = path.relative_to(REPO).as_posix()
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    m = SCHEMA_LINE.match(first)
    assert m, f"{relative}: line 1 is {first!r}, not '# yaml-language-server: $schema=<path>'"
    target = (path.parent / m["target"]).resolve()
    assert target.is_file(), f"{relative}: $schema={m['target']} points at no file"
    wanted = EXPECTED_SCHEMA.get(relative) or EXPECTED_SCHEMA[path.parent.relative_to(REPO).as_posix()]
    assert target == (SCHEMA_DIR / wanted).resolve(), f"{relative}: $schema should be {wanted}, not {m['target']}"
