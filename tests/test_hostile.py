# mypy: disable-error-code="func-returns-value"
"""The hostile corpus: broken YAML, hostile file systems, wrong types at every level, and
hostile-but-valid text in every output context (tests/hostile/README.md).

Every case runs ``ropa`` as a real process bounded in time (``TIMEOUT``) and memory (an address
space limit, ``RLIMIT_AS``), and asserts its exit code, the rule reported for its file or the
literal rendering of its value, that no traceback nor "internal error" was printed, and that
nothing was written outside the output. Cases that can share a run share it: the YAML and type
cases are the files of one register validated once, the hostile-but-valid values are the
activities of one register built (site and downloads) once.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import Visit, served
from conftest import REPO, Runner, copy_register, set_dotted
from sitebuild import site_repo
from test_process_browser import OPEN_SHADOW_ROOTS, diagrams

from generator.load.facts import CACHE_DIR

HERE = Path(__file__).parent / "hostile"
TIMEOUT = 60
MEMORY = 2 << 30
"""2 GiB of address space: what a real register machine gives a build, and far below what the
crashes of issue 13 reached (a MemoryError at 4 GB)."""
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
"""As root, drop the capabilities that let root read any file, so permissions apply as to a user."""
ACTIVITIES = Path("register") / "activities"
BASE = (REPO / ACTIVITIES / "formation-operateurs.yaml").read_text(encoding="utf-8")
BASE = BASE.replace("process: formation-operateurs\n", "")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Every path under ``root`` (links not followed, ``skip`` folders left out) with its size and
    modification time: what a run must leave as it found it."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if os.path.normpath(os.path.join(rel, d)) not in skip]
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            out[os.path.normpath(os.path.join(rel, name))] = (st.st_size if not os.path.isdir(os.path.join(dirpath, name)) else 0, st.st_mtime_ns)
    return out


def bounded(*args: str, root: Path, outputs: tuple[str, ...] = (), unprivileged: bool = False,
            cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``ropa ARGS`` on the repository at ``root`` (run from ``cwd``, default ``root``) as a process
    limited to ``TIMEOUT`` seconds and ``MEMORY`` bytes; fails on a traceback, an internal error,
    or a change under ``root`` outside ``outputs`` (relative paths); ``env``: more variables."""
    before = tree(root, outputs)
    start = time.monotonic()
    done = subprocess.run([*(NO_DAC if unprivileged else []), sys.executable, "-m", "generator", *args],
                          cwd=cwd or root, capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    assert time.monotonic() - start < TIMEOUT
    both = done.stdout + done.stderr
    assert "Traceback" not in both and "internal error" not in both and "erreur interne" not in both and "MemoryError" not in both, both[-3000:]
    after = tree(root, outputs)
    assert after == before, f"written outside {outputs}: {sorted(set(after.items()) ^ set(before.items()))[:5]}"
    return done


WRITES_CACHE = (CACHE_DIR,)
"""What a whole ``ropa validate`` may write: the pre-commit hook's cache (``generator.load.facts``)."""

_REFS = itertools.count(1)
"""A ref for each sheet the corpus writes: refs are unique in a register."""


def activity(ident: str, **values: Any) -> str:
    """CentreCall's training sheet under another id (and ref), with top-level ``values`` replaced."""
    data = yaml.safe_load(BASE)
    data.update(id=ident, ref=f"RT-X{next(_REFS):04d}", **values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000)


def _activity_text(ident: str) -> str:
    ref = f"RT-X{next(_REFS):04d}"
    return BASE.replace("id: formation-operateurs", f"id: {ident}").replace("ref: RT-01", f"ref: {ref}")


# --- YAML and types: files of one register, validated once ---------------------------------------

def _deep(n: int) -> bytes:
    return ("purposes:\n  main: x\n  sub: " + "[" * n + "x" + "]" * n + "\n").encode()


def _yaml_cases() -> dict[str, tuple[bytes, set[str]]]:
    """case → (file content, rules expected for the file; empty = valid, no error)."""
    text = _activity_text
    cases: dict[str, tuple[bytes, set[str]]] = {}

    def add(name: str, content: bytes | str, *rules: str) -> None:
        cases[name] = (content.encode("utf-8") if isinstance(content, str) else content, set(rules))

    def ident(name: str) -> str:  # the file's stem, also its id
        return f"y-{name}"

    # encodings, BOM, line ends, NUL
    add("bom-utf8", b"\xef\xbb\xbf" + text(ident("bom-utf8")).encode())
    add("utf16-le", b"\xff\xfe" + text(ident("utf16-le")).encode("utf-16-le"), "file-encoding")
    add("utf16-be", b"\xfe\xff" + text(ident("utf16-be")).encode("utf-16-be"), "file-encoding")
    add("utf32", text(ident("utf32")).encode("utf-32"), "file-encoding")
    add("latin1", text(ident("latin1")).encode("latin-1", "replace"), "file-encoding")
    add("crlf", text(ident("crlf")).replace("\n", "\r\n"))
    add("cr-only", text(ident("cr-only")).replace("\n", "\r"))
    add("nul", text(ident("nul")).replace("Formation des", "Formation\x00 des", 1), "file-encoding")
    add("nul-only", b"\x00" * 1000, "file-encoding")
    add("binary", bytes(range(256)) * 8, "file-encoding")
    add("empty", b"", "file-empty")
    add("blank", b"  \n\n   \n", "file-empty")
    add("only-comments", b"# rien\n# encore rien\n", "file-empty")
    add("null-document", b"~\n", "file-empty")
    add("overlong-utf8", b"id: \xc0\xaf\n", "file-encoding")
    add("lone-surrogate", b"id: \xed\xa0\x80\n", "file-encoding")
    # huge and deep
    add("huge", b"# " + b"x" * (2 << 20) + b"\n", "file-too-large")
    add("deep-flow", _deep(200), "yaml-too-deep")
    add("deep-block", "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v: 1\n", "yaml-too-deep")
    add("many-keys", "".join(f"k{i}: v\n" for i in range(100_000)), "too-many-entries")
    add("many-items", "items:\n" + "".join(f"  - {i}\n" for i in range(5_000)), "too-many-entries")
    add("many-categories", text(ident("many-categories")).replace(
        "data_categories:\n", "data_categories:\n" + "  - category: identity\n    description: x\n" * 10_000, 1), "too-many-entries")
    add("name-40000", text(ident("name-40000")).replace(
        "name: Formation des opérateurs et suivi de leurs compétences", "name: " + "n" * 40_000, 1), "text-too-long")
    add("key-40000", "k" * 40_000 + ": v\n", "text-too-long")
    add("long-line-flow", "purposes: [" + ", ".join(["x"] * 999) + "]\n", "schema-type")
    # aliases, merge keys, tags
    add("alias", "a: &x 1\nb: *x\n", "yaml-alias")
    add("billion-laughs", "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)), "yaml-alias")
    add("merge-alias", "base: &b {x: 1}\nother:\n  <<: *b\n", "yaml-alias")
    add("merge-inline", text(ident("merge-inline")) + "<<: {name: x}\n", "schema-unknown-key")
    add("merge-list", "purposes:\n  <<: [{main: x}]\n", "schema-unknown-key")
    add("tag-python", "id: !!python/object/apply:os.system ['echo pwned > /tmp/ropa-pwned']\n", "yaml-tag")
    add("tag-custom", "id: !local x\n", "yaml-tag")
    add("tag-binary", "id: !!binary aGVsbG8=\n", "yaml-tag")
    add("tag-set", "id: !!set {a, b}\n", "yaml-tag")
    add("tag-str-on-date", text(ident("tag-str-on-date")).replace("created: 2019-05-06", "created: !!str 2019-05-06", 1))
    add("tag-verbatim", "id: !<tag:yaml.org,2002:str> x\n", "schema-required")
    add("directive", "%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\nid: !e!x y\n", "yaml-tag")
    add("multiple-documents", text(ident("multiple-documents")) + "---\nid: autre\n", "yaml-multiple-documents")
    # duplicate keys at depth
    add("duplicate-top", text(ident("duplicate-top")) + "name: encore\n", "yaml-duplicate-key")
    add("duplicate-nested", text(ident("duplicate-nested")).replace(
        "  main: Formation", "  main: doublon\n  main: Formation", 1), "yaml-duplicate-key")
    add("duplicate-in-list", text(ident("duplicate-in-list")).replace(
        "  - type: backup\n", "  - type: backup\n    type: backup\n", 1), "yaml-duplicate-key")
    add("duplicate-quoted", text(ident("duplicate-quoted")) + '"name": encore\n', "yaml-duplicate-key")
    # odd key types
    add("key-int", text(ident("key-int")) + "1: un\n", "schema-unknown-key")
    add("key-bool", text(ident("key-bool")) + "true: vrai\n", "schema-unknown-key")
    add("key-null", text(ident("key-null")) + "~: rien\n", "schema-unknown-key")
    add("key-float", text(ident("key-float")) + "1.5: x\n", "schema-unknown-key")
    add("key-date", text(ident("key-date")) + "2020-01-01: x\n", "schema-unknown-key")
    add("key-complex", text(ident("key-complex")) + "? [a, b]\n: x\n", "yaml-complex-key")
    add("key-mapping", text(ident("key-mapping")) + "? {a: b}\n: x\n", "yaml-complex-key")
    add("key-empty", text(ident("key-empty")) + '"": x\n', "schema-unknown-key")
    # syntax
    add("tab-indent", "id: x\npurposes:\n\tmain: y\n", "yaml-syntax")
    add("unclosed-quote", 'id: "x\nname: y\n', "yaml-syntax")
    add("control-char", "id: x\x07y\n", "yaml-syntax")
    add("unclosed-flow", "purposes: [a, b\n", "yaml-syntax")
    add("bad-escape", 'name: "\\q"\n', "yaml-syntax")
    # values YAML 1.1 would turn into other types: the register reads YAML 1.2 core
    add("yes-no", text(ident("yes-no")).replace("role: controller", "role: yes", 1), "schema-enum")
    add("octal-like", text(ident("octal-like")).replace("name: Formation des opérateurs", "name: 0o17", 1))
    add("nan", text(ident("nan")).replace("name: Formation des opérateurs et suivi de leurs compétences", "name: .nan", 1), "schema-type")
    add("inf-date", text(ident("inf-date")).replace("created: 2019-05-06", "created: .inf", 1), "schema-type")
    add("huge-int", text(ident("huge-int")).replace("name: Formation des opérateurs et suivi de leurs compétences", "name: 1" + "0" * 5_000, 1), "schema-type")
    add("huge-int-tagged", text(ident("huge-int-tagged")).replace("created: 2019-05-06", "created: !!int -" + "9" * 9_000, 1), "schema-type")
    add("huge-float", text(ident("huge-float")).replace("created: 2019-05-06", "created: 1e400", 1), "schema-type")
    add("impossible-date", text(ident("impossible-date")).replace("created: 2019-05-06", "created: 2019-02-30", 1), "invalid-date")
    return cases


WRONG_TYPES: list[tuple[str, str, Any, str]] = [
    # (case, dotted path in the base activity, value, rule)
    ("top-list", "", [1, 2], "schema-type"),
    ("top-string", "", "texte", "schema-type"),
    ("top-number", "", 42, "schema-type"),
    ("top-bool", "", True, "schema-type"),
    ("id-number", "id", 42, "schema-type"),
    ("name-list", "name", ["a"], "schema-type"),
    ("name-mapping", "name", {"fr": "a"}, "schema-type"),
    ("name-null", "name", None, "schema-type"),
    ("role-number", "role", 1, "schema-type"),
    ("created-text", "created", "hier", "invalid-date"),
    ("created-number", "created", 2019, "schema-type"),
    ("purposes-text", "purposes", "former", "schema-type"),
    ("purposes-main-list", "purposes.main", ["a"], "schema-type"),
    ("purposes-sub-text", "purposes.sub", "a", "schema-type"),
    ("purposes-sub-item-mapping", "purposes.sub.0", {"a": 1}, "schema-type"),
    ("legal-basis-text", "legal_basis", "contract", "schema-type"),
    ("legal-basis-basis-list", "legal_basis.basis", ["contract"], "schema-type"),
    ("subjects-mapping", "data_subjects", {"category": "employees"}, "schema-type"),
    ("subject-text", "data_subjects.0", "employees", "schema-type"),
    ("categories-text", "data_categories", "identity", "schema-type"),
    ("category-list", "data_categories.0", ["identity"], "schema-type"),
    ("items-text", "data_categories.0.items", "nom", "schema-type"),
    ("item-number", "data_categories.0.items.0", 3, "schema-type"),
    ("retention-list", "data_categories.0.retention", ["P5Y"], "schema-type"),
    ("duration-number", "data_categories.0.retention.duration", 5, "schema-type"),
    ("sensitive-text", "sensitive_data", "aucune", "schema-type"),
    ("recipients-mapping", "recipients", {"name": "x"}, "schema-type"),
    ("recipient-name-number", "recipients.0.name", 12, "schema-type"),
    ("recipient-details-bool", "recipients.0.details", False, "schema-type"),
    ("transfers-null", "transfers", None, "schema-type"),
    ("measures-text", "security_measures", "chiffrement", "schema-type"),
    ("measure-type-list", "security_measures.0.type", ["backup"], "schema-type"),
    ("dpia-text", "dpia", "non", "schema-type"),
    ("dpia-criteria-text", "dpia.criteria", "vulnerable_subjects", "schema-type"),
    ("dpia-date-number", "dpia.date", 2021, "schema-type"),
]


HOSTILE: dict[str, str] = yaml.safe_load((HERE / "values.yaml").read_text(encoding="utf-8"))
YAML_CASES = _yaml_cases()
TYPE_CASES = {f"t-{case}": (path, value, rule) for case, path, value, rule in WRONG_TYPES}
TERMINAL_CASES = {f"e-{case}": value for case, value in HOSTILE.items()}
"""Each hostile value as an activity's role: an unknown value, quoted in the message."""


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One register holding every YAML, type and terminal case as a file of its own, validated
    once as JSON (the rules by file) and once as text (what a terminal shows)."""
    root = copy_register(tmp_path_factory.mktemp("broken"))
    folder = root / ACTIVITIES
    for name, (content, _) in YAML_CASES.items():
        (folder / f"y-{name}.yaml").write_bytes(content)
    for name, (path, value, _) in TYPE_CASES.items():
        data = set_dotted(yaml.safe_load(_activity_text(name)), path, value)
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, value in TERMINAL_CASES.items():
        (folder / f"{name}.yaml").write_text(activity(name, role=value), encoding="utf-8")
    as_json = bounded("validate", "--lang", "en", "--format", "json", "--root", ".", root=root, outputs=WRITES_CACHE)
    assert as_json.returncode == 1, as_json.stderr
    by_file: dict[str, list[dict[str, Any]]] = {}
    for row in json.loads(as_json.stdout):
        by_file.setdefault(Path(row["file"]).stem, []).append(row)
    as_text = bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE)
    assert as_text.returncode == 1
    return {"by_file": by_file, "text": as_text.stdout}


def _errors(broken: dict[str, Any], stem: str) -> set[str]:
    return {row["rule"] for row in broken["by_file"].get(stem, []) if row["severity"] == "error"}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_yaml(broken: dict[str, Any], case: str) -> None:
    expected = YAML_CASES[case][1]
    found = _errors(broken, f"y-{case}")
    if expected:
        assert expected <= found, (case, found, broken["by_file"].get(f"y-{case}"))
        rows = [r for r in broken["by_file"][f"y-{case}"] if r["rule"] in expected]
        assert all(r["line"] >= 0 and r["file"].endswith(f"y-{case}.yaml") for r in rows)
    else:
        assert found == set(), broken["by_file"].get(f"y-{case}")


@pytest.mark.parametrize("case", sorted(TYPE_CASES))
def test_wrong_type(broken: dict[str, Any], case: str) -> None:
    _path, _, rule = TYPE_CASES[case]
    rows = [r for r in broken["by_file"].get(case, []) if r["rule"] == rule]
    assert rows, (case, broken["by_file"].get(case))
    assert rows[0]["line"] >= 1


def test_nothing_left_unparsed_is_run() -> None:
    """The python/object tag of case tag-python was never constructed."""
    assert not Path("/tmp/ropa-pwned").exists()


@pytest.mark.parametrize("case", sorted(TERMINAL_CASES))
def test_terminal_output_escapes_control_characters(broken: dict[str, Any], case: str) -> None:
    lines = [line for line in broken["text"].splitlines() if f"{case}.yaml" in line and "[schema-enum]" in line]
    assert lines, case
    for line in lines:
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in line), repr(line)
    value = TERMINAL_CASES[case]
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        assert "\\" in lines[0], lines[0]


# --- The organisation's file: each case a repository of its own -----------------------------------

ORGANIZATION_CASES = {"number": "42\n", "boolean": "true\n", "list": "- a\n- b\n", "text": "CentreCall\n",
                      "null": "~\n", "float": "3.5\n", "date": "2026-01-01\n"}


@pytest.mark.parametrize("case", sorted(ORGANIZATION_CASES))
def test_organization_top_level(tmp_path: Path, case: str) -> None:
    root = copy_register(tmp_path)
    (root / "register" / "organization.yaml").write_text(ORGANIZATION_CASES[case], encoding="utf-8")
    done = bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE)
    assert done.returncode == 1
    assert re.search(r"register/organization\.yaml:1:1: error: .*\[(schema-type|file-empty)\]", done.stdout), done.stdout


# --- The file system: hostile entries of one register, validated once ------------------------------

def _nfc_nfd(folder: Path) -> None:
    for form in ("NFC", "NFD"):
        name = unicodedata.normalize(form, "équipe")
        (folder / f"{name}.yaml").write_text(activity(name), encoding="utf-8")


FS_CASES: dict[str, tuple[Callable[[Path, Path], object], str, set[str]]] = {
    # case → (make it in (root, activities folder), file stem(s) it is reported at, rules)
    "link-out-passwd": (lambda r, f: (f / "lien.yaml").symlink_to("/etc/passwd"), "lien", {"file-outside-repository"}),
    "link-out-relative": (lambda r, f: (f / "remonte.yaml").symlink_to("../../../../../../etc/hostname"), "remonte", {"file-outside-repository"}),
    "link-dev-zero": (lambda r, f: (f / "zero.yaml").symlink_to("/dev/zero"), "zero", {"file-outside-repository"}),
    "link-dev-urandom": (lambda r, f: (f / "alea.yaml").symlink_to("/dev/urandom"), "alea", {"file-outside-repository"}),
    "link-loop": (lambda r, f: ((f / "boucle-a.yaml").symlink_to("boucle-b.yaml"), (f / "boucle-b.yaml").symlink_to("boucle-a.yaml")), "boucle-a", {"file-unreadable"}),
    "link-self": (lambda r, f: (f / "soi.yaml").symlink_to("soi.yaml"), "soi", {"file-unreadable"}),
    "link-dangling": (lambda r, f: (f / "perdu.yaml").symlink_to("nulle-part.yaml"), "perdu", {"file-unreadable"}),
    "link-in-repository": (lambda r, f: ((r / "partage").mkdir(), (r / "partage" / "dedans.yaml").write_text(activity("dedans"), encoding="utf-8"),
                                         (f / "dedans.yaml").symlink_to("../../partage/dedans.yaml")), "dedans", set()),
    "link-to-folder-out": (lambda r, f: (f / "dossier.yaml").symlink_to("/etc"), "dossier", {"file-outside-repository"}),
    "fifo": (lambda r, f: os.mkfifo(f / "tube.yaml"), "tube", {"file-not-regular"}),
    "device-null": (lambda r, f: os.mknod(f / "nul.yaml", 0o600 | 0o020000, os.makedev(1, 3)) if os.geteuid() == 0 else pytest.skip("mknod needs root"), "nul", {"file-not-regular"}),
    "folder-named-yaml": (lambda r, f: (f / "dossier-yaml.yaml").mkdir(), "dossier-yaml", {"file-unreadable"}),
    "unreadable-file": (lambda r, f: ((f / "secret.yaml").write_text(activity("secret"), encoding="utf-8"), os.chmod(f / "secret.yaml", 0)), "secret", {"file-unreadable"}),
    "long-name": (lambda r, f: (f / ("l" * 250 + ".yaml")).write_text(activity("l" * 250), encoding="utf-8"), "l" * 250, {"schema-max-length"}),
    "nfc-nfd-names": (lambda r, f: _nfc_nfd(f), unicodedata.normalize("NFC", "équipe"), {"schema-pattern"}),
    "escape-in-name": (lambda r, f: (f / "a\x1b[2Jb.yaml").write_text(activity("ab"), encoding="utf-8"), "a\x1b[2Jb", {"id-mismatch"}),
    "newline-in-name": (lambda r, f: (f / "a\nb.yaml").write_text(activity("ab2"), encoding="utf-8"), "a\nb", {"id-mismatch"}),
}


@pytest.fixture(scope="module")
def hostile_fs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = copy_register(tmp_path_factory.mktemp("fs"))
    folder = root / ACTIVITIES
    for make, _, _ in FS_CASES.values():
        make(root, folder)
    try:
        done = bounded("validate", "--lang", "en", "--format", "json", "--root", ".", root=root, outputs=WRITES_CACHE, unprivileged=True)
        text = bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE, unprivileged=True)
    finally:
        for path in folder.iterdir():
            if not path.is_symlink():
                os.chmod(path, 0o755)
    assert done.returncode == 1, done.stderr
    by_file: dict[str, set[str]] = {}
    for row in json.loads(done.stdout):
        by_file.setdefault(Path(row["file"]).name.removesuffix(".yaml"), set()).add(row["rule"])
    return {"by_file": by_file, "text": text.stdout + text.stderr}


@pytest.mark.parametrize("case", sorted(FS_CASES))
def test_file_system(hostile_fs: dict[str, Any], case: str) -> None:
    _, stem, rules = FS_CASES[case]
    found = hostile_fs["by_file"].get(stem, set())
    if rules:
        assert rules <= found, (case, found)
    else:
        assert not {r for r in found if not r.startswith(("review-", "dpia-", "process-"))} - {"register-ref-duplicate"}, (case, found)
    assert "root:" not in hostile_fs["text"]
    assert not any(unicodedata.category(ch) == "Cc" for ch in hostile_fs["text"].replace("\n", ""))


FOLDER_CASES: dict[str, tuple[Callable[[Path], object], str]] = {
    "activities-unlistable": (lambda r: os.chmod(r / ACTIVITIES, 0o000), "folder-unreadable"),
    "processes-unlistable": (lambda r: os.chmod(r / "processes", 0o000), "folder-unreadable"),
    "activities-link-out": (lambda r: (shutil.copytree(r / ACTIVITIES, r.parent / "dehors"), shutil.rmtree(r / ACTIVITIES),
                                       (r / ACTIVITIES).symlink_to(r.parent / "dehors")), "file-outside-repository"),
    "organization-fifo": (lambda r: ((r / "register" / "organization.yaml").unlink(), os.mkfifo(r / "register" / "organization.yaml")), "file-not-regular"),
    "organization-dev-zero": (lambda r: ((r / "register" / "organization.yaml").unlink(), (r / "register" / "organization.yaml").symlink_to("/dev/zero")), "file-outside-repository"),
    "organization-folder": (lambda r: ((r / "register" / "organization.yaml").unlink(), (r / "register" / "organization.yaml").mkdir()), "file-unreadable"),
}


@pytest.mark.parametrize("case", sorted(FOLDER_CASES))
def test_register_folders(tmp_path: Path, case: str) -> None:
    root = copy_register(tmp_path / "repo")
    make, rule = FOLDER_CASES[case]
    make(root)
    try:
        done = bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE, unprivileged=True)
    finally:
        for sub in (ACTIVITIES, Path("processes")):
            if (root / sub).is_dir() and not (root / sub).is_symlink():
                os.chmod(root / sub, 0o755)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"[{rule}]" in done.stdout, done.stdout


def test_new_with_a_300_character_id(tmp_path: Path) -> None:
    root = copy_register(tmp_path)
    done = bounded("new", "activity", "a" * 300, "--role", "controller", "--root", ".", "--lang", "en", root=root)
    assert done.returncode == 2
    assert "300 characters long: at most 100" in done.stderr


# --- Hostile-but-valid text: one register, one build ------------------------------------------------

def _hostile_register(dest: Path) -> Path:
    """CentreCall's repository plus one activity per hostile value (its name, description,
    purposes and a recipient), a process model whose actors and events carry them, and one
    activity near the limits (600 recipients of 1,400 characters, just under the file size)."""
    root = site_repo(dest)
    base = yaml.safe_load(BASE)
    for i, (case, value) in enumerate(HOSTILE.items()):
        data = dict(base, id=f"h-{case}", ref=f"RT-H{i:02d}", name=value, description=value,
                    purposes={"main": value, "sub": [value]},
                    recipients=[dict(base["recipients"][0], name=value, details=value)])
        (root / ACTIVITIES / f"h-{case}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    process = yaml.safe_load((root / "processes" / "formation-operateurs.yaml").read_text(encoding="utf-8"))
    values = list(HOSTILE.values())
    for i, actor in enumerate(process["actors"]):
        actor["name"] = values[i % len(values)]
    for i, event in enumerate(process["events"]):
        event["name"] = values[(i + 7) % len(values)]
    (root / "processes" / "formation-operateurs.yaml").write_text(yaml.safe_dump(process, allow_unicode=True, sort_keys=False), encoding="utf-8")
    big = dict(base, id="h-near-limits", ref="RT-H99",
               recipients=[{"type": "internal_service", "name": f"{i:04d} " + "e" * 1_400} for i in range(600)])
    (root / ACTIVITIES / "h-near-limits.yaml").write_text(yaml.safe_dump(big, allow_unicode=True, sort_keys=False, width=100_000), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile-but-valid register: validated clean, built (site and downloads) once."""
    root = _hostile_register(tmp_path_factory.mktemp("hostile") / "repo")
    done = bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE)
    assert done.returncode == 0, done.stdout
    done = bounded("build", "--root", ".", "--site-dir", "site", root=root, outputs=("site",))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list(root.glob(".site*")), "a staging folder survived the build"
    return root / "site"


