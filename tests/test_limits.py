"""A hostile register read by the real commands: the flood of problems of one file is capped in
what a terminal is shown (``report.SHOWN_PER_FILE``), and the whole register is bounded in files
and bytes (``files.MAX_REGISTER_FILES``, ``files.MAX_REGISTER_BYTES``) as it is read.

The register limits are far above what a test can write quickly (60,000 files, 256 MiB): those
runs lower them in the command's own process, then run ``ropa`` as a user does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_register
from sitebuild import site_repo
from test_hostile import TIMEOUT, WRITES_CACHE, bounded

from generator.lint.report import SHOWN_PER_FILE

ACTIVITIES = Path("register") / "activities"
FLOODED = "register/activities/formation-operateurs.yaml"
CATEGORIES = 1000
"""Items of the flooded sheet's ``data_categories`` (the most a list may hold), each with unknown
category, no description and no retention: four problems an item, some 4,000 in one file."""


def _flood(root: Path) -> None:
    """CentreCall's training sheet with ``CATEGORIES`` bad data categories, and a second sheet
    with one problem of its own, which the flood must not hide."""
    path = root / FLOODED
    text = path.read_text(encoding="utf-8")
    start = text.index("\ndata_categories:\n") + 1
    end = re.compile(r"^\S", re.M).search(text, start + len("data_categories:\n"))
    assert end is not None
    bad = "".join(f"  - {{category: inconnue-{i}}}\n" for i in range(CATEGORIES))
    path.write_text(text[:start] + "data_categories:\n" + bad + text[end.start():], encoding="utf-8")
    other = root / ACTIVITIES / "gestion-personnel-paie.yaml"
    assert other.is_file()
    other.write_text(other.read_text(encoding="utf-8").replace("\nrole: ", "\nrole: inconnu-role\nx_role: ", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def flooded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = site_repo(tmp_path_factory.mktemp("flood") / "repo")
    _flood(root)
    return root


@pytest.fixture(scope="module")
def every_problem(flooded: Path) -> list[dict[str, object]]:
    """What ``--format json`` gives: every problem, none capped (a machine reads it)."""
    done = bounded("validate", "--format", "json", "--lang", "en", root=flooded, outputs=WRITES_CACHE)
    assert done.returncode == 1, done.stderr
    rows: list[dict[str, object]] = json.loads(done.stdout)
    return rows


def test_json_gives_every_problem(every_problem: list[dict[str, object]]) -> None:
    assert sum(1 for r in every_problem if r["file"] == FLOODED) >= 3 * CATEGORIES
    assert any(r["file"] == "register/activities/gestion-personnel-paie.yaml" for r in every_problem)


@pytest.mark.parametrize(("lang", "more"), [("en", "… and {n:,} more problems in this file"),
                                            ("fr", "… et {n} autres problèmes dans ce fichier")])
def test_a_flooded_file_shows_its_first_problems_then_a_count(flooded: Path, every_problem: list[dict[str, object]],
                                                               lang: str, more: str) -> None:
    done = bounded("validate", "--lang", lang, root=flooded, outputs=WRITES_CACHE)
    assert done.returncode == 1  # as without the cap: the register has errors
    flood = [line for line in done.stdout.splitlines() if line.startswith(FLOODED + ":")]
    total = sum(1 for r in every_problem if r["file"] == FLOODED)
    assert len(flood) == SHOWN_PER_FILE + 1, len(flood)
    assert flood[-1] == f"{FLOODED}: " + more.format(n=total - SHOWN_PER_FILE) + (
        " (all counted in the summary; ropa validate --format json gives them all)" if lang == "en"
        else " (tous comptés dans le bilan ; ropa validate --format json les donne tous)")
    # the other file's problem is still shown, and the summary counts every problem
    assert "register/activities/gestion-personnel-paie.yaml:" in done.stdout
    counted = re.search(r"(\d+) (?:errors|erreurs), (\d+) (?:warnings?|avertissements?)", done.stderr)
    assert counted is not None, done.stderr
    assert int(counted[1]) + int(counted[2]) == len(every_problem)


def test_build_shows_the_same_capped_problems(flooded: Path) -> None:
    done = bounded("build", "--lang", "en", root=flooded)
    assert done.returncode == 1
    flood = [line for line in done.stdout.splitlines() if line.startswith(FLOODED + ":")]
    assert len(flood) == SHOWN_PER_FILE + 1 and "more problems in this file" in flood[-1]
    assert not (flooded / "site").exists()


# --- the whole register: files and bytes ------------------------------------------------------


def _limited(root: Path, *args: str, **limits: int) -> subprocess.CompletedProcess[str]:
    """``ropa ARGS`` on ``root`` with ``generator.load.files``' ``limits`` lowered in its process."""
    code = ("import sys\nfrom generator.load import files\n"
            + "".join(f"files.{name} = {value}\n" for name, value in limits.items())
            + "from generator.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", code, *args, "--root", str(root)], cwd=root, capture_output=True,
                          text=True, timeout=TIMEOUT,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"})
    both = done.stdout + done.stderr
    assert "Traceback" not in both and "internal error" not in both, both[-3000:]
    return done


