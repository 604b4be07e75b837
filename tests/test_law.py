"""The law behind the rules: severities and citations a DPO checked against the GDPR's text.

An error refuses the register: it is kept for a register that is certainly unlawful or
incomplete under Art. 30; where the law leaves room, a warning explains. Each test edits
CentreCall's real register and runs the real validator.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import Runner
from test_validate_corpus import expectations

from generator import vocab
from generator.lint.rules import RULES
from generator.lint.runner import load_register
from generator.load.register import Register, read_register
from generator.render import i18n

ROOT = Path(__file__).resolve().parent.parent
PAYROLL = Path("register") / "activities" / "gestion-personnel-paie.yaml"
QUALITY = Path("register") / "activities" / "enregistrement-qualite.yaml"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "register", root / "register")
    shutil.copytree(ROOT / "processes", root / "processes")
    return root


def test_special_category_condition_without_details_is_a_warning(tmp_path: Path) -> None:
    """Art. 9(2)(b) named, with the law relied on, but no details: Art. 30 asks for no more;
    the register is not refused."""
    root = _copy(tmp_path)
    sheet = root / PAYROLL
    text = sheet.read_text(encoding="utf-8")
    start = text.index("  special_category_details: >-\n")
    sheet.write_text(text[:start] + text[text.index("  special_category_law:", start):], encoding="utf-8")
    found = [(d.rule, d.severity) for d in load_register(root).diagnostics if d.rule != "review-missing"]
    assert found == [("special-category-no-details", "warning")]


def test_art49_derogation_documentation_cites_accountability_not_art30(tmp_path: Path) -> None:
    """Art. 30(1)(e) asks for the documentation of suitable safeguards only for a transfer under
    Art. 49(1), second subparagraph; for (a)-(g) the documentation is accountability (Art. 5(2))."""
    root = _copy(tmp_path)
    sheet = root / QUALITY
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace(
        "    safeguard: scc\n    documentation: https://intranet.centrecall.example/conformite/voxcloud-cct-2021.pdf\n",
        "    safeguard: derogation\n    derogation: explicit_consent\n", 1), encoding="utf-8")
    found = [d for d in load_register(root).diagnostics if d.rule == "transfer-undocumented"]
    assert [d.severity for d in found] == ["warning"]
    for lang in ("en", "fr"):
        assert "30(1)(e)" not in found[0].message(lang) and "30.1.e" not in found[0].message(lang)
    assert "Art. 5(2)" in found[0].message("en") and "art. 5.2" in found[0].message("fr")
    assert "30(1)(e)" not in str(RULES["transfer-undocumented"].law)
    assert "30(1)(e)" in str(RULES["transfer-compelling-undocumented"].law)


# --- Public authorities and bodies: a lawful register, through validate, the site and the exports

VALID = Path(__file__).resolve().parent / "valid"
TOWN_HALL = VALID / "mairie"


def _lawful(tmp_path: Path, source: Path = TOWN_HALL) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(source, root)
    return root


@pytest.mark.parametrize("case", sorted(p.name for p in VALID.iterdir() if p.is_dir()))
def test_a_lawful_register_has_no_error_and_only_its_expected_warnings(case: str, ropa: Runner, tmp_path: Path) -> None:
    """tests/valid/<case>/: a register a public body keeps lawfully (a town hall: its shared
    DPO, transfers under Art. 46(2)(a) and 46(3)(b), a sheet without security measures, one
    without legal basis; a public hospital: health data, the NIR, the CNIL's DPIA list).
    ``ropa validate`` exits 0; its warnings are exactly the ``# expect:`` lines of the files
    (same format as tests/invalid/), none for the hospital."""
    root = _lawful(tmp_path, VALID / case)
    done = ropa("validate", "--format", "json", "--lang", "en", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(done.stdout)
    expected = [e for path in sorted(root.rglob("*.yaml"))
                for e in expectations(path, path.relative_to(root).as_posix())]
    assert sorted((d["file"], d["rule"], d["line"], d["column"]) for d in found) == sorted(
        (e.file, e.rule, e.line, e.column) for e in expected), done.stdout
    assert {d["severity"] for d in found} <= {"warning"}
    for e in expected:
        assert any(e.text in d["message"] for d in found if d["rule"] == e.rule), (e, found)


def _page(site: Path, page: str) -> str:
    text = (site / page / "index.html").read_text(encoding="utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_the_town_hall_site_shows_the_new_values(tmp_path: Path) -> None:
    """A real ``mkdocs build --strict``: the sheets and the recipients page name each safeguard
    with its article and the supervisory authority's authorisation; the organisation page says
    it is a public body; a sheet without security measures or legal basis says « Non renseigné »."""
    from sitebuild import mkdocs_build

    root = _lawful(tmp_path)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    done = mkdocs_build(root, tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    site = tmp_path / "site"
    instrument = vocab.label("safeguard", "public_bodies_instrument", "fr")
    arrangement = vocab.label("safeguard", "administrative_arrangement", "fr")
    assert "(art. 46.2.a)" in instrument and "(art. 46.3.b)" in arrangement
    authorisation = "Autorisation de l'autorité de contrôle : Délibération de la CNIL n° 2026-041 du 12 mars 2026"
    assert instrument in _page(site, "activites/etat-civil")
    sheet = _page(site, "activites/jumelage")
    assert arrangement in sheet and authorisation in sheet
    recipients = _page(site, "destinataires")
    assert instrument in recipients and arrangement in recipients and authorisation in recipients
    assert "Autorité ou organisme public Oui" in _page(site, "organisation")
    security = sheet[sheet.index("Mesures de sécurité ¶"):sheet.index("Transferts hors UE ¶")]
    assert "Aucun." in security and "Non renseigné." not in security  # security_measures: []
    rental = _page(site, "activites/location-salles")
    basis = rental[rental.index("Base légale ¶"):]
    assert basis.split("(art. 5.2).")[1].strip().startswith("Non renseigné.")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_the_town_hall_exports_carry_the_new_values_and_import_back(fmt: str, ropa: Runner, tmp_path: Path) -> None:
    """``ropa export`` writes each safeguard's label (its code in the JSON) and the authorisation;
    ``ropa import`` of that file gives back the codes, the authorisation, the empty list of
    security measures and the missing legal basis; the XLSX and the JSON also public_body (the
    CSV has no organisation block)."""
    root = _lawful(tmp_path)
    path = tmp_path / f"registre.{fmt}"
    made = ropa("export", "--format", fmt, "-o", path, "--root", root)
    assert made.returncode == 0, made.stderr
    if fmt == "json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["organization"]["public_body"] is True
        transfers = [t for a in doc["activities"] for t in a.get("transfers", [])]
        assert [t["safeguard"]["code"] for t in transfers] == ["public_bodies_instrument", "administrative_arrangement"]
        assert transfers[1]["authority_authorisation"] == "Délibération de la CNIL n° 2026-041 du 12 mars 2026"
    else:
        if fmt == "xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            text = "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                             for c in row if c is not None)
        else:
            text = path.read_text(encoding="utf-8-sig")
        for code in ("public_bodies_instrument", "administrative_arrangement"):
            assert vocab.label("safeguard", code, "fr") in text
        assert "Délibération de la CNIL n° 2026-041 du 12 mars 2026" in text
    dest = tmp_path / "imported"
    dest.mkdir()
    done = ropa("import", path, "--root", dest)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    before, after = read_register(root), read_register(dest)

    def kept(reg: Register) -> dict[str, Any]:
        return {a["ref"]: ([(t.get("safeguard"), t.get("authority_authorisation")) for t in a.get("transfers", [])],
                           a.get("security_measures"), "legal_basis" in a) for a in reg.activity_data()}

    assert kept(after) == kept(before)
    assert kept(after)["MAIRIE-02"][1] == [] and kept(after)["MAIRIE-03"][2] is False
    assert after.org.get("public_body") is True  # the CSV carries it too (tests/test_cite.py)


# --- The rules a public body meets, and the Art. 30 items asked "where possible" -------------


def test_public_body_without_dpo_is_an_error_and_without_reason_none_a_warning(tmp_path: Path) -> None:
    """Art. 37(1)(a): a public authority or body must designate a DPO. Without any 'dpo' the
    record is incomplete (30(1)(a)): an error; with 'dpo: {none: reason}' a warning, since courts
    acting in their judicial capacity are exempt. A private company keeps the dpo-missing warning."""
    root = _lawful(tmp_path)
    org = root / "register" / "organization.yaml"
    text = org.read_text(encoding="utf-8")
    start, end = text.index("dpo:\n"), text.index("review_interval:")
    org.write_text(text[:start] + text[end:], encoding="utf-8")
    found = [(d.rule, d.severity) for d in load_register(root).diagnostics if d.file.endswith("organization.yaml")]
    assert found == [("public-body-dpo-missing", "error")]
    message = next(d for d in load_register(root).diagnostics if d.rule == "public-body-dpo-missing")
    assert "Art. 37(1)(a)" in message.message("en") and "art. 37.1.a" in message.message("fr")
    org.write_text(text[:start] + "dpo:\n  none: Juridiction administrative.\n" + text[end:], encoding="utf-8")
    found = [(d.rule, d.severity) for d in load_register(root).diagnostics if d.file.endswith("organization.yaml")]
    assert found == [("public-body-dpo-none", "warning")]
    org.write_text((text[:start] + text[end:]).replace("public_body: true\n", ""), encoding="utf-8")
    found = [(d.rule, d.severity) for d in load_register(root).diagnostics if d.file.endswith("organization.yaml")]
    assert found == [("dpo-missing", "warning")]


def test_legitimate_interests_of_a_public_body_is_a_warning_per_purpose(tmp_path: Path) -> None:
    """Art. 6(1), second subparagraph: a warning on the basis, and on each purpose's own basis."""
    root = _lawful(tmp_path)
    sheet = root / "register" / "activities" / "jumelage.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace(
        "  basis: public_task\n",
        "  basis: legitimate_interests\n  balancing_test: Note LIA-2026-01\n  purposes:\n"
        "    - purpose: Organisation des échanges entre familles des deux villes jumelées\n"
        "      basis: legitimate_interests\n", 1), encoding="utf-8")
    found = [d for d in load_register(root).diagnostics if d.rule == "legitimate-interest-public-body"]
    assert [(d.severity, d.message("en").split(":")[0]) for d in found] == [
        ("warning", "legal_basis.basis"), ("warning", "legal_basis.purposes[0].basis")]
    assert "art. 6.1, second alinéa" in found[0].message("fr")
    assert not [d for d in load_register(root).diagnostics if d.severity == "error"]


