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
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_register

from generator.commands.validate import _focus, select
from generator.lint.runner import load_register
from generator.load import facts
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


@pytest.mark.parametrize("how", ["too-large", "folder", "dangling-link"])
def test_a_process_that_cannot_be_read_is_still_known_by_its_name(root: Path, how: str) -> None:
    """The activity linking it gets no unknown-process, as in a whole run (the process's own
    error says it all); the stand-ins of the hook must keep every process file, read or not."""
    process = root / "processes" / "fidelisation.yaml"
    process.unlink()
    if how == "too-large":
        process.write_text("name: x\n" + "# ...\n" * 300_000)
    elif how == "folder":
        process.mkdir()
    else:
        process.symlink_to(root / "processes" / "nowhere.yaml")
    target = activity(root, "fidelisation-artemis")
    assert "unknown-process" not in {r[3] for r in same(root, target)}
    assert same(root, target) == whole(root, target)
    assert same(root, process)


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


@pytest.mark.parametrize("damage", ["garbage", "truncated", "checksum", "entries", "columns", "empty"])
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
    elif damage in ("entries", "columns"):  # a well-formed cache whose entries are not facts
        columns = json.loads(payload)
        if damage == "entries":
            columns["kind"][0], columns["id_line"][-1] = "?", [1]
        else:  # one column shorter than the others
            columns["ref"].pop()
        from generator.load.facts import digest
        body = json.dumps(columns).encode()
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


def cli(root: Path, *args: str, prefix: tuple[str, ...] = ()) -> tuple[int, str]:
    done = subprocess.run([*prefix, sys.executable, "-m", "generator", *args, "--format", "json"], capture_output=True,
                          text=True, cwd=root, timeout=300, env={k: v for k, v in os.environ.items() if k != "ROPA_NO_CACHE"})
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout


