"""One way of citing the law, and one way of saying a value, whatever the reader looks at.

- every French text of the data files cites the GDPR « art. 46.3.b » (the style the project
  used most, and the one ``article_text`` writes), every English text "Art. 46(3)(b)";
- the rule table's ``law`` is a French and English pair, printed in the reader's language;
- a transfer's ``authority_informed`` and the organisation's ``public_body`` in the CSV and the
  JSON, and back through ``ropa import``;
- an empty list and an absent key read « Aucun » and « Non renseigné » on the site's sheet, in
  the CSV and in the JSON, as in the XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, Runner

from generator import paths
from generator.lint import rules as rules_module
from generator.lint import table
from generator.lint.rules import RULES, article_text
from generator.lint.runner import load_register
from generator.render import escape, i18n
from generator.site import pages

DATA = REPO / "generator" / "data"

PAREN = re.compile(r"\b[Aa]rt(?:icle|\.)\s*\d+\(\d+\)(?:\([a-z]\))*")
"""A citation written the English way: Art. 6(1)(f)."""
DOTTED = re.compile(r"\b[Aa]rt(?:icle|\.)\s*\d+\.\d+(?:\.[a-z])?")
"""A citation written the French way: art. 6.1.f."""
LOWER_PAREN = re.compile(r"\bart\.\s*\d+\(")
"""An English citation with a lower-case « art. »."""


def _texts(node: Any, lang: str | None = None) -> Iterator[tuple[str | None, str]]:
    """Every text of a data file with the language it is written in (the nearest fr/en key)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, key if key in ("fr", "en") else lang)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, lang)
    elif isinstance(node, str):
        yield lang, node


def _data_texts() -> Iterator[tuple[str, str | None, str]]:
    files = sorted(DATA.rglob("*.yaml"))
    assert len(files) > 20, files
    for path in files:
        for lang, value in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield str(path.relative_to(REPO)), lang, value


def test_every_data_file_cites_the_gdpr_in_each_language_s_one_way() -> None:
    wrong = []
    for where, lang, value in _data_texts():
        if lang == "fr":
            wrong += [(where, "fr", m.group(0)) for m in PAREN.finditer(value)]
        elif lang == "en":
            wrong += [(where, "en", m.group(0)) for m in DOTTED.finditer(value)]
            wrong += [(where, "en", m.group(0)) for m in LOWER_PAREN.finditer(value)]
    assert not wrong, wrong


def test_the_style_is_the_one_the_messages_write() -> None:
    """The citations the checks build (``article_text``) follow the same two styles."""
    text = article_text("46(3)(b)")
    assert PAREN.fullmatch(text.en) and DOTTED.fullmatch(text.fr), text
    cited = [value for _, lang, value in _data_texts() if lang == "fr" and DOTTED.search(value)]
    assert len(cited) > 100, len(cited)


def test_the_law_of_every_rule_is_french_and_english() -> None:
    with_law = [rule for rule in RULES.values() if rule.law is not None]
    assert len(with_law) > 50
    for rule in with_law:
        assert rule.law is not None and set(rule.law) == {"fr", "en"}, rule.id
        assert not PAREN.search(rule.law["fr"]) and not DOTTED.search(rule.law["en"]), rule.law
    assert RULES["legitimate-interest-no-assessment"].law == {"fr": "art. 6.1.f", "en": "Art. 6(1)(f)"}


@pytest.mark.parametrize("law", ["Art. 6(1)(f)", {"en": "Art. 6(1)(f)"}, {"fr": "art. 6.1.f", "en": ""},
                                 {"fr": "art. 6.1.f", "en": "Art. 6(1)(f)", "de": "Art. 6 Abs. 1"}])
def test_the_rule_table_refuses_a_law_without_both_languages(law: Any) -> None:
    entry = {"id": "x", "severity": "error", "group": "register", "law": law,
             "summary": {"fr": "s", "en": "s"}, "message": {"fr": "m", "en": "m"}}
    with pytest.raises(ValueError, match=r"x\.law"):
        rules_module._rule(entry, 0)