def test_art49_derogations_of_a_public_body(tmp_path: Path) -> None:
    """Art. 49(3): (a), (b), (c) and the second subparagraph warn a public body; (d) public
    interest does not."""
    root = _lawful(tmp_path)
    sheet = root / "register" / "activities" / "etat-civil.yaml"
    text = sheet.read_text(encoding="utf-8")
    for derogation, warned in (("explicit_consent", True), ("contract_with_data_subject", True),
                               ("contract_in_interest_of_data_subject", True), ("public_interest", False)):
        sheet.write_text(text.replace("    safeguard: public_bodies_instrument\n",
                                      f"    safeguard: derogation\n    derogation: {derogation}\n"), encoding="utf-8")
        found = [d for d in load_register(root).diagnostics if d.rule == "transfer-derogation-public-powers"]
        assert [d.severity for d in found] == (["warning"] if warned else []), derogation
        assert not [d for d in load_register(root).diagnostics if d.severity == "error"], derogation


def test_dpia_exemption_condition_is_a_warning_that_explains(tmp_path: Path) -> None:
    """The CNIL's exemption for HR processing (délibération n° 2019-118) covers organisations of
    fewer than 250 employees. A town hall of 300 with one WP248 criterion: the exemption does not
    apply, yet no DPIA is required (Art. 35(1); the two-criteria presumption is not met). The
    error refused that lawful register; the warning says why the exemption fails and what then
    applies. With two criteria and no DPIA, dpia-missing is still the error."""
    root = _lawful(tmp_path)
    org = root / "register" / "organization.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("employees: 85\n", "employees: 300\n"), encoding="utf-8")
    sheet = root / "register" / "activities" / "location-salles.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("  criteria: [sensitive_data]\n", "  criteria: [sensitive_data]\n"
                                  "  exemption: hr_small_organisations\n"), encoding="utf-8")
    found = [d for d in load_register(root).diagnostics if d.rule.startswith("dpia-")]
    assert [(d.rule, d.severity) for d in found] == [("dpia-exemption-condition", "warning")]
    en, fr = found[0].message("en"), found[0].message("fr")
    assert "employees: 300" in en and "met here: sensitive_data" in en and "Art. 35(1)" in en and "Art. 35(5)" in en
    assert "art. 35.5 du RGPD" in fr and "remplis ici : sensitive_data" in fr
    sheet.write_text(text.replace("  criteria: [sensitive_data]\n", "  criteria: [sensitive_data, vulnerable_subjects]\n"
                                  "  exemption: hr_small_organisations\n"), encoding="utf-8")
    found = [d for d in load_register(root).diagnostics if d.rule.startswith("dpia-")]
    assert sorted((d.rule, d.severity) for d in found) == [
        ("dpia-exemption-condition", "warning"), ("dpia-missing", "error")]


