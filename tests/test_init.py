"""``ropa init``, the pre-commit hook and the CI templates: run for real on real repositories."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Runner, copy_register

from generator.cli import main
from generator.lint.report import format_gitlab
from generator.lint.rules import Diagnostic
from generator.lint.runner import load_register
from generator.load.yamlload import load

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def yaml(path: Path) -> Any:
    return load(path, str(path)).data


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=Nadia Azri",
            "-c",
            "user.email=n.azri@exemple.example",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def init(target: Path, *args: str) -> int:
    return main(["init", str(target), *args])


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register repository made by ``ropa init`` (read-only use)."""
    target = tmp_path_factory.mktemp("init") / "registre"
    assert (
        init(
            target, "--name", "Exemple & Fils", "--package", "ropa @ git+https://git.example/ropa.git@v0.1.0"
        )
        == 0
    )
    return target


def test_writes_a_complete_repository(fresh: Path) -> None:
    expected = {
        "mkdocs.yml",
        "package.json",
        "package-lock.json",
        "docs/contribuer.md",
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/register.yml",
        ".gitlab-ci.yml",
        "processes/.gitkeep",
        "register/organization.yaml",
        "register/activities/gestion-clientele.yaml",
    }
    expected |= {f"schema/{p.name}" for p in (REPO / "schema").glob("*.schema.json")}
    written = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file()}
    assert written == expected
    for path in fresh.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "[[" not in text and "[%" not in text, f"template syntax left in {path}"
    # the site uses the project's own pinned Mermaid, lock file included
    assert json.loads((fresh / "package.json").read_text()) == json.loads((REPO / "package.json").read_text())
    assert (fresh / "package-lock.json").read_bytes() == (REPO / "package-lock.json").read_bytes()
    # the editor lines of the register files resolve to the copied schemas
    for sheet in ("register/organization.yaml", "register/activities/gestion-clientele.yaml"):
        first = (fresh / sheet).read_text(encoding="utf-8").splitlines()[0]
        schema = first.split("$schema=", 1)[1]
        assert (fresh / sheet).parent.joinpath(schema).resolve().is_file()


def test_validates_out_of_the_box(fresh: Path) -> None:
    reg = load_register(fresh)
    assert [d.text() for d in reg.diagnostics] == []
    assert yaml(fresh / "register/organization.yaml")["name"] == "Exemple & Fils"
    assert yaml(fresh / "register/activities/gestion-clientele.yaml")["id"] == "gestion-clientele"


def test_names_are_written_safely(tmp_path: Path) -> None:
    name = 'Acme: "SAS" # [lien](http://x.example) <b>'
    assert init(tmp_path / "r", "--name", name) == 0
    assert yaml(tmp_path / "r/register/organization.yaml")["name"] == name
    site_name = next(
        line
        for line in (tmp_path / "r/mkdocs.yml").read_text(encoding="utf-8").splitlines()
        if line.startswith("site_name:")
    )
    assert json.loads(site_name.split(": ", 1)[1]) == f"Registre des activités de traitement — {name}"
    readme = (tmp_path / "r/README.md").read_text(encoding="utf-8")
    assert "](http" not in readme.split("\n", 1)[0] and "<b>" not in readme


def test_builds_out_of_the_box(tmp_path: Path, ropa: Runner) -> None:
    if not (REPO / "node_modules" / "mermaid").is_dir():
        pytest.fail("node_modules is missing: run `npm ci` (make setup does)")
    target = tmp_path / "registre"
    assert init(target) == 0
    (target / "node_modules").symlink_to(REPO / "node_modules")  # what `npm ci` installs there
    proc = ropa("build", "--root", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "site/index.html").is_file()
    assert (target / "site/activites/gestion-clientele/index.html").is_file()


@pytest.mark.parametrize("content", ["file", "dir"])
def test_refuses_a_non_empty_folder(tmp_path: Path, ropa: Runner, content: str) -> None:
    target = tmp_path / "existant"
    target.mkdir()
    (target / "notes.txt").write_text("à garder\n", encoding="utf-8") if content == "file" else (
        target / ".git"
    ).mkdir()
    proc = ropa("init", target)
    assert proc.returncode == 2
    assert "is not empty" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in target.iterdir()) == (["notes.txt"] if content == "file" else [".git"])
    assert [p.name for p in tmp_path.iterdir()] == ["existant"]  # no staging folder left behind


def test_fills_an_existing_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()
    assert init(tmp_path / "vide") == 0
    assert (tmp_path / "vide/register/organization.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vide"]


def test_refuses_a_file(tmp_path: Path, ropa: Runner) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    proc = ropa("init", tmp_path / "f")
    assert proc.returncode == 2 and "is not a folder" in proc.stderr


