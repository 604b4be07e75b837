"""``pip install .`` (a real wheel, not the editable checkout) carries the schemas, the data files
and the pinned Mermaid script: a register repository needs Python only.

The wheel is built offline with the pinned hatchling of the test extra (``--no-build-isolation``),
installed with ``pip install --target`` into a temporary folder, and run from a working
directory outside the checkout with ``PYTHONPATH`` pointing at that folder only.
"""

from __future__ import annotations

import os
import shutil
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
    (built,) = out.glob("ropa_register-*.whl")
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
    assert "0 errors, 0 warnings" in proc.stderr


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


MERMAID = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"


def test_wheel_carries_the_pinned_mermaid_script(wheel: Path) -> None:
    wheel_file = zipfile.ZipFile(wheel)
    assert wheel_file.read("generator/vendor/mermaid.min.js") == MERMAID.read_bytes()
    assert b"MIT" in wheel_file.read("generator/vendor/mermaid.LICENSE")
    metadata = wheel_file.read(next(n for n in wheel_file.namelist() if n.endswith("METADATA"))).decode()
    assert "\nName: ropa-register\n" in metadata
    assert "Project-URL: Repository, https://" in metadata


def _checkout_copy(dest: Path) -> Path:
    """The files of this checkout git knows of (tracked or not ignored): what a clone has."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
        check=True, capture_output=True, text=True,
    ).stdout.split("\0")
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dest / rel)
    return dest


def test_wheel_build_without_the_mermaid_script_fails_clearly(tmp_path: Path) -> None:
    source = _checkout_copy(tmp_path / "src")
    assert not (source / "node_modules").exists()
    env = {**os.environ, "npm_config_registry": (tmp_path / "no-registry").as_uri()}
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(tmp_path / "out"), str(source)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode != 0
    assert "ropa wheel build: mermaid 12.3.0 is not in node_modules/" in proc.stdout + proc.stderr
    assert "run `npm ci`" in proc.stdout + proc.stderr
    assert not list(tmp_path.rglob("*.whl"))


def test_init_and_build_with_python_only(installed: Path, tmp_path: Path) -> None:
    """The installed wheel, `ropa init` and `ropa build`, with neither node nor npm on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git",):
        found = shutil.which(tool)
        assert found, f"{tool} is needed"
        (bin_dir / tool).symlink_to(found)
    (bin_dir / "python").symlink_to(sys.executable)
    (bin_dir / "ropa").symlink_to(installed / "bin" / "ropa")
    path = str(bin_dir)
    assert shutil.which("node", path=path) is None and shutil.which("npm", path=path) is None
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONPATH=str(installed), PATH=path)

    def ropa(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ropa", *map(str, args)], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)

    target = tmp_path / "registre"
    made = ropa("init", target, "--name", "Les Lilas")
    assert made.returncode == 0, made.stderr
    org = target / "register" / "organization.yaml"
    text = org.read_text(encoding="utf-8")
    for key, value in (("street", "1 rue des Lilas"), ("postal_code", '"69003"'), ("city", "Lyon"),
                       ("phone", '"+33 4 00 00 00 01"'), ("email", "c@lilas.example"),
                       ("first_name", "Claire"), ("last_name", "Martin"), ("position", "Gérante")):
        text = text.replace(f"{key}: À COMPLÉTER", f"{key}: {value}")
    org.write_text(text, encoding="utf-8")
    built = ropa("build", "--root", target)
    assert built.returncode == 0, built.stdout + built.stderr
    served = target / "site" / "assets" / "javascripts" / "mermaid.min.js"
    assert served.read_bytes() == MERMAID.read_bytes()
    page = (target / "site" / "activites" / "gestion-clientele" / "index.html").read_text(encoding="utf-8")
    # the page lists Mermaid's loader (the wheel carries it), which fetches the served script
    assert 'class="mermaid"' in page and "../../assets/ropa/on-demand/mermaid.js" in page
    assert (target / "site" / "assets" / "ropa" / "on-demand" / "mermaid.js").is_file()
    assert not (target / "node_modules").exists()


def test_wheel_build_refuses_a_tarball_that_does_not_match_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without node_modules, the build downloads the locked tarball; one whose hash is not the
    lock's ``integrity`` is refused (a tampered or wrong registry)."""
    import importlib.util
    import tarfile

    spec = importlib.util.spec_from_file_location("hatch_build", REPO / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    package = tmp_path / "package"
    (package / "dist").mkdir(parents=True)
    (package / "dist" / "mermaid.min.js").write_text("alert('not mermaid')", encoding="utf-8")
    (package / "LICENSE").write_text("MIT", encoding="utf-8")
    registry = tmp_path / "registry"
    (registry / "mermaid" / "-").mkdir(parents=True)
    with tarfile.open(registry / "mermaid" / "-" / "mermaid-12.3.0.tgz", "w:gz") as tar:
        tar.add(package, arcname="package")
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy2(REPO / "package-lock.json", source / "package-lock.json")
    monkeypatch.setenv("npm_config_registry", registry.as_uri())
    with pytest.raises(hook.VendorError, match="does not match the integrity"):
        hook.vendored_files(source)
