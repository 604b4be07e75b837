"""The corpus of broken registers under tests/invalid/: every rule fires, at the right place.

Two kinds of cases:

- ``tests/invalid/activities/<case>.yaml``: one activity file dropped into a copy of CentreCall's
  register (the file name is the case name, and the id unless the case is about ids);
- ``tests/invalid/repos/<case>/``: a small register repository of its own.

A case says what it expects in comment lines at the top of its files::

    # expect: <rule-id> [<file>:]<line>:<column> ["fragment of the message"]

``<file>`` defaults to the file carrying the comment. The diagnostics of the data-model rules
(the rules of the table's groups ``DATA_MODEL_GROUPS``) must be exactly the expected ones:
nothing missing, nothing extra; the fragments are matched against the English message. A few
cases cannot carry comments (an empty file, a file over the size limit, ...): they are written by
``GENERATED`` below.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_register

from generator.lint.rules import RULES as TABLE
from generator.lint.rules import Diagnostic
from generator.lint.runner import checked, load_register, read_unchecked
from generator.load.yamlload import MAX_BYTES, MAX_ENTRIES, MAX_TEXT

INVALID = Path(__file__).resolve().parent / "invalid"
ACTIVITIES = Path("register") / "activities"

DATA_MODEL_GROUPS = ("load", "schema", "register")
"""The groups of the rule table this corpus covers; the process and review rules have their own
tests (tests/test_process_checks.py, tests/test_review.py)."""

UNREACHABLE = {
    "schema-const": "the schemas use 'const' only inside if/then conditions, whose errors are not reported",
    "schema-invalid": "the schemas use no keyword beyond those given their own rule (tests/test_rules.py builds one)",
    "xlsx-cell-too-long": "the export's own guard (ropa export --format xlsx); text-too-long (10,000 characters) fires first",
    "too-many-files": "50,000 files per case is too slow for the corpus: tests/test_load_files.py lowers the limit",
    "register-too-many-files": "60,000 files per case is too slow for the corpus: tests/test_limits.py lowers the limit",
    "register-too-large": "256 MiB per case is too slow for the corpus: tests/test_limits.py lowers the limit",
    "folder-unreadable": "the tests run as root, who can list any folder: tests/test_load_files.py",
}
"""Rules the code can emit that no register can trigger with today's schemas, and why."""

_EXPECT = re.compile(
    r'^# expect: (?P<rule>[a-z0-9-]+) (?:(?P<file>[^\s:]+):)?(?P<line>\d+):(?P<column>\d+)'
    r'(?: "(?P<text>[^"]*)")?\s*$'
)


@dataclass(frozen=True)
class Expected:
    file: str
    rule: str
    line: int
    column: int
    text: str | None = None


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    expected: tuple[Expected, ...]
    today: str | None = None  # a case's own "today" (``# today: YYYY-MM-DD``), for dated legal data


def expectations(path: Path, shown: str) -> list[Expected]:
    """The ``# expect:`` lines of the comment block that opens ``path``."""
    out = []
    for raw in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        if not raw.startswith("#"):
            break
        if raw.startswith("# expect:"):
            m = _EXPECT.match(raw)
            assert m, f"{path}: malformed expectation line {raw!r}"
            out.append(Expected(m["file"] or shown, m["rule"], int(m["line"]), int(m["column"]), m["text"]))
    return out


def case_today(path: Path) -> str | None:
    """The ``# today:`` line of the comment block that opens ``path``, if any."""
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not raw.startswith("#"):
            break
        if raw.startswith("# today: "):
            return raw.removeprefix("# today: ").strip()
    return None


def _activity_case(path: Path) -> Case:
    def build(root: Path) -> None:
        copy_register(root)
        shutil.copyfile(path, root / ACTIVITIES / path.name)

    shown = (ACTIVITIES / path.name).as_posix()
    return Case(path.stem, build, tuple(expectations(path, shown)), case_today(path))


def _repo_case(folder: Path) -> Case:
    def build(root: Path) -> None:
        shutil.copytree(folder, root)

    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        found += expectations(path, path.relative_to(folder).as_posix())
    return Case(folder.name, build, tuple(found))


def _write(relative: str, content: bytes) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        copy_register(root)
        (root / relative).write_bytes(content)

    return build


def _directory(root: Path) -> None:
    copy_register(root)
    (root / ACTIVITIES / "dossier.yaml").mkdir()


