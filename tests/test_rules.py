"""The rule table (generator/data/rules.yaml): complete, bilingual, the only source of severities
and messages, and the source of README.md's rule tables; messages in French and English."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from conftest import REPO, Runner
from jsonschema import Draft202012Validator

from generator.lint import schema, table
from generator.lint.report import format_json, format_summary, format_text
from generator.lint.rules import GROUPS, RULES, Diagnostic, placeholders
from generator.load.yamlload import Document

TESTS = Path(__file__).resolve().parent
NAMED_TESTS = ("test_process_checks.py", "test_review.py", "test_new.py")
"""Where the process and review rules are tested by name (the corpus covers the other groups)."""


def test_every_rule_has_a_group_and_both_languages() -> None:
    assert len(RULES) >= 60
    for rule in RULES.values():
        assert rule.group in GROUPS and rule.severity in ("error", "warning"), rule.id
        for lang in ("fr", "en"):
            assert rule.summary[lang].strip() and rule.message[lang].strip(), (rule.id, lang)
        assert placeholders(rule.message["fr"]) == placeholders(rule.message["en"]), rule.id
        for _, name, _spec, _conversion in string.Formatter().parse(rule.message["en"]):
            assert name is None or name.isidentifier(), (rule.id, name)


def test_process_and_review_rules_have_a_named_test() -> None:
    sources = "".join((TESTS / name).read_text(encoding="utf-8") for name in NAMED_TESTS)
    missing = [r.id for r in RULES.values() if r.group in ("process", "review") and f'"{r.id}"' not in sources]
    assert not missing, f"process/review rules no test of {NAMED_TESTS} names: {missing}"


def test_an_unknown_rule_fails_at_once() -> None:
    with pytest.raises(KeyError, match=re.escape("unknown rule 'no-such-rule': declare it in generator/data/rules.yaml")):
        Diagnostic.of("no-such-rule", "register/a.yaml", 1, 1)


def test_message_values_must_match_the_template() -> None:
    with pytest.raises(TypeError, match="missing: today"):
        Diagnostic.of("review-missing", "register/a.yaml", 1, 1)
    with pytest.raises(TypeError, match="unexpected: colour"):
        Diagnostic.of("file-empty", "register/a.yaml", 1, 1, colour="red")


def test_severity_comes_from_the_table() -> None:
    assert Diagnostic.of("file-extension", "a.yml", 1, 1).severity == RULES["file-extension"].severity == "warning"
    assert Diagnostic.of("file-empty", "a.yaml", 1, 1).severity == "error"


def test_no_call_site_writes_a_severity() -> None:
    """Severities live in the table: no ``severity=`` nor ``Diagnostic(...)`` built by hand."""
    offenders = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        if path.name == "rules.py" and path.parent.name == "lint":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "severity=" in line or "Diagnostic(" in line:
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_readme_tables_are_generated_from_the_table() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [m["groups"] for m in table.BLOCK.finditer(text)]
    assert sorted(g for block in blocks for g in block.split(",")) == sorted(GROUPS), blocks
    assert table.rewrite_readme(text) == text, "README.md's rule tables differ: run `ropa rules --write-readme README.md`"
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity} |" in text, rule.id


def test_ropa_rules_lists_the_law(ropa: Runner, tmp_path: Path) -> None:
    proc = ropa("rules", "--lang", "en", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["id"] for r in rows] == list(RULES)
    assert {r["id"]: r["law"] for r in rows}["transfer-undocumented"] == "Art. 49(1), Art. 5(2)"
    french = ropa("rules", "--lang", "fr", "--group", "review", "--format", "markdown")
    assert "| `dpia-missing` | erreur | art. 35.1, art. 35.3, art. 35.4 | Le criblage" in french.stdout
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- rules:begin group=review -->\nstale table\n<!-- rules:end -->\nend\n", encoding="utf-8")
    assert ropa("rules", "--write-readme", readme).returncode == 0
    written = readme.read_text(encoding="utf-8")
    assert "stale table" not in written and "| `placeholder` | error |" in written and written.endswith("end\n")


def test_french_messages_and_summary(ropa: Runner, centrecall: Path) -> None:
    sheet = centrecall / "register/activities/enregistrement-qualite.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("ref: RT-02\n", "ref: 2\n", 1), encoding="utf-8")
    proc = ropa("validate", cwd=centrecall)  # mkdocs.yml says theme.language: fr
    assert proc.returncode == 1
    assert "error: ref : on attend un texte, et non un nombre 2 ; mettez la valeur entre guillemets [schema-type]" in proc.stdout
    assert proc.stderr == "10 fichiers vérifiés : 1 erreur, 0 avertissement\n"
    english = ropa("validate", "--lang", "en", "--format", "json", cwd=centrecall)
    (row,) = json.loads(english.stdout)
    assert row["rule"] == "schema-type" and row["message"] == "ref: expected a string, got a number 2; put it in quotes"


def test_summary_line_in_both_languages() -> None:
    warnings = [Diagnostic.of("file-extension", "a.yml", 1, 1)] * 2
    assert format_summary(warnings, 5, "fr") == "5 fichiers vérifiés : 0 erreur, 2 avertissements\n"
    assert format_summary(warnings, 5, "en") == "5 files checked: 0 errors, 2 warnings\n"
    one = [Diagnostic.of("file-extension", "a.yml", 1, 1), Diagnostic.of("yaml-syntax", "a.yml", 1, 1, problem="x", hint="")]
    assert format_summary(one, 1, "fr") == "1 fichier vérifié : 1 erreur, 1 avertissement\n"
    assert format_summary(one, 1, "en") == "1 file checked: 1 error, 1 warning\n"


def test_french_wording_of_messages() -> None:
    d = Diagnostic.of("review-missing", "register/activities/a.yaml", 3, 1, today="2026-11-28")
    assert d.message("fr").startswith("cette fiche n'a jamais été revue")
    assert format_text([d], "fr").endswith("ajoutez last_reviewed: 2026-11-28 (art. 24.1 du RGPD : les mesures "
                                           "sont réexaminées et actualisées si nécessaire) [review-missing]\n")
    assert json.loads(format_json([d], "fr"))[0]["message"] == d.message("fr")


def test_schema_titles_in_the_reader_language(tmp_path: Path) -> None:
    doc = Document(tmp_path / "a.yaml", "a.yaml", {"id": "a"}, values={(): (1, 1), ("id",): (1, 5)})
    found = [d for d in schema.diagnostics(doc, "activity") if d.rule == "schema-required"]
    names = {d.message("en").split("'")[1]: d for d in found}
    assert "missing required key 'name' (Name)" in names["name"].message("en")
    assert "clé obligatoire 'name' absente (Nom du traitement)" in names["name"].message("fr")


def test_colon_hint_in_french(tmp_path: Path) -> None:
    from generator.load.yamlload import LoadError, load

    path = tmp_path / "a.yaml"
    path.write_text("id: a\ndescription: deux critères (personnes vulnérables) : données\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path, "a.yaml")
    message = caught.value.diagnostic("a.yaml").message("fr")
    assert "mettez la valeur entre guillemets, par exemple " \
        'description: "deux critères (personnes vulnérables) : données"' in message


def test_colon_in_a_list_item_is_explained(ropa: Runner, centrecall: Path) -> None:
    """« - Le CCAS est distinct : il tiendra son registre » is valid YAML, a one-key mapping, so
    the schema finds a mapping where text is expected: the message says why and how to quote it."""
    sheet = centrecall / "register/activities/formation-operateurs.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8")
                     + "notes:\n  - Le CCAS est distinct de la commune : il tiendra son propre registre\n",
                     encoding="utf-8")
    proc = ropa("validate", cwd=centrecall)
    assert proc.returncode == 1
    (line,) = [x for x in proc.stdout.splitlines() if "[schema-type]" in x]
    assert line.endswith(
        "error: notes[0] : on attend un texte, et non un bloc de clés ; le texte contient « : », que YAML "
        "lit comme une nouvelle clé : mettez la valeur entre guillemets, par exemple "
        '"Le CCAS est distinct de la commune: il tiendra son propre registre" [schema-type]')


def test_other_schema_keywords_are_reported(tmp_path: Path) -> None:
    """A keyword no rule names (``maxItems`` here) is ``schema-invalid`` with jsonschema's words."""
    doc = Document(tmp_path / "a.yaml", "a.yaml", {"name": ["a", "b"]}, values={(): (1, 1), ("name",): (1, 7)})
    (error,) = Draft202012Validator({"properties": {"name": {"maxItems": 1}}}).iter_errors(doc.data)
    (d,) = schema._convert(doc, error, {})
    assert (d.rule, d.line, d.column) == ("schema-invalid", 1, 7)
    assert d.message("fr") == "name : ['a', 'b'] is too long (maxItems)"
