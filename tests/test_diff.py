"""``ropa diff`` and the semantic diff engine, on temporary git repositories with real commits."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Runner, copy_register
from gitrepo import commit, git, init_repo
from markdown_it import MarkdownIt

from generator.cli import main
from generator.diff import compare, snapshot
from generator.load import git as gitinfo
from generator.render.escape import GFM_CONTEXTS, gfm

LOYALTY = "register/activities/fidelisation-artemis.yaml"
PAYROLL = "register/activities/gestion-personnel-paie.yaml"
TRAINING = "register/activities/formation-operateurs.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """CentreCall's register in a fresh git repository with one commit."""
    path = init_repo(copy_register(tmp_path / "repo"))
    commit(path, "Registre initial")
    return path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def run_diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def change_loyalty(repo: Path) -> None:
    """Retention 1 year → 3 years, a new recipient, a second transfer to the US, a purpose removed,
    the DPIA done."""
    sheet = repo / LOYALTY
    edit(
        sheet,
        "      duration: P1Y\n      starts: la date du dernier échange avec le client\n",
        "      duration: P3Y\n      starts: la date du dernier échange avec le client\n",
    )
    edit(sheet, "    - Mesure de la satisfaction à l'égard des produits Artemis\n", "")
    edit(
        sheet,
        "security_measures:\n",
        "  - recipient: Sondages Inc.\n    country: US\n    safeguard: scc\nsecurity_measures:\n",
    )
    edit(
        sheet,
        "transfers:\n",
        "  - type: processor\n    name: Sondages Inc.\ntransfers:\n",
    )
    edit(
        sheet,
        "  status: not_required\n  criteria: [sensitive_data]",
        "  status: completed\n  reference: AIPD-2026-02\n  criteria: [sensitive_data]",
    )