def _link(name: str, target: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        copy_register(root)
        (root / ACTIVITIES / name).symlink_to(target)

    return build


def _fifo(root: Path) -> None:
    copy_register(root)
    os.mkfifo(root / ACTIVITIES / "tube.yaml")


def _windows_device(root: Path) -> None:
    """A sheet named ``con.yaml`` (written here: a file of that name in ropa's own repository
    would keep it from being cloned on Windows)."""
    copy_register(root)
    text = (root / ACTIVITIES / "formation-operateurs.yaml").read_text(encoding="utf-8")
    text = text.replace("id: formation-operateurs", "id: con").replace("ref: RT-01", "ref: RT-88")
    (root / ACTIVITIES / "con.yaml").write_text(text, encoding="utf-8")


_TOO_MANY_ITEMS = b"id: longue\nnotes:\n" + b"  - x\n" * (MAX_ENTRIES + 1)
_TOO_MANY_KEYS = b"id: cles\n" + b"".join(b"k%d: v\n" % i for i in range(MAX_ENTRIES + 1))
_TOO_LONG = b"id: texte\nname: " + b"a" * (MAX_TEXT + 1) + b"\n"
_TOO_LARGE = b"id: trop-gros\nnotes:\n" + b"  - ligne de remplissage\n" * (MAX_BYTES // 24 + 1)

GENERATED = [
    Case("file-empty-zero-bytes", _write("register/activities/vide.yaml", b""),
         (Expected("register/activities/vide.yaml", "file-empty", 1, 1),)),
    Case("file-too-large", _write("register/activities/trop-gros.yaml", _TOO_LARGE),
         (Expected("register/activities/trop-gros.yaml", "file-too-large", 1, 1, "over the limit of 1048576 bytes"),)),
    Case("file-encoding-nul", _write("register/activities/binaire.yaml", b"id: binaire\nref: \x00\n"),
         (Expected("register/activities/binaire.yaml", "file-encoding", 2, 6, "NUL byte"),)),
    Case("file-encoding-utf16", _write("register/activities/utf16.yaml", "id: utf16\n".encode("utf-16")),
         (Expected("register/activities/utf16.yaml", "file-encoding", 1, 1, "not UTF-8"),)),
    Case("file-unreadable-directory", _directory,
         (Expected("register/activities/dossier.yaml", "file-unreadable", 0, 0, "directory"),)),
    Case("file-unreadable-link-loop", _link("boucle.yaml", "boucle.yaml"),
         (Expected("register/activities/boucle.yaml", "file-unreadable", 0, 0, "loops"),)),
    Case("file-outside-repository", _link("lien.yaml", "/etc/passwd"),
         (Expected("register/activities/lien.yaml", "file-outside-repository", 0, 0, "outside the register"),)),
    Case("file-outside-repository-device", _link("zero.yaml", "/dev/zero"),
         (Expected("register/activities/zero.yaml", "file-outside-repository", 0, 0),)),
    Case("file-not-regular-fifo", _fifo,
         (Expected("register/activities/tube.yaml", "file-not-regular", 0, 0, "FIFO"),)),
    Case("too-many-entries-list", _write("register/activities/longue.yaml", _TOO_MANY_ITEMS),
         (Expected("register/activities/longue.yaml", "too-many-entries", MAX_ENTRIES + 3, 5, "items in one list"),)),
    Case("too-many-entries-keys", _write("register/activities/cles.yaml", _TOO_MANY_KEYS),
         (Expected("register/activities/cles.yaml", "too-many-entries", MAX_ENTRIES + 1, 1, "keys in one mapping"),)),
    Case("file-name-windows-device", _windows_device,
         (Expected("register/activities/con.yaml", "file-name-windows-device", 3, 5, "a device name on Windows"),)),
    Case("text-too-long", _write("register/activities/texte.yaml", _TOO_LONG),
         (Expected("register/activities/texte.yaml", "text-too-long", 2, 7, "characters long"),)),
]


def all_cases() -> list[Case]:
    cases = [_activity_case(p) for p in sorted((INVALID / "activities").iterdir())]
    cases += [_repo_case(p) for p in sorted((INVALID / "repos").iterdir()) if p.is_dir()]
    return cases + GENERATED


CASES = all_cases()


RULES = {rule.id for rule in TABLE.values() if rule.group in DATA_MODEL_GROUPS}


def _located(d: Diagnostic) -> tuple[str, str, int, int]:
    return (d.file, d.rule, d.line, d.column)


@pytest.mark.parametrize("read", ["positions", "again"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_reports_exactly_what_it_expects(
    case: Case, read: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``read``: as ``ropa validate`` reads a register (every position kept), or as ``ropa
    export`` does (``read_unchecked``: each file read again for its positions, when asked)."""
    assert case.expected, f"case {case.name} declares no '# expect:' line"
    root = tmp_path / "repo"
    if case.today is not None:
        monkeypatch.setenv("ROPA_TODAY", case.today)
    case.build(root)
    monkeypatch.chdir(root)  # paths are shown relative to the working directory
    reg = load_register(root) if read == "positions" else checked(read_unchecked(root))
    found = [d for d in reg.diagnostics if d.rule in RULES]
    assert sorted(_located(d) for d in found) == sorted(
        (e.file, e.rule, e.line, e.column) for e in case.expected
    ), "\n" + "".join(d.text("en") + "\n" for d in found)
    for e in case.expected:
        if e.text is not None:
            messages = [d.message("en") for d in found if _located(d) == (e.file, e.rule, e.line, e.column)]
            assert any(e.text in m for m in messages), f"{e.text!r} not in {messages}"
    for d in reg.diagnostics:
        assert d.severity == TABLE[d.rule].severity, d.text("en")
        for lang in ("fr", "en"):  # every value the message names is given, in both languages
            assert d.message(lang).strip(), d


def test_corpus_is_large_enough() -> None:
    committed = [c for c in CASES if c not in GENERATED]
    assert len(committed) >= 30, f"only {len(committed)} committed invalid cases"


def test_corpus_covers_every_rule() -> None:
    covered = {e.rule for c in CASES for e in c.expected}
    missing = RULES - covered - set(UNREACHABLE)
    assert not missing, f"rules without an invalid case under tests/invalid/: {sorted(missing)}"
    unknown = covered - RULES
    assert not unknown, f"cases expect rules the code does not have: {sorted(unknown)}"
