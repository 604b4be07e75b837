"""The command line stays light: ``ropa --version`` and ``ropa validate`` (what the pre-commit
hook runs on every commit) import neither openpyxl nor the site stack (Jinja, MkDocs, Markdown);
``--version`` not even the schema validator. Each is checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

SITE_AND_EXPORT = {"openpyxl", "xlsxwriter", "jinja2", "mkdocs", "markdown", "pymdownx", "material"}

PROBE = """
import contextlib, io, json, sys
from generator.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def imported(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    answer = json.loads(done.stdout)
    return answer["code"], set(answer["modules"])


def test_version_imports_no_heavy_library() -> None:
    code, modules = imported("--version")
    assert code == 0
    assert not modules & (SITE_AND_EXPORT | {"jsonschema", "referencing", "pycountry"})


@pytest.mark.parametrize("target", ["register/activities/fidelisation-artemis.yaml", "."])
def test_validate_imports_neither_openpyxl_nor_the_site(target: str) -> None:
    code, modules = imported("validate", target)
    assert code == 0
    assert modules & {"jsonschema", "jsonschema_rs"}  # it did validate (compiled, or jsonschema for errors)
    assert not modules & SITE_AND_EXPORT


def test_every_command_parser_builds_without_heavy_imports() -> None:
    code, modules = imported("--help")
    assert code == 0
    assert not modules & (SITE_AND_EXPORT | {"jsonschema"})