def visible(value: str) -> str:
    """What a page shows of ``value``: control characters as spaces, white space collapsed."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    return " ".join(text.split())


def page_text(fragment: str) -> str:
    """The text of an HTML fragment as a browser shows it, white space collapsed."""
    fragment = re.sub(r"<br\s*/?>", " ", fragment)
    fragment = re.sub(r"<a class=\"headerlink\".*?</a>", "", fragment)
    return visible(html.unescape(re.sub(r"<[^>]+>", "", fragment)))


class _Markup(HTMLParser):
    """What a page's markup would run: handlers, javascript: links, scripts that alert."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("img", "iframe", "object", "embed") and any(n == "src" and v == "x" for n, v in attrs):
            self.found.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.found.append(f"<script>{data[:80]}")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def _injected(page: str) -> list[str]:
    parser = _Markup()
    parser.feed(page)
    return parser.found


def _page(site: Path, case: str) -> str:
    return (site / "activites" / f"h-{case}" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_value_in_the_body(hostile_site: Path, case: str) -> None:
    page = _page(hostile_site, case)
    (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert page_text(h1) == visible(HOSTILE[case])
    assert _injected(page) == []
    assert "root:x:" not in page  # no snippet included


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_value_in_the_title_header_and_navigation(hostile_site: Path, case: str) -> None:
    page = _page(hostile_site, case)
    wanted = visible(HOSTILE[case])
    (title,) = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert page_text(title).startswith(wanted + " - "), (page_text(title), wanted)
    (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert page_text(re.sub(r"<a [^>]*headerlink.*?</a>", "", h1, flags=re.S)) == wanted
    # the navigation lists no sheet (issue 14): a sheet is reached from the register table, by its name
    register = (hostile_site / "registre" / "index.html").read_text(encoding="utf-8")
    links = {page_text(t) for t in re.findall(r'<a href="[^"]*activites/[^"]*"[^>]*>(.*?)</a>', register, re.S)}
    assert wanted in links, (wanted, links)


@pytest.fixture(scope="module")
def downloads(hostile_site: Path) -> dict[str, Any]:
    folder = hostile_site / "telechargements"
    with zipfile.ZipFile(folder / "registre.xlsx") as z:
        shared = z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in z.namelist() else ""
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    csv.field_size_limit(1 << 24)  # the near-limits activity's 600 recipients make one long cell
    rows = list(csv.reader(io.StringIO((folder / "registre.csv").read_text(encoding="utf-8-sig"))))
    return {"json": json.loads((folder / "registre.json").read_text(encoding="utf-8")), "xlsx": shared + sheets,
            "csv": [cell for row in rows for cell in row]}


def _json_names(data: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict):
        for value in data.values():
            out |= _json_names(value)
    elif isinstance(data, list):
        for value in data:
            out |= _json_names(value)
    elif isinstance(data, str):
        out.add(data)
    return out


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_value_in_the_json(downloads: dict[str, Any], case: str) -> None:
    assert HOSTILE[case].strip() in {s.strip() for s in _json_names(downloads["json"])}


FORMULA_START = (*tuple("=+-@\t\r"), "＝", "＋", "－", "＠")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_value_in_the_csv(downloads: dict[str, Any], case: str) -> None:
    for cell in downloads["csv"]:
        assert not cell.lstrip().startswith(FORMULA_START) or cell.startswith("'"), repr(cell)
    value = HOSTILE[case].strip()
    assert any(value in cell or value in cell.lstrip("'") for cell in downloads["csv"]), value


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_value_in_the_xlsx(downloads: dict[str, Any], case: str) -> None:
    assert "<f>" not in downloads["xlsx"], "a cell holds a formula"
    shown = html.escape(HOSTILE[case].strip().split("\n")[0], quote=False)
    shown = re.sub(r"[\x00-\x08\x0b-\x1f]", " ", shown).strip()  # as escape.xlsx_text: XML cannot hold them
    assert shown[:20] in downloads["xlsx"] or html.unescape(shown)[:20] in html.unescape(downloads["xlsx"]), shown


def test_near_limits_builds_and_exports(hostile_site: Path, downloads: dict[str, Any]) -> None:
    """What validates also builds and exports: 600 recipients of 1,400 characters."""
    page = (hostile_site / "activites" / "h-near-limits" / "index.html").read_text(encoding="utf-8")
    assert page.count("0599 eeee") == 1 or page.count("0599 " + "e" * 1_400) >= 1
    assert "0599 " + "e" * 1_400 in downloads["xlsx"]


def test_process_model_with_hostile_names(hostile_site: Path) -> None:
    page = next((hostile_site / "processus").rglob("formation-operateurs*/index.html")).read_text(encoding="utf-8")
    # the process is drawn as MOT lanes in inline SVG (issue 15): the names are text nodes only
    (svg,) = re.findall(r'<svg [^>]*class="ropa-lanes".*?</svg>', page, re.S)
    assert "<script" not in svg and "<foreignObject" not in svg and "<a " not in svg
    assert not re.search(r'href\s*=\s*"\s*javascript:', svg)  # « javascript: » may only be text
    assert not re.search(r"<[a-zA-Z][^>]*\son[a-z]+=", svg)  # no event-handler attribute
    assert "%%{init" in html.unescape(svg) or "%%" not in svg  # hostile text, shown as text


def iter_cases() -> Iterator[str]:  # the corpus's size, for the README and the report
    yield from YAML_CASES
    yield from TYPE_CASES
    yield from TERMINAL_CASES
    yield from ORGANIZATION_CASES
    yield from FS_CASES
    yield from FOLDER_CASES


def test_the_corpus_has_at_least_100_cases() -> None:
    assert len(list(iter_cases())) + 5 * len(HOSTILE) >= 100


# --- The hostile site in a browser -----------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with served(hostile_site) as url:
        yield url


RUN_IN_BROWSER = ("html-title", "html-img", "link", "attr-list", "jinja", "snippet", "mermaid-break", "mermaid-init")
"""The values that could run something: their pages are opened (and their diagrams drawn);
every other page is parsed by the browser's own HTML parser (``DOMParser``), which is quicker."""

_READ_PAGES = """async (paths) => Promise.all(paths.map(async (path) => {
  const doc = new DOMParser().parseFromString(await (await fetch(path)).text(), "text/html");
  const h1 = doc.querySelector("article h1");
  h1.querySelectorAll(".headerlink").forEach((a) => a.remove());
  h1.querySelectorAll("br").forEach((br) => br.replaceWith(" "));
  const nav = [...doc.querySelectorAll("nav .md-nav__link")].map((a) => a.textContent);
  return {path, title: doc.title, heading: h1.textContent, nav};
}))"""


def test_hostile_site_in_a_browser(browser: Any, hostile_url: str) -> None:
    """The hostile site in Chromium: no dialog, no console error, no request off localhost; each
    value shown literally in its page's first heading and the page's title;
    the register table lists every name; the process model whose actors and events carry them
    draws its diagram."""
    visit = Visit(browser, hostile_url)
    visit.context.add_init_script(OPEN_SHADOW_ROOTS)
    dialogs: list[str] = []
    visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    wrong: list[tuple[Any, ...]] = []
    try:
        for case in RUN_IN_BROWSER:
            page = visit.open(f"activites/h-{case}/")
            diagrams(page)  # the data-flow diagram, drawn by Mermaid with the value in it
            if visible(page.title()) != visible(page.locator("article h1").first.inner_text().replace("\u00b6", "")) + " - " + page.title().split(" - ", 1)[1]:
                wrong.append((case, page.title()))
        page = visit.open("registre/")
        table = visible(page.locator("article").inner_text())
        cases = list(HOSTILE)
        pages = page.evaluate(_READ_PAGES, [f"../activites/h-{case}/" for case in cases])
        for case, found in zip(cases, pages, strict=False):
            wanted = visible(HOSTILE[case])
            # (the navigation lists no sheet since issue 14: the register table is the way to them)
            if visible(found["heading"]) != wanted or not visible(found["title"]).startswith(wanted + " - ") \
                    or wanted not in table:
                wrong.append((case, found["heading"], found["title"], wanted in table))
        page = visit.open("processus/formation-operateurs/")
        # the process is drawn as MOT lanes in inline SVG (issue 15): its text is the values, as text
        text = " ".join(page.locator("svg.ropa-lanes").first.text_content().split())
        assert visible(next(iter(HOSTILE.values()))) in text, text[:500]
        visit.check()
    finally:
        visit.context.close()
    assert dialogs == []
    assert wrong == []


# --- Commands on hostile repositories: diff, annotations, import -----------------------------------

def test_diff_reads_no_file_out_of_the_repository(tmp_path: Path) -> None:
    """``ropa diff`` reads the working tree as ``ropa validate`` does: a link out of the repository
    is reported, never followed (its target's values never printed); a committed file over the
    size limit is reported, not read; a committed file whose name holds a line break is read as
    itself, so nothing unchanged shows as changed."""
    from gitrepo import commit, init_repo

    root = init_repo(copy_register(tmp_path / "repo"))
    (root / ACTIVITIES / "gros.yaml").write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    (root / ACTIVITIES / "a\nb.yaml").write_text(activity("ab"), encoding="utf-8")
    commit(root, "Registre")
    (tmp_path / "dehors.yaml").write_text(activity("fuite", name="VALEUR-HORS-DU-DEPOT"), encoding="utf-8")
    (root / ACTIVITIES / "fuite.yaml").symlink_to(tmp_path / "dehors.yaml")
    os.mkfifo(root / ACTIVITIES / "tube.yaml")
    for fmt in ("text", "markdown"):
        done = bounded("diff", "HEAD", "--format", fmt, "--lang", "en", "--root", ".", root=root)
        assert done.returncode == 0, done.stderr
        assert "VALEUR-HORS-DU-DEPOT" not in done.stdout, done.stdout
        assert "register/activities/fuite.yaml:0:0: this is a link to a file outside the register repository" in done.stdout, done.stdout
        assert "register/activities/tube.yaml:0:0: this is not a regular file" in done.stdout, done.stdout
        assert "register/activities/gros.yaml:1:1: " in done.stdout and "1048576" in done.stdout.replace(",", ""), done.stdout
        assert "No change to the register" in done.stdout, done.stdout


def test_diff_follows_committed_links_as_validate_follows_them_on_disk(tmp_path: Path) -> None:
    """Links committed in git, read at a revision as ``ropa validate`` reads them on disk: one to
    a sheet elsewhere in the repository is that sheet (nothing changed), one out of the
    repository is refused unread, a dangling one is unreadable; never their target's path read
    as YAML."""
    from gitrepo import commit, init_repo

    root = init_repo(copy_register(tmp_path / "repo"))
    (root / "partage").mkdir()
    (root / "partage" / "lien.yaml").write_text(activity("lien", name="Fiche partagée"), encoding="utf-8")
    (root / ACTIVITIES / "lien.yaml").symlink_to(Path("..") / ".." / "partage" / "lien.yaml")
    (tmp_path / "dehors.yaml").write_text(activity("fuite", name="VALEUR-HORS-DU-DEPOT"), encoding="utf-8")
    (root / ACTIVITIES / "fuite.yaml").symlink_to(Path("..") / ".." / ".." / "dehors.yaml")
    (root / ACTIVITIES / "perdu.yaml").symlink_to("nulle-part.yaml")
    commit(root, "Registre")
    done = bounded("diff", "HEAD", "--lang", "en", "--root", ".", root=root)
    assert done.returncode == 0, done.stderr
    assert "VALEUR-HORS-DU-DEPOT" not in done.stdout and "../" not in done.stdout, done.stdout
    assert "No change to the register" in done.stdout, done.stdout
    at_head = bounded("diff", "HEAD~0", "HEAD", "--lang", "en", "--root", ".", root=root)
    assert at_head.returncode == 0 and "No change to the register" in at_head.stdout, at_head.stdout
    for shown in (done.stdout, at_head.stdout):
        assert "register/activities/fuite.yaml:0:0: this is a link to a file outside the register repository" in shown, shown
        assert "register/activities/perdu.yaml:0:0: " in shown, shown


def test_diff_lists_a_folder_committed_as_a_link_as_validate_does(tmp_path: Path, ropa: Runner) -> None:
    """register/activities committed as a link to another folder of the repository: validate
    lists the sheets through it, and so does ``ropa diff``, on disk and at a revision, where
    every sheet showed as removed (or added) though nothing changed."""
    from gitrepo import commit, init_repo

    root = init_repo(copy_register(tmp_path / "repo"))
    (root / ACTIVITIES).rename(root / "fiches")
    (root / ACTIVITIES).symlink_to(Path("..") / "fiches")
    assert ropa("validate", "--root", root).returncode == 0
    commit(root, "Registre")
    edited = root / "fiches" / "formation-operateurs.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("name: Formation", "name: Formations"), encoding="utf-8")
    for revisions in (("HEAD",), ("HEAD~0", "HEAD")):
        done = bounded("diff", *revisions, "--lang", "en", "--root", ".", root=root)
        assert done.returncode == 0, done.stderr
        assert "removed" not in done.stdout and "added" not in done.stdout, done.stdout
        if len(revisions) == 1:
            assert "(changed): register/activities/formation-operateurs.yaml" in done.stdout, done.stdout
        else:
            assert "No change to the register" in done.stdout, done.stdout


def test_github_annotations_carry_no_terminal_escapes(tmp_path: Path) -> None:
    """``--format github`` lines go to the Actions log, which reads ANSI escapes: a value cannot
    recolour it, hide a line or write a link (OSC 8), nor start a workflow command of its own."""
    root = copy_register(tmp_path)
    for name, value in TERMINAL_CASES.items():
        (root / ACTIVITIES / f"{name}.yaml").write_text(activity(name, role=value), encoding="utf-8")
    hostile = "\x1b]8;;https://evil.example\x07clic\x1b]8;;\x07\x9b31m\u0085::error::faux\n::stop-commands::x\u202e"
    (root / ACTIVITIES / "osc.yaml").write_text(activity(hostile, role=hostile), encoding="utf-8")
    done = bounded("validate", "--format", "github", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len([line for line in lines if "osc.yaml" in line and "title=id-mismatch" in line]) == 1, lines
    for line in lines:
        assert line.startswith(("::error file=", "::warning file=")), repr(line)
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in line), repr(line)


def test_a_csv_export_of_a_valid_register_imports_again(tmp_path: Path) -> None:
    """What ``ropa export --format csv`` writes of a valid register, ``ropa import`` reads back,
    cells longer than the csv module's default limit (128 KiB) included."""
    root = copy_register(tmp_path / "repo")
    big = dict(yaml.safe_load(BASE), id="h-near-limits", ref="RT-H99",
               recipients=[{"type": "internal_service", "name": f"{i:04d} " + "e" * 1_400} for i in range(600)])
    (root / ACTIVITIES / "h-near-limits.yaml").write_text(
        yaml.safe_dump(big, allow_unicode=True, sort_keys=False, width=100_000), encoding="utf-8")
    done = bounded("export", "--format", "csv", "--output", str(tmp_path / "registre.csv"), "--root", ".", root=root)
    assert done.returncode == 0, done.stderr
    (tmp_path / "new").mkdir()
    done = bounded("import", str(tmp_path / "registre.csv"), "--dry-run", "--lang", "en", "--root", ".", root=tmp_path / "new")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 activities imported" in done.stdout, done.stdout


def _ods(path: Path, rows: str) -> None:
    """An OpenDocument spreadsheet of one sheet, « Liste des traitements », of ``rows`` (XML)."""
    office, table = "urn:oasis:names:tc:opendocument:xmlns:office:1.0", "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}" '
               f'xmlns:table="{table}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Liste des traitements">'
               f'{rows}</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)


def _cnil_workbook(path: Path, extra: Callable[[zipfile.ZipFile], None] | None = None, list_rows: str = "") -> None:
    """The CNIL model of tests/cnil_model.py (one record sheet), with ``list_rows`` (XML) added to
    the list of activities and ``extra`` writing more members."""
    from cnil_model import FICHES, build

    build(path.with_suffix(".src.xlsx"), FICHES[:1])
    with zipfile.ZipFile(path.with_suffix(".src.xlsx")) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml" and list_rows:
                data = data.replace(b"</sheetData>", list_rows.encode() + b"</sheetData>")
            dst.writestr(item, data)
        if extra is not None:
            extra(dst)


def _zip_bomb(archive: zipfile.ZipFile) -> None:
    with archive.open("xl/media/image1.png", "w", force_zip64=True) as member:
        zeros = b"\0" * (1 << 24)
        for _ in range(66):  # 1.03 GiB of zeros, a megabyte once deflated
            member.write(zeros)


_CELL = '<table:table-cell office:value-type="string"{}><text:p>x</text:p></table:table-cell>'
IMPORT_BOMBS: dict[str, tuple[str, Callable[[Path], None], str]] = {
    # case → (file name, make it, what the message says)
    "ods-repeated-rows": ("lignes.ods", lambda p: _ods(p, '<table:table-row table:number-rows-repeated="1048000">'
                                                       + _CELL.format(' table:number-columns-repeated="90"') + "</table:table-row>"),
                          "lignes.ods, sheet 'Liste des traitements': the sheet spans 1048000 filled rows and 90 columns"),
    "ods-repeated-columns": ("colonnes.ods", lambda p: _ods(p, '<table:table-row table:number-rows-repeated="400">'
                                                            + _CELL.format(' table:number-columns-repeated="16384"') + "</table:table-row>"),
                             "more than 5000000 cells"),
    "xlsx-zip-bomb": ("bombe.xlsx", lambda p: _cnil_workbook(p, _zip_bomb), "bombe.xlsx: the workbook would unpack to 11"),
    "xlsx-wide-row": ("large.xlsx", lambda p: _cnil_workbook(p, list_rows='<row r="900">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 2_000_000 + "</row>"),
                      "large.xlsx, sheet '2 - Liste des traitements': more than 500000 cells in the sheet's first 10000 rows"),
}


@pytest.mark.parametrize("case", sorted(IMPORT_BOMBS))
def test_import_of_a_spreadsheet_bomb(tmp_path: Path, case: str) -> None:
    """A few hundred kilobytes that would unpack, expand or parse into gigabytes: refused with a
    message naming the file and the sheet, in seconds and bounded memory, nothing written."""
    name, make, expected = IMPORT_BOMBS[case]
    make(tmp_path / name)
    (tmp_path / "repo").mkdir()
    done = bounded("import", str(tmp_path / name), "--lang", "en", "--root", ".", root=tmp_path / "repo")
    assert done.returncode == 1, done.stdout + done.stderr
    assert expected.replace(",", "") in done.stderr.replace("\u202f", "").replace(",", ""), done.stderr
    assert not (tmp_path / "repo" / "register").exists()



@pytest.mark.parametrize(("case", "organization", "sheet"), [
    ("interval-past-the-calendar", ("review_interval: P1Y", "review_interval: P99999999999Y"), None),
    ("weeks-past-timedelta", ("review_interval: P1Y", "review_interval: P9999999999W"), None),
    ("reviewed-on-the-last-day", None, ("last_reviewed: 2026-02-01", "last_reviewed: 9999-12-31")),
    ("retention-past-the-calendar", None, ("duration: P5Y", "duration: P99999999999Y")),
])
def test_dates_at_the_end_of_the_calendar(tmp_path: Path, case: str, organization: tuple[str, str] | None,
                                          sheet: tuple[str, str] | None) -> None:
    """A review due after 9999-12-31 is due on the calendar's last day: no overflow in validate,
    build or export, whatever the interval or the date."""
    root = site_repo(tmp_path / "repo")
    for path, change in ((root / "register" / "organization.yaml", organization),
                         (root / ACTIVITIES / "formation-operateurs.yaml", sheet)):
        if change is not None:
            text = path.read_text(encoding="utf-8")
            assert change[0] in text
            path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    done = bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE)
    assert done.returncode == 0, done.stdout + done.stderr
    done = bounded("export", "--format", "xlsx", "--output", str(tmp_path / "registre.xlsx"), "--root", ".", root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    if case == "interval-past-the-calendar":  # (one build: the dashboard shows every due date)
        done = bounded("build", "--root", ".", "--site-dir", "site", root=root, outputs=("site",))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "9999-12-31" in (root / "site" / "tableau-de-bord" / "index.html").read_text(encoding="utf-8")


def _no_controls(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf") or ch in "\u2028\u2029" for ch in text.replace("\n", ""))


@pytest.mark.parametrize("name", ["\x1b[31mrouge", "a\u2028injecte: oui", "b\x85c\u202e", "d\x07\x9b2J"])
def test_import_of_a_file_with_a_hostile_name(tmp_path: Path, name: str) -> None:
    """The source's file name and a header of it reach the terminal (notices, summary) and the
    comments of the YAML written: shown escaped there, so neither the screen nor the files break
    (ESC is no YAML, NEL and U+2028 end a YAML comment)."""
    root = copy_register(tmp_path / "repo")
    done = bounded("export", "--format", "csv", "--output", str(tmp_path / "registre.csv"), "--root", ".", root=root)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "registre.csv").read_text(encoding="utf-8-sig"))))
    rows[0].append("\x1b]8;;https://evil.example\x07lien\x1b]8;;\x07\u2028x: 1")
    for row in rows[1:]:
        row.append("v")
    source = tmp_path / f"{name}.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    (tmp_path / "new").mkdir()
    done = subprocess.run([sys.executable, "-m", "generator", "import", str(source), "--lang", "en", "--root", "."],
                          cwd=tmp_path / "new", capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unknown column '\\x1b]8;;https://evil.example\\x07lien" in done.stderr, done.stderr
    assert _no_controls(done.stdout) and _no_controls(done.stderr), (done.stdout, done.stderr)
    assert "5 activities imported" in done.stdout, done.stdout
    written = sorted((tmp_path / "new" / "register").rglob("*.yaml"))
    assert len(written) == 6
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert all(line.startswith("#") for line in text.splitlines() if "injecte" in line), text[:400]
    missing = subprocess.run([sys.executable, "-m", "generator", "import", str(tmp_path / f"absent-{name}.csv")],
                             cwd=tmp_path / "new", capture_output=True, text=True, timeout=TIMEOUT,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert missing.returncode == 2 and "absent-" in missing.stderr and _no_controls(missing.stderr), missing.stderr


FORMULA_CASES = {case: value for case, value in HOSTILE.items() if case.startswith("formula-")}


def test_libreoffice_runs_no_formula_of_the_exports(tmp_path: Path) -> None:
    """The XLSX and CSV exports of sheets named with formula-like text, opened by LibreOffice Calc
    (headless, converted to flat ODS): no cell is a formula, each text is there as text. A CSV of
    the same texts unescaped, converted alongside, does give formulas: the check can fail."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is needed: DPOs of public bodies open the exports with it")
    root = copy_register(tmp_path / "repo")
    for case, value in FORMULA_CASES.items():
        (root / ACTIVITIES / f"f-{case}.yaml").write_text(
            activity(f"f-{case}", name=value, description=value, purposes={"main": value, "sub": [value]}), encoding="utf-8")
    for fmt in ("xlsx", "csv"):
        done = bounded("export", "--format", fmt, "--output", str(tmp_path / f"registre.{fmt}"), "--root", ".", root=root)
        assert done.returncode == 0, done.stdout + done.stderr
    with (tmp_path / "temoin.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["a"], *([value] for value in FORMULA_CASES.values())])
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    for infilter, sources in ((["--infilter=CSV:44,34,76,1,,0,false,true,false,true,true,-1"], ("registre.csv", "temoin.csv")),
                              ([], ("registre.xlsx",))):  # (CSV: UTF-8, spaces trimmed, as a DPO would open it)
        made = subprocess.run(["soffice", "--headless", profile, *infilter, "--convert-to", "fods", "--outdir",
                               str(tmp_path / Path(sources[0]).suffix[1:]), *(str(tmp_path / n) for n in sources)],
                              capture_output=True, text=True, timeout=300)
        assert made.returncode == 0, made.stderr
    read = {name: (tmp_path / folder / f"{stem}.fods").read_text(encoding="utf-8")
            for name, folder, stem in (("registre", "csv", "registre"), ("temoin", "csv", "temoin"), ("registre-xlsx", "xlsx", "registre"))}
    assert "table:formula=" in read["temoin"], made.stderr  # LibreOffice does run what is left as it is
    for name in ("registre", "registre-xlsx"):
        assert "table:formula=" not in read[name], re.findall(r'table:formula="[^"]*"', read[name])[:5]
        shown = html.unescape(read[name])
        for value in FORMULA_CASES.values():
            assert value.strip() in shown, (name, value)


@pytest.mark.parametrize(("case", "employees", "expected"), [
    ("long-integer", "1" * 5_000, "not a ropa JSON export: a number of 5000 digits (4000 at most)"),
    ("nan", "NaN", "not a ropa JSON export: NaN is not a JSON number"),
    ("infinity", "-Infinity", "not a ropa JSON export: -Infinity is not a JSON number"),
])
def test_import_of_json_numbers_python_alone_reads(tmp_path: Path, case: str, employees: str, expected: str) -> None:
    """Numbers no register holds and strict JSON has not: refused with a message, where they
    stopped ``ropa import`` with an internal error (int()'s digit limit; NaN never equal to itself)."""
    root = copy_register(tmp_path / "repo")
    done = bounded("export", "--format", "json", "--output", str(tmp_path / "registre.json"), "--root", ".", root=root)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "registre.json").read_text(encoding="utf-8")
    assert '"employees": 180' in text
    (tmp_path / f"{case}.json").write_text(text.replace('"employees": 180', f'"employees": {employees}'), encoding="utf-8")
    (tmp_path / "new").mkdir()
    done = bounded("import", str(tmp_path / f"{case}.json"), "--lang", "en", "--root", ".", root=tmp_path / "new")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{case}.json: {expected}" in done.stderr.replace("\u202f", ""), done.stderr


@pytest.mark.parametrize(("case", "cell"), [
    ("employees-infinite", lambda value: "1e400" if value == 180 else None),
    ("duration-of-5000-digits", lambda value: "9" * 5_000 + " ans" if isinstance(value, str) and re.match(r"^\d+ ans\b", value) else None),
])
def test_import_of_numbers_past_any_register(tmp_path: Path, case: str, cell: Callable[[Any], str | None]) -> None:
    """Cells of ``ropa export --format xlsx`` turned into numbers no register holds (1e400 employees,
    a retention of 5,000 digits of years): imported as the text the sheet wrote, for ``ropa
    validate`` to point at (a retention's words, beside its ISO duration, no longer read), where
    ``int()`` stopped the import with an internal error."""
    import openpyxl

    root = copy_register(tmp_path / "repo")
    done = bounded("export", "--format", "xlsx", "--output", str(tmp_path / "registre.xlsx"), "--root", ".", root=root)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "registre.xlsx")
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if (new := cell(c.value)) is not None:
                    c.value, changed = new, changed + 1
    assert changed, case
    book.save(tmp_path / f"{case}.xlsx")
    (tmp_path / "new").mkdir()
    done = bounded("import", str(tmp_path / f"{case}.xlsx"), "--lang", "en", "--root", ".", root=tmp_path / "new",
                   outputs=("register",))
    assert done.returncode == 0, done.stdout + done.stderr
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "new" / "register").rglob("*.yaml"))
    assert 'employees: "1e400"' in written or case != "employees-infinite", written[:2000]
    assert "TO BE COMPLETED" in written or case == "employees-infinite"


