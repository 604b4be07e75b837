"""The register site built for real: ``mkdocs build --strict`` of the checkout, ``ropa build``
on throwaway copies (refusals, swap, language), escaping of hostile values, the search index."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Runner
from sitebuild import built_site, mkdocs_build, site_repo

from generator.render.i18n import labels

ACTIVITIES = Path("register") / "activities"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return site_repo(tmp_path / "repo")


def page(site: Path, path: str) -> str:
    return (site / path / "index.html" if path else site / "index.html").read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every element of a page (tag and attributes) and its text, for assertions."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def plain(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))

    def with_class(self, name: str) -> list[str]:
        return [t for t, a in self.elements if name in (a.get("class") or "").split()]


# ---------------------------------------------------------------- the checkout's site


def test_every_page_is_built(site: Path) -> None:
    for path in ("", "organisation", "registre", "inventaire", "destinataires", "contribuer",
                 "activites/fidelisation-artemis", "activites/gestion-personnel-paie"):
        assert (site / path / "index.html").is_file(), path
    sheet = Elements(page(site, "activites/fidelisation-artemis")).plain()
    assert "Fidélisation de la clientèle d'Artemis" in sheet
    assert "Registre du sous-traitant (art. 30.2 du RGPD)" in sheet
    assert "Art. 30.2.a : le nom et les coordonnées du ou des sous-traitants" in sheet
    assert "1 an à compter de la date du dernier échange avec le client, puis suppression" in sheet
    assert "15 septembre 2020" in sheet


def test_sheet_sections_follow_the_cnil_order(site: Path) -> None:
    headings = re.findall(r'<h2 id="[^"]+">(.*?)<a class="headerlink"', page(site, "activites/gestion-personnel-paie"))
    assert [Elements(h).plain() for h in headings] == [
        "Description du traitement", "Acteurs", "Finalité(s) du traitement effectué",
        "Catégories de données personnelles concernées", "Données sensibles",
        "Catégories de personnes concernées", "Destinataires", "Mesures de sécurité",
        "Transferts hors UE", "Base légale", "Analyse d'impact relative à la protection des données (AIPD)",
        "Historique de la fiche",
    ]


def test_register_tables_are_marked_for_the_script(site: Path) -> None:
    html = Elements(page(site, "registre"))
    assert html.with_class("ropa-table") == ["div", "div"]
    boxes = [a for t, a in html.elements if "ropa-table" in (a.get("class") or "")]
    assert boxes[0]["data-label-placeholder"] == "Filtrer (nom, référence, finalité…)"
    assert ("time", {"datetime": "2020-09-15"}) in html.elements
    assert any(t == "script" and (a.get("src") or "").endswith("assets/ropa/ropa.js") for t, a in html.elements)


def test_no_external_resource_is_referenced(site: Path) -> None:
    for html_file in site.rglob("*.html"):
        for tag, attrs in Elements(html_file.read_text(encoding="utf-8")).elements:
            if tag in ("script", "link", "img", "iframe", "source"):
                target = attrs.get("src") or attrs.get("href") or ""
                assert not re.match(r"^(https?:)?//", target), f"{html_file}: <{tag}> loads {target}"


def test_mermaid_is_served_and_loaded_only_where_a_diagram_is(site: Path) -> None:
    """The plugin lists Mermaid's loader on every page, as ``ropa build``'s source does; no page
    links the script itself (the loader fetches it where a diagram is drawn: the browser tests)."""
    assert (site / "assets/javascripts/mermaid.min.js").stat().st_size > 1_000_000
    guide = Elements(page(site, "contribuer"))
    assert ("script", {"src": "../assets/ropa/on-demand/mermaid.js"}) in guide.elements
    assert guide.with_class("mermaid") == ["pre"]
    assert ("script", {"src": "assets/ropa/on-demand/mermaid.js"}) in Elements(page(site, "")).elements
    assert not [p for p in site.rglob("*.html") if "mermaid.min.js" in p.read_text(encoding="utf-8")]


def test_search_index_folds_accents(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["fields"]["title_folded"] == index["config"]["fields"]["title"]
    sheet = next(d for d in index["docs"] if d["location"] == "activites/fidelisation-artemis/")
    assert "Fidelisation" in sheet["title_folded"].split()
    assert sheet["title"].startswith("Fidélisation")


def test_site_labels_are_complete_in_both_languages() -> None:
    def leaves(node: object, key: str = "site") -> list[tuple[str, object]]:
        if isinstance(node, dict) and not {"fr", "en"} & set(node):
            return [leaf for k, v in node.items() for leaf in leaves(v, f"{key}.{k}")]
        return [(key, node)]

    for key, leaf in leaves(labels()["site"]):
        assert isinstance(leaf, dict) and set(leaf) == {"fr", "en"} and all(leaf.values()), key


# ---------------------------------------------------------------- ropa build


def test_mkdocs_says_nothing_of_the_sheets_left_out_of_the_menu(repo: Path, tmp_path: Path) -> None:
    """The sheets and process pages are linked from the register's tables, not listed in the
    menu, on purpose: ``mkdocs build`` and ``mkdocs serve`` (``ropa serve``) do not list them as
    pages "not included in the nav", which read to a newcomer as something to fix."""
    done = mkdocs_build(repo, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "not included in the \"nav\"" not in done.stderr, done.stderr
    assert (tmp_path / "site/activites/fidelisation-artemis/index.html").is_file()


def test_ropa_build_replaces_the_site_in_one_move(repo: Path, ropa: Runner) -> None:
    site = repo / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", encoding="utf-8")
    done = ropa("build", "--root", repo)
    assert done.returncode == 0, done.stderr
    assert (site / "index.html").is_file() and not (site / "stale.html").exists()
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".site")) == []
    assert sorted(p.name for p in (repo / "docs").iterdir()) == ["contribuer.md"], "nothing written into docs/"


def test_ropa_build_prints_the_register_s_warnings_and_builds(repo: Path, ropa: Runner) -> None:
    """A valid register's warnings are printed as ``ropa export`` prints them (stderr), the site
    built all the same: a CI log shows them without a second command."""
    path = repo / ACTIVITIES / "fidelisation-artemis.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("last_reviewed: 2026-09-15\n", ""), encoding="utf-8")
    done = ropa("build", "--root", repo)
    validated = ropa("validate", "--root", repo)
    assert done.returncode == 0 and (repo / "site" / "index.html").is_file(), done.stderr
    warned = [line for line in validated.stdout.splitlines() if ": warning: " in line or ": avertissement : " in line]
    assert warned and any("fidelisation-artemis.yaml" in line for line in warned), validated.stdout
    assert all(line in done.stderr for line in warned), done.stderr


def test_a_killed_build_leaves_the_site_intact_and_no_staging_after_the_next(repo: Path, ropa: Runner) -> None:
    """SIGKILL in the middle of ``ropa build`` (issue 13): the previous site is untouched, and the
    next build removes the staging folder the killed one left."""
    site = repo / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(repo)],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".site.new-") and any(p.iterdir()) for p in repo.iterdir()):
        assert build.poll() is None and time.monotonic() < deadline, "the build never staged anything"
        time.sleep(0.02)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert [p.name for p in repo.iterdir() if p.name.startswith(".site.new-")], "the kill left its staging"
    done = ropa("build", "--root", repo)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in repo.iterdir() if p.name.startswith(".site")] == []
    assert (site / "index.html").read_text(encoding="utf-8") != "the previous site"


def test_invalid_register_is_refused_and_the_old_site_kept(repo: Path, ropa: Runner) -> None:
    site = repo / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", encoding="utf-8")
    path = repo / ACTIVITIES / "fidelisation-artemis.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ref: ST-ART-01", "ref: [1, 2]"), encoding="utf-8")
    done = ropa("build", "--root", repo)
    validated = ropa("validate", "--root", repo)
    assert done.returncode == 1
    assert done.stdout == validated.stdout and "fidelisation-artemis.yaml:4:" in done.stdout
    assert "Traceback" not in done.stderr
    # said in the register's language (French), as the problems are
    last = done.stderr.splitlines()[-1]
    assert last.startswith("ropa build: le registre a des problèmes") and "le site n'a pas été construit." in last, last
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert [p.name for p in repo.iterdir() if p.name.startswith(".site")] == []


def test_plain_mkdocs_build_refuses_an_invalid_register(repo: Path, tmp_path: Path) -> None:
    path = repo / ACTIVITIES / "fidelisation-artemis.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("role: processor", "role: boss"), encoding="utf-8")
    done = mkdocs_build(repo, tmp_path / "out")
    assert done.returncode != 0
    assert "le registre a des problèmes" in done.stderr  # the site's language, as the problems below it
    assert re.search(r"fidelisation-artemis\.yaml:\d+:\d+: error: ", done.stderr)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("site_dir", [".", "docs", "register", "..", "docs/sub"])
def test_site_dir_that_holds_the_sources_is_refused(repo: Path, ropa: Runner, site_dir: str) -> None:
    before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if "node_modules" not in p.parts)
    done = ropa("build", "--root", repo, "--site-dir", repo / site_dir)
    assert done.returncode == 2, done.stderr
    assert "contient les sources du registre\u00a0; le site le remplacerait" in done.stderr
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if "node_modules" not in p.parts) == before


def test_missing_mkdocs_yml_is_a_clear_usage_error(repo: Path, ropa: Runner) -> None:
    (repo / "mkdocs.yml").unlink()
    done = ropa("build", "--root", repo)
    assert done.returncode == 2
    assert "mkdocs.yml\u00a0: ce fichier n'existe pas" in done.stderr and "Traceback" not in done.stderr
    english = ropa("build", "--root", repo, "--lang", "en")
    assert english.returncode == 2 and "mkdocs.yml: no such file" in english.stderr


def test_the_register_repository_needs_no_node_modules(repo: Path, ropa: Runner) -> None:
    """The pinned Mermaid script comes with ropa (generator/resources.py), not from the
    register repository's node_modules."""
    (repo / "node_modules").unlink()
    done = ropa("build", "--root", repo)
    assert done.returncode == 0, done.stderr
    served = repo / "site" / "assets" / "javascripts" / "mermaid.min.js"
    assert served.read_bytes() == (REPO / "node_modules/mermaid/dist/mermaid.min.js").read_bytes()