def test_ropa_rules_prints_the_law_in_the_reader_s_language(ropa: Runner) -> None:
    for lang, law, other in (("en", "Art. 6(1)(f)", "art. 6.1.f"), ("fr", "art. 6.1.f", "Art. 6(1)(f)")):
        for fmt in ("text", "markdown"):
            proc = ropa("rules", "--lang", lang, "--format", fmt)
            assert proc.returncode == 0, proc.stderr
            line = next(line for line in proc.stdout.splitlines() if "legitimate-interest-no-assessment" in line)
            assert law in line, (lang, fmt, line)
            assert other not in proc.stdout, (lang, fmt)
        rows = json.loads(ropa("rules", "--lang", lang, "--format", "json").stdout)
        assert {row["id"]: row["law"] for row in rows}["legitimate-interest-no-assessment"] == law


def test_the_readme_tables_cite_in_each_table_s_language() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| `legitimate-interest-no-assessment` | warning | Art. 6(1)(f) |" in readme
    assert "| `legitimate-interest-no-assessment` | avertissement | art. 6.1.f |" in readme
    assert table.rewrite_readme(readme) == readme


def test_a_territory_of_the_union_is_cited_in_the_reader_s_language(centrecall: Path) -> None:
    """The treaty article a transfer-eu-territory message names comes from
    generator/data/legal/eu_territory.yaml in both languages (it was French in English)."""
    shutil.copy(REPO / "tests" / "invalid" / "activities" / "transfer-eu-territory.yaml",
                centrecall / "register" / "activities" / "transfer-eu-territory.yaml")
    [found] = [d for d in load_register(centrecall).diagnostics if d.rule == "transfer-eu-territory"]
    assert "(art. 349 et 355.1 TFUE)" in found.message("fr")
    assert "(Art. 349 and 355(1) TFEU)" in found.message("en") and "TFUE" not in found.message("en")


# --- 3. authority_informed and public_body in the CSV and the JSON, and back --------------------

MAIRIE = REPO / "tests" / "valid" / "mairie"
INFORMED = [
    {"recipient": "Cabinet d'avocats de Rabat", "country": "MA", "safeguard": "derogation",
     "derogation": "compelling_legitimate_interests", "documentation": "https://intranet.example/art49.pdf",
     "authority_informed": True},
    {"recipient": "Cabinet d'avocats de Tunis", "country": "TN", "safeguard": "derogation",
     "derogation": "compelling_legitimate_interests", "documentation": "https://intranet.example/art49-tn.pdf",
     "authority_informed": "2026-03-02"},
]


@pytest.fixture
def mairie(tmp_path: Path) -> Path:
    """The town hall (``public_body: true``), whose twinning sheet also transfers data under the
    compelling legitimate interests, the authority informed (``true``, then a date)."""
    root = tmp_path / "mairie"
    shutil.copytree(MAIRIE, root)
    sheet = root / "register" / "activities" / "jumelage.yaml"
    text = sheet.read_text(encoding="utf-8")
    added = yaml.safe_dump(INFORMED, allow_unicode=True, sort_keys=False)
    sheet.write_text(text.replace("security_measures: []\n", "".join("  " + line + "\n" for line in added.splitlines())
                                  + "security_measures: []\n"), encoding="utf-8")
    return root


def _export(ropa: Runner, root: Path, fmt: str, lang: str, *args: str) -> Path:
    out = root.parent / f"registre-{lang}.{fmt}"
    done = ropa("export", "--root", root, "--format", fmt, "--lang", lang, "--output", out, *args)
    assert done.returncode == 0, done.stderr
    return out


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(("lang", "yes"), [("fr", "Oui"), ("en", "Yes")])
def test_the_csv_says_authority_informed_and_public_body_in_its_language(
        ropa: Runner, mairie: Path, lang: str, yes: str) -> None:
    rows = {r["id"]: r for r in _csv_rows(_export(ropa, mairie, "csv", lang, "--header", "keys"))}
    assert {r["public_body"] for r in rows.values()} == {yes}
    assert rows["jumelage"]["transfers.authority_informed"].split("\n") == ["", yes, "2026-03-02"]
    assert "true" not in rows["jumelage"]["transfers.authority_informed"].lower()
    labelled = _csv_rows(_export(ropa, mairie, "csv", lang))
    header = i18n.t("export.fields.public_body", lang)
    assert {r[header] for r in labelled} == {yes}


