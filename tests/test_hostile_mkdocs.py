"""The register repository's own ``mkdocs.yml`` (and its ``docs/``), hostile: what ``ropa build``,
``ropa generate`` and ``ropa serve`` refuse (``generator.site.config_check``), each with ``mkdocs.yml``, the line
and the field, exit 1, nothing built, nothing read outside the repository, no code run.

Each case runs ``ropa`` as a bounded process (``test_hostile.bounded``) on a copy of the
checkout's site repository whose ``mkdocs.yml`` is edited as the case says.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO
from sitebuild import site_repo
from test_hostile import TIMEOUT, bounded

SECRET = "TOP-SECRET-0d1f"
"""What the files outside the repository hold: found in no output."""


def _outside(tmp: Path) -> Path:
    folder = tmp / "dehors"
    folder.mkdir(exist_ok=True)
    for name in ("secret.txt", "secret.css", "main.html"):
        (folder / name).write_text(f"{SECRET}\n", encoding="utf-8")
    return folder


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(root: Path, text: str) -> None:
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as fh:
        fh.write(text)


def _pwn(root: Path, name: str) -> None:
    """A Python file of the repository that leaves ``pwned`` behind if it is ever imported or run."""
    (root / name).write_text("open('pwned', 'w').close()\n", encoding="utf-8")


def _leak_page(root: Path, snippet: str) -> None:
    (root / "docs" / "fuite.md").write_text(f'# Fuite\n\n--8<-- "{snippet}"\n', encoding="utf-8")


CASES: dict[str, tuple[Callable[[Path, Path], object], str]] = {
    # case → (edit the repository at root, given the folder outside it), the line's "field: reason"
    "docs-dir-outside": (lambda r, o: _edit(r, "docs_dir: docs", f"docs_dir: {o}"), "docs_dir: {o} is outside the register repository"),
    "docs-dir-parent": (lambda r, o: _edit(r, "docs_dir: docs", "docs_dir: ../dehors"), "docs_dir: ../dehors is outside"),
    "site-dir-outside": (lambda r, o: _edit(r, "site_dir: site", f"site_dir: {o}"), "site_dir: {o} is outside the register repository: the build would replace"),
    "custom-dir-outside": (lambda r, o: _edit(r, "  name: material\n", f"  name: material\n  custom_dir: {o}\n"), "theme.custom_dir: {o} is outside"),
    "custom-dir-missing": (lambda r, o: _edit(r, "  name: material\n", "  name: material\n  custom_dir: surcharges\n"), "theme.custom_dir: surcharges is not a folder"),
    "python-apply": (lambda r, o: _edit(r, "site_description: ", "site_description: !!python/object/apply:os.system ['touch pwned'] #"),
                     "site_description: the tag !!python/object/apply:os.system would run Python code"),
    "python-name-elsewhere": (lambda r, o: _edit(r, "format: !!python/name:pymdownx.superfences.fence_code_format", "format: !!python/name:os.system"),
                              "markdown_extensions[8].pymdownx.superfences.custom_fences[0].format: the tag !!python/name:os.system"),
    "relative-tag": (lambda r, o: _append(r, "  - pymdownx.snippets:\n      base_path: !relative $config_dir\n"),
                     "markdown_extensions[9].pymdownx.snippets.base_path: !relative would name"),
    "inherit": (lambda r, o: _append(r, f"INHERIT: {o}/base.yml\n"), "INHERIT: INHERIT is not followed"),
    "extra-css-cdn": (lambda r, o: _append(r, "extra_css:\n  - https://cdn.example.com/x.css\n"), "extra_css[0]: https://cdn.example.com/x.css is on another host"),
    "extra-js-cdn": (lambda r, o: _append(r, "extra_javascript:\n  - path: //cdn.example.com/x.js\n    defer: true\n"), "extra_javascript[0]: //cdn.example.com/x.js is on another host"),
    "logo-cdn": (lambda r, o: _edit(r, "  name: material\n", "  name: material\n  logo: https://cdn.example.com/logo.png\n"), "theme.logo: https://cdn.example.com/logo.png is on another host"),
    "analytics": (lambda r, o: _append(r, "extra:\n  analytics:\n    provider: google\n    property: G-XXXXXXXX\n"), "extra.analytics: analytics would make"),
    "cdn-theme": (lambda r, o: _edit(r, "  name: material\n", "  name: mkdocs\n"), "theme.name: the mkdocs theme loads its scripts from a public CDN"),
    "snippets-outside": (lambda r, o: (_append(r, f"  - pymdownx.snippets:\n      base_path: [docs, {o}]\n"), _leak_page(r, "secret.txt")),
                         "markdown_extensions[9].pymdownx.snippets.base_path: {o} is outside"),
    "snippets-download": (lambda r, o: _append(r, "  - pymdownx.snippets:\n      url_download: true\n"),
                          "markdown_extensions[9].pymdownx.snippets.url_download: url_download would download"),
    "env-tag": (lambda r, o: _edit(r, "site_description: ", "site_description: !ENV [HOME, x] #"),
                "site_description: !ENV would copy an environment variable of the machine that builds"),
    "extension-imported": (lambda r, o: (_pwn(r, "pwn.py"), _append(r, "  - pwn\n")),
                           "markdown_extensions[9]: the Markdown extension pwn would make the build import a Python module"),
    "extension-dotted-elsewhere": (lambda r, o: _append(r, "  - os.path:X\n"),
                                   "markdown_extensions[9]: the Markdown extension os.path:X would make the build import"),
    "hooks": (lambda r, o: (_pwn(r, "crochet.py"), _append(r, "hooks:\n  - crochet.py\n")),
              "hooks: hooks would make ropa serve run Python files of the repository"),
    "plugin-other": (lambda r, o: _edit(r, "  - ropa\n", "  - ropa\n  - material/privacy\n"),
                     "plugins[2]: the plugin material/privacy is not run by ropa build"),
    "watch-outside": (lambda r, o: _append(r, f"watch:\n  - {o}\n"), "watch[0]: {o} is outside the register repository: ropa serve watches"),
    "docs-link-out": (lambda r, o: (r / "docs" / "fuite.txt").symlink_to(o / "secret.txt"), "docs/fuite.txt leads outside the register repository"),
    "docs-link-to-a-folder-out": (lambda r, o: (r / "docs" / "dossier").symlink_to(o, target_is_directory=True), "docs/dossier leads outside"),
    "docs-folder-link-out": (lambda r, o: (r / "docs" / "styles").mkdir() or (r / "docs" / "styles" / "s.css").symlink_to(o / "secret.css"),
                             "docs/styles/s.css leads outside"),
}


@pytest.mark.parametrize(("command", "case"), [(c, case) for c in ("build", "generate", "serve") for case in sorted(CASES)
                                                if not (c != "build" and case == "site-dir-outside")])  # no site_dir there
def test_refused(tmp_path: Path, case: str, command: str) -> None:
    root = site_repo(tmp_path / "repo")
    outside = _outside(tmp_path)
    edit, expected = CASES[case]
    edit(root, outside)
    args = {"generate": ["generate", "out", "--lang", "en"], "build": ["build", "--lang", "en"],
            "serve": ["serve", "--dev-addr", "127.0.0.1:0"]}[command]  # serve: refused before it serves
    if command == "serve":  # its messages are in the site's language
        _edit(root, "  language: fr ", "  language: en ")
    done = bounded(*args, "--root", ".", root=root)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    expected = expected.format(o=outside)
    file = "docs" if expected.startswith("docs/") else "mkdocs.yml"
    assert re.search(rf"^ropa {command}: ({re.escape(file)}:\d+: )?{re.escape(expected)}", output, re.M), output
    assert not (root / "site").exists() and not (root / "out").exists()
    assert SECRET not in output and not (root / "pwned").exists()


def test_refused_problems_name_their_line(tmp_path: Path) -> None:
    root = site_repo(tmp_path / "repo")
    _append(root, "extra_css:\n  - ok.css\n  - http://cdn.example.com/x.css\nextra:\n  analytics: {provider: google}\n")
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    done = bounded("build", "--root", ".", "--lang", "en", root=root)
    assert done.returncode == 1
    found = re.findall(r"^ropa build: mkdocs\.yml:(\d+): ([\w.\[\]]+):", done.stderr, re.M)
    assert [(int(n), f) for n, f in found] == [(lines.index("  - http://cdn.example.com/x.css") + 1, "extra_css[1]"),
                                                 (lines.index("  analytics: {provider: google}") + 1, "extra.analytics")]


def test_custom_dir_of_the_repository_is_built(tmp_path: Path) -> None:
    """A ``theme.custom_dir`` of the repository (relative, as MkDocs reads it) reaches the built site,
    and a snippet is read from the repository whatever the folder ropa runs from."""
    root = site_repo(tmp_path / "repo")
    (root / "surcharges").mkdir()
    (root / "surcharges" / "theme-perso.css").write_text("/* theme perso */\n", encoding="utf-8")
    (root / "extraits").mkdir()
    (root / "extraits" / "bonjour.md").write_text("Bonjour depuis un extrait.\n", encoding="utf-8")
    (tmp_path / "extraits").mkdir()
    (tmp_path / "extraits" / "bonjour.md").write_text(f"{SECRET}\n", encoding="utf-8")
    _edit(root, "  name: material\n", "  name: material\n  custom_dir: surcharges\n")
    _append(root, "  - pymdownx.snippets\n")
    _leak_page(root, "extraits/bonjour.md")
    done = bounded("build", "--root", "repo", "--site-dir", "repo/site", root=root, outputs=("site",), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "site" / "theme-perso.css").read_text(encoding="utf-8") == "/* theme perso */\n"
    page = (root / "site" / "fuite" / "index.html").read_text(encoding="utf-8")
    assert "Bonjour depuis un extrait." in page and SECRET not in page


def test_theme_as_a_name_with_another_language(tmp_path: Path) -> None:
    """``theme: material`` (a name, not a mapping) with ``--lang``: the site in that language."""
    root = site_repo(tmp_path / "repo")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    start, end = text.index("\ntheme:\n"), text.index("\nplugins:\n")
    (root / "mkdocs.yml").write_text(text[:start] + "\ntheme: material\n" + text[end:], encoding="utf-8")
    done = bounded("generate", "out", "--root", ".", "--lang", "en", root=root, outputs=("out",))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "language: en" in (root / "out" / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["activities/formation-operateurs/index.md", "activities/formation-operateurs/README.md",
                                  "register/index.md"])  # the English site's paths (data/paths.yaml)
@pytest.mark.parametrize("command", ["build", "mkdocs"])
def test_a_hand_written_page_never_replaces_a_generated_one(tmp_path: Path, page: str, command: str) -> None:
    """``docs/activities/<id>/index.md`` is published at the URL of the generated sheet
    ``activities/<id>.md``: refused as a clash (``ropa build`` and plain ``mkdocs build`` with the
    plugin), where the sheet was silently replaced by the hand-written page."""
    root = site_repo(tmp_path / "repo")
    _edit(root, "  language: fr ", "  language: en ")
    (root / "docs" / page).parent.mkdir(parents=True)
    (root / "docs" / page).write_text("# Fausse fiche\n\nFAUSSE\n", encoding="utf-8")
    if command == "build":
        done = bounded("build", "--root", ".", root=root)
    else:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                              cwd=root, capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"docs/{page} is also a generated page" in done.stderr, done.stderr
    assert not (root / "site").exists() and not (tmp_path / "site" / "activities").exists()


def test_pages_mkdocs_leaves_out_are_not_published(tmp_path: Path) -> None:
    """``exclude_docs`` and ``draft_docs`` leave pages out of ``ropa build`` as out of ``mkdocs
    build``: they were dropped from the generated configuration, and the private notes published."""
    root = site_repo(tmp_path / "repo")
    (root / "docs" / "prive").mkdir()
    (root / "docs" / "prive" / "notes.md").write_text("# Notes\n\nNOTE-PRIVEE\n", encoding="utf-8")
    (root / "docs" / "brouillon.md").write_text("# Brouillon\n\nBROUILLON\n", encoding="utf-8")
    (root / "docs" / "public.md").write_text("# Public\n\nPUBLIC\n", encoding="utf-8")
    _append(root, "exclude_docs: |\n  prive/\ndraft_docs: |\n  brouillon.md\n")
    done = bounded("build", "--root", ".", root=root, outputs=("site",))
    assert done.returncode == 0, done.stdout + done.stderr
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "site").rglob("*") if p.is_file())
    assert "PUBLIC" in published and "NOTE-PRIVEE" not in published and "BROUILLON" not in published
