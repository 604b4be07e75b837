"""The JSON export against schema/export.schema.json, and the schema against the register's."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from export_registers import full_register
from jsonschema import Draft202012Validator

from generator.export import Options, model, render
from generator.lint import schema as schemas
from generator.lint.runner import load_register
from generator.load.register import Register

SCHEMA_DIR = REPO / "schema"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Register:
    reg = load_register(full_register(tmp_path_factory.mktemp("full")))
    assert reg.ok
    return reg


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return schemas.validator("export")


def errors(validator: Draft202012Validator, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("which", ["centrecall", "full"])
def test_export_is_valid_against_its_schema(
    which: str, lang: str, full: Register, validator: Draft202012Validator
) -> None:
    reg = load_register(REPO) if which == "centrecall" else full
    doc = json.loads(render(reg, Options("json", lang)))
    assert not errors(validator, doc)
    assert doc["$schema"] == "schema/export.schema.json"
    assert doc["lang"] == lang
    assert len(doc["activities"]) == len(reg.activities)


def test_the_whole_register_is_there(full: Register) -> None:
    doc = json.loads(render(full, Options("json")))
    assert doc["organization"]["dpo"]["company"]["name"] == "Cabinet DPO"
    assert [p["id"] for p in doc["parties"]] == ["client", "associe", "hebergeur", "banque"]
    activity = doc["activities"][0]
    assert activity["ref"] == "RT-01"
    assert activity["role"] == {"code": "joint_controller", "label": "Responsable conjoint du traitement"}
    assert activity["joint_controllers"] == [{"id": "associe", "name": "Partie associe"}]
    category = activity["data_categories"][1]
    assert category["retention"] == {
        "duration": "P5Y6M",
        "duration_text": "5 ans et 6 mois",
        "starts": "la fin de economic_financial",
        "end_action": {"code": "archiving", "label": "Archivage intermédiaire"},
        "archive_duration": {"code": "P2Y", "label": "2 ans"},
        "note": "Note de conservation economic_financial",
        "justification": "Justification de la durée economic_financial",
        "text": "5 ans et 6 mois à compter de la fin de economic_financial, puis archivage intermédiaire pendant 2 ans",
    }
    assert activity["transfers"][0]["recipient"] == {"id": "hebergeur", "name": "Partie hebergeur"}
    assert activity["transfers"][1]["recipient"] == {"name": "Filiale canadienne"}
    assert activity["transfers"][0]["country"] == {"code": "US", "label": "États-Unis"}
    assert activity["has_sensitive_data"] is True
    assert doc["activities"][1]["has_sensitive_data"] is False
    assert doc["activities"][1]["dpia"]["exemption"] == {
        "code": "supplier_relations", "label": "Traitements de gestion de la relation fournisseurs"}
    basis = activity["legal_basis"]
    assert basis["purposes"][0] == {"purpose": "Sous-finalité 1",
                                    "basis": {"code": "legal_obligation", "label": "Obligation légale (art. 6.1.c)"},
                                    "details": "Loi X"}
    assert basis["special_category_law"] == "Code du travail, art. L. 4624-1"
    assert activity["automated_decisions"] == {"exists": False, "details": "Aucune décision automatisée"}
    assert activity["joint_controller_arrangement"] == "Accord art. 26 du 2 janvier 2020"
    assert activity["scale"] == {"data_subjects": 12000, "large": False, "details": "Salariés d'un seul site",
                                 "text": "Environ 12\u202f000 personnes concernées ; traitement à grande échelle : non"
                                         " — Salariés d'un seul site"}
    assert activity["access_decision"] == {"exists": False, "details": "Aucune décision d'accès"}


def test_processes_are_included_as_written() -> None:
    reg = load_register(REPO)
    doc = json.loads(render(reg, Options("json")))
    assert [p["id"] for p in doc["processes"]] == sorted(reg.process_data())
    for process in doc["processes"]:
        assert process["data"] == reg.process_data()[process["id"]]


def test_generated_at_honours_source_date_epoch(full: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = render(full, Options("json"))
    assert json.loads(first)["generated_at"] == "2023-11-14T22:13:20Z"
    assert render(full, Options("json")) == first, "the same register makes the same file"
    assert json.loads(first)["as_of"] == "2024-03-04"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("organization"),
        lambda d: d["activities"][0].update(surprise=1),
        lambda d: d["activities"][0]["role"].update(code="owner"),
        lambda d: d["activities"][0]["data_categories"][0]["retention"].update(duration="1 year"),
        lambda d: d["activities"][0]["transfers"][0]["country"].update(code="usa"),
        lambda d: d.update(format_version=2),
        lambda d: d["activities"][0]["data_categories"][0].pop("retention"),
    ],
    ids=[
        "no-organization",
        "unknown-key",
        "unknown-code",
        "bad-duration",
        "bad-country",
        "version",
        "no-retention",
    ],
)
def test_schema_rejects_what_is_not_an_export(
    mutate: Any, full: Register, validator: Draft202012Validator
) -> None:
    doc = json.loads(render(full, Options("json")))
    broken = copy.deepcopy(doc)
    mutate(broken)
    assert errors(validator, broken)


def _property_paths(schema: Any, root: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """The dotted paths of the declared properties of a register schema, through its $refs."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target_file, _, fragment = ref.partition("#")
        target: Any = json.loads((SCHEMA_DIR / target_file).read_text()) if target_file else root
        for part in [p for p in fragment.split("/") if p]:
            target = target[part]
        yield from _property_paths(
            target, root if not target_file else json.loads((SCHEMA_DIR / target_file).read_text()), prefix
        )
    for name, prop in (schema.get("properties") or {}).items():
        yield f"{prefix}{name}"
        yield from _property_paths(prop, root, f"{prefix}{name}.")
    if isinstance(schema.get("items"), dict):
        yield from _property_paths(schema["items"], root, prefix)


def _export_paths(node: Any, root: dict[str, Any], prefix: str = "") -> set[str]:
    return set(_property_paths(node, root, prefix))


def test_every_field_of_the_register_has_its_place_in_the_export_schema() -> None:
    """A key added to activity.schema.json or organization.schema.json must be exported too."""
    export_schema = json.loads((SCHEMA_DIR / "export.schema.json").read_text())
    activity_schema = json.loads((SCHEMA_DIR / "activity.schema.json").read_text())
    org_schema = json.loads((SCHEMA_DIR / "organization.schema.json").read_text())
    exported = _export_paths(export_schema["$defs"]["activity"], export_schema)
    missing = sorted(p for p in _property_paths(activity_schema, activity_schema) if p not in exported)
    assert not missing, f"activity keys the export does not carry: {missing}"
    exported_org = (
        _export_paths(export_schema["$defs"]["organization"], export_schema)
        | {f"parties.{p}" for p in _export_paths(export_schema["$defs"]["party"], export_schema)}
        | {"parties"}
    )
    missing = sorted(p for p in _property_paths(org_schema, org_schema) if p not in exported_org)
    assert not missing, f"organisation keys the export does not carry: {missing}"
    assert set(activity_schema["properties"]) == model.ACTIVITY_KEYS
    assert set(org_schema["properties"]) == model.ORGANIZATION_KEYS


def test_json_is_utf8_and_ends_with_a_newline(full: Register, tmp_path: Path) -> None:
    data = render(full, Options("json"))
    assert data.endswith(b"}\n")
    assert "État civil".encode() in data, "no \\u escapes for accented letters"