def test_the_json_keeps_a_boolean_and_the_iso_date(ropa: Runner, mairie: Path) -> None:
    doc = json.loads(_export(ropa, mairie, "json", "fr").read_text(encoding="utf-8"))
    assert doc["organization"]["public_body"] is True
    [twinning] = [a for a in doc["activities"] if a["id"] == "jumelage"]
    assert [t.get("authority_informed") for t in twinning["transfers"]] == [None, True, "2026-03-02"]


@pytest.mark.parametrize(("fmt", "lang"), [("csv", "fr"), ("csv", "en"), ("json", "fr")])
def test_authority_informed_and_public_body_come_back_through_ropa_import(
        ropa: Runner, mairie: Path, tmp_path: Path, fmt: str, lang: str) -> None:
    exported = _export(ropa, mairie, fmt, lang)
    dest = tmp_path / "back"
    dest.mkdir()
    done = ropa("import", exported, "--root", dest, "--lang", lang)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    org = yaml.safe_load((dest / "register" / "organization.yaml").read_text(encoding="utf-8"))
    assert org["public_body"] is True
    sheet = yaml.safe_load((dest / "register" / "activities" / "jumelage.yaml").read_text(encoding="utf-8"))
    assert [t.get("authority_informed") for t in sheet["transfers"]] == [None, True, dt.date(2026, 3, 2)]


# --- 4. « Aucun » for an empty list, « Non renseigné » for an absent key ------------------------

def _without_security(root: Path) -> Path:
    """The town hall with ``security_measures: []`` on the twinning sheet (as it is) and no
    ``security_measures`` key at all on the room-rental sheet."""
    sheet = root / "register" / "activities" / "location-salles.yaml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    del data["security_measures"]
    sheet.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _section(page: str) -> str:
    """The security-measures section of a sheet's page (up to the transfers)."""
    return page[page.index("{: #security-measures }"):page.index("{: #transfers }")]


@pytest.mark.parametrize(("lang", "none", "absent"), [("fr", "Aucun.", "Non renseigné."), ("en", "None.", "Not stated.")])
def test_the_site_s_sheet_tells_an_empty_list_from_an_absent_key(mairie: Path, lang: str, none: str, absent: str) -> None:
    reg = load_register(_without_security(mairie))
    assert reg.ok, [d.text() for d in reg.diagnostics if d.severity == "error"]
    site = pages.generate(reg, lang)
    sheets = paths.name("sheets", lang)  # activites/, activities/ in English
    empty, missing = _section(site[f"{sheets}/jumelage.md"]), _section(site[f"{sheets}/location-salles.md"])
    none, absent = str(escape.md(none)), str(escape.md(absent))
    assert none in empty and absent not in empty, empty
    assert absent in missing and none not in missing, missing


@pytest.mark.parametrize(("lang", "none", "absent"), [("fr", "Aucun", "Non renseigné"), ("en", "None", "Not stated")])
def test_the_csv_says_aucun_and_non_renseigne_as_the_xlsx(
        ropa: Runner, mairie: Path, tmp_path: Path, lang: str, none: str, absent: str) -> None:
    exported = _export(ropa, _without_security(mairie), "csv", lang)
    keyed = {r["id"]: r for r in _csv_rows(_export(ropa, mairie, "csv", lang, "--header", "keys"))}
    assert keyed["jumelage"]["security_measures.type"] == none
    assert keyed["jumelage"]["security_measures.details"] == ""
    assert keyed["location-salles"]["security_measures.type"] == absent
    assert keyed["location-salles"]["transfers.recipient"] == none  # transfers: []
    dest = tmp_path / "back"
    dest.mkdir()
    done = ropa("import", exported, "--root", dest, "--lang", lang)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    def sheet(name: str) -> dict[str, Any]:
        return dict(yaml.safe_load((dest / "register" / "activities" / f"{name}.yaml").read_text(encoding="utf-8")))
    assert sheet("jumelage")["security_measures"] == []
    assert "security_measures" not in sheet("location-salles")
    assert sheet("location-salles")["transfers"] == []


def test_the_json_keeps_the_empty_list_and_leaves_the_absent_key_out(ropa: Runner, mairie: Path) -> None:
    doc = json.loads(_export(ropa, _without_security(mairie), "json", "fr").read_text(encoding="utf-8"))
    activities = {a["id"]: a for a in doc["activities"]}
    assert activities["jumelage"]["security_measures"] == []
    assert "security_measures" not in activities["location-salles"]
    assert activities["location-salles"]["transfers"] == []