def test_every_new_rule_cites_its_article_in_the_law_column_and_both_messages() -> None:
    cited = {
        "public-body-dpo-missing": ("37(1)(a)", "37.1.a"),
        "public-body-dpo-none": ("37(1)(a)", "37.1.a"),
        "legitimate-interest-public-body": ("6(1), second subparagraph", "6.1, second alinéa"),
        "transfer-safeguard-public-bodies": ("{article}", "{article}"),
        "transfer-authorisation-unrecorded": ("46(4)", "46.4"),
        "transfer-derogation-public-powers": ("49(3)", "49.3"),
        "security-measures-missing": ("32(1)", "32.1"),
        "legal-basis-missing": ("6(1)", "6.1"),
        "dpia-exemption-condition": ("35(5)", "35.5"),
    }
    for rule, (en, fr) in cited.items():
        assert RULES[rule].law, rule
        assert en in RULES[rule].message["en"] and fr in RULES[rule].message["fr"], rule
    assert "46(2)(a)" in str(RULES["transfer-safeguard-public-bodies"].law)
    assert "30(1)(g)" in str(RULES["security-measures-missing"].law) and "30(2)(d)" in str(RULES["security-measures-missing"].law)


# --- Art. 46(3)(a): ad hoc contractual clauses, authorised by the supervisory authority -------

