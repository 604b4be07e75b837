"""The site survives its builder: ``ropa generate`` writes one builder-neutral source, and MkDocs
and Zensical build the same site from it (issue 16). Real commands, real builders, real files."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import Runner
from sitebuild import BUILDERS, REPO, built_site, ropa_build, site_repo

from generator.load.layout import ACTIVITIES


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` -> the SHA-256 of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


class Article(HTMLParser):
    """The visible text of a page's content (``<article>``), without scripts, styles and the
    heading permalinks (``¶``)."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.words: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "hr", "meta", "link", "wbr"):
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article":
            self.depth += 1
        elif self.depth:
            self.depth += 1
            if self.skip or tag in ("script", "style") or "headerlink" in classes:
                self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "input", "hr", "meta", "link", "wbr") or not self.depth:
            return
        self.depth -= 1
        if self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.words.extend(data.split())


def pages(site: Path) -> dict[str, str]:
    """Each page of a built site (its folder) -> the visible text of its content."""
    return {p.parent.relative_to(site).as_posix().strip("."): " ".join(Article(p.read_text(encoding="utf-8")).words)
            for p in sorted(site.rglob("index.html"))}


def test_generate_writes_the_whole_source_byte_identically(tmp_path: Path, ropa: Runner) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert ropa("generate", first, "--root", REPO).returncode == 0
    done = ropa("generate", second, "--root", REPO)
    assert done.returncode == 0, done.stderr
    files = tree(first)
    assert files == tree(second)
    assert {p.stat().st_mtime for p in (first / "docs").rglob("*") if p.is_file()} == {0}
    for path in ("mkdocs.yml", "docs/index.md", "docs/registre.md", "docs/activites/fidelisation-artemis.md",
                 "docs/processus/fidelisation.md", "docs/contribuer.md", "docs/assets/ropa/ropa.css",
                 "docs/assets/ropa/ropa.js", "docs/assets/javascripts/mermaid.min.js",
                 "docs/telechargements/registre.xlsx", "docs/telechargements/registre.csv",
                 "docs/telechargements/registre.json"):
        assert path in files, path
    assert not any(name.startswith(".") or "/." in name for name in files), "a staging file was left behind"
    config = (first / "mkdocs.yml").read_text(encoding="utf-8")
    assert "ropa" not in re.findall(r"(?m)^plugins:\n((?:[- ].*\n)*)", config)[0]  # Zensical runs no plugin
    assert "font: false" in config and "repo_url" not in config
    assert "- registre.md" in config
    # Mermaid is served, not listed: every page lists its loader, which fetches it where a diagram is
    assert "assets/ropa/on-demand/mermaid.js" in config and "mermaid.min.js" not in config
    assert "docs/assets/ropa/on-demand/mermaid.js" in files
    assert "activites/" not in config  # the sheets are reached from the register table, not the nav (issue 14)
    sheet = (first / "docs/activites/fidelisation-artemis.md").read_text(encoding="utf-8")
    assert sheet.startswith('---\ntitle: "Fidélisation de la clientèle d\'Artemis"\n---\n# ')
    prose = re.sub(r"(?ms)^```mermaid\n.*?^```", "", sheet)  # a Mermaid hexagon is n1{{"…"}}
    assert "{%" not in prose and "{{" not in prose


def _break(repo: Path) -> None:
    """Remove the purposes of an activity: an error."""
    path = repo / ACTIVITIES / "fidelisation-artemis.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["purposes"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_generate_refuses_an_invalid_register_and_keeps_the_previous_source(tmp_path: Path, ropa: Runner) -> None:
    repo = site_repo(tmp_path / "repo")
    out = tmp_path / "out"
    assert ropa("generate", out, "--root", repo).returncode == 0
    before = tree(out)
    _break(repo)
    validate = ropa("validate", "--root", repo)
    done = ropa("generate", out, "--root", repo)
    assert done.returncode == 1
    assert done.stdout == validate.stdout and "fidelisation-artemis.yaml:" in done.stdout
    assert tree(out) == before
    assert ropa("generate", repo / "register", "--root", repo).returncode == 2  # never over the sources


@pytest.mark.parametrize("builder", BUILDERS)
def test_build_refuses_an_invalid_register_and_keeps_the_site(tmp_path: Path, ropa: Runner, builder: str) -> None:
    repo = site_repo(tmp_path / "repo")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("before", encoding="utf-8")
    _break(repo)
    done = ropa("build", "--root", repo, "--builder", builder, "--site-dir", site)
    assert done.returncode == 1 and "purposes" in done.stdout
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "before"


def test_zensical_build_is_strict(tmp_path: Path) -> None:
    """A broken link in a hand-written page fails the Zensical build and leaves no site."""
    repo = site_repo(tmp_path / "repo")
    (repo / "docs" / "contribuer.md").write_text("# Contribuer\n\n[perdu](nulle-part.md)\n", encoding="utf-8")
    done = ropa_build(repo, tmp_path / "site", "zensical")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "nulle-part.md" in done.stdout + done.stderr
    assert not (tmp_path / "site").exists()
    assert not list(tmp_path.glob(".site.*")), "a staging folder was left behind"


def test_both_builders_make_the_same_pages_with_the_same_text(tmp_path_factory: pytest.TempPathFactory) -> None:
    mkdocs, zensical = (pages(built_site(tmp_path_factory, b)) for b in BUILDERS)
    assert set(mkdocs) == set(zensical)
    assert {"", "registre", "activites/fidelisation-artemis", "processus/fidelisation", "contribuer"} <= set(mkdocs)
    for path, text in mkdocs.items():
        assert text, path
        assert zensical[path] == text, path
    for builder in BUILDERS:
        site = built_site(tmp_path_factory, builder)
        for name in ("registre.xlsx", "registre.csv", "registre.json"):
            assert (site / "telechargements" / name).is_file(), (builder, name)
        html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        assert "fonts.googleapis" not in html and "unpkg.com" not in html and "cdn.jsdelivr" not in html, builder