def test_hostile_organisation_name_in_every_page_title(tmp_path: Path) -> None:
    """The organisation's name is the site's name: in every page's <title>, its header and the
    search index, shown as text (no markup, no control character), whatever it holds."""
    root = site_repo(tmp_path / "repo")
    name = "</title><script>alert('org')</script><img src=x onerror=alert(5)> \x1b[31mrouge\x07 &amp; {{ 7*7 }}"
    path = root / "register" / "organization.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["name"] = name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = bounded("build", "--root", ".", "--site-dir", "site", root=root, outputs=("site",))
    assert done.returncode == 0, done.stdout + done.stderr
    pages = sorted((root / "site").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        (title,) = re.findall(r"<title>(.*?)</title>", text, re.S)
        assert "alert(" in title and "<" not in title and not any(unicodedata.category(ch) == "Cc" for ch in title), (page, title)
        assert _injected(text) == [], page
    assert "alert('org')" in (root / "site" / "search" / "search_index.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("ident", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_new_refuses_a_windows_device_name(tmp_path: Path, ident: str) -> None:
    """``con.yaml`` cannot be checked out on Windows, where many DPOs of public bodies work: ``ropa
    new`` refuses the id (``ropa validate`` reports such a file: file-name-windows-device)."""
    root = copy_register(tmp_path)
    for kind, extra in (("activity", ["--role", "controller"]), ("process", [])):
        done = bounded("new", kind, ident, *extra, "--root", ".", "--lang", "en", root=root)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"'{ident}' names a device on Windows ({kind})" in done.stderr, done.stderr


def _deep_cache(path: Path) -> None:
    """A cache whose header is right (the loader's key, the payload's sum) and whose payload is
    nested 100,000 deep: what a cache committed to a hostile repository can hold."""
    from generator.load.facts import digest, loader_key

    payload = b"[" * 100_000 + b"]" * 100_000
    header = json.dumps({"key": loader_key(), "sum": digest(payload), "written": time.time_ns()})
    path.write_bytes(header.encode() + b"\n" + payload)


CACHE_CASES: dict[str, Callable[[Path], object]] = {
    "link-to-dev-zero": lambda p: p.symlink_to("/dev/zero"),
    "fifo": lambda p: os.mkfifo(p),
    "deep-header": lambda p: p.write_bytes(b"[" * 100_000 + b"]" * 100_000 + b"\n{}"),
    "deep-payload": _deep_cache,
    "folder": lambda p: p.mkdir(),
}


@pytest.mark.parametrize("case", sorted(CACHE_CASES))
def test_hostile_hook_cache_is_ignored(tmp_path: Path, case: str) -> None:
    """The pre-commit hook's cache (``.ropa-cache/facts.json``, generator.load.facts) is read as a
    register file is: a FIFO, a link to a device, a folder or a payload nested too deep is no
    cache, ignored (every file is read) without blocking, exhausting memory or an internal error."""
    root = copy_register(tmp_path)
    (root / CACHE_DIR).mkdir()
    CACHE_CASES[case](root / CACHE_DIR / "facts.json")
    done = bounded("validate", "--lang", "en", "--root", ".", str(ACTIVITIES / "formation-operateurs.yaml"),
                   root=root, outputs=WRITES_CACHE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "files checked: 0 errors" in done.stderr, done.stdout + done.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("ROPA_TODAY", "demain"), ("ROPA_TODAY", "2026-02-30"), ("ROPA_TODAY", "0001-01-01"), ("ROPA_TODAY", "2026-01-01T10:00"),
    ("ROPA_TODAY", "99999-01-01"), ("SOURCE_DATE_EPOCH", "99999999999999"), ("SOURCE_DATE_EPOCH", "\u00b2"),
    ("SOURCE_DATE_EPOCH", "-1"), ("SOURCE_DATE_EPOCH", "hier"),
])
@pytest.mark.parametrize("command", [("validate",), ("export", "--format", "json", "--output", "-")])
def test_dates_of_the_environment_that_are_no_dates(tmp_path: Path, name: str, value: str, command: tuple[str, ...]) -> None:
    """``ROPA_TODAY`` and ``SOURCE_DATE_EPOCH`` set to what is no date a run can count from are
    refused by name (exit 2), never ignored for the clock nor an internal error (year 0)."""
    root = copy_register(tmp_path)
    done = bounded(*command, "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE, env={name: value})
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{name}={value}: not a" in done.stderr, done.stderr


@pytest.mark.parametrize(("case", "ref"), [
    ("case", "rt-01"), ("full-width", "\uff32\uff34-01"), ("spaces", " RT-01 "), ("nfd", unicodedata.normalize("NFD", "RT-01é")),
])
def test_refs_a_reader_cannot_tell_apart_are_duplicates(tmp_path: Path, case: str, ref: str) -> None:
    """Two sheets whose refs differ only by case, width, spaces or Unicode normalisation are one
    ref to a reader (and to a spreadsheet's sheet names): ``duplicate-ref``, in a whole run and in
    the pre-commit hook's run on the new file alone (facts of the others from the cache)."""
    root = copy_register(tmp_path)
    first = "RT-01é" if case == "nfd" else "RT-01"
    path = root / ACTIVITIES / "formation-operateurs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ref: RT-01\n", f"ref: {first}\n"), encoding="utf-8")
    bounded("validate", "--lang", "en", "--root", ".", root=root, outputs=WRITES_CACHE)  # warms the cache
    (root / ACTIVITIES / "z-copie.yaml").write_text(
        BASE.replace("id: formation-operateurs", "id: z-copie").replace("ref: RT-01", f"ref: {json.dumps(ref)}"), encoding="utf-8")
    for only in ((), (str(ACTIVITIES / "z-copie.yaml"),)):
        done = bounded("validate", "--lang", "en", "--format", "json", "--root", ".", *only, root=root, outputs=WRITES_CACHE)
        assert done.returncode == 1, done.stdout + done.stderr
        found = [(Path(r["file"]).name, r["rule"]) for r in json.loads(done.stdout) if r["rule"] == "duplicate-ref"]
        assert found == [("z-copie.yaml", "duplicate-ref")], (only, done.stdout)