AD_HOC_AUTHORISATION = "Délibération de la CNIL n° 2026-077 du 3 juin 2026"


def _rewrite(root: Path, source: Path, sheet: Path, old: str, new: str) -> None:
    """``root``'s ``sheet``: ``source``'s, with its first ``old`` replaced by ``new``."""
    text = (source / sheet).read_text(encoding="utf-8")
    assert old in text
    (root / sheet).write_text(text.replace(old, new, 1), encoding="utf-8")


def _generated(root: Path, lang: str, *stems: str) -> list[str]:
    """The generated pages of the site in ``lang`` named by their stem (a sheet by its id, or
    ``recipients``), whatever the language's folder and page names (``activites/<id>.md``,
    ``destinataires.md`` in French)."""
    from generator.site import pages

    site = pages.generate(load_register(root), lang)
    recipients = {"destinataires.md", "recipients.md"}
    found = [next(text for path, text in site.items()
                  if (path in recipients if stem == "recipients" else path.endswith(f"/{stem}.md")))
             for stem in stems]
    return [text.replace("\\", "") for text in found]


def _export(ropa: Runner, root: Path, fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"registre.{fmt}"
    made = ropa("export", "--format", fmt, "-o", path, "--root", root)
    assert made.returncode == 0, made.stderr
    return path


def _import(ropa: Runner, path: Path, tmp_path: Path) -> Path:
    """``ropa import`` of ``path`` into a new folder: the folder."""
    dest = tmp_path / "imported"
    dest.mkdir()
    done = ropa("import", path, "--root", dest)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    return dest


def _ad_hoc(root: Path, authorisation: bool = True) -> None:
    """CentreCall's quality sheet sends its recordings to the US under ad hoc clauses."""
    _rewrite(root, ROOT, QUALITY, "    safeguard: scc\n", "    safeguard: ad_hoc_clauses\n"
             + (f"    authority_authorisation: {AD_HOC_AUTHORISATION}\n" if authorisation else ""))


def test_ad_hoc_clauses_need_the_authorisation_and_are_open_to_any_organisation(tmp_path: Path) -> None:
    """Art. 46(3)(a): the clauses are a safeguard once the supervisory authority has authorised
    them (the warning asks for the authorisation, citing 46(3)(a) and 46(4)); unlike 46(3)(b),
    a company may use them: no public-body warning. The GDPR's wording is in the legal data."""
    root = _copy(tmp_path)
    _ad_hoc(root, authorisation=False)
    found = [d for d in load_register(root).diagnostics if d.rule.startswith("transfer-")]
    assert [(d.rule, d.severity) for d in found] == [("transfer-authorisation-unrecorded", "warning")]
    assert "ad_hoc_clauses (Art. 46(3)(a))" in found[0].message("en")
    assert "ad_hoc_clauses (art. 46.3.a du RGPD)" in found[0].message("fr")
    assert "46(3)(a)" in str(RULES["transfer-authorisation-unrecorded"].law)
    _ad_hoc(root)
    assert not [d for d in load_register(root).diagnostics if d.rule.startswith("transfer-")]
    legal = {s["id"]: s for s in yaml.safe_load((ROOT / "generator/data/legal/art46_safeguards.yaml")
                                                .read_text(encoding="utf-8"))["safeguards"]}
    assert legal["ad_hoc_clauses"]["article"] == "46(3)(a)" and legal["ad_hoc_clauses"]["requires_authorisation"]
    assert "public_bodies_only" not in legal["ad_hoc_clauses"]
    for lang, article in (("fr", "(art. 46.3.a)"), ("en", "(Art. 46(3)(a))")):
        assert vocab.label("safeguard", "ad_hoc_clauses", lang).endswith(article)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ad_hoc_clauses_on_the_sheet_and_the_recipients_page(lang: str, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _ad_hoc(root)
    label = vocab.label("safeguard", "ad_hoc_clauses", lang)
    said = "Autorisation de l'autorité de contrôle : " if lang == "fr" else "Supervisory authority's authorisation: "
    for text in _generated(root, lang, "enregistrement-qualite", "recipients"):
        assert label in text and said + AD_HOC_AUTHORISATION in text


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_ad_hoc_clauses_export_and_import_back(fmt: str, ropa: Runner, tmp_path: Path) -> None:
    """``ropa export`` writes the label (the code in the JSON) and the authorisation;
    ``ropa import`` of that file gives back ``ad_hoc_clauses`` and the authorisation."""
    root = _copy(tmp_path)
    _ad_hoc(root)
    path = _export(ropa, root, fmt, tmp_path)
    if fmt == "json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        transfer = next(t for a in doc["activities"] for t in a.get("transfers", []) if a["ref"] == "RT-02")
        assert transfer["safeguard"]["code"] == "ad_hoc_clauses"
        assert transfer["safeguard"]["label"] == vocab.label("safeguard", "ad_hoc_clauses", "fr")
        assert transfer["authority_authorisation"] == AD_HOC_AUTHORISATION
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert any(c.startswith(vocab.label("safeguard", "ad_hoc_clauses", "fr")) and AD_HOC_AUTHORISATION in c
                   for c in cells)
    else:
        text = path.read_text(encoding="utf-8-sig")
        assert vocab.label("safeguard", "ad_hoc_clauses", "fr") in text and AD_HOC_AUTHORISATION in text
    dest = _import(ropa, path, tmp_path)
    transfers = {a["ref"]: [(t.get("safeguard"), t.get("authority_authorisation")) for t in a.get("transfers", [])]
                 for a in read_register(dest).activity_data()}
    assert transfers["RT-02"] == [("ad_hoc_clauses", AD_HOC_AUTHORISATION)]


# --- Legitimate interests of a public body, outside its tasks: the reason on record ----------

RENTAL = Path("register") / "activities" / "location-salles.yaml"
OUTSIDE = "Location aux particuliers d'une salle du domaine privé de la commune, hors mission de service public."
OUTSIDE_PURPOSE = "Lettre d'information facultative des locataires, sans lien avec les missions de la commune."
NEWSLETTER = "Information des locataires sur la programmation de la salle des fêtes"


def _outside_tasks(root: Path, *, basis: bool = True, purpose: bool = True) -> None:
    """The town hall's room rental rests on legitimate interests, outside the commune's tasks."""
    main = "purposes:\n  main: Réservation et location des salles communales aux particuliers et associations\n"
    _rewrite(
        root, TOWN_HALL, RENTAL, main, main
        + f"  sub:\n    - {NEWSLETTER}\n"
        "legal_basis:\n  basis: legitimate_interests\n  balancing_test: Note LIA-2026-03\n"
        + (f"  outside_public_tasks: {OUTSIDE}\n" if basis else "")
        + f"  purposes:\n    - purpose: {NEWSLETTER}\n      basis: legitimate_interests\n"
        "      details: Courriel trimestriel.\n      balancing_test: Note LIA-2026-04\n"
        + (f"      outside_public_tasks: {OUTSIDE_PURPOSE}\n" if purpose else ""))


@pytest.mark.parametrize(("basis", "purpose"), [(True, True), (False, True), (True, False), (False, False)])
def test_outside_public_tasks_silences_the_warning_where_it_is_given(basis: bool, purpose: bool, tmp_path: Path) -> None:
    """Art. 6(1), second subparagraph: a public body may rest processing outside its tasks on
    legitimate interests. ``outside_public_tasks`` on the basis, or on the purpose's entry,
    says why and silences the warning there only; no error either way."""
    root = _lawful(tmp_path)
    _outside_tasks(root, basis=basis, purpose=purpose)
    diagnostics = load_register(root).diagnostics
    found = [d.message("en").split(":")[0] for d in diagnostics if d.rule == "legitimate-interest-public-body"]
    assert found == (["legal_basis.basis"] if not basis else []) + (["legal_basis.purposes[0].basis"] if not purpose else [])
    assert not [d for d in diagnostics if d.severity == "error"]
    if found:
        warned = next(d for d in diagnostics if d.rule == "legitimate-interest-public-body")
        assert "'outside_public_tasks'" in warned.message("en") and "'outside_public_tasks'" in warned.message("fr")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_outside_public_tasks_is_on_the_sheet(lang: str, tmp_path: Path) -> None:
    """The reason is on record where an auditor reads the basis: the legal-basis block and the
    row of the purpose in the table of bases per purpose, under its label citing the article."""
    root = _lawful(tmp_path)
    _outside_tasks(root)
    [sheet] = _generated(root, lang, "location-salles")
    said = i18n.t("site.sheet.outside_public_tasks", lang)
    assert ("art. 6.1, second alinéa" if lang == "fr" else "Art. 6(1), second subparagraph") in said
    block = sheet[sheet.index(said):]
    assert block.split("\n")[1] == f":   {OUTSIDE}"
    row = next(line for line in sheet.splitlines() if line.startswith(f"| {NEWSLETTER} |"))
    assert f"{said}{i18n.colon(lang)}*{OUTSIDE_PURPOSE}*" in row


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_outside_public_tasks_in_the_exports_and_back(fmt: str, ropa: Runner, tmp_path: Path) -> None:
    """XLSX, CSV and JSON carry both reasons (a row of the legal-basis block and a line of the
    purpose's details in the XLSX, columns of their own in the CSV, keys in the JSON);
    ``ropa import`` reads them back, and the imported register is not warned either."""
    root = _lawful(tmp_path)
    _outside_tasks(root)
    path = _export(ropa, root, fmt, tmp_path)
    if fmt == "json":
        rental = next(a for a in json.loads(path.read_text(encoding="utf-8"))["activities"] if a["ref"] == "MAIRIE-03")
        assert rental["legal_basis"]["outside_public_tasks"] == OUTSIDE
        assert rental["legal_basis"]["purposes"][0]["outside_public_tasks"] == OUTSIDE_PURPOSE
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [[c for c in row if c is not None] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
        label = i18n.t("export.fields.outside_public_tasks", "fr")
        assert [label, OUTSIDE] in rows
        assert any(f"{label} : {OUTSIDE_PURPOSE}" in str(c) for row in rows for c in row)
    else:
        text = path.read_text(encoding="utf-8-sig")
        assert OUTSIDE in text and OUTSIDE_PURPOSE in text
    dest = _import(ropa, path, tmp_path)
    basis = next(a for a in read_register(dest).activity_data() if a["ref"] == "MAIRIE-03")["legal_basis"]
    assert basis["outside_public_tasks"] == OUTSIDE
    assert [(p["purpose"], p.get("details"), p.get("balancing_test"), p.get("outside_public_tasks"))
            for p in basis["purposes"]] == [(NEWSLETTER, "Courriel trimestriel.", "Note LIA-2026-04", OUTSIDE_PURPOSE)]
    assert read_register(dest).org.get("public_body") is True  # so that the rule did run on it
    assert not [d for d in load_register(dest).diagnostics if d.rule == "legitimate-interest-public-body"]


CIVIL = Path("register") / "activities" / "etat-civil.yaml"
NOT_PUBLIC_POWERS = "Copie d'acte demandée et payée par la personne elle-même, service rendu à sa demande."


def _derogation_of_a_public_body(root: Path, *, reason: bool) -> None:
    """The town hall's civil-status sheet transfers under Art. 49(1)(b)."""
    _rewrite(root, TOWN_HALL, CIVIL, "    safeguard: public_bodies_instrument\n",
             "    safeguard: derogation\n    derogation: contract_with_data_subject\n"
             + (f"    outside_public_powers: {NOT_PUBLIC_POWERS}\n" if reason else ""))


def test_outside_public_powers_silences_the_art49_3_warning(tmp_path: Path) -> None:
    """Art. 49(3): a public body's transfer under Art. 49(1)(b) is warned; the transfer's
    ``outside_public_powers`` says why the activity is not an exercise of public powers, and
    silences it (never an error)."""
    root = _lawful(tmp_path)
    _derogation_of_a_public_body(root, reason=False)
    found = [d for d in load_register(root).diagnostics if d.rule == "transfer-derogation-public-powers"]
    assert [d.severity for d in found] == ["warning"]
    assert "'outside_public_powers'" in found[0].message("en") and "art. 49.3" in found[0].message("fr")
    _derogation_of_a_public_body(root, reason=True)
    diagnostics = load_register(root).diagnostics
    assert not [d for d in diagnostics if d.rule == "transfer-derogation-public-powers"]
    assert not [d for d in diagnostics if d.severity == "error"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_outside_public_powers_on_the_sheet(lang: str, tmp_path: Path) -> None:
    root = _lawful(tmp_path)
    _derogation_of_a_public_body(root, reason=True)
    said = f"*{i18n.t('site.transfers.outside_public_powers', lang)}{i18n.colon(lang)}{NOT_PUBLIC_POWERS}*"
    assert ("(art. 49.3)" if lang == "fr" else "(Art. 49(3))") in said
    for text in _generated(root, lang, "etat-civil", "recipients"):
        assert said in text


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_outside_public_powers_in_the_exports_and_back(fmt: str, ropa: Runner, tmp_path: Path) -> None:
    root = _lawful(tmp_path)
    _derogation_of_a_public_body(root, reason=True)
    path = _export(ropa, root, fmt, tmp_path)
    if fmt == "json":
        civil = next(a for a in json.loads(path.read_text(encoding="utf-8"))["activities"] if a["ref"] == "MAIRIE-01")
        assert civil["transfers"][0]["outside_public_powers"] == NOT_PUBLIC_POWERS
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
        said = f"{i18n.t('site.transfers.outside_public_powers', 'fr')} : {NOT_PUBLIC_POWERS}"
        assert any(c.startswith(vocab.label("safeguard", "derogation", "fr")) and said in c for c in cells)
    else:
        assert NOT_PUBLIC_POWERS in path.read_text(encoding="utf-8-sig")
    dest = _import(ropa, path, tmp_path)
    civil = next(a for a in read_register(dest).activity_data() if a["ref"] == "MAIRIE-01")
    assert [(t["safeguard"], t.get("derogation"), t.get("outside_public_powers")) for t in civil["transfers"]] == [
        ("derogation", "contract_with_data_subject", NOT_PUBLIC_POWERS)]
    assert read_register(dest).org.get("public_body") is True
    assert not [d for d in load_register(dest).diagnostics if d.rule == "transfer-derogation-public-powers"]