def test_changed_fields_in_words(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_loyalty(repo)
    commit(repo, "Fidélisation : conservation portée à 3 ans, téléphonie VoxCloud")
    code, out, _ = run_diff(capsys, "HEAD~1", "HEAD", "--root", str(repo))
    assert code == 0
    assert "Traitement ST-ART-01 — Fidélisation de la clientèle d'Artemis (modifié) : " + LOYALTY in out
    assert "› Durée de conservation › Durée : 1 an → 3 ans" in out
    assert "  - Finalité(s) du traitement effectué › Sous-finalités : Mesure de la satisfaction" in out
    # the fields of an entry apart as French writes it, « ; » with a space before
    assert re.search(r"\+ Destinataires : Type de destinataire : Sous-traitants ; Nom : Sondages Inc\.", out)
    assert re.search(
        r"\+ Transferts hors UE : .*Pays : États-Unis \(US\) ; Type de garanties : Clauses contractuelles types",
        out,
    )
    assert "~ Analyse d'impact (AIPD) › Statut : Non requise → Réalisée" in out
    assert "+ Analyse d'impact (AIPD) › Référence : AIPD-2026-02" in out
    # nothing else changed: one file
    assert out.count("(modifié)") == 1


def test_english_labels(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_loyalty(repo)
    code, out, _ = run_diff(capsys, "HEAD", "--root", str(repo), "--lang", "en")
    assert code == 0
    assert "Retention › Duration: 1 year → 3 years" in out
    assert re.search(r"Country: United States \(US\); Safeguard", out)


def test_head_defaults_to_the_working_tree(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_diff(capsys, "HEAD", "--root", str(repo))
    assert "entre HEAD et la copie de travail" in out
    assert "Aucune modification du registre." in out
    edit(repo / PAYROLL, "updated: 2024-01-15", "updated: 2026-11-02")
    _, out, _ = run_diff(capsys, "HEAD", "--root", str(repo))
    assert "~ Dernière mise à jour de la fiche : 15 janvier 2024 → 2 novembre 2026" in out


def test_activities_added_removed_and_renamed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "rm", "-q", PAYROLL)
    shutil.copy(repo / LOYALTY, repo / "register/activities/fidelisation-beta.yaml")
    edit(repo / "register/activities/fidelisation-beta.yaml", "ref: ST-ART-01", "ref: ST-BETA-01")
    edit(
        repo / "register/activities/fidelisation-beta.yaml",
        "id: fidelisation-artemis",
        "id: fidelisation-beta",
    )
    git(repo, "mv", TRAINING, "register/activities/formation.yaml")
    edit(repo / "register/activities/formation.yaml", "id: formation-operateurs", "id: formation")
    commit(repo, "Réorganisation")
    code, out, _ = run_diff(capsys, "HEAD~1", "HEAD", "--root", str(repo))
    assert code == 0
    assert f"Traitement RT-03 — Gestion du personnel et de la paie (supprimé) : {PAYROLL}" in out
    assert (
        "Traitement ST-BETA-01 — Fidélisation de la clientèle d'Artemis (ajouté) : register/activities/fidelisation-beta.yaml"
        in out
    )
    assert (
        "(modifié) : fichier renommé : register/activities/formation-operateurs.yaml → "
        "register/activities/formation.yaml"
    ) in out
    assert "~ Identifiant : formation-operateurs → formation" in out


def test_organisation_and_process_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo / "register/organization.yaml", "employees: 180", "employees: 260")
    edit(repo / "register/organization.yaml", "  - id: dgfip\n", "  - id: dgfip-lyon\n")
    _, out, _ = run_diff(capsys, "HEAD", "--root", str(repo))
    assert "Organisme CentreCall (modifié) : register/organization.yaml" in out
    assert "~ Effectif : 180 → 260" in out
    assert (
        "~ Parties › dgfip-lyon — Direction générale des finances publiques › Identifiant : dgfip → dgfip-lyon"
        in out
    )


class _Visible(HTMLParser):
    """The text a reader sees in rendered HTML (``<br>`` as a line break), and the tags used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def render_gfm(markdown: str) -> str:
    """HTML as GitHub or GitLab renders a comment: CommonMark, tables, strikethrough, raw HTML."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


def visible(markdown: str) -> tuple[str, set[str]]:
    parser = _Visible()
    parser.feed(render_gfm(markdown))
    return "".join(parser.parts), parser.tags


HOSTILE = [
    "Fidélisation | <script>alert(1)</script> [lien](http://x.example) *gras*",
    "# Titre\n- liste\n> citation",
    "1. premier\n2) deuxième",
    "+ plus --- === ___ *** ",
    "`code` ~~barré~~ $x^2$ _souligné_ __gras__ data_categories[0]",
    "&amp; &#60; &lt;b&gt; a & b < c > d",
    "<b>gras</b> <!-- commentaire --> <http://x.example> <x@y.example>",
    "fin de titre #",
    "antislash \\ final \\",
    "| a | b |\n| --- | --- |",
    "![image](http://x.example/i.png) [ref]: http://x.example",
    "3 fiches modifiées register/activities/x.yaml",
    "@all @ropa-register/dpo (@dpo) dpo@centrecall.example",
]


@pytest.mark.parametrize("context", GFM_CONTEXTS)
@pytest.mark.parametrize("value", HOSTILE)
def test_gfm_text_renders_as_written(value: str, context: str) -> None:
    escaped = gfm(value, context)
    markdown = {"line": escaped, "heading": f"## {escaped}", "cell": f"| x |\n| --- |\n| {escaped} |"}[context]
    text, tags = visible(markdown)
    wanted = "\n".join(" ".join(line.split()) for line in value.strip().splitlines() if line.strip())
    shown = text.strip().removeprefix("x").strip() if context == "cell" else text.strip()
    assert shown.replace("\u2060", "") == wanted, markdown  # a word joiner keeps « @x » from mentioning
    assert tags <= {"p", "h2", "table", "thead", "tbody", "tr", "th", "td", "br"}, markdown


# GitHub's and GitLab's mention: an @ that starts a word, then a user, group or team name.
MENTION = re.compile(r"(?<![\w.+-])@[\w-]+")


@pytest.mark.parametrize("context", GFM_CONTEXTS)
def test_gfm_text_mentions_nobody(context: str) -> None:
    """A value « @all » or « @org/team » in a pull-request comment notifies nobody; an e-mail
    address is left as it is written (no invisible character in it to copy)."""
    value = "Voir @all, @ropa-register/dpo et (@dpo) ; écrire à dpo@centrecall.example"
    text, _ = visible(gfm(value, context))
    assert MENTION.findall(value) and not MENTION.findall(text), text
    assert "dpo@centrecall.example" in text, text


def test_gfm_escapes_only_what_markdown_needs() -> None:
    assert gfm("3 fiches modifiées") == "3 fiches modifiées"
    assert gfm("register/activities/x-y.yaml : AIPD-2026-02, l'équipe !") == (
        "register/activities/x-y.yaml : AIPD-2026-02, l'équipe !"
    )
    assert gfm("data_categories.retention") == "data_categories.retention"
    assert gfm("a | b", "cell") == "a \\| b" and gfm("a | b") == "a | b"


def test_markdown_for_a_pull_request_comment(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_loyalty(repo)
    hostile = "Fidélisation | <script>alert(1)</script> [lien](http://x.example) *gras*"
    edit(repo / LOYALTY, "name: Fidélisation de la clientèle d'Artemis", f'name: "{hostile}"')
    code, out, _ = run_diff(capsys, "HEAD", "--root", str(repo), "--format", "markdown")
    assert code == 0
    assert out.startswith("## Modifications du registre entre HEAD et la copie de travail\n")
    assert "| Champ | Avant | Après |" in out
    assert "\\(" not in out and "\\/" not in out and "\\-" not in out  # readable as plain text
    assert "\n1 fiche modifiée\n" in out and f"\n{LOYALTY}\n" in out
    assert "| 1 an | 3 ans |" in out
    assert "| — | AIPD-2026-02 |" in out
    html = render_gfm(out)
    assert "<script" not in html and "<a " not in html and "<em>gras" not in html
    text, tags = visible(out)
    assert tags <= {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "em", "br", "blockquote"}
    assert f"{hostile} (modifié)" in text  # the heading shows the name exactly as written
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert rows and html.count("<tr>") == len(rows) - 1  # minus the delimiter row; none split
    for row in html.split("<tr>")[1:]:
        assert row.count("<td>") + row.count("<th>") == 3, row


def test_unreadable_file_at_a_revision_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / PAYROLL).write_text("id: [broken\n", encoding="utf-8")
    code, out, _ = run_diff(capsys, "HEAD", "--root", str(repo))
    assert code == 0
    assert re.search(rf"! illisible à la copie de travail : {PAYROLL}:\d+:\d+: erreur de syntaxe YAML", out)
    assert "supprimé" not in out and "Aucune modification du registre." in out  # unreadable, not removed


def test_register_in_a_subfolder_of_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = init_repo(tmp_path / "mono")
    sub = copy_register(top / "conformite" / "registre")
    (top / "README.md").write_text("monorepo\n", encoding="utf-8")
    commit(top, "initial")
    change_loyalty(sub)
    commit(top, "change")
    code, out, _ = run_diff(capsys, "HEAD~1", "HEAD", "--root", str(sub))
    assert code == 0
    assert "Durée : 1 an → 3 ans" in out and "(modifié) : " + LOYALTY in out


def test_bad_revision_and_no_repository(repo: Path, tmp_path: Path, ropa: Runner) -> None:
    proc = ropa("diff", "no-such-branch", "--root", repo, "--lang", "en")
    assert proc.returncode == 2
    assert "ropa: error: no-such-branch: 'no-such-branch' is not a commit of the repository" in proc.stderr
    french = ropa("diff", "no-such-branch", "--root", repo)
    assert "ropa\u00a0: erreur\u00a0: no-such-branch\u00a0: «\u00a0no-such-branch\u00a0» n'est pas un commit du dépôt" in french.stderr
    assert "Traceback" not in proc.stderr
    proc = ropa("diff", "--output=x", "--root", repo)
    assert proc.returncode == 2
    plain = copy_register(tmp_path / "plain")
    proc = ropa("diff", "HEAD", "--root", plain, "--lang", "en", cwd=tmp_path)
    assert proc.returncode == 2
    assert "not inside a git repository" in proc.stderr


def test_cli_markdown_end_to_end(repo: Path, ropa: Runner) -> None:
    change_loyalty(repo)
    commit(repo, "change")
    proc = ropa("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "### Traitement ST-ART-01" in proc.stdout


# --- the engine, on data -----------------------------------------------------------------------


def snap(**files: object) -> snapshot.Snapshot:
    return snapshot.Snapshot({k.replace("__", "/").replace("_yaml", ".yaml"): v for k, v in files.items()}, {})


def activity(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "a", "ref": "R-1", "name": "A", "role": "controller"}
    base.update(extra)
    return base


def test_list_items_are_paired_not_compared_by_position() -> None:
    old = activity(
        recipients=[{"type": "internal_service", "name": "RH"}, {"type": "partner", "name": "URSSAF"}]
    )
    new = activity(
        recipients=[
            {"type": "partner", "name": "URSSAF", "details": "DSN"},
            {"type": "internal_service", "name": "RH"},
        ]
    )
    changes = compare.diff(snap(register__activities__a_yaml=old), snap(register__activities__a_yaml=new))
    assert [(c.field, c.old, c.new) for c in changes[0].changes] == [
        ("Destinataires › URSSAF — Partenaires institutionnels ou commerciaux › Précisions", None, "DSN"),
    ]


def test_reordering_a_list_is_no_change() -> None:
    old = activity(processing_operations=["collection", "storage"])
    new = activity(processing_operations=["storage", "collection"])
    assert compare.diff(snap(register__activities__a_yaml=old), snap(register__activities__a_yaml=new)) == []


def test_codes_are_shown_as_labels() -> None:
    old = activity(role="processor", processing_operations=["collection"])
    new = activity(role="controller", processing_operations=["collection", "erasure"])
    changes = compare.diff(snap(register__activities__a_yaml=old), snap(register__activities__a_yaml=new))[
        0
    ].changes
    assert ("Rôle", "Sous-traitant", "Responsable du traitement") in [
        (c.field, c.old, c.new) for c in changes
    ]
    assert ("Catégories de traitements", None, "Effacement ou destruction") in [
        (c.field, c.old, c.new) for c in changes
    ]


def test_an_empty_list_appearing_is_no_change() -> None:
    old = activity()
    new = activity(joint_controllers=[])
    assert compare.diff(snap(register__activities__a_yaml=old), snap(register__activities__a_yaml=new)) == []


def test_files_outside_the_register_are_ignored() -> None:
    files = {
        "register/activities/a.yaml": "id: a\n",
        "docs/index.md": "# x\n",
        "register/notes.txt": "x",
        "register/activities/.hidden.yaml": "x: 1\n",
    }
    assert list(snapshot.parse_files(files).data) == ["register/activities/a.yaml"]


def test_read_files_at_a_revision_and_on_disk(repo: Path) -> None:
    (repo / "register/activities/nouveau.yaml").write_text("id: nouveau\n", encoding="utf-8")
    at_head = gitinfo.read_files(repo, "HEAD")
    on_disk = gitinfo.read_files(repo, gitinfo.WORKTREE)
    assert "register/activities/nouveau.yaml" not in at_head
    assert on_disk["register/activities/nouveau.yaml"] == b"id: nouveau\n"
    assert at_head[LOYALTY] == (repo / LOYALTY).read_bytes()
    assert set(at_head) == set(on_disk) - {"register/activities/nouveau.yaml"}


def test_control_characters_are_shown_escaped_in_the_terminal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ESC sequences in a value cannot clear or recolour the user's terminal (issue 13)."""
    edit(repo / LOYALTY, "name: Fidélisation de la clientèle d'Artemis",
         'name: "Fidélisation \\e[2J\\e[31mrouge\\u202e\\a"')
    code, out, _ = run_diff(capsys, "--root", str(repo), "HEAD")
    assert code == 0
    assert not any(ch in out for ch in "\x1b\x07\u202e")
    assert "\\x1b[2J\\x1b[31mrouge\\u202e\\x07" in out


QUALITY = "register/activities/enregistrement-qualite.yaml"
HOSTILE_PARTY = "Sonde | <b>*Inc*</b> \\e[31m"


def change_parties(repo: Path) -> None:
    """VoxCloud renamed; a second party named « Artemis »; the loyalty sheet's controller, the
    quality sheet's processor, recipient and transfer recipient pointed at other parties."""
    org = repo / "register/organization.yaml"
    edit(org, "    name: VoxCloud Inc.\n", "    name: VoxCloud SAS\n")
    edit(
        org,
        "  - id: urssaf\n",
        "  - id: artemis-europe\n    name: Artemis\n    kind: controller\n"
        f'  - id: sonde\n    name: "{HOSTILE_PARTY}"\n    kind: processor\n'
        "  - id: urssaf\n",
    )
    edit(repo / LOYALTY, "controller: artemis\n", "controller: artemis-europe\n")
    quality = repo / QUALITY
    edit(quality, "processors: [voxcloud]", "processors: [voxcloud, sonde]")
    edit(quality, "    party: voxcloud\n    details: Stockage", "    party: sonde\n    details: Stockage")
    edit(quality, "  - recipient: voxcloud\n", "  - recipient: sonde\n")
    edit(repo / "processes/routage-appels.yaml", "    party: voxcloud\n", "    party: sonde\n")


def test_parties_are_named_at_their_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_parties(repo)
    commit(repo, "Parties")
    code, out, _ = run_diff(capsys, "HEAD~1", "HEAD", "--root", str(repo))
    assert code == 0
    # two parties named Artemis: the id tells them apart, on both sides
    assert "~ Responsable du traitement : Artemis (artemis) → Artemis (artemis-europe)" in out
    # the old value named as the party was then, the new one as it is now
    shown = "Sonde | <b>*Inc*</b> \\x1b[31m"  # control characters escaped for the terminal
    assert f"~ Destinataires › VoxCloud Inc. — Sous-traitants › Partie : VoxCloud Inc. → {shown}" in out
    assert f"+ Sous-traitants : {shown}" in out
    assert re.search(rf"~ Transferts hors UE › {re.escape(shown)} — États-Unis \(US\) › Destinataire : "
                     r"VoxCloud Inc\. → " + re.escape(shown), out)
    assert "\x1b" not in out
    assert re.search(rf"~ Acteurs › [^\n]* › Partie : VoxCloud Inc\. → {re.escape(shown)}\n", out)
    sheets = out[out.index("Traitement RT-02"):]  # organization.yaml shows each party's own id
    for ident in ("voxcloud", "sonde"):
        assert not re.search(rf"(: | → ){ident}\b", sheets), f"party id {ident} shown: {sheets}"
    en = run_diff(capsys, "HEAD~1", "HEAD", "--root", str(repo), "--lang", "en")[1]
    assert "~ Controller: Artemis (artemis) → Artemis (artemis-europe)" in en


def test_parties_are_named_in_markdown(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_parties(repo)
    code, out, _ = run_diff(capsys, "HEAD", "--root", str(repo), "--format", "markdown")
    assert code == 0
    assert "| Responsable du traitement | Artemis (artemis) | Artemis (artemis-europe) |" in out
    html = render_gfm(out)
    assert "<b>" not in html and "<em>Inc" not in html
    text, _ = visible(out)
    assert "\nSonde | <b>*Inc*</b> [31m\n" in text  # the name as written, its ESC dropped as elsewhere
    assert "| Sous-traitants | — | Sonde \\| \\<b>\\*Inc\\*\\</b> \\[31m |" in out
    for row in html.split("<tr>")[1:]:
        assert row.count("<td>") + row.count("<th>") == 3, row


def test_an_unknown_party_is_shown_by_its_id() -> None:
    old = snapshot.Snapshot({LOYALTY: {"id": "x", "controller": "artemis"}}, {})
    new = snapshot.Snapshot({LOYALTY: {"id": "x", "controller": "inconnu"},
                             "register/organization.yaml": {"parties": [{"id": "artemis", "name": "Artemis"}]}}, {})
    changes = {c.kind: c for c in compare.diff(old, new, "fr")}
    assert changes["activity"].changes == (compare.FieldChange("Responsable du traitement", "artemis", "inconnu"),)


def test_a_layout_folder_linked_out_of_the_repository_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """register/activities committed as a link to a folder outside the repository: at that
    revision its sheets are unread, and the diff says why under the folder's path, as on disk
    each sheet is refused; never « every sheet removed » (or added) against the revision before."""
    root = init_repo(copy_register(tmp_path / "repo"))
    commit(root, "Registre initial")
    outside = tmp_path / "dehors"
    shutil.move(root / "register" / "activities", outside)
    (root / "register" / "activities").symlink_to(outside)
    commit(root, "Fiches hors du dépôt")
    for revisions in (("HEAD",), ("HEAD~0", "HEAD"), ("HEAD~1", "HEAD"), ("HEAD", "HEAD~1")):
        code, out, err = run_diff(capsys, *revisions, "--lang", "en", "--root", str(root))
        assert code == 0, err
        assert "removed" not in out and "added" not in out, out
        assert "register/activities:0:0: this is a link to a file outside the register repository" in out, out