@pytest.fixture
def register(tmp_path: Path) -> Path:
    """CentreCall (1 organisation, 5 activities, 4 processes: 10 files) and an eleventh file, last
    of the activities, that cannot be parsed: a run that read it would report it."""
    root = copy_register(tmp_path / "repo")
    (root / ACTIVITIES / "zz-illisible.yaml").write_text("id: [\n", encoding="utf-8")
    return root


def test_the_register_as_read_has_the_eleven_files(register: Path) -> None:
    done = _limited(register, "validate", "--lang", "en")
    assert "zz-illisible.yaml" in done.stdout and "register-too" not in done.stdout


@pytest.mark.parametrize("paths", [[], ["register/activities/zz-illisible.yaml"]])  # whole, focused (the hook)
def test_too_many_files_in_the_register(register: Path, paths: list[str]) -> None:
    done = _limited(register, "validate", *paths, "--lang", "en", MAX_REGISTER_FILES=6)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("register/activities:0:0: error: the register holds 7 files, over the limit of 6 register files ropa reads"
            in done.stdout), done.stdout
    assert "zz-illisible.yaml" not in done.stdout  # nothing of the folders was read


def test_too_many_files_named_in_french(register: Path) -> None:
    done = _limited(register, "validate", "--lang", "fr", MAX_REGISTER_FILES=6)
    assert done.returncode == 1
    assert "register/activities:0:0: error: le registre compte 7 fichiers, au-delà de la limite de 6 fichiers" in done.stdout, done.stdout


@pytest.mark.parametrize("paths", [[], ["register/activities/zz-illisible.yaml"]])
def test_too_many_bytes_in_the_register(register: Path, paths: list[str]) -> None:
    first = sorted((register / ACTIVITIES).iterdir())[:2]
    limit = (register / "register" / "organization.yaml").stat().st_size + sum(p.stat().st_size for p in first)
    done = _limited(register, "validate", *paths, "--lang", "en", MAX_REGISTER_BYTES=limit)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (f"register/activities:0:0: error: the register's files hold more than {limit:,} bytes together, "
            "the limit ropa reads: reading stopped in this folder") in done.stdout, done.stdout
    assert "zz-illisible.yaml" not in done.stdout and "processes/" not in done.stdout


def test_an_organisation_over_the_limit_is_a_problem_of_its_folder(register: Path) -> None:
    done = _limited(register, "validate", "--lang", "en", MAX_REGISTER_BYTES=10)
    assert done.returncode == 1
    assert done.stdout.startswith("register:0:0: error: the register's files hold more than 10 bytes"), done.stdout
    assert "zz-illisible.yaml" not in done.stdout


def test_build_refuses_a_register_over_the_limit(tmp_path: Path) -> None:
    root = site_repo(tmp_path / "repo")
    limit = (root / "register" / "organization.yaml").stat().st_size + 10
    done = _limited(root, "build", "--lang", "en", MAX_REGISTER_BYTES=limit)
    assert done.returncode == 1
    assert f"register/activities:0:0: error: the register's files hold more than {limit:,} bytes" in done.stdout, done.stdout
    assert not (root / "site").exists()
