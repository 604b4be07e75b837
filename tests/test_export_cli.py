"""``ropa export`` as a user runs it: files, standard output, exit codes, refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import REPO, Runner
from openpyxl import load_workbook


def test_default_file_names_in_the_current_directory(ropa: Runner, tmp_path: Path) -> None:
    for args, name in (
        (["--format", "xlsx"], "registre-centrecall.xlsx"),
        (["--format", "csv"], "registre-centrecall.csv"),
        (["--format", "csv", "--per", "data-category"], "registre-centrecall-categories.csv"),
        (["--format", "json", "--lang", "en"], "register-centrecall.json"),
    ):
        result = ropa("export", *args, "--root", REPO, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).is_file(), result.stderr
        said = f"wrote {name}" if "--lang" in args else f"{name} écrit"  # the messages follow --lang
        assert said in result.stderr
    assert load_workbook(tmp_path / "registre-centrecall.xlsx").sheetnames[0] == "Liste des traitements"
    assert json.loads((tmp_path / "register-centrecall.json").read_text())["lang"] == "en"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "registre-centrecall.xlsx",
            "registre-centrecall.csv",
            "registre-centrecall-categories.csv",
            "register-centrecall.json",
        ]
    ), "no temporary file left behind"


def test_output_dash_writes_csv_and_json_to_stdout(ropa: Runner) -> None:
    result = ropa("export", "--format", "csv", "--output", "-", "--header", "keys", "--bom")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("\ufeffref,name,")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"), newline="")))
    assert {r["ref"] for r in rows} >= {"RT-01", "ST-ART-01"}
    result = ropa("export", "--format", "json", "-o", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["organization"]["name"] == "CentreCall"


def test_an_invalid_register_is_refused_and_nothing_is_written(
    ropa: Runner, centrecall: Path, tmp_path: Path
) -> None:
    out = tmp_path / "registre.xlsx"
    out.write_bytes(b"the previous export")
    sheet = centrecall / "register" / "activities" / "fidelisation-artemis.yaml"
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("role: processor", "role: owner"), encoding="utf-8"
    )
    result = ropa("export", "--format", "xlsx", "--root", centrecall, "--output", out)
    assert result.returncode == 1
    assert "fidelisation-artemis.yaml:6:" in result.stderr and "error" in result.stderr
    assert "rien n'a été exporté" in result.stderr  # the register's language
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["centrecall", "registre.xlsx"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx", "-o", "-"], "binary"),
        (["--format", "json", "--bom"], "--bom: only for --format csv"),
        (["--format", "xlsx", "--per", "data-category"], "--per: only for --format csv"),
        (["--format", "pdf"], "invalid choice"),
        (["--format", "csv", "-o", "no/such/dir/registre.csv"], "does not exist"),
        (["--format", "csv", "-o", "."], "is a directory"),
        (["--format", "csv", "--lang", "de"], "--lang"),  # with --lang de, the messages fall back to the register's language
    ],
)
def test_usage_errors(ropa: Runner, args: list[str], message: str) -> None:
    result = ropa("export", "--lang", "en", *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unwritable_output_is_a_clear_error(ropa: Runner, tmp_path: Path) -> None:
    # A name the file system takes but its temporary sibling (".NAME.xxxx.tmp") exceeds:
    # fails for root as for anyone.
    name = "r" * 245 + ".json"
    result = ropa("export", "--format", "json", "--lang", "en", "-o", tmp_path / name)
    assert result.returncode == 1, result.stderr
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import atomic

    target = tmp_path / "registre.csv"
    target.write_bytes(b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic.write_file(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["registre.csv"]


def test_written_file_has_ordinary_permissions(tmp_path: Path) -> None:
    from generator import atomic

    target = tmp_path / "registre.json"
    atomic.write_file(target, b"{}\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_text_too_long_for_excel_is_refused_by_validation(
    ropa: Runner, centrecall: Path, tmp_path: Path
) -> None:
    """A value longer than an Excel cell holds is a validation error with its place (issue 13:
    whatever validates also builds and exports), so no export starts on it."""
    sheet = centrecall / "register" / "activities" / "formation-operateurs.yaml"
    text = sheet.read_text(encoding="utf-8")
    long_text = re.sub(
        r"^description: >-\n(  .*\n)+", "description: " + "x" * 40_000 + "\n", text, count=1, flags=re.M
    )
    assert long_text != text
    sheet.write_text(long_text, encoding="utf-8")
    line = 1 + long_text[: long_text.index("description: x")].count("\n")
    validated = ropa("validate", "--root", centrecall)
    assert validated.returncode == 1
    assert f"formation-operateurs.yaml:{line}:14: error:" in validated.stdout
    assert "[text-too-long]" in validated.stdout
    out = tmp_path / "r.xlsx"
    result = ropa("export", "--format", "xlsx", "--root", centrecall, "-o", out)
    assert result.returncode == 1 and "[text-too-long]" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


# --- The check beside the export (generator/commands/export_check.py) ----------------------------


@pytest.fixture(params=[False, True], ids=["check-beside", "check-first"])
def serial(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both ways ``ropa export`` checks the register: in a child process while the file is made
    (Linux), or before it (``SERIAL``, elsewhere)."""
    from generator.commands import export_check

    monkeypatch.setattr(export_check, "SERIAL", request.param)
    return bool(request.param)


