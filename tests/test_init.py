"""``ropa init``, the pre-commit hook and the CI templates: run for real on real repositories."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from html import escape
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Runner, copy_register
from gitrepo import git
from markdown_it import MarkdownIt

from generator.cli import main
from generator.lint.report import format_gitlab
from generator.lint.rules import Diagnostic
from generator.lint.runner import load_register
from generator.load.yamlload import load

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
MARK = "À COMPLÉTER"

# What a new user writes in place of each placeholder ropa init leaves in organization.yaml.
ORG_VALUES = {
    "street": "12 rue des Lilas",
    "postal_code": '"69003"',
    "city": "Lyon",
    "phone": '"+33 4 00 00 00 01"',
    "email": "contact@lilas.example",
    "first_name": "Claire",
    "last_name": "Martin",
    "position": "Gérante",
}


def fill_organization(repo: Path, name: str | None = None) -> None:
    """Replace every placeholder of register/organization.yaml as a user would (« À COMPLÉTER »,
    or "TO BE COMPLETED" in an English register)."""
    path = repo / "register/organization.yaml"
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        key = re.match(r"^\s*([a-z_]+): ", line)
        if any(mark in line for mark in (MARK, "TO BE COMPLETED")) and not line.lstrip().startswith("#") and key:
            value = name if key.group(1) == "name" and name else ORG_VALUES.get(key.group(1), "")
            assert value, line
            line = f"{line[: line.index(':') + 2]}{value}\n"
        lines.append(line)
    path.write_text("".join(lines), encoding="utf-8")


def yaml(path: Path) -> Any:
    return load(path, str(path)).data


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
    written = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert written == expected
    for path in fresh.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            text = path.read_text(encoding="utf-8")
            assert "[[" not in text and "[%" not in text, f"template syntax left in {path}"
            for node in ("npm ", "node_modules", "setup-node", "package.json"):
                assert node not in text, f"{path} still needs Node.js ({node})"
    # the project's mkdocs.yml, its comments in French (scaffold.mkdocs_comments)
    def settings(text: str) -> list[str]:
        return [re.sub(r"(^|\s+)# .*$", "", line) for line in text.splitlines()]

    copied, own = (fresh / "mkdocs.yml").read_text(encoding="utf-8"), (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert settings(copied) == settings(own) and copied != own
    assert "  font: false           # pas de Google Fonts : les polices du système, aucune requête vers un tiers\n" in copied
    # the editor lines of the register files resolve to the copied schemas
    for sheet in ("register/organization.yaml", "register/activities/gestion-clientele.yaml"):
        first = (fresh / sheet).read_text(encoding="utf-8").splitlines()[0]
        schema = first.split("$schema=", 1)[1]
        assert (fresh / sheet).parent.joinpath(schema).resolve().is_file()


def test_example_values_are_placeholders_until_replaced(fresh: Path, tmp_path: Path) -> None:
    reg = load_register(fresh)
    flagged = [(d.file, d.rule) for d in reg.diagnostics if d.rule == "placeholder"]
    assert len(flagged) >= 10 and {Path(path).name for path, _ in flagged} == {"organization.yaml"}
    text = (fresh / "register/organization.yaml").read_text(encoding="utf-8")
    for example in ("Prénom", "organisme.example", "rue de l'Exemple", "00 00"):
        assert example not in text
    assert yaml(fresh / "register/organization.yaml")["name"] == "Exemple & Fils"
    assert yaml(fresh / "register/activities/gestion-clientele.yaml")["id"] == "gestion-clientele"
    # once the user wrote the real values, the repository validates
    repo = tmp_path / "r"
    assert init(repo, "--name", "Les Lilas") == 0
    fill_organization(repo)
    assert [d.text() for d in load_register(repo).diagnostics] == []


def test_exports_under_their_default_names_are_not_committed(tmp_path: Path) -> None:
    """``ropa export`` writes into the repository's root by default; ``git add -A`` then must not
    pick the files up: they are rebuilt from the register (and the site offers them too)."""
    repo = tmp_path / "r"
    assert init(repo, "--name", "Mairie de Saint-Aubin") == 0
    fill_organization(repo)
    for fmt in ("xlsx", "csv", "json"):
        assert main(["export", "--format", fmt, "--root", str(repo), "-o",
                     str(repo / f"registre-mairie-de-saint-aubin.{fmt}")]) == 0
    assert main(["export", "--format", "csv", "--per", "data-category", "--lang", "en", "--root", str(repo),
                 "-o", str(repo / "register-mairie-de-saint-aubin-categories.csv")]) == 0
    untracked = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert untracked and not [line for line in untracked if "registre-" in line or "register-" in line]
    assert "?? register/organization.yaml" in untracked


def test_without_a_name_the_name_is_a_placeholder_too(tmp_path: Path) -> None:
    assert init(tmp_path / "r") == 0
    assert yaml(tmp_path / "r/register/organization.yaml")["name"] == MARK


def test_creates_a_git_repository_on_main_with_normal_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert init(tmp_path / "r", "--name", "Les Lilas") == 0
    finally:
        os.umask(old)
    repo = tmp_path / "r"
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == "main"
    for path in [repo, *repo.rglob("*")]:
        if ".git" in path.relative_to(tmp_path).parts:
            continue
        assert path.stat().st_mode & 0o777 == (0o755 if path.is_dir() else 0o644), path
    workflow = yaml(repo / ".github/workflows/register.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "ropa diff main" in (repo / "README.md").read_text(encoding="utf-8")
    # inside an existing repository, no nested one
    assert init(repo / "autre") == 0
    assert not (repo / "autre/.git").exists()


def test_names_are_written_safely(tmp_path: Path) -> None:
    name = 'Acme: "SAS" # [lien](http://x.example) <b>'
    assert init(tmp_path / "r", "--name", name) == 0
    assert yaml(tmp_path / "r/register/organization.yaml")["name"] == name
    readme = (tmp_path / "r/README.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(readme)
    assert "<a " not in html and "<b>" not in html  # GitHub shows the name, no link, no tag
    assert f"<h1>Registre des activités de traitement — {escape(name)}</h1>" in html


def _title(site: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", (site / "index.html").read_text(encoding="utf-8"))
    assert match, "no <title>"
    return match.group(1)


def test_builds_once_filled_and_the_site_is_named_after_the_organisation(tmp_path: Path, ropa: Runner) -> None:
    target = tmp_path / "registre"
    assert init(target, "--name", "Les Lilas & Cie <i>") == 0
    proc = ropa("build", "--root", target, cwd=tmp_path)
    assert proc.returncode == 1 and "[placeholder]" in proc.stdout + proc.stderr  # the placeholders stop it
    fill_organization(target)
    proc = ropa("build", "--root", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "site/activites/gestion-clientele/index.html").is_file()
    assert not (target / "node_modules").exists()
    # register text in site_name, which the themes print both as it is and escaped: < > as their
    # full-width forms, so it reads the same in both places and never becomes markup
    assert _title(target / "site").endswith("Registre des activités de traitement — Les Lilas & Cie \uff1ci\uff1e")
    home = (target / "site/index.html").read_text(encoding="utf-8")
    assert "<i>" not in home and "&amp;amp;" not in home
    # renaming the organisation renames the site (and the exports) on the next build
    org = target / "register/organization.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("Les Lilas & Cie <i>", "Les Tilleuls"), encoding="utf-8")
    proc = ropa("build", "--root", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _title(target / "site").endswith("Registre des activités de traitement — Les Tilleuls")
    # a site_name chosen on purpose is kept
    config = target / "mkdocs.yml"
    config.write_text(
        re.sub(r"(?m)^site_name: .*$", "site_name: Registre RGPD interne", config.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    proc = ropa("build", "--root", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _title(target / "site").endswith("Registre RGPD interne")


@pytest.mark.parametrize("content", ["file", "dir"])
def test_refuses_a_non_empty_folder(tmp_path: Path, ropa: Runner, content: str) -> None:
    target = tmp_path / "existant"
    target.mkdir()
    (target / "notes.txt").write_text("à garder\n", encoding="utf-8") if content == "file" else (
        target / ".git"
    ).mkdir()
    proc = ropa("init", target, "--lang", "en")
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
    proc = ropa("init", tmp_path / "f", "--lang", "en")
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
    assert not any("npm" in s.get("run", "") or "node" in s.get("uses", "") for s in site["steps"])
    assert any(s.get("run") == "ropa build" for s in site["steps"])
    text = (fresh / ".github/workflows/register.yml").read_text(encoding="utf-8")
    for job in workflow["jobs"].values():
        assert isinstance(job.get("timeout-minutes"), int), job
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
                assert re.search(re.escape(step["uses"]) + r"  # v\d+\.\d+\.\d+\n", text), step["uses"]
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
    jobs = {name: job for name, job in ci.items() if isinstance(job, dict) and "script" in job}
    assert set(jobs) == {"validate", "diff", "pages"}
    for job in jobs.values():
        assert re.fullmatch(r"\d+ minutes", job.get("timeout", "")), job
        assert not any("npm" in line or "nodejs" in line for line in job["script"])


@pytest.mark.parametrize(
    "path, schema", [(".github/workflows/register.yml", "vendor.github-workflows"), (".gitlab-ci.yml", "vendor.gitlab-ci")]
)
def test_ci_templates_pass_check_jsonschema(fresh: Path, path: str, schema: str) -> None:
    proc = subprocess.run(
        [Path(sys.executable).parent / "check-jsonschema", "--builtin-schema", schema, fresh / path],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_github_workflow_passes_zizmor(fresh: Path) -> None:
    proc = subprocess.run(
        [Path(sys.executable).parent / "zizmor", "--offline", "--no-progress", fresh / ".github/workflows/register.yml"],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


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
    fill_organization(repo, name="Les Lilas")
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
    assert diff.startswith("## Modifications du registre entre origin/main et HEAD\n\n1 fiche modifiée\n")
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


def test_configs_use_the_published_hook(fresh: Path, tmp_path: Path) -> None:
    manifest = hook()
    assert (manifest["id"], manifest["entry"], manifest["language"]) == (
        "ropa-validate",
        "ropa validate",
        "python",
    )
    (own,) = yaml(REPO / ".pre-commit-config.yaml")["repos"]
    (local,) = own["hooks"]
    assert local["id"] == manifest["id"] and local["files"] == manifest["files"]
    assert local["entry"].endswith(manifest["entry"])
    # a new register uses the hook ropa's repository publishes, at this version's tag
    (repo,) = yaml(fresh / ".pre-commit-config.yaml")["repos"]
    assert repo["repo"] == "https://github.com/ropa-register/ropa" and repo["rev"] == "v0.1.0"
    assert repo["hooks"] == [{"id": "ropa-validate"}]
    # --local-hook: the ropa installed on the machine, nothing for pre-commit to download
    assert init(tmp_path / "r", "--local-hook") == 0
    (repo,) = yaml(tmp_path / "r/.pre-commit-config.yaml")["repos"]
    (hook_,) = repo["hooks"]
    assert repo["repo"] == "local" and hook_["language"] == "system"
    assert (hook_["id"], hook_["entry"], hook_["files"]) == (manifest["id"], manifest["entry"], manifest["files"])


def _hook_repository(dest: Path) -> tuple[Path, str]:
    """A git repository holding this checkout as it is now (what pre-commit clones from
    ropa's repository), with the locked Mermaid files a clone gets from `npm ci`; its commit."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
        check=True, capture_output=True, text=True,
    ).stdout.split("\0")
    mermaid = REPO / "node_modules" / "mermaid"
    extra = [f"node_modules/mermaid/{p}" for p in ("package.json", "LICENSE", "dist/mermaid.min.js")]
    for rel in [*filter(None, listed), *extra]:
        if (REPO / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes((REPO / rel).read_bytes())
    assert mermaid.is_dir()
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "add", "-f", *extra)
    git(dest, "commit", "-q", "-m", "ropa as it is now")
    return dest, git(dest, "rev-parse", "HEAD").strip()


