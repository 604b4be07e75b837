"""The published schemas used by someone else, with no network and no help from ropa:
check-jsonschema on the command line, and plain jsonschema resolving ``$ref`` from the file's
own location (no hand-built registry). Both validate the register files and the JSON export."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, copy_register
from jsonschema import Draft202012Validator

SCHEMA_DIR = REPO / "schema"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
ACTIVITIES = sorted((REPO / "register" / "activities").glob("*.yaml"))
PROCESSES = sorted((REPO / "processes").glob("*.yaml"))


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    # --no-cache and a dead proxy: any attempt to fetch a reference fails the run
    env = {"PATH": "/usr/bin:/bin", "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--no-cache", "--schemafile", str(schema), *map(str, files)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture(scope="module")
def export_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CentreCall's JSON export, written by `ropa export` into a copy of its repository."""
    repo = copy_register(tmp_path_factory.mktemp("export") / "repo")
    out = repo / "registre.json"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "export", "--format", "json", "--root", str(repo), "-o", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize(
    "schema, files",
    [
        ("activity", ACTIVITIES),
        ("organization", [REPO / "register" / "organization.yaml"]),
        ("process", PROCESSES),
    ],
    ids=["activities", "organization", "processes"],
)
def test_check_jsonschema_validates_the_register(schema: str, files: list[Path]) -> None:
    assert files
    proc = check_jsonschema(SCHEMA_DIR / f"{schema}.schema.json", *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_check_jsonschema_validates_the_export(export_file: Path) -> None:
    proc = check_jsonschema(SCHEMA_DIR / "export.schema.json", export_file)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_jsonschema_reports_a_broken_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "x.yaml"
    text = ACTIVITIES[0].read_text(encoding="utf-8")
    sheet.write_text(text.replace("category: ", "category: nimporte-quoi-", 1), encoding="utf-8")
    proc = check_jsonschema(SCHEMA_DIR / "activity.schema.json", sheet)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "nimporte-quoi-" in proc.stdout + proc.stderr


def plain_validator(schema_path: Path) -> Draft202012Validator:
    """What a user of plain jsonschema writes: the schema, and its own location as base URI."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver: the no-registry way
        from jsonschema import RefResolver

        resolver = RefResolver(base_uri=schema_path.as_uri(), referrer=schema)
        return Draft202012Validator(schema, resolver=resolver)


def _yaml(path: Path) -> Any:
    class Loader(yaml.SafeLoader):
        pass

    # YAML 1.2 dates stay strings, as the register loader reads them
    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


@pytest.mark.parametrize("path", ACTIVITIES, ids=lambda p: p.stem)
def test_plain_jsonschema_validates_each_sheet(path: Path) -> None:
    errors = [e.message for e in plain_validator(SCHEMA_DIR / "activity.schema.json").iter_errors(_yaml(path))]
    assert errors == []


def test_plain_jsonschema_validates_the_organisation_and_the_export(export_file: Path) -> None:
    org = _yaml(REPO / "register" / "organization.yaml")
    assert [e.message for e in plain_validator(SCHEMA_DIR / "organization.schema.json").iter_errors(org)] == []
    doc = json.loads(export_file.read_text(encoding="utf-8"))
    assert [e.message for e in plain_validator(SCHEMA_DIR / "export.schema.json").iter_errors(doc)] == []
    # the references really are followed: a bad value under a $ref is caught
    doc["organization"]["dpo"]["type"] = "freelance"
    assert list(plain_validator(SCHEMA_DIR / "export.schema.json").iter_errors(doc))


def test_the_export_names_a_schema_that_resolves(export_file: Path) -> None:
    doc = json.loads(export_file.read_text(encoding="utf-8"))
    target = export_file.parent / doc["$schema"]
    assert doc["$schema"] == "schema/export.schema.json"
    # relative to the register repository, where `ropa init` copies schema/
    assert (REPO / doc["$schema"]).is_file() and target.name == "export.schema.json"