def _export_here(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    from generator import cli

    code = cli.main(["export", *map(str, args)])
    return code, capsys.readouterr().err


def test_the_check_beside_the_export_answers_as_the_check_before_it(
    serial: bool, capsys: pytest.CaptureFixture[str], centrecall: Path, tmp_path: Path
) -> None:
    """The same file and the same messages (a warning, then what was written) whichever way
    the register is checked; no child process is left behind."""
    from generator.commands import export_check

    sheet = centrecall / "register" / "activities" / "fidelisation-artemis.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("last_reviewed: 2026-09-15", "last_reviewed: 2021-09-15"), encoding="utf-8")
    outputs = {}
    for mode in (serial, not serial):
        export_check.SERIAL = mode
        out = tmp_path / f"{mode}.xlsx"
        code, err = _export_here(capsys, "--format", "xlsx", "--jobs", "2", "--root", centrecall, "-o", out)
        assert code == 0, err
        assert "warning:" in err and err.index("warning:") < err.index(f"{mode}.xlsx écrit")
        outputs[mode] = (out.read_bytes(), err.replace(f"{mode}.xlsx", "OUT"))
    assert outputs[True] == outputs[False]
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("output", ["file", "stdout"])
def test_a_register_that_breaks_the_export_is_refused_with_its_problems(
    serial: bool, output: str, capsys: pytest.CaptureFixture[str], centrecall: Path, tmp_path: Path
) -> None:
    """A register so wrong that making its export raises (``processors: 5``): the export, made
    while the check runs, is dropped, and the answer is the register's problems, as when the
    check comes first."""
    sheet = centrecall / "register" / "activities" / "fidelisation-artemis.yaml"
    text = sheet.read_text(encoding="utf-8")
    broken = text.replace("processors:\n  - party: voxcloud", "processors: 5\nxx:\n  - party: voxcloud", 1)
    assert broken != text
    sheet.write_text(broken, encoding="utf-8")
    out = tmp_path / "registre.json"
    out.write_bytes(b"the previous export")
    code, err = _export_here(capsys, "--format", "json", "--jobs", "2", "--root", centrecall,
                             "-o", out if output == "file" else "-")
    assert code == 1
    line = 1 + broken[: broken.index("processors: 5")].count("\n")
    assert f"fidelisation-artemis.yaml:{line}:13: error:" in err, err
    assert "rien n'a été exporté" in err and "Traceback" not in err
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["centrecall", "registre.json"]
    assert capsys.readouterr().out == ""


def test_the_export_reads_a_file_again_only_for_a_diagnostic(centrecall: Path) -> None:
    """``ropa export`` reads the register without the positions of its keys and values: a file
    is read again for them only when a diagnostic needs one, and only as far as its position
    (the tests/invalid corpus checks that they are the same positions, both ways). A file
    changed since it was read gets no position it may not have: line 1."""
    from generator.lint.runner import checked, load_register, read_unchecked

    sheet = centrecall / "register" / "activities" / "fidelisation-artemis.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("last_reviewed: 2026-09-15", "last_reviewed: 2021-09-15"), encoding="utf-8")
    expected = {(d.file, d.rule, d.line, d.column) for d in load_register(centrecall).diagnostics}
    reg = checked(read_unchecked(centrecall))
    assert {(d.file, d.rule, d.line, d.column) for d in reg.diagnostics} == expected
    shown = {d.file for d in reg.diagnostics}
    assert any(doc.display in shown for doc in reg.activities), "a warning on a sheet"
    for doc in [*reg.activities, *reg.processes]:
        assert (doc.again is None or doc.partly) == (doc.display in shown), doc.display  # read again, or never
        assert bool(doc.values) == (doc.display in shown), doc.display
    warned = next(doc for doc in reg.activities if doc.path == sheet)
    assert warned.partly and max(warned.values.values()) == (9, 16), "read as far as last_reviewed (line 9)"

    reg = read_unchecked(centrecall)
    sheet.write_text("# one line more\n" + sheet.read_text(encoding="utf-8"), encoding="utf-8")
    review = [d for d in checked(reg).diagnostics if d.file.endswith(sheet.name)]
    assert review and all((d.line, d.column) == (1, 1) for d in review), review


@pytest.mark.parametrize(("jobs", "bound"), [("1", 1000), ("2", 1), ("2", 1000)])
def test_one_process_unless_two_are_asked_for_a_register_within_the_bound(
    jobs: str, bound: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], centrecall: Path,
    tmp_path: Path
) -> None:
    """By default (``--jobs 1``), and with ``--jobs 2`` for more activities than
    ``PARALLEL_UP_TO``, neither the check nor the sheets fork (their copies of the register would
    pass the memory a large export is bounded to); the same bytes. With ``--jobs 2`` up to it,
    both fork, on Linux (the other case, so that the count can fail)."""
    from generator.commands import export as export_command
    from generator.commands import export_check
    from generator.export import xlsx_fork

    one = tmp_path / "one.xlsx"
    monkeypatch.setattr(export_check, "SERIAL", True)
    assert _export_here(capsys, "--format", "xlsx", "--root", centrecall, "-o", one)[0] == 0
    monkeypatch.setattr(export_check, "SERIAL", False)
    monkeypatch.setattr(export_command, "PARALLEL_UP_TO", bound)
    monkeypatch.setattr(xlsx_fork, "MIN_SHEETS", 2)
    forks = []
    real_fork = os.fork

    def counted() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted)
    out = tmp_path / "bounded.xlsx"
    code, err = _export_here(capsys, "--format", "xlsx", "--jobs", jobs, "--root", centrecall, "-o", out)
    assert code == 0, err
    assert out.read_bytes() == one.read_bytes()
    assert len(forks) == (2 if jobs == "2" and bound == 1000 else 0), forks
