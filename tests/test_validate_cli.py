"""``ropa validate`` run as a real process: exit codes, output formats, PATH and --root, and
no traceback for any input, however mangled."""

from __future__ import annotations

import functools
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Runner, copy_register

from generator.lint.runner import load_register

ACTIVITIES = Path("register") / "activities"
SUMMARY = re.compile(r"^\d+ files? checked: \d+ errors?, \d+ warnings?\n$")
TEXT_LINE = re.compile(r"^[^:\n]+:\d+:\d+: (error|warning): .+ \[[a-z0-9-]+\]$")
GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[a-z0-9-]+::.+$")
JSON_KEYS = {"file", "line", "column", "severity", "rule", "message"}

BROKEN = "ref: RT-02\n", "ref: 2\n"
"""An edit of enregistrement-qualite.yaml that makes it invalid: a number where text is expected."""


def _edit(root: Path, name: str, old: str, new: str) -> Path:
    path = root / ACTIVITIES / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _position(path: Path, key: str) -> tuple[int, int]:
    """Line and column of the value of the first ``key:`` of ``path`` (1-based)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith(f"{key}:"):
            return number, line.index(f"{key}:") + len(key) + 3
    raise AssertionError(f"{path.name} has no '{key}:' line: update this test")


SHEET = "register/activities/enregistrement-qualite.yaml"


def _break(root: Path) -> Path:
    return _edit(root, Path(SHEET).name, *BROKEN)


def _warn_only(root: Path) -> Path:
    """Legitimate interests without the balancing test: a warning, no error."""
    path = root / SHEET
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("balancing_test:")]
    assert len(kept) == len(lines) - 1, "enregistrement-qualite.yaml has no balancing_test line"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def _assert_clean_stderr(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert SUMMARY.match(proc.stderr), f"unexpected stderr: {proc.stderr!r}"


# Exit codes ---------------------------------------------------------------------------------


def test_centrecall_register_exits_0(ropa: Runner) -> None:
    proc = ropa("validate", "--lang", "en")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""
    _assert_clean_stderr(proc)
    assert "0 errors, 0 warnings" in proc.stderr


def test_console_script_runs_the_same_command(centrecall: Path) -> None:
    script = Path(sys.executable).with_name("ropa")
    assert script.is_file(), f"no console script at {script}: is the package installed (pip install -e .)?"
    assert subprocess.run([script, "validate", "--lang", "en", "--root", centrecall], capture_output=True).returncode == 0
    _break(centrecall)
    proc = subprocess.run([script, "validate", "--lang", "en", "--root", centrecall], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "[schema-type]" in proc.stdout


def test_errors_exit_1_and_are_printed_one_per_line(ropa: Runner, centrecall: Path) -> None:
    _break(centrecall)
    proc = ropa("validate", "--lang", "en", cwd=centrecall)
    assert proc.returncode == 1
    _assert_clean_stderr(proc)
    lines = proc.stdout.splitlines()
    assert lines and all(TEXT_LINE.match(line) for line in lines), proc.stdout
    line, column = _position(centrecall / SHEET, "ref")
    assert f"{SHEET}:{line}:{column}: error: ref: expected a string" in proc.stdout


def test_warnings_alone_exit_0_and_1_with_strict(ropa: Runner, centrecall: Path) -> None:
    _warn_only(centrecall)
    relaxed = ropa("validate", "--lang", "en", cwd=centrecall)
    assert relaxed.returncode == 0, relaxed.stdout
    assert "warning:" in relaxed.stdout and "[legitimate-interest-no-assessment]" in relaxed.stdout
    assert "error:" not in relaxed.stdout
    strict = ropa("validate", "--lang", "en", "--strict", cwd=centrecall)
    assert strict.returncode == 1
    assert strict.stdout == relaxed.stdout


@pytest.mark.parametrize(
    "args, says",
    [
        (["validate", "--bogus"], "arguments non reconnus\u00a0: --bogus"),
        (["validate", "--format", "xml"], "choix invalide\u00a0: 'xml'"),
        (["validate", "register/activities/nulle-part.yaml"], "nulle-part.yaml\u00a0: ni fichier ni dossier de ce nom"),
        (["validate", "--root", "nulle-part"], "--root nulle-part\u00a0: ce dossier n'existe pas"),
        (["validate", "--root", "README.md"], "--root README.md\u00a0: ce dossier n'existe pas"),
        (["validate", "README.md"], "n'est pas un fichier du registre"),
        (["validate", "/"], "n'est pas dans le dépôt du registre"),
        (["frobnicate"], "choix invalide\u00a0: 'frobnicate'"),
        ([], "arguments obligatoires manquants\u00a0: COMMANDE"),
    ],
    ids=["unknown-option", "unknown-format", "missing-path", "missing-root", "root-is-a-file",
         "path-not-a-register-file", "path-outside-root", "unknown-command", "no-command"],
)
def test_usage_errors_exit_2(ropa: Runner, args: list[str], says: str) -> None:
    proc = ropa(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert says in proc.stderr
    assert proc.stderr.startswith("utilisation\u00a0: ropa")  # the help's language: the site's, French
    assert "Traceback" not in proc.stderr


# Output formats -----------------------------------------------------------------------------


def test_json_output_is_a_list_of_exactly_the_six_fields(ropa: Runner, centrecall: Path) -> None:
    _break(centrecall)
    _warn_only(centrecall)
    proc = ropa("validate", "--lang", "en", "--format", "json", cwd=centrecall)
    assert proc.returncode == 1
    assert proc.stderr == ""
    found = json.loads(proc.stdout)
    assert isinstance(found, list) and len(found) == 2
    for item in found:
        assert set(item) == JSON_KEYS
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
        assert item["severity"] in ("error", "warning")
    assert {(d["rule"], d["severity"], d["file"], d["line"], d["column"]) for d in found} == {
        ("schema-type", "error", SHEET, *_position(centrecall / SHEET, "ref")),
        ("legitimate-interest-no-assessment", "warning", SHEET, *_position(centrecall / SHEET, "basis")),
    }


def test_json_output_of_a_valid_register_is_an_empty_list(ropa: Runner) -> None:
    proc = ropa("validate", "--lang", "en", "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == []


def test_github_output_is_one_workflow_command_per_problem(ropa: Runner, centrecall: Path) -> None:
    _break(centrecall)
    _warn_only(centrecall)
    proc = ropa("validate", "--lang", "en", "--format", "github", cwd=centrecall)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and all(GITHUB_LINE.match(line) for line in lines), proc.stdout
    line, column = _position(centrecall / SHEET, "ref")
    assert f"::error file={SHEET},line={line},col={column},title=schema-type::" in proc.stdout
    assert f"::warning file={SHEET},line={_position(centrecall / SHEET, 'basis')[0]}," in proc.stdout


# PATH and --root ----------------------------------------------------------------------------


def test_paths_limit_the_report_to_those_files_and_what_they_reference(ropa: Runner, centrecall: Path) -> None:
    _break(centrecall)  # an error in enregistrement-qualite.yaml
    _edit(centrecall, "formation-operateurs.yaml", "ref: RT-01\n", "ref: 1\n")  # and in this one
    org = centrecall / "register" / "organization.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "fax: 04 72 00 10 02\n", encoding="utf-8")

    def files(*paths: str) -> set[str]:
        proc = ropa("validate", "--lang", "en", "--format", "json", *paths, cwd=centrecall)
        assert proc.returncode == 1, proc.stderr
        return {d["file"] for d in json.loads(proc.stdout)}

    everything = files()
    assert everything == {
        "register/organization.yaml",
        "register/activities/enregistrement-qualite.yaml",
        "register/activities/formation-operateurs.yaml",
    }
    # an activity brings the organisation it references along, not the other activities
    assert files("register/activities/enregistrement-qualite.yaml") == {
        "register/organization.yaml",
        "register/activities/enregistrement-qualite.yaml",
    }
    assert files("register/organization.yaml") == {"register/organization.yaml"}
    assert files("register/activities") == everything
    assert files(".") == everything  # a folder selects the register files under it, nothing else
    assert files("register/activities/formation-operateurs.yaml", "register/activities/enregistrement-qualite.yaml") == everything


def test_a_path_to_a_clean_file_passes_though_others_are_broken(ropa: Runner, centrecall: Path) -> None:
    _break(centrecall)
    proc = ropa("validate", "--lang", "en", "register/activities/fidelisation-artemis.yaml", cwd=centrecall)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout == ""
    # the summary counts the files reported on (the sheet, the organisation, its process), not
    # the whole register
    assert proc.stderr == "3 files checked: 0 errors, 0 warnings\n"


def test_root_works_from_another_working_directory(ropa: Runner, centrecall: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert ropa("validate", "--lang", "en", "--root", centrecall, cwd=elsewhere).returncode == 0
    broken = _break(centrecall)
    proc = ropa("validate", "--lang", "en", "--root", centrecall, "--format", "json", cwd=elsewhere)
    assert proc.returncode == 1
    (found,) = json.loads(proc.stdout)
    assert (elsewhere / found["file"]).resolve() == broken.resolve()
    # PATH arguments are read from the working directory, as a shell user expects
    one = ropa("validate", "--lang", "en", "--root", centrecall, broken, cwd=elsewhere)
    assert one.returncode == 1 and "[schema-type]" in one.stdout


# No traceback, whatever the input -----------------------------------------------------------

FUZZ_SEED = 20260930
FUZZ_COUNT = 200
_SPECIALS = ["&a ", "*a", "!!binary ", "!x ", "? ", "- ", ": ", "{", "}", "[", "]", '"', "'", "|", ">",
             "%", "@", "`", "#", ",", "---\n", "...\n", "\t", "\\", "\x00", "\ufeff", "\u2028", "~", "<<: "]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(out))
        out[i] = rng.randrange(32, 127) if rng.random() < 0.8 else rng.randrange(256)
    return bytes(out)


def _reindent(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        stripped = lines[i].lstrip(b" ")
        lines[i] = b" " * max(0, len(lines[i]) - len(stripped) + rng.choice((-4, -2, -1, 1, 2, 3))) + stripped
    return b"\n".join(lines)


def _shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    action = rng.choice(("swap", "delete", "duplicate"))
    if action == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "delete":
        del lines[i]
    else:
        lines.insert(j, lines[i])
    return b"\n".join(lines)


def _insert_special(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice(_SPECIALS).encode("utf-8") + data[i:]


MUTATIONS = (_truncate, _flip_bytes, _reindent, _shuffle_lines, _insert_special)


@functools.cache
def fuzz_variants() -> tuple[bytes, ...]:
    """``FUZZ_COUNT`` mangled copies of a real activity file, the same on every run."""
    rng = random.Random(FUZZ_SEED)
    original = (REPO / ACTIVITIES / "fidelisation-artemis.yaml").read_bytes()
    variants = []
    for _ in range(FUZZ_COUNT):
        data = original
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(MUTATIONS)(rng, data) or data
        variants.append(data)
    return tuple(variants)


def test_fuzz_variants_are_varied() -> None:
    variants = fuzz_variants()
    assert len(set(variants)) > FUZZ_COUNT * 0.9


def test_no_mangled_file_crashes_the_loader(centrecall: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, one variant at a time, so a crash names the variant that caused it."""
    monkeypatch.chdir(centrecall)
    target = centrecall / ACTIVITIES / "fidelisation-artemis.yaml"
    rules: set[str] = set()
    for i, data in enumerate(fuzz_variants()):
        target.write_bytes(data)
        try:
            reg = load_register(centrecall)
        except Exception as exc:
            pytest.fail(f"variant {i} crashed the loader: {exc!r}\n{data!r}")
        rules.update(d.rule for d in reg.diagnostics)
        leaks = [d.text() for d in reg.diagnostics if "<unicode string>" in d.message("en") or "<byte string>" in d.message("en")]
        assert not leaks, f"variant {i}: a message names the parser's internal stream: {leaks}"
    # the mangling reaches past the parser: syntax, encoding and schema problems all occur
    assert {"yaml-syntax", "file-encoding"} <= rules and any(r.startswith("schema-") for r in rules), rules


@pytest.mark.parametrize("output", ["text", "json"])
def test_no_mangled_file_makes_the_cli_print_a_traceback(ropa: Runner, tmp_path: Path, output: str) -> None:
    """Through the real command: the variants in batches, each batch one register."""
    batch = 50
    variants = fuzz_variants()
    for start in range(0, len(variants), batch):
        root = copy_register(tmp_path / f"batch-{start}")
        for i, data in enumerate(variants[start : start + batch], start):
            (root / ACTIVITIES / f"fuzz-{i:03d}.yaml").write_bytes(data)
        proc = ropa("validate", "--lang", "en", "--format", output, cwd=root)
        assert proc.returncode in (0, 1), f"batch {start}: exit {proc.returncode}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr and "erreur interne" not in proc.stderr, proc.stderr
        if output == "json":
            assert all(set(d) == JSON_KEYS for d in json.loads(proc.stdout))
        else:
            _assert_clean_stderr(proc)
            assert all(TEXT_LINE.match(line) for line in proc.stdout.splitlines()), proc.stdout