# --- CI templates -----------------------------------------------------------------------------


def test_github_workflow(fresh: Path) -> None:
    workflow = yaml(fresh / ".github/workflows/register.yml")
    assert set(workflow["on"]) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow["env"]["ROPA_PACKAGE"] == "ropa @ git+https://git.example/ropa.git@v0.1.0"
    assert workflow["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in workflow["jobs"]["validate"]["steps"]]
    assert any("ropa validate --format github" in r for r in runs)
    assert any('ropa diff "origin/$BASE_REF" HEAD --format markdown' in r for r in runs)
    site = workflow["jobs"]["site"]
    assert any("npm ci" in s.get("run", "") for s in site["steps"])
    assert any(s.get("run") == "ropa build" for s in site["steps"])
    # no untrusted value is expanded inside a shell script
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), step


def test_gitlab_ci(fresh: Path) -> None:
    ci = yaml(fresh / ".gitlab-ci.yml")
    assert ci["variables"]["ROPA_PACKAGE"] == "ropa @ git+https://git.example/ropa.git@v0.1.0"
    assert ci["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "ropa validate --format gitlab > gl-code-quality-report.json || true" in ci["validate"]["script"]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert "ropa build --site-dir public" in ci["pages"]["script"]


def ropa_commands(fresh: Path) -> list[str]:
    """Every ropa command line the two CI templates run."""
    workflow = yaml(fresh / ".github/workflows/register.yml")
    gitlab = yaml(fresh / ".gitlab-ci.yml")
    lines = [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        for line in step.get("run", "").splitlines()
    ]
    lines += [line for job in gitlab.values() if isinstance(job, dict) for line in job.get("script", [])]
    return [line for line in lines if line.startswith("ropa ")]


def test_ci_commands_run_on_a_pull_request(fresh: Path, tmp_path: Path) -> None:
    """The templates' ropa commands, run as CI would on a branch of a new register."""
    repo = tmp_path / "repo"
    assert init(repo) == 0
    (repo / "node_modules").symlink_to(REPO / "node_modules")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ropa init")
    git(repo, "remote", "add", "origin", str(repo))
    git(repo, "fetch", "-q", "origin")
    git(repo, "checkout", "-q", "-b", "conservation")
    sheet = repo / "register/activities/gestion-clientele.yaml"
    sheet.write_text(
        sheet.read_text(encoding="utf-8")
        .replace("duration: P3Y", "duration: P5Y")
        .replace("  - category: customers\n", "  - category: customerz\n"),
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-am", "Conservation portée à 5 ans")
    env = {
        **os.environ,
        "BASE_REF": "main",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    outputs: dict[str, subprocess.CompletedProcess[str]] = {}
    commands = ropa_commands(fresh)
    assert len(commands) >= 6, commands
    for command in commands:
        outputs[command] = subprocess.run(
            ["bash", "-c", command.replace("| tee", "| tee -a")],
            cwd=repo,
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
    github = outputs["ropa validate --format github"]
    assert github.returncode == 1
    assert re.search(
        r"^::error file=register/activities/gestion-clientele\.yaml,line=\d+,col=\d+,"
        r"title=schema-enum::",
        github.stdout,
        re.MULTILINE,
    )
    report = json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(r["check_name"], r["location"]["path"], r["severity"]) for r in report] == [
        ("schema-enum", "register/activities/gestion-clientele.yaml", "major")
    ]
    diff = (repo / "register-diff.md").read_text(encoding="utf-8")
    assert diff.startswith("## Modifications du registre entre origin\\/main et HEAD")
    assert "| 3 ans | 5 ans |" in diff
    # the site commands refuse the broken register, and build it once fixed
    assert outputs["ropa build"].returncode == 1
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("customerz", "customers"), encoding="utf-8")
    for command in ("ropa build", "ropa build --site-dir public"):
        proc = subprocess.run(
            shlex.split(command), cwd=repo, env=env, check=False, capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (repo / "public/index.html").is_file() and (repo / "site/index.html").is_file()


# --- GitLab code quality ----------------------------------------------------------------------


def test_gitlab_report_fingerprints_survive_moved_lines() -> None:
    bad = {"field": "role", "value": "'x'", "choices": "controller, processor", "hint": ""}
    first = Diagnostic.of("schema-enum", "register/a.yaml", 10, 3, **bad)
    moved = Diagnostic.of("schema-enum", "register/a.yaml", 14, 3, **bad)
    twice = Diagnostic.of("schema-enum", "register/a.yaml", 20, 3, **bad)
    warning = Diagnostic.of("review-missing", "register/b.yaml", 0, 0, today="2026-11-28")
    a = json.loads(format_gitlab([first, warning], "en"))
    b = json.loads(format_gitlab([moved, twice, warning], "en"))
    assert a[0]["fingerprint"] == b[0]["fingerprint"]
    assert len({r["fingerprint"] for r in b}) == 3
    french = json.loads(format_gitlab([first, warning], "fr"))  # the language changes no fingerprint
    assert [r["fingerprint"] for r in french] == [r["fingerprint"] for r in a]
    assert french[0]["description"].startswith("role : 'x' ne fait pas partie des valeurs possibles")
    assert a[1] == {
        "description": warning.message("en"),
        "check_name": "review-missing",
        "fingerprint": a[1]["fingerprint"],
        "severity": "minor",
        "location": {"path": "register/b.yaml", "lines": {"begin": 1}},
    }


# --- pre-commit -------------------------------------------------------------------------------


def hook() -> dict[str, Any]:
    (manifest,) = yaml(REPO / ".pre-commit-hooks.yaml")
    return dict(manifest)


def test_hook_manifest_and_configs_are_valid_for_pre_commit(fresh: Path) -> None:
    for args in (
        ["validate-manifest", REPO / ".pre-commit-hooks.yaml"],
        ["validate-config", REPO / ".pre-commit-config.yaml"],
        ["validate-config", fresh / ".pre-commit-config.yaml"],
    ):
        proc = subprocess.run(
            [*PRE_COMMIT, *map(str, args)], check=False, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_configs_use_the_published_hook(fresh: Path) -> None:
    manifest = hook()
    assert (manifest["id"], manifest["entry"], manifest["language"]) == (
        "ropa-validate",
        "ropa validate",
        "python",
    )
    for config in (REPO / ".pre-commit-config.yaml", fresh / ".pre-commit-config.yaml"):
        (repo,) = yaml(config)["repos"]
        (local,) = repo["hooks"]
        assert local["id"] == manifest["id"] and local["files"] == manifest["files"]
        assert local["entry"].endswith(manifest["entry"])
    user = yaml(fresh / ".pre-commit-config.yaml")["repos"][0]["hooks"][0]
    assert user["language"] == "python"
    assert user["additional_dependencies"] == ["ropa @ git+https://git.example/ropa.git@v0.1.0"]


@pytest.mark.parametrize(
    "path, matched",
    [
        ("register/organization.yaml", True),
        ("register/activities/x.yaml", True),
        ("processes/p.yml", True),
        ("docs/x.yaml", False),
        ("register/activities/x.md", False),
        ("mkdocs.yml", False),
    ],
)
def test_hook_files_pattern(path: str, matched: bool) -> None:
    assert bool(re.search(hook()["files"], path)) is matched


def test_hook_entry_on_the_staged_files(centrecall: Path) -> None:
    """What pre-commit runs: the entry followed by the matching files, from the repository root."""
    staged = ["register/activities/fidelisation-artemis.yaml", "processes/fidelisation.yaml"]
    entry = shlex.split(hook()["entry"])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [*entry, *staged], cwd=centrecall, env=env, check=False, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = centrecall / "register/activities/routage-appels-artemis.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("role: processor", "role: sous-traitant"), encoding="utf-8"
    )
    proc = subprocess.run(
        [*entry, *staged], cwd=centrecall, env=env, check=False, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout  # the broken file is not part of this commit
    proc = subprocess.run(
        [*entry, *staged, broken.relative_to(centrecall).as_posix()],
        cwd=centrecall,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "routage-appels-artemis.yaml:" in proc.stdout and "fidelisation" not in proc.stdout


def test_this_repository_runs_its_own_hook(tmp_path: Path) -> None:
    """pre-commit itself runs this repository's hook on a commit that breaks a sheet."""
    repo = copy_register(tmp_path / "repo")
    (repo / ".pre-commit-config.yaml").write_bytes((REPO / ".pre-commit-config.yaml").read_bytes())
    (repo / ".venv").symlink_to(Path(sys.executable).parent.parent)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    ok = subprocess.run(
        [*PRE_COMMIT, "run", "--all-files"],
        cwd=repo,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"ropa validate\.+Passed", ok.stdout)
    sheet = repo / "register/activities/formation-operateurs.yaml"
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("ref: RT-01", "ref: ST-ART-01"), encoding="utf-8"
    )
    git(repo, "add", "-A")
    bad = subprocess.run(
        [*PRE_COMMIT, "run"], cwd=repo, env=env, check=False, capture_output=True, text=True, timeout=300
    )
    assert bad.returncode == 1
    assert re.search(r"ropa validate\.+Failed", bad.stdout)
    assert "[duplicate-ref]" in bad.stdout
