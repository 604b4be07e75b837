"""The pre-commit hook (``ropa validate FILE``) parses only the files it checks and what they need;
the others stand in as the facts kept in ``.ropa-cache/``. The cache must never hide a problem:
after an edit, a rename, a deletion, a checkout of another branch (real git) or with a damaged
cache, the focused file gets exactly the diagnostics a whole run gives it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_register

from generator.commands.validate import _focus, select
from generator.lint.runner import load_register
from generator.load.facts import CACHE_DIR, CACHE_FILE
from generator.load.layout import display_path

Row = tuple[str, int, int, str, str]


def whole(root: Path, target: Path) -> list[Row]:
    """The diagnostics of ``target`` (and of what it references) in a whole run."""
    return _rows(select(load_register(root), [target]))


def hook(root: Path, target: Path) -> list[Row]:
    """The same, as the pre-commit hook computes them (through the cache)."""
    return _rows(select(load_register(root, focus=_focus([target])), [target]))


def _rows(found: list) -> list[Row]:  # type: ignore[type-arg]
    return [(d.file, d.line, d.column, d.rule, d.message("en")) for d in found]


def same(root: Path, target: Path) -> list[Row]:
    expected = whole(root, target)
    assert hook(root, target) == expected
    return expected


def files(root: Path) -> list[Path]:
    return sorted([root / "register" / "organization.yaml", *root.glob("register/activities/*.yaml"),
                   *root.glob("processes/*.yaml")])


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root,
                   check=True, capture_output=True)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    reg = copy_register(tmp_path / "reg")
    monkeypatch.chdir(reg)
    monkeypatch.delenv("ROPA_NO_CACHE", raising=False)
    return reg


def activity(root: Path, name: str) -> Path:
    return root / "register" / "activities" / f"{name}.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_file_gets_the_diagnostics_of_a_whole_run_cold_and_warm(root: Path) -> None:
    # problems of every kind across files: a duplicate ref, a duplicate id, an unknown party
    edit(activity(root, "routage-appels-artemis"), "ref: ST-ART-02", "ref: RT-02")
    shutil.copy(activity(root, "formation-operateurs"), activity(root, "zz-copie"))
    edit(activity(root, "gestion-personnel-paie"), "processors: [paie-services]", "processors: [inconnu]")
    for target in files(root):
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        same(root, target)  # cold: no cache
        same(root, target)  # warm
    rules = {row[3] for target in files(root) for row in whole(root, target)}
    assert {"duplicate-ref", "duplicate-id", "unknown-party"} <= rules
    assert (root / CACHE_DIR / CACHE_FILE).is_file()
    assert (root / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")


def test_an_edit_of_another_file_is_seen(root: Path) -> None:
    target = activity(root, "routage-appels-artemis")
    assert same(root, target) == []  # warms the cache
    # an earlier file (in run order) takes the target's ref: the target now holds the duplicate
    edit(activity(root, "enregistrement-qualite"), "ref: RT-02", "ref: ST-ART-02")
    rows = same(root, target)
    assert [r[3] for r in rows] == ["duplicate-ref"]
    assert "enregistrement-qualite.yaml" in rows[0][4]
    # same size, same modification time: only the content hash tells
    path = activity(root, "enregistrement-qualite")
    info = path.stat()
    edit(path, "ref: ST-ART-02", "ref: ST-ART-03")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert same(root, target) == []


def test_a_rename_and_a_deletion_are_seen(root: Path) -> None:
    target = activity(root, "fidelisation-artemis")
    same(root, target)
    # a copy of the target under a name sorted first: the copy keeps the id, the target owns it
    shutil.copy(target, activity(root, "aaa-copie"))
    assert "duplicate-ref" in {r[3] for r in same(root, target)}
    os.rename(activity(root, "aaa-copie"), activity(root, "zzz-copie"))
    assert "duplicate-ref" not in {r[3] for r in same(root, target)}  # now the copy is second
    assert "duplicate-ref" in {r[3] for r in same(root, activity(root, "zzz-copie"))}
    activity(root, "zzz-copie").unlink()
    assert same(root, target) == []
    # the target's process is deleted: unknown-process
    (root / "processes" / "fidelisation.yaml").unlink()
    assert "unknown-process" in {r[3] for r in same(root, target)}


def test_a_process_is_checked_against_the_activities_that_link_it(root: Path) -> None:
    process = root / "processes" / "formation-operateurs.yaml"
    linking = activity(root, "formation-operateurs")
    assert same(root, process) == []
    # the (not focused) activity linking the process stops linking it
    edit(linking, "process: formation-operateurs", "process: controle-qualite")
    assert "process-not-linked" in {r[3] for r in same(root, process)}
    edit(linking, "process: controle-qualite", "process: formation-operateurs")
    assert same(root, process) == []
    # or stops declaring an item the process touches
    edit(linking, "items: [nom, prénom, matricule, courriel professionnel]", "items: [nom, prénom, courriel professionnel]")
    rows = same(root, process)
    assert {r[3] for r in rows} == {"undeclared-data-item"}
    assert "matricule" in rows[0][4]


def test_a_checkout_of_another_branch_is_seen(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "main")
    git(root, "checkout", "-q", "-b", "other")
    edit(activity(root, "enregistrement-qualite"), "ref: RT-02", "ref: ST-ART-02")
    (root / "processes" / "fidelisation.yaml").unlink()
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    target = activity(root, "routage-appels-artemis")
    assert same(root, target) == []
    assert same(root, activity(root, "fidelisation-artemis")) == []
    git(root, "checkout", "-q", "other")
    assert "duplicate-ref" in {r[3] for r in same(root, target)}
    assert "unknown-process" in {r[3] for r in same(root, activity(root, "fidelisation-artemis"))}
    git(root, "checkout", "-q", "main")
    assert same(root, target) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "checksum", "entries", "empty"])
def test_a_damaged_cache_is_ignored_and_rewritten(root: Path, damage: str) -> None:
    target = activity(root, "routage-appels-artemis")
    edit(activity(root, "enregistrement-qualite"), "ref: RT-02", "ref: ST-ART-02")
    expected = same(root, target)
    assert expected
    cache = root / CACHE_DIR / CACHE_FILE
    raw = cache.read_bytes()
    head, _, payload = raw.partition(b"\n")
    if damage == "garbage":
        cache.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        cache.write_bytes(raw[: len(raw) // 2])
    elif damage == "checksum":  # an entry altered without its checksum: the ref that clashes is gone
        cache.write_bytes(head + b"\n" + payload.replace(b'"ST-ART-02"', b'"ST-ART-99"', 1))
    elif damage == "entries":  # a well-formed cache whose entries are not facts
        files = {k: [v[0], ["?"], v[2]] for k, v in json.loads(payload).items()}
        from generator.load.facts import digest
        body = json.dumps(files).encode()
        header = json.loads(head)
        header["sum"] = digest(body)
        cache.write_bytes(json.dumps(header).encode() + b"\n" + body)
    else:
        cache.write_bytes(b"")
    assert hook(root, target) == expected
    assert hook(root, target) == expected
    head2 = cache.read_bytes().partition(b"\n")[0]
    assert json.loads(head2)["key"]  # rewritten whole


def test_without_a_writable_cache_the_hook_still_answers(root: Path) -> None:
    (root / CACHE_DIR).write_text("a file where the cache folder should be")
    target = activity(root, "routage-appels-artemis")
    assert same(root, target) == []


def test_the_hook_on_the_command_line(root: Path) -> None:
    """``ropa validate FILE`` through the cache: the same output as without it."""
    edit(activity(root, "enregistrement-qualite"), "ref: RT-02", "ref: ST-ART-02")
    target = display_path(activity(root, "routage-appels-artemis"))
    runs = []
    for env in ({"ROPA_NO_CACHE": "1"}, {}, {}):
        done = subprocess.run([sys.executable, "-m", "generator", "validate", target, "--format", "json"], capture_output=True, text=True,
                              env={**os.environ, **env}, cwd=root, timeout=120)
        runs.append((done.returncode, done.stdout))
    assert runs[0][0] == 1 and "duplicate-ref" in runs[0][1]
    assert runs[0] == runs[1] == runs[2]


REPOS = sorted((Path(__file__).resolve().parent / "invalid" / "repos").iterdir())


@pytest.mark.parametrize("case", REPOS, ids=[p.name for p in REPOS])
def test_each_broken_repository_of_the_corpus_gives_each_file_a_whole_runs_diagnostics(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/invalid/repos/: the cases of problems across files (duplicates, unreadable files,
    a missing organisation), each file checked alone, without then with the cache."""
    reg = tmp_path / case.name
    shutil.copytree(case, reg, symlinks=True)
    monkeypatch.chdir(reg)
    targets = [p for p in files(reg) if p.exists() or p.is_symlink()]
    assert targets
    for target in targets:
        shutil.rmtree(reg / CACHE_DIR, ignore_errors=True)
        same(reg, target)
        same(reg, target)
