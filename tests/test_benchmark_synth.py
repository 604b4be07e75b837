"""benchmarks/synth.py: the synthetic registers the benchmark measures are valid and reproducible."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from conftest import REPO, Runner

sys.path.insert(0, str(REPO / "benchmarks"))

import synth


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_register_of_30_activities_validates_clean(tmp_path: Path, ropa: Runner) -> None:
    files = synth.make_register(tmp_path, 30)
    sheets = sorted((tmp_path / "register" / "activities").glob("*.yaml"))
    processes = sorted((tmp_path / "processes").glob("*.yaml"))
    assert len(sheets) == 30 and len(processes) == 3 and len(files) == 34
    org = yaml.safe_load((tmp_path / "register" / "organization.yaml").read_text(encoding="utf-8"))
    kinds = {p["kind"] for p in org["parties"]}
    assert len(org["parties"]) >= 45 and kinds == {"controller", "joint_controller", "processor", "recipient"}
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sheets]
    assert {d["role"] for d in data} == {"controller", "processor", "joint_controller"}
    assert len({d["name"] for d in data}) == 30, "every sheet has its own name"
    assert any(d["sensitive_data"] for d in data) and any(d["transfers"] for d in data)
    assert any(d["dpia"]["status"] in ("completed", "in_progress") for d in data)
    assert all(50 <= len(p.read_text(encoding="utf-8").splitlines()) <= 125 for p in sheets)

    done = ropa("validate", "--format", "json", "--root", tmp_path, cwd=tmp_path)
    assert json.loads(done.stdout) == [], done.stdout
    assert done.returncode == 0, done.stderr


def test_two_generations_are_byte_identical(tmp_path: Path) -> None:
    synth.make_register(tmp_path / "a", 30)
    synth.make_register(tmp_path / "b", 30)
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first == second and len(first) == 34
    synth.make_register(tmp_path / "c", 30, seed=synth.SEED + 1)
    assert _tree(tmp_path / "c") != first, "the seed decides the content"


def test_the_benchmark_runs_a_command_longer_than_one_argument(tmp_path: Path) -> None:
    """check-jsonschema on 10,000 files is a command line of some 400 KB: the benchmark's wrapper
    takes its commands on stdin, past Linux's 128 KiB for one argument (``run.py`` failed so with
    E2BIG at 10,000 activities)."""
    import run

    names = [f"register/activities/activite-synthetique-{n:05d}.yaml" for n in range(10_000)]
    script = "import sys; print(len(sys.argv) - 1)"
    measured = run.measure([[sys.executable, "-c", script, *names]], tmp_path, 1)
    assert measured["ok"] and sum(map(len, names)) > 128 * 1024, measured
    assert measured["stdout"].strip() == "10000" and measured["peak_mib"] > 0
