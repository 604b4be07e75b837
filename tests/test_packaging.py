"""``pip install .`` (a real wheel, not the editable checkout) carries the schemas and data files.

The wheel is built offline with the pinned hatchling of the test extra (``--no-build-isolation``),
installed with ``pip install --target`` into a temporary folder, and run from a working
directory outside the checkout with ``PYTHONPATH`` pointing at that folder only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, copy_register


def _pip(*args: str | Path, cwd: Path = REPO) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", *map(str, args), "--disable-pip-version-check", "--quiet"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", out, REPO)
    (built,) = out.glob("ropa-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _pip("install", "--no-deps", "--no-index", "--target", target, wheel)
    return target


def _run(args: list[str | Path], target: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(target)
    return subprocess.run(list(map(str, args)), cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_wheel_carries_every_schema_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"generator/schema/{p.name}" for p in (REPO / "schema").glob("*.schema.json")}
    wanted |= {p.relative_to(REPO).as_posix() for p in (REPO / "generator" / "data").rglob("*") if p.is_file()}
    assert wanted and not wanted - names, f"missing from the wheel: {sorted(wanted - names)}"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "ropa = generator.cli:main" in text


def test_installed_package_runs_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    register = copy_register(tmp_path / "register-repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(
        [sys.executable, "-c",
         "import generator, generator.resources as r; print(generator.__file__); print(r.schema_dir()); "
         "print(r.DATA_DIR)"],
        installed, elsewhere,
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(installed.resolve()), f"{line} is not the installed copy"
    proc = _run([sys.executable, "-m", "generator", "validate", "--lang", "en", "--root", register], installed, elsewhere)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 error(s), 0 warning(s)" in proc.stderr


def test_installed_package_still_reports_errors(installed: Path, tmp_path: Path) -> None:
    register = copy_register(tmp_path / "register-repo")
    sheet = register / "register" / "activities" / "fidelisation-artemis.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("role: processor", "role: prestataire"), encoding="utf-8")
    proc = _run([sys.executable, "-m", "generator", "validate", "--root", register, "--format", "json"],
                installed, tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert '"rule": "schema-enum"' in proc.stdout


def test_installed_console_script(installed: Path, tmp_path: Path) -> None:
    script = installed / "bin" / "ropa"
    assert script.is_file(), "pip install put no 'ropa' script in bin/"
    register = copy_register(tmp_path / "register-repo")
    proc = _run([script, "validate", "--root", register], installed, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