def parsed_by_hook(root: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the hook parses to check ``target`` (the real parser, counted)."""
    import generator.load.register as register

    names: list[str] = []
    real = register.parse_bytes

    def counting(raw: bytes, path: Path, shown: str, **options: Any) -> Any:
        names.append(path.name)
        return real(raw, path, shown, **options)

    with monkeypatch.context() as m:
        m.setattr(register, "parse_bytes", counting)
        hook(root, target)
    return sorted(names)


def test_a_whole_run_writes_the_cache_the_next_hook_starts_from(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ropa validate`` (the whole register) leaves every file's facts in ``.ropa-cache/``: the
    hook after it reads no other file, and still sees an edit, a deletion, a rename made since."""
    edit(activity(root, "enregistrement-qualite"), "ref: RT-02", "ref: ST-ART-02")
    settle(root)  # no file changed just before the cache is written: the hook has nothing to rewrite
    assert cli(root, "validate")[0] == 1
    cache = root / CACHE_DIR / CACHE_FILE
    columns = json.loads(cache.read_bytes().partition(b"\n")[2])
    assert sorted(columns["name"]) == sorted(p.relative_to(root).as_posix() for p in files(root)
                                             if p.name != "organization.yaml")
    written = cache.stat().st_mtime_ns
    target = activity(root, "routage-appels-artemis")
    # the target, what it references (the organisation, its process), nothing else
    assert parsed_by_hook(root, target, monkeypatch) == ["organization.yaml", "routage-appels-artemis.yaml",
                                                        "routage-appels.yaml"]
    whole_run = json.loads(cli(root, "validate")[1])
    for_target = [d for d in whole_run if d["file"] == display_path(target)]
    assert [d["rule"] for d in for_target] == ["duplicate-ref"]
    os.utime(cache, ns=(written, written))
    assert json.loads(cli(root, "validate", display_path(target))[1]) == for_target
    assert hook(root, target) == whole(root, target)
    assert cache.stat().st_mtime_ns == written  # nothing had changed: the hook did not rewrite it
    # an edit after the whole run: the clash is gone
    edit(activity(root, "enregistrement-qualite"), "ref: ST-ART-02", "ref: RT-02")
    assert same(root, target) == []
    cli(root, "validate")
    # a deletion after the whole run: the target's process
    (root / "processes" / "fidelisation.yaml").unlink()
    assert "unknown-process" in {r[3] for r in same(root, activity(root, "fidelisation-artemis"))}
    cli(root, "validate")
    # a rename after the whole run: a copy of the target sorted first, then renamed last
    target = activity(root, "fidelisation-artemis")
    shutil.copy(target, activity(root, "aaa-copie"))
    cli(root, "validate")
    assert "duplicate-ref" in {r[3] for r in same(root, target)}
    os.rename(activity(root, "aaa-copie"), activity(root, "zzz-copie"))
    assert "duplicate-ref" not in {r[3] for r in same(root, target)}
    assert "duplicate-ref" in {r[3] for r in same(root, activity(root, "zzz-copie"))}


def settle(root: Path) -> None:
    """Wait until every file changed more than ``facts.RACY_NS`` ago (a fresh copy is "racy")."""
    newest = max(p.stat().st_ctime_ns for p in files(root))
    time.sleep(max(0.0, (newest + facts.RACY_NS - time.time_ns()) / 1e9 + 0.05))


def test_files_changed_just_before_the_cache_was_written_are_hashed_until_a_run_writes_it_again(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout (or a copy) just before the cache is written leaves "racy" files: each is hashed
    again, as its change might share an earlier timestamp. The first run that finds them settled
    writes the cache again, so that the hooks after it read none of them; before, every later
    hook hashed every such file until something else changed."""
    import generator.load.register as register

    target = activity(root, "routage-appels-artemis")
    assert cli(root, "validate")[0] == 0  # writes the cache: every file was copied just before
    cache = root / CACHE_DIR / CACHE_FILE
    before = cache.read_bytes()
    hashed: list[int] = []
    real_digest, real_clock = register.digest, time.time_ns

    def counting(raw: bytes) -> str:
        hashed.append(len(raw))
        return real_digest(raw)

    monkeypatch.setattr(register, "digest", counting)
    with monkeypatch.context() as later:
        later.setattr(facts.time, "time_ns", lambda: real_clock() + 10 * facts.RACY_NS)  # the files settled
        assert hook(root, target) == whole_run_rows(root, target)
    racy = len(hashed)
    assert racy >= len(files(root)) - 1, "the files copied just before the cache were not taken as racy"
    assert cache.read_bytes() != before, "the run that found them settled did not write the cache again"
    hashed.clear()
    assert hook(root, target) == whole_run_rows(root, target)
    assert len(hashed) <= 3, f"{len(hashed)} files hashed again after the cache was rewritten"  # the target, what it needs


def whole_run_rows(root: Path, target: Path) -> list[Row]:
    with pytest.MonkeyPatch.context() as quiet:
        quiet.setenv("ROPA_NO_CACHE", "1")
        return whole(root, target)


def test_no_cache_is_written_through_a_link_out_of_the_repository(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / CACHE_DIR).symlink_to(outside, target_is_directory=True)
    target = activity(root, "routage-appels-artemis")
    assert same(root, target) == []
    assert cli(root, "validate")[0] == 0
    assert list(outside.iterdir()) == []
    # nor through a link where its .gitignore or its file would be
    (root / CACHE_DIR).unlink()
    (root / CACHE_DIR).mkdir()
    (root / CACHE_DIR / ".gitignore").symlink_to(outside / "gitignore")
    (root / CACHE_DIR / CACHE_FILE).symlink_to(outside / "facts.json")
    assert cli(root, "validate")[0] == 0
    assert list(outside.iterdir()) == []
    assert not (root / CACHE_DIR / CACHE_FILE).is_symlink()  # replaced by the file itself
    assert same(root, target) == []


def test_a_read_only_repository_gets_no_cache_and_no_error(root: Path) -> None:
    """The register checked by someone who may not write it (a read-only checkout, another
    user's folder): the hook and the whole run answer as usual, no cache is written. As root
    (who may write anything), the processes run without the capability that lets root ignore
    permissions."""
    edit(activity(root, "enregistrement-qualite"), "ref: RT-02", "ref: ST-ART-02")
    target = display_path(activity(root, "routage-appels-artemis"))
    expected = cli(root, "validate", target)
    assert expected[0] == 1 and "duplicate-ref" in expected[1]
    shutil.rmtree(root / CACHE_DIR)
    prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search") \
        if os.geteuid() == 0 else ()
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        probe = subprocess.run([*prefix, sys.executable, "-c", f"open({str(root / 'probe')!r}, 'w')"], capture_output=True)
        assert probe.returncode != 0  # the folder is read-only for these processes
        assert cli(root, "validate", target, prefix=prefix) == expected
        assert cli(root, "validate", prefix=prefix)[0] == 1
        assert not (root / CACHE_DIR).exists()
        # a cache left there before, that may not be refreshed: still the right answer
        folders[0].chmod(0o755)
        assert cli(root, "validate")[0] == 1
        (root / CACHE_DIR).chmod(0o555)
        folders[0].chmod(0o555)
        edit_blocked = activity(root, "enregistrement-qualite")
        edit_blocked.chmod(0o644)
        edit(edit_blocked, "ref: ST-ART-02", "ref: RT-02")  # (the file itself stays writable)
        assert cli(root, "validate", target, prefix=prefix) == (0, "[]\n")
    finally:
        for folder in folders:
            folder.chmod(0o755)


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