def _pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRE_COMMIT, "run", *args], cwd=repo, env=env, check=False, capture_output=True, text=True, timeout=900
    )


def _typo_is_refused(repo: Path, env: dict[str, str]) -> None:
    ok = _pre_commit(repo, env, "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"ropa validate\.+Passed", ok.stdout)
    git(repo, "commit", "-q", "-m", "Registre initial")
    sheet = repo / "register/activities/gestion-clientele.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("basis: contract", "basis: contrat"), encoding="utf-8")
    git(repo, "add", "-A")
    bad = _pre_commit(repo, env)
    assert bad.returncode == 1
    assert re.search(r"ropa validate\.+Failed", bad.stdout)
    assert re.search(r"register/activities/gestion-clientele\.yaml:\d+:\d+: error: .*\[schema-enum\]", bad.stdout)


def test_pre_commit_runs_the_published_hook_in_a_new_register(tmp_path: Path) -> None:
    """Real pre-commit in a fresh `ropa init`, with the hook of ropa's repository (here a local
    clone of this checkout at its commit): pre-commit builds and installs the wheel itself."""
    source, commit = _hook_repository(tmp_path / "ropa-src")
    repo = tmp_path / "registre"
    assert init(repo, "--name", "Les Lilas") == 0
    fill_organization(repo)
    config = repo / ".pre-commit-config.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('"https://github.com/ropa-register/ropa"', json.dumps(str(source)))
    config.write_text(text.replace('rev: "v0.1.0"', f"rev: {commit}"), encoding="utf-8")
    git(repo, "add", "-A")
    _typo_is_refused(repo, {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")})


def test_pre_commit_runs_the_local_hook(tmp_path: Path) -> None:
    """--local-hook: pre-commit runs the ropa on PATH (here this checkout's), downloading nothing."""
    repo = tmp_path / "registre"
    assert init(repo, "--name", "Les Lilas", "--local-hook") == 0
    fill_organization(repo)
    git(repo, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    _typo_is_refused(repo, env)


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


def test_default_package_and_hook_are_this_distribution(tmp_path: Path) -> None:
    """Without --package, CI installs this ropa by its distribution name and version (this
    checkout is installed in editable mode, not from git), and pre-commit uses the tag."""
    assert init(tmp_path / "r") == 0
    workflow = yaml(tmp_path / "r/.github/workflows/register.yml")
    assert workflow["env"]["ROPA_PACKAGE"] == "ropa-register==0.1.0"
    assert yaml(tmp_path / "r/.gitlab-ci.yml")["variables"]["ROPA_PACKAGE"] == "ropa-register==0.1.0"
    (repo,) = yaml(tmp_path / "r/.pre-commit-config.yaml")["repos"]
    assert (repo["repo"], repo["rev"]) == ("https://github.com/ropa-register/ropa", "v0.1.0")


def test_the_confirmation_reads_well_when_the_folder_is_named_registre(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's own command, ``ropa init registre``, said « dépôt du registre registre créé »."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "registre", "--name", "Mairie", "--lang", "fr"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("dépôt du registre créé dans registre (15 fichiers\xa0; ")
    assert main(["init", "register", "--name", "Town hall", "--lang", "en"]) == 0
    assert capsys.readouterr().err.startswith("created the register repository in register (15 files; ")


def test_readme_gives_the_local_hook_as_init_writes_it(tmp_path: Path) -> None:
    """The README's step 4 shows the offline hook for a repository made without --local-hook:
    it is the configuration ``ropa init --local-hook`` writes, so copying it works."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("with what `--local-hook` writes:", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert init(tmp_path / "r", "--local-hook") == 0
    written = (tmp_path / "r/.pre-commit-config.yaml").read_text(encoding="utf-8")
    import yaml as pyyaml

    assert pyyaml.safe_load(textwrap.dedent(shown)) == pyyaml.safe_load(written)