def test_site_is_named_after_the_organisation(repo: Path, ropa: Runner, tmp_path: Path) -> None:
    done = ropa("build", "--root", repo, "--site-dir", tmp_path / "fr")
    assert done.returncode == 0, done.stderr
    assert "<title>Registre des activités de traitement — CentreCall</title>" in page(tmp_path / "fr", "")
    done = ropa("build", "--root", repo, "--site-dir", tmp_path / "en", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "<title>Record of processing activities — CentreCall</title>" in page(tmp_path / "en", "")


def test_english_site(repo: Path, ropa: Runner, tmp_path: Path) -> None:
    out = tmp_path / "en"
    done = ropa("build", "--root", repo, "--site-dir", out, "--lang", "en")
    assert done.returncode == 0, done.stderr
    home = page(out, "")
    assert '<html lang="en"' in home
    text = Elements(page(out, "activities/fidelisation-artemis")).plain()
    assert "Processor's record (Art. 30(2) GDPR)" in text and "15 September 2020" in text
    assert "Record of processing activities" in Elements(home).plain()


# ---------------------------------------------------------------- hostile values

HOSTILE = {
    "tag": '<b class="pwned-tag">gras</b>',
    "script": "<script>window.pwned = 1</script>",
    "img": '<img src="x" onerror="window.pwned = 2">',
    "link": "[cliquez](https://evil.example/)",
    "autolink": "<https://evil.example/auto>",
    "pipe": "a | b | c",
    "code": "`code` et ``double``",
    "attr": "texte {: .pwned-attr }",
    "comment": "avant <!-- commentaire",
    "mermaid": "%% graph TD; A-->B",
    "entity": "&lt;b&gt; &amp; &#60;i&#62;",
    "emphasis": "*gras* _souligné_ **fort**",
    "heading": "# titre",
    "title": "</title><script>window.pwned = 3</script>",
}


def _hostile(repo: Path) -> None:
    path = repo / ACTIVITIES / "fidelisation-artemis.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["name"] = HOSTILE["tag"] + " " + HOSTILE["pipe"] + " " + HOSTILE["title"]
    data["description"] = "\n".join(HOSTILE.values())
    data["purposes"]["main"] = HOSTILE["script"]
    data["purposes"]["sub"] = list(HOSTILE.values())
    data["recipients"][0]["name"] = HOSTILE["link"]
    data["recipients"][0]["details"] = HOSTILE["pipe"]
    data["security_measures"][0]["details"] = HOSTILE["attr"]
    data["data_categories"][0]["retention"]["starts"] = HOSTILE["img"]
    data["notes"] = [HOSTILE["comment"], HOSTILE["code"]]
    data["transfers"] = [{"recipient": HOSTILE["autolink"], "country": "US", "safeguard": "scc",
                          "documentation": "javascript:alert(1)", "details": HOSTILE["entity"]}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_hostile_values_reach_the_html_as_text_only(repo: Path, ropa: Runner) -> None:
    _hostile(repo)
    done = ropa("build", "--root", repo)
    assert done.returncode == 0, done.stdout + done.stderr
    for path in ("activites/fidelisation-artemis", "registre", "destinataires", "inventaire", ""):
        html = Elements(page(repo / "site", path))
        text = html.plain()
        assert not html.with_class("pwned-tag") and not html.with_class("pwned-attr"), path
        assert not any("pwned" in s for s in html.scripts), path
        assert not any(t == "img" and a.get("src") == "x" for t, a in html.elements), path
        assert not any("evil.example" in (a.get("href") or "") for t, a in html.elements), path
        assert not any((a.get("href") or "").startswith("javascript:") for t, a in html.elements), path
        if path == "activites/fidelisation-artemis":
            for name, value in HOSTILE.items():
                assert value in text, f"{name}: {value!r} is not shown as text"
            assert "Mesures de sécurité" in text, "the comment opener swallowed the rest of the sheet"
    registre = page(repo / "site", "registre")
    rows = re.findall(r"<tr>(.*?)</tr>", registre, re.S)
    assert all(row.count("<td") in (0, 8) for row in rows), "a pipe split a table cell"

