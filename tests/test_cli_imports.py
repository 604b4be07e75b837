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
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported(*args: str, full: bool = False) -> tuple[int, set[str]]:
    """The exit code and the modules imported (top-level packages, or every module with ``full``)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    answer = json.loads(done.stdout)
    return answer["code"], {m if full else m.split(".")[0] for m in answer["modules"]}


def test_version_imports_no_heavy_library() -> None:
    code, modules = imported("--version")
    assert code == 0
    assert not modules & (SITE_AND_EXPORT | {"jsonschema", "referencing", "pycountry"})


@pytest.mark.parametrize("target", ["register/activities/fidelisation-artemis.yaml", "."])
def test_validate_imports_neither_openpyxl_nor_the_site(target: str) -> None:
    code, modules = imported("validate", target)
    assert code == 0
    assert modules & {"jsonschema", "jsonschema_rs"}  # it did validate (compiled, or jsonschema for errors)
    # nor pycountry, though fidelisation-artemis transfers to the US (generator/data/countries.yaml)
    assert not modules & (SITE_AND_EXPORT | {"pycountry"})


def test_the_hook_imports_no_diagram_code() -> None:
    """No check draws a diagram: the hook imports neither the Mermaid code nor the typed model
    it draws from, on a sheet or on a process."""
    code, modules = imported("validate", "register/activities/gestion-personnel-paie.yaml", full=True)
    assert code == 0
    assert "generator.lint.process_rules" in modules  # the process checks ran, with nothing to draw
    assert not modules & {"generator.render.mermaid", "generator.model.activity", "generator.model.organisation",
                          "pycountry"}
    code, modules = imported("validate", "processes/fidelisation.yaml", full=True)
    assert code == 0 and "generator.lint.process_rules" in modules
    assert not modules & {"generator.render.mermaid", "generator.render.swimlane", "generator.model.activity"}


def test_every_command_parser_builds_without_heavy_imports() -> None:
    code, modules = imported("--help")
    assert code == 0
    assert not modules & (SITE_AND_EXPORT | {"jsonschema"})