@pytest.mark.parametrize("builder", BUILDERS)
def test_built_downloads_are_the_exports_generate_writes(tmp_path: Path, ropa: Runner, builder: str) -> None:
    """``ropa build`` makes the downloads in a child process while the pages are built
    (``generator.site.downloads``): the site gets the same bytes ``ropa generate`` writes, made
    in one process, not the empty files the source holds meanwhile."""
    repo = site_repo(tmp_path / "repo")
    done = ropa("generate", tmp_path / "source", "--root", repo)
    assert done.returncode == 0, done.stderr
    built = ropa_build(repo, tmp_path / "site", builder)
    assert built.returncode == 0, built.stderr
    for name in ("registre.xlsx", "registre.csv", "registre.json"):
        data = (tmp_path / "site" / "telechargements" / name).read_bytes()
        assert data and data == (tmp_path / "source" / "docs" / "telechargements" / name).read_bytes(), name
    assert [p.name for p in repo.iterdir() if p.name.startswith(".site")] == []


def _forked_children(pid: int) -> list[int]:
    """The children of process ``pid`` that run its own command line (forked, not executed)."""
    proc = Path("/proc")
    cmdline = (proc / str(pid) / "cmdline").read_bytes()
    children = (proc / str(pid) / "task" / str(pid) / "children").read_text(encoding="ascii").split()
    out = []
    for child in map(int, children):
        try:
            if (proc / str(child) / "cmdline").read_bytes() == cmdline:
                out.append(child)
        except OSError:  # ended meanwhile
            pass
    return out


def _building_over_a_previous_site(tmp_path: Path) -> tuple[Path, Path, subprocess.Popen[str]]:
    """A register repository whose site/ holds a previous site, and ``ropa build`` of it started
    as a real process (the repository, its site folder, the running build)."""
    repo = site_repo(tmp_path / "repo")
    site = repo / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(repo), "--lang", "en"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return repo, site, build


def _downloads_child(build: subprocess.Popen[str]) -> int:
    """The process the running ``build`` forked to make the downloads, once there is one."""
    deadline = time.monotonic() + 120
    children: list[int] = []
    while not children:
        assert build.poll() is None and time.monotonic() < deadline, "no process made the downloads"
        children = _forked_children(build.pid)
        time.sleep(0.01)
    return children[0]


def test_a_failed_download_fails_the_build_and_keeps_the_site(tmp_path: Path) -> None:
    """The process making the downloads killed (SIGKILL) while the pages are built: the build
    fails with a message and exit 3, no traceback, the previous site as it was, no staging left."""
    repo, site, build = _building_over_a_previous_site(tmp_path)
    os.kill(_downloads_child(build), signal.SIGKILL)
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 3, stderr
    assert "the site's downloads (XLSX, CSV, JSON) could not be made" in stderr
    assert "exit -9" in stderr and "Traceback" not in stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert [p.name for p in repo.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize("who", ["build", "build and downloads"])
def test_a_build_stopped_while_the_downloads_are_made_stops_quietly(tmp_path: Path, who: str) -> None:
    """SIGTERM to the build (a CI job cancelled), or to it and its child (a process group
    stopped), while the child makes the downloads: exit 143, the build's one line, no traceback
    from either process, the previous site as it was, no staging left."""
    repo, site, build = _building_over_a_previous_site(tmp_path)
    child = _downloads_child(build)
    if who != "build":
        os.kill(child, signal.SIGTERM)
    os.kill(build.pid, signal.SIGTERM)
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr and "Terminated" not in stderr, stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert [p.name for p in repo.iterdir() if p.name.startswith(".site")] == []


def test_a_staging_folder_deleted_during_the_build_is_said_and_keeps_the_site(tmp_path: Path) -> None:
    """Another program (a cleaning job, a second build of the same site) deletes the build's
    staging folder while it runs: the build says so, exit 1, not « internal error » (exit 3),
    and the previous site is as it was."""
    repo, site, build = _building_over_a_previous_site(tmp_path)
    deadline = time.monotonic() + 120
    while build.poll() is None:
        assert time.monotonic() < deadline, "the build did not end"
        for staging in repo.glob(".site.new-*"):
            if (staging / "source" / "site").is_dir():  # MkDocs is writing the pages
                shutil.rmtree(staging, ignore_errors=True)
        time.sleep(0.005)
    stderr = build.stderr.read() if build.stderr else ""
    assert build.returncode == 1, stderr
    assert "during the build (by another program" in stderr, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


@pytest.mark.parametrize(("lang", "said"), [("fr", "afile/out : le système a refusé l'opération (un élément du chemin n'est pas un dossier)"),
                                            ("en", "afile/out: the system refused the operation (a part of the path is not a folder)")])
def test_a_file_the_system_refuses_is_named_with_its_reason_not_called_a_bug(tmp_path: Path, ropa: Runner, lang: str, said: str) -> None:
    """An output under a file (or a full disk, a read-only folder): the file and the system's
    reason in the user's words, exit 1, not « internal error » (exit 3)."""
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    done = ropa("generate", "afile/out/source", "--root", REPO, "--lang", lang, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.replace("\u202f", " ").replace("\xa0", " ").strip().endswith(said), done.stderr
    assert "Traceback" not in done.stderr and "internal" not in done.stderr and "interne" not in done.stderr
