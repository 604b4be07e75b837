"""An English register reads English throughout: the site ropa builds for it and its exports
hold no French word or French typography that ropa itself wrote (the register's own words,
such as a French street name, aside).

The register is tests/english/ (Nordlys Analytics SAS, written in English); its site is built
for real (``ropa build``, MkDocs in strict mode) with ``theme.language: en``.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import posixpath
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import REPO, Runner, copy_register

from generator.export import Options, render
from generator.lint.runner import load_register
from generator.site import pages

ENGLISH = REPO / "tests" / "english"

# What French output looks like: its quotation marks, a blank before « : ; ? ! % », its months,
# Yes/No and the words a French label is made of.
FRENCH = re.compile(
    r"[«»]|[ \u00a0\u202f][:;?!%](?!\w)"
    r"|\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|Oui|Non|aucune?|fiches?|traitements?|données|registre|personnes|concernées?|destinataires?"
    r"|sous-traitants?|responsable|finalités?|durée|conservation|suppression|pays|art\.)(?!\w)"
)


def english_repo(dest: Path) -> Path:
    """A copy of tests/english/ with this checkout's mkdocs.yml set to English."""
    copy_register(dest, ENGLISH)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\n  language: fr " in config
    (dest / "mkdocs.yml").write_text(config.replace("\n  language: fr ", "\n  language: en ", 1), encoding="utf-8")
    (dest / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return dest


def nodes(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every node of a YAML or JSON document with its dotted path (list items as ``[i]``)."""
    yield where, node
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for name, child in children:
        yield from nodes(child, f"{where}[{name}]" if isinstance(node, list) else f"{where}.{name}")


def register_words(root: Path) -> list[str]:
    """Every text the register's own files hold (keys and values), which the check leaves aside."""
    words: list[str] = []
    for path in sorted(root.rglob("*.yaml")):
        for where, node in nodes(yaml.safe_load(path.read_text(encoding="utf-8"))):
            words.append(where.rsplit(".", 1)[-1])  # the key
            if node is not None and not isinstance(node, (dict, list)):
                words.append(str(node))
    return sorted({w for w in words if w.strip()}, key=len, reverse=True)


def french_in(text: str, own: list[str]) -> list[str]:
    """The French bits of ``text`` once the register's own words are taken out."""
    for word in own:
        if len(word) > 3 and word in text:
            text = text.replace(word, "\0")  # no blank left behind to read as « : »
    return [m.group(0) for m in FRENCH.finditer(text)]


class _Text(html.parser.HTMLParser):
    """The text a reader sees in a page's article, and its tooltips and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in ("title", "aria-label", "placeholder", "alt") and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def page_texts(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site.rglob("*.html")):
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        for part in parser.parts:
            yield path.relative_to(site).as_posix(), part


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = english_repo(tmp_path_factory.mktemp("english") / "nordlys")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root)],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "site built" in done.stderr, done.stderr  # ropa spoke the site's language
    return root, root / "site"


def test_the_english_site_has_no_french(english_site: tuple[Path, Path]) -> None:
    """Every page of the built site: home, sheets, register table, dashboard, inventory,
    recipients, process, print view."""
    root, site = english_site
    own = register_words(root)
    found = sorted({f"{page}: {part[:120]!r} ({', '.join(bits)})"
                    for page, part in page_texts(site) if (bits := french_in(part, own))})
    assert not found, "French in the English site:\n" + "\n".join(found)
    assert '<html lang="en"' in (site / "index.html").read_text(encoding="utf-8")


# The French names ropa gave every site's pages, folders and files (before data/paths.yaml gave an
# English site English ones), as a path segment or a file's stem: ``activites``, ``registre.md``,
# ``impression-2``, ``registre-nordlys.xlsx``. Written out here, not read from data/paths.yaml, so
# that a French name put back into its English column is caught.
FRENCH_SEGMENT = re.compile(
    r"(?:activites|processus|registre|inventaire|destinataires|tableau-de-bord|impression|telechargements"
    r"|contribuer|gestion-clientele)(?:-[\w-]*)?(?:\.\w+)*"
)


def french_segments(path: str) -> list[str]:
    return [part for part in path.split("/") if FRENCH_SEGMENT.fullmatch(part)]


class _Links(html.parser.HTMLParser):
    """Every ``href`` and ``src`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs.extend(v for k, v in attrs if k in ("href", "src") and v)


def site_links(site: Path) -> Iterator[tuple[str, str]]:
    """(page, link) of every ``href`` and ``src`` of every page of a built site."""
    for path in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        yield from ((path.relative_to(site).as_posix(), ref) for ref in parser.refs)


def link_target(page: str, ref: str) -> str | None:
    """The file of the site an internal link of ``page`` leads to (directory URLs: ``x/`` is
    ``x/index.html``); None for a link to another host, a ``mailto:`` or a fragment alone."""
    parts = urllib.parse.urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    wanted = urllib.parse.unquote(parts.path)
    base = "" if wanted.startswith("/") else posixpath.dirname(page)
    joined = posixpath.normpath(posixpath.join(base, wanted.lstrip("/")))
    if joined.startswith(".."):
        return joined  # out of the site: never a file of it
    if wanted.endswith("/") or joined == ".":
        return f"{joined}/index.html".removeprefix("./")
    return joined


def test_the_english_site_has_english_paths_that_all_lead_somewhere(english_site: tuple[Path, Path]) -> None:
    """An English register's built site: no file, folder, link, script or search result with a
    French name (``activites/``, ``registre/``, ``telechargements/registre.xlsx``…), and every
    internal link and source of every page leads to a file of the site."""
    _, site = english_site
    french_files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                          if french_segments(p.relative_to(site).as_posix()))
    assert not french_files, "French names among the English site's files:\n" + "\n".join(french_files)
    links = list(site_links(site))
    assert len(links) > 500, len(links)  # the walk did read the pages
    french = sorted({f"{page}: {ref}" for page, ref in links if french_segments(urllib.parse.urlsplit(ref).path)})
    assert not french, "French paths in the English site's links:\n" + "\n".join(french)
    broken = sorted({f"{page}: {ref}" for page, ref in links
                     if (target := link_target(page, ref)) is not None and not (site / target).is_file()})
    assert not broken, "links to nothing in the English site:\n" + "\n".join(broken)
    found = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {doc["location"] for doc in found}
    assert "activities/recruitment/" in locations and "register/" in locations, sorted(locations)[:20]
    assert not [where for where in locations if french_segments(where)]
    unfound = [where for where in locations
               if not (site / str(link_target("index.html", where.partition("#")[0] or "./"))).is_file()]
    assert not unfound, unfound
    for page in ("activities/recruitment", "processes/support-tickets", "processes", "register", "inventory",
                 "recipients", "dashboard", "print", "organisation"):
        assert (site / page / "index.html").is_file(), page
    assert sorted(p.name for p in (site / "downloads").iterdir()) == ["register.csv", "register.json", "register.xlsx"]
    register = (site / "register" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="(\.\./downloads/register\.\w+)"', register) == [
        "../downloads/register.xlsx", "../downloads/register.csv", "../downloads/register.json"]


def test_a_hand_written_link_to_a_french_path_stops_the_english_build(ropa: Runner, tmp_path: Path) -> None:
    """A page of docs/ written for a French site (``[the register](registre.md)``) links to
    nothing in an English one: ``ropa build`` (MkDocs in strict mode) stops and names the page
    and the link; once it links to the English page (``register.md``) the site builds."""
    root = english_repo(tmp_path / "nordlys")
    (root / "docs").mkdir()
    notes = root / "docs" / "notes.md"
    notes.write_text("# Notes\n\n[The register](registre.md), [a sheet](activites/recruitment.md#purposes).\n",
                     encoding="utf-8")
    done = ropa("build", "--root", root, cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "Doc file 'notes.md' contains a link 'registre.md', but the target is not found" in said, said
    assert "'activites/recruitment.md#purposes'" in said, said
    notes.write_text("# Notes\n\n[The register](register.md), [a sheet](activities/recruitment.md#purposes).\n",
                     encoding="utf-8")
    done = ropa("build", "--root", root, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (root / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    assert 'href="../register/"' in page and 'href="../activities/recruitment/#purposes"' in page


def test_no_markup_left_as_text(english_site: tuple[Path, Path]) -> None:
    """A processor sheet's two notes under « DPIA » are each a styled paragraph: the first
    one's ``{: .ropa-note }`` is not printed as text."""
    _, site = english_site
    leftovers = sorted({page for page, part in page_texts(site) if "{:" in part})
    assert not leftovers, leftovers
    sheet = (site / "activities" / "support-medora" / "index.html").read_text(encoding="utf-8")
    assert '<p class="ropa-note">GDPR Art. 35' in sheet
    assert '<p class="ropa-note">Screening given for the controller' in sheet


def test_english_transfers_cite_the_gdpr_as_the_site_does(english_site: tuple[Path, Path]) -> None:
    """An Art. 49 derogation reads "Derogation: Explicit consent (Art. 49(1)(a))" in English,
    its label as the XLSX and the CSV give it, citing the article as every other article the
    site cites, not the French « art. »."""
    _, site = english_site
    sheet = (site / "activities" / "recruitment" / "index.html").read_text(encoding="utf-8")
    assert "Derogation: Explicit consent (Art. 49(1)(a))" in sheet
    assert "art. 49" not in sheet


def test_english_process_notes_typography(english_site: tuple[Path, Path]) -> None:
    """The process page's DPO notes: "Triage of the ticket: The triage time…" in English, and
    the open branch "— Customer unreachable: Nothing says…", without the French « : »."""
    _, site = english_site
    page = (site / "processes" / "support-tickets" / "index.html").read_text(encoding="utf-8")
    assert "Customer unreachable</strong>: Nothing says how long" in page, page
    assert "Triage of the ticket</strong>: The triage time" in page


def test_english_dashboard_typography(tmp_path: Path) -> None:
    """The dashboard in English: "67%" and "Recruitment: 1 day overdue", without the blank
    French puts before « % » and « : » (an overdue review is a warning, so the strict build
    never shows it: the page is generated here)."""
    root = english_repo(tmp_path / "nordlys")
    sheet = root / "register" / "activities" / "recruitment.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("last_reviewed: 2026-03-01", "last_reviewed: 2025-11-27"),
                     encoding="utf-8")
    english = pages.generate(load_register(root), "en")["dashboard.md"]
    french = pages.generate(load_register(root), "fr")["tableau-de-bord.md"]
    assert re.search(r"\| \d+\\?% \(\d+/\d+\) \|", english), english
    assert not re.search(r"\d \\?%", english)
    assert re.search(r"\| \d+ \\?% \(\d+/\d+\) \|", french)  # French keeps its blank
    assert "(activities/recruitment.md): 1 day overdue" in english, english
    assert "(activites/recruitment.md) : en retard de 1 jour" in french


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_english_exports_have_no_french(fmt: str, tmp_path: Path) -> None:
    root = english_repo(tmp_path / "nordlys")
    reg = load_register(root)
    data = render(reg, Options(format=fmt, lang="en"))
    own = register_words(root)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                 if v is not None] + [sheet.title for sheet in book.worksheets]
    elif fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    else:
        cells = [node for _, node in nodes(json.loads(data)) if isinstance(node, str)]
    found = sorted({f"{cell[:120]!r} ({', '.join(bits)})" for cell in cells if (bits := french_in(cell, own))})
    assert not found, f"French in the English {fmt}:\n" + "\n".join(found)


def _english_texts(document: Any, name: str) -> Iterator[tuple[str, str]]:
    """(dotted key, text) of every English text of a label or rule file."""
    for where, node in nodes(document, name):
        if isinstance(node, dict) and "en" in node and "fr" in node:
            texts = node["en"] if isinstance(node["en"], list) else [node["en"]]
            yield from ((where, text) for text in texts if isinstance(text, str))


@pytest.mark.parametrize("name", [*sorted(f"labels/{p.stem}" for p in (REPO / "generator" / "data" / "labels").glob("*.yaml")), "rules"])
def test_english_labels_and_messages_use_english_typography(name: str) -> None:
    """Every English label, help text, message and rule of ropa: English quotation marks
    (“…”), no blank before « : ; ? ! », and no French example where a code would do."""
    from generator.resources import load_data

    bad = re.compile(r"[«»]|[ \u00a0\u202f][:;?!](?=\s|$)|\u00a0|\u202f|\bSinon\b|\bla fin du\b")
    found = [f"{key}: {text[:100]!r}" for key, text in _english_texts(load_data(name), name) if bad.search(text)]
    assert not found, f"French typography in English texts of generator/data/{name}.yaml:\n" + "\n".join(found)


def test_export_speaks_the_register_s_language(ropa: Runner, tmp_path: Path, centrecall: Path) -> None:
    """``ropa export`` without --lang exports an English register in English, as its site and
    messages are (it wrote French labels whatever the register's language); --lang still wins,
    and a register without mkdocs.yml (CentreCall's copy) stays French."""
    root = english_repo(tmp_path / "nordlys")
    english = ropa("export", "--format", "csv", "-o", "-", "--root", root)
    assert english.returncode == 0, english.stderr
    assert english.stdout.startswith("No. / REF,Name of the processing,"), english.stdout[:200]
    assert "wrote" not in english.stderr and "écrit" not in english.stderr
    french = ropa("export", "--format", "csv", "-o", "-", "--root", root, "--lang", "fr")
    assert french.stdout.startswith("N° / RÉF,Nom du traitement,"), french.stdout[:200]
    assert ropa("export", "--format", "csv", "-o", "-", "--root", centrecall).stdout.startswith("N° / RÉF,Nom du traitement,")
    done = ropa("export", "--format", "xlsx", "--root", root, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "register-nordlys-analytics-sas.xlsx").is_file(), sorted(p.name for p in tmp_path.iterdir())
    assert "ropa export: wrote" in done.stderr, done.stderr


def test_init_in_english_gives_an_english_site(ropa: Runner, tmp_path: Path) -> None:
    """``ropa init --lang en``: the new register's site is in English (``theme.language: en``)
    with an English contributors' guide, and its first build has no French ropa wrote but the
    register's own words."""
    from test_init import fill_organization

    target = tmp_path / "nordlys"
    done = ropa("init", target, "--name", "Nordlys Analytics SAS", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\n  language: en " in (target / "mkdocs.yml").read_text(encoding="utf-8")
    assert not (target / "docs" / "contribuer.md").exists()
    guide = (target / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert guide.startswith("# Contributing to the register\n")
    fill_organization(target)
    done = ropa("build", "--root", target, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    own = register_words(target)
    found = sorted({f"{page}: {part[:120]!r} ({', '.join(bits)})"
                    for page, part in page_texts(target / "site") if (bits := french_in(part, own))})
    assert not found, "French in the English site of a new register:\n" + "\n".join(found)
    # English names: the example sheet, the guide, their pages, every path of the site
    sheets = sorted(p.name for p in (target / "register" / "activities").iterdir())
    assert sheets == ["customer-management.yaml"], sheets
    assert yaml.safe_load((target / "register/activities/customer-management.yaml").read_text(encoding="utf-8"))[
        "id"] == "customer-management"
    site = target / "site"
    assert (site / "activities" / "customer-management" / "index.html").is_file()
    assert (site / "contributing" / "index.html").is_file()
    assert 'href="contributing/"' in (site / "index.html").read_text(encoding="utf-8")  # in the navigation
    assert not [p for p in site.rglob("*") if french_segments(p.relative_to(site).as_posix())]
    assert not [ref for _, ref in site_links(site) if french_segments(urllib.parse.urlsplit(ref).path)]
    assert "/register-*.xlsx\n" in (target / ".gitignore").read_text(encoding="utf-8")
    # French stays the default, with its French names
    french = tmp_path / "registre"
    assert ropa("init", french, cwd=tmp_path).returncode == 0
    assert "\n  language: fr " in (french / "mkdocs.yml").read_text(encoding="utf-8")
    assert (french / "docs" / "contribuer.md").read_text(encoding="utf-8").startswith("# Contribuer au registre\n")
    assert not (french / "docs" / "contributing.md").exists()
    assert sorted(p.name for p in (french / "register" / "activities").iterdir()) == ["gestion-clientele.yaml"]


def test_an_english_register_s_scaffolds_are_english(ropa: Runner, tmp_path: Path) -> None:
    """``ropa init --lang en``, then ``ropa new`` of each kind in that register: the files'
    comments and example values are English (from data/labels/scaffold.yaml), the example
    sheet, the README, the pre-commit, .gitignore and CI files and mkdocs.yml's comments and
    description too; every sheet ``ropa new`` writes is still found incomplete
    by ``ropa validate`` until its "TO BE COMPLETED" are replaced. A French register's copy of
    mkdocs.yml has French comments (the project's are English)."""
    target = tmp_path / "nordlys"
    assert ropa("init", target, "--name", "Nordlys Analytics SAS", "--lang", "en", cwd=tmp_path).returncode == 0
    for role in ("controller", "processor", "joint_controller"):
        done = ropa("new", "activity", f"sheet-{role.replace('_', '-')}", "--role", role, "--root", target)
        assert done.returncode == 0, done.stderr
    assert ropa("new", "process", "onboarding", "--root", target).returncode == 0
    written = [target / "register" / "organization.yaml", target / "mkdocs.yml", target / "processes" / "onboarding.yaml",
               *sorted((target / "register" / "activities").glob("*.yaml")), target / ".pre-commit-config.yaml",
               target / ".gitignore", target / ".github" / "workflows" / "register.yml", target / ".gitlab-ci.yml",
               target / "README.md"]
    own = ["Nordlys Analytics SAS", "délibération n° 2018-327", "délibération n° 2019-118", "décret n° 2019-341",
           "Registre des activités de traitement", "!!python/name:", "registre-", " != '"]
    # the CNIL's texts and decree by their French titles; the default site_name, which the site
    # says in its own language; a YAML tag; the exports' default names and the site's artifact
    # (registre-…); a test in the CI's expressions
    found = [f"{path.name}:{n}: {line.strip()} ({', '.join(bits)})"
             for path in written for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if (bits := french_in(line, own)) or "À COMPLÉTER" in line]
    assert not found, "French in an English register's files:\n" + "\n".join(found)
    assert "description: TO BE COMPLETED" in (target / "processes" / "onboarding.yaml").read_text(encoding="utf-8")
    assert "  - id: actor\n" in (target / "processes" / "onboarding.yaml").read_text(encoding="utf-8")
    done = ropa("validate", "--root", target)
    assert "[placeholder]" in done.stdout and "sheet-processor.yaml" in done.stdout, done.stdout
    french = tmp_path / "registre"
    assert ropa("init", french, cwd=tmp_path).returncode == 0
    config = (french / "mkdocs.yml").read_text(encoding="utf-8")
    english = [line for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines() if "# " in line]
    assert english and not [line for line in english if line in config.splitlines()]
    for ci in (".github/workflows/register.yml", ".gitlab-ci.yml"):  # every comment but the actions' tags
        said = {lang: {line for line in (folder / ci).read_text(encoding="utf-8").splitlines()
                       if "# " in line and not re.search(r"# v\d", line)} for lang, folder in (("fr", french), ("en", target))}
        assert said["en"] and not said["en"] & said["fr"], said["en"] & said["fr"]
    names = {lang: [workflow["name"], *(step["name"] for job in workflow["jobs"].values()
                                        for step in job["steps"] if "name" in step)]
             for lang, folder in (("fr", french), ("en", target))
             for workflow in [yaml.safe_load((folder / ".github/workflows/register.yml").read_text(encoding="utf-8"))]}
    assert len(names["fr"]) == len(names["en"]) == 7 and not set(names["en"]) & set(names["fr"]), names
    assert "Vérifier le registre (ropa validate)" in names["fr"] and "Validate the register (ropa validate)" in names["en"]
    assert "# Le site du registre." in config and "site_description: Registre des activités" in config
    # --lang chooses the file's language in a register of the other
    assert ropa("new", "activity", "en-anglais", "--role", "controller", "--root", french, "--lang", "en").returncode == 0
    assert ropa("new", "activity", "en-francais", "--role", "controller", "--root", french).returncode == 0
    sheets = french / "register" / "activities"
    assert "# Legal basis (Art. 6(1)), one of:\n" in (sheets / "en-anglais.yaml").read_text(encoding="utf-8")
    assert "# Base légale (art. 6.1), l'une de :\n" in (sheets / "en-francais.yaml").read_text(encoding="utf-8")


def test_a_transfer_without_safeguard_reads_as_one_sentence(ropa: Runner, tmp_path: Path) -> None:
    """A transfer to the United States with no safeguard: the coverage of the partial adequacy
    decision sits inside the message without its full stop (« certification).), and » read as
    two sentences glued together), in English as in French."""
    root = english_repo(tmp_path / "nordlys")
    sheet = root / "register" / "activities" / "newsletter.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(
        "transfers: []", "transfers:\n  - recipient: cloudhost\n    country: US"), encoding="utf-8")
    for lang in ("en", "fr"):
        done = ropa("validate", "--root", root, "--lang", lang)
        assert done.returncode == 1, done.stdout + done.stderr
        line = next(ln for ln in done.stdout.splitlines() if "[transfer-no-safeguard]" in ln)
        assert ".)" not in line and ".," not in line, line
    assert "the adequacy decision for United States covers only some recipients (Only US organisations" in \
        ropa("validate", "--root", root).stdout


def test_diff_speaks_the_register_s_language(ropa: Runner, tmp_path: Path) -> None:
    """``ropa diff`` in an English register lists the changes in English (it spoke French
    whatever the register's language); --lang fr still gives French."""
    root = english_repo(tmp_path / "nordlys")
    git = ["git", "-C", str(root), "-c", "user.name=DPO", "-c", "user.email=dpo@nordlys.example"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "register"], check=True)
    sheet = root / "register" / "activities" / "recruitment.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("name: Hiring managers", "name: Hiring managers and HR"),
                     encoding="utf-8")
    english = ropa("diff", "HEAD", "--root", root)
    assert english.returncode == 0, english.stderr
    assert "Recipients › Hiring managers and HR" in english.stdout, english.stdout
    own = register_words(root)
    assert not french_in(english.stdout, own), english.stdout
    markdown = ropa("diff", "HEAD", "--root", root, "--format", "markdown").stdout
    assert "| Field |" in markdown and not french_in(markdown, own), markdown
    assert "Destinataires ›" in ropa("diff", "HEAD", "--root", root, "--lang", "fr").stdout