def test_diff_in_a_shallow_clone_says_so(tmp_path: Path) -> None:
    """``ropa diff HEAD~1`` in a clone of depth 1 (what CI checks out by default) names the cause,
    the shallow clone, where it said only that the revision was no commit."""
    from gitrepo import commit, init_repo

    origin = init_repo(copy_register(tmp_path / "origin"))
    commit(origin, "Registre")
    path = origin / ACTIVITIES / "formation-operateurs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ref: RT-01", "ref: RT-01b"), encoding="utf-8")
    commit(origin, "Nouvelle référence")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(tmp_path / "clone")], check=True)
    done = bounded("diff", "HEAD~1", "--lang", "en", "--root", ".", root=tmp_path / "clone")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "'HEAD~1' is not a commit of this shallow clone: fetch the history (git fetch --unshallow" in done.stderr, done.stderr
    done = bounded("diff", "HEAD~1", "--lang", "en", "--root", ".", root=origin)
    assert done.returncode == 0 and "RT-01b" in done.stdout, done.stdout + done.stderr


def test_a_folder_named_like_a_library_is_never_imported(tmp_path: Path) -> None:
    """``python -m generator`` puts the working directory first on ``sys.path``: a register
    repository's folders named like the libraries a build imports (PyYAML, the theme, a
    Markdown extension) would run in their place. They are data to the build, never code."""
    root = site_repo(tmp_path / "repo")
    for name in ("yaml", "material", "pymdownx", "markdown", "jinja2"):
        (root / name).mkdir()
        (root / name / "__init__.py").write_text(f"raise SystemExit('{name} of the repository imported')\n",
                                                 encoding="utf-8")
    for command in (["validate"], ["build", "--root", ".", "--site-dir", "site"]):
        done = bounded(*command, root=root, outputs=("site", *WRITES_CACHE))
        assert done.returncode == 0 and "of the repository imported" not in done.stdout + done.stderr, \
            done.stdout + done.stderr
    assert (root / "site" / "index.html").is_file()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_deleted_working_directory_is_said_not_a_traceback(tmp_path: Path, lang: str) -> None:
    """A shell still in a folder deleted since (a branch switch, ``rm -r`` of a scratch copy):
    the command says so and what to do, exit 2; ``--version`` still answers."""
    said = {"fr": "le dossier courant n'existe plus", "en": "the current directory no longer exists"}[lang]
    for args, code, text in ((["validate", "--lang", lang], 2, said), (["--version"], 0, "ropa ")):
        gone = tmp_path / f"gone-{code}"
        gone.mkdir()
        # the child enters the folder, which is removed before ropa runs in it
        script = f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); " \
                 "sys.argv = ['ropa', *sys.argv[1:]]; runpy.run_module('generator', run_name='__main__')"
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=tmp_path)
        both = done.stdout + done.stderr
        assert done.returncode == code and text in both and "Traceback" not in both, both
