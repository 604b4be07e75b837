"""The checks of process models (generator/lint/process_rules.py) on real files: each test edits a
fresh copy of CentreCall's register, reads it with the real loader and checks, and looks for the
rule at the file, line and column of the edit. Positions are read from the edited files, never
written down here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Runner

from generator.lint.rules import RULES, Diagnostic
from generator.lint.runner import load_register

FIDELISATION = "processes/fidelisation.yaml"
LOYALTY_SHEET = "register/activities/fidelisation-artemis.yaml"
PROCESS_RULES = {rule.id for rule in RULES.values() if rule.group == "process"} | {"id-mismatch"}
"""The rules of the table's process group, and the activity rule the process checks share."""


@pytest.fixture(autouse=True)
def inside(centrecall: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the register's root, as CI does: messages show paths relative to it."""
    monkeypatch.chdir(centrecall)


def edit(root: Path, name: str, old: str, new: str, *, nth: int = 1) -> Path:
    """Replace the ``nth`` occurrence of ``old`` in ``root/name``."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= nth, f"{name} no longer contains {old!r} {nth} time(s): update this test"
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return path


def line_of(root: Path, name: str, text: str, *, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``root/name`` that contains ``text``."""
    hits = [n for n, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(hits) >= nth, f"{name}: no line {nth} with {text!r}"
    return hits[nth - 1]


def found(root: Path, rule: str) -> list[Diagnostic]:
    reg = load_register(root)
    return [d for d in reg.diagnostics if d.rule == rule]


def only(root: Path, rule: str) -> Diagnostic:
    hits = found(root, rule)
    assert len(hits) == 1, [d.text() for d in hits] or f"no {rule}"
    return hits[0]


def test_centrecall_processes_are_clean(centrecall: Path) -> None:
    reg = load_register(centrecall)
    assert [d.text() for d in reg.diagnostics if d.file.startswith("processes/") or d.rule in PROCESS_RULES] == []
    assert sorted(reg.process_data()) == ["controle-qualite", "fidelisation", "formation-operateurs", "routage-appels"]


def test_an_item_the_activity_does_not_declare_is_an_error_naming_both_files(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "- item: courriel\n", "- item: courriels\n")
    d = only(centrecall, "undeclared-data-item")
    assert (d.file, d.line, d.severity) == (FIDELISATION, line_of(centrecall, FIDELISATION, "item: courriels"), "error")
    assert d.column == 15
    process_line = line_of(centrecall, LOYALTY_SHEET, "process: fidelisation")
    categories_line = line_of(centrecall, LOYALTY_SHEET, "data_categories:")
    assert f"{LOYALTY_SHEET} (process: line {process_line})" in d.message("en")
    assert f"data_categories: line {categories_line}" in d.message("en")
    assert "'courriels'" in d.message("en") and "did you mean 'courriel'" in d.message("en")
    assert "operation 'controle-informations'" in d.message("en")


def test_a_declared_item_no_operation_touches_is_a_warning_in_the_activity(centrecall: Path) -> None:
    edit(centrecall, LOYALTY_SHEET, "items: [nom, prénom, adresse, téléphone, courriel]",
         "items: [nom, prénom, adresse, téléphone, courriel, date de naissance]")
    d = only(centrecall, "data-item-untouched")
    assert (d.file, d.line, d.severity) == (LOYALTY_SHEET, line_of(centrecall, LOYALTY_SHEET, "date de naissance"), "warning")
    assert "'date de naissance'" in d.message("en") and FIDELISATION in d.message("en")


def test_a_category_without_items_cannot_be_traced(centrecall: Path) -> None:
    edit(centrecall, LOYALTY_SHEET, "    items: [enregistrement de l'appel]\n", "")
    warning = only(centrecall, "data-category-without-items")
    assert warning.file == LOYALTY_SHEET and warning.severity == "warning"
    assert warning.line == line_of(centrecall, LOYALTY_SHEET, "- category: other", nth=2)
    errors = found(centrecall, "undeclared-data-item")
    assert [e.line for e in errors] == [line_of(centrecall, FIDELISATION, "item: enregistrement de l'appel")]


def test_a_process_linked_from_two_activities_is_checked_against_each(centrecall: Path) -> None:
    edit(centrecall, "register/activities/enregistrement-qualite.yaml", "process: controle-qualite\n", "process: fidelisation\n")
    undeclared = found(centrecall, "undeclared-data-item")
    assert undeclared and all("enregistrement-qualite" in d.message("en") for d in undeclared)
    assert {re.search(r"touches '([^']+)'", d.message("en")).group(1) for d in undeclared} == {  # type: ignore[union-attr]
        "date du dernier échange", "adresse", "courriel", "niveau de satisfaction", "offres proposées"}
    untouched = {re.match(r"data item '(.+)' is declared", d.message("en")).group(1)  # type: ignore[union-attr]
                 for d in found(centrecall, "data-item-untouched")}
    assert untouched == {"identifiant opérateur", "grille d'évaluation", "commentaires", "plan d'accompagnement"}


def test_unknown_actor_event_and_target_references(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "actor: operateur\n", "actor: operatrice\n")
    edit(centrecall, FIDELISATION, "to: aucune-action\n", "to: aucune\n")
    edit(centrecall, FIDELISATION, "triggers: [synthese-recue]", "triggers: [synthese]")
    hits = {d.line: d for d in found(centrecall, "unknown-process-reference")}
    assert set(hits) == {line_of(centrecall, FIDELISATION, "operatrice"), line_of(centrecall, FIDELISATION, "to: aucune\n"[:-1]),
                         line_of(centrecall, FIDELISATION, "triggers: [synthese]")}
    assert "did you mean 'operateur'" in hits[line_of(centrecall, FIDELISATION, "operatrice")].message("en")
    assert "no event or result" in hits[line_of(centrecall, FIDELISATION, "to: aucune")].message("en")
    assert all(d.severity == "error" for d in hits.values())


def test_a_result_cannot_trigger_an_operation(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "triggers: [client-a-relancer]", "triggers: [aucune-action]")
    d = only(centrecall, "unknown-process-reference")
    assert d.line == line_of(centrecall, FIDELISATION, "triggers: [aucune-action]")
    assert f"is the result at line {line_of(centrecall, FIDELISATION, '- id: aucune-action')}" in d.message("en")
    assert "make it an event" in d.message("en")


def test_an_operation_no_event_chain_reaches_is_an_error(centrecall: Path) -> None:
    # the monthly time event becomes internal: nothing emits it, so the AND-synchronised
    # synthesis (and Artemis's step after it) can never run
    edit(centrecall, FIDELISATION, "name: Chaque mois\n    kind: time", "name: Chaque mois\n    kind: internal")
    never = only(centrecall, "event-never-emitted")
    assert never.line == line_of(centrecall, FIDELISATION, "name: Chaque mois") + 1
    unreachable = found(centrecall, "unreachable-operation")
    assert [d.line for d in unreachable] == [
        line_of(centrecall, FIDELISATION, "triggers: [chaque-mois, echange-termine]"),
        line_of(centrecall, FIDELISATION, "triggers: [synthese-recue]"),
    ]
    assert "all of them are needed" in unreachable[0].message("en")


def test_with_or_one_reachable_event_is_enough(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "name: Chaque mois\n    kind: time", "name: Chaque mois\n    kind: internal")
    edit(centrecall, FIDELISATION, "synchronisation: and", "synchronisation: or")
    assert found(centrecall, "unreachable-operation") == []


def test_several_triggering_events_need_a_synchronisation(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "    synchronisation: or\n", "")
    reg = load_register(centrecall)
    errors = [d for d in reg.diagnostics if d.file == FIDELISATION]
    assert len(errors) == 1 and errors[0].severity == "error"
    assert "synchronisation" in errors[0].message("en")
    assert errors[0].line == line_of(centrecall, FIDELISATION, "- id: satisfaction-actualite-reduction")


def test_ids_are_unique_across_kinds_and_match_the_file_name(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "- id: demarche-inchangee", "- id: ajustements-artemis")
    edit(centrecall, FIDELISATION, "id: fidelisation\n", "id: fidelite\n")
    duplicate = only(centrecall, "duplicate-process-id")
    assert duplicate.line == line_of(centrecall, FIDELISATION, "- id: ajustements-artemis", nth=2)
    assert f"already used by the result at line {line_of(centrecall, FIDELISATION, '- id: ajustements-artemis')}" in duplicate.message("en")
    mismatch = only(centrecall, "id-mismatch")
    assert (mismatch.file, mismatch.line) == (FIDELISATION, line_of(centrecall, FIDELISATION, "id: fidelite"))


ONE_EDIT = [
    # (old, new, rule, severity, text of the line reported, or (text, nth line with it))
    ("    party: artemis\n", "", "external-actor-organisation", "warning", "- id: artemis"),
    ("party: artemis\n", "party: artemiss\n", "unknown-party", "error", "party: artemiss"),
    ("      - condition: Sinon\n        to: aucune-action\n", "      - to: aucune-action\n",
     "emission-without-condition", "warning", "- to: aucune-action"),
    ("name: Client à relancer\n    kind: internal", "name: Client à relancer\n    kind: external",
     "start-event-emitted", "warning", ("kind: external", 2)),
    ("    kind: internal\n    description: Responsable du suivi",
     "    kind: internal\n    party: artemis\n    description: Responsable du suivi",
     "internal-actor-party", "warning", "party: artemis"),
]


@pytest.mark.parametrize(("old", "new", "rule", "severity", "marker"), ONE_EDIT, ids=[e[2] for e in ONE_EDIT])
def test_one_edit_one_problem(centrecall: Path, old: str, new: str, rule: str, severity: str, marker: Any) -> None:
    edit(centrecall, FIDELISATION, old, new)
    d = only(centrecall, rule)
    assert (d.file, d.severity) == (FIDELISATION, severity)
    text, nth = marker if isinstance(marker, tuple) else (marker, 1)
    assert d.line == line_of(centrecall, FIDELISATION, text, nth=nth)


def test_unused_events_results_and_actors_are_warnings(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "results:\n", "results:\n  - id: oublie\n    name: Résultat oublié\n")
    edit(centrecall, FIDELISATION, "events:\n", "events:\n  - id: jamais\n    name: Jamais utilisé\n    kind: external\n")
    edit(centrecall, FIDELISATION, "actors:\n", "actors:\n  - id: stagiaire\n    name: Stagiaire\n    kind: internal\n")
    assert only(centrecall, "result-never-emitted").line == line_of(centrecall, FIDELISATION, "- id: oublie")
    assert only(centrecall, "event-triggers-nothing").line == line_of(centrecall, FIDELISATION, "- id: jamais")
    assert only(centrecall, "actor-unused").line == line_of(centrecall, FIDELISATION, "- id: stagiaire")


def test_a_process_no_activity_links_to_is_a_warning(centrecall: Path) -> None:
    edit(centrecall, "register/activities/formation-operateurs.yaml", "process: formation-operateurs\n", "")
    d = only(centrecall, "process-not-linked")
    assert (d.file, d.severity) == ("processes/formation-operateurs.yaml", "warning")


def test_operations_a_processor_record_does_not_list(centrecall: Path) -> None:
    edit(centrecall, FIDELISATION, "operations: [consultation, use]\n", "operations: [consultation, use, alignment]\n")
    d = only(centrecall, "operation-not-declared")
    assert (d.file, d.line, d.severity) == (LOYALTY_SHEET, line_of(centrecall, LOYALTY_SHEET, "processing_operations:"), "warning")
    first = line_of(centrecall, FIDELISATION, "operations: [consultation, use, alignment]")
    assert f"{FIDELISATION} line {first - 1}" in d.message("en") and "'alignment'" in d.message("en")


def test_ropa_validate_reports_the_pair_and_fails(centrecall: Path, ropa: Runner) -> None:
    edit(centrecall, FIDELISATION, "- item: courriel\n", "- item: courriels\n")
    done = ropa("validate", "--root", centrecall, "register/activities/fidelisation-artemis.yaml", cwd=centrecall)
    assert done.returncode == 1, done.stderr
    line = line_of(centrecall, FIDELISATION, "item: courriels")
    assert re.search(rf"^processes/fidelisation\.yaml:{line}:15: error: .*\[undeclared-data-item\]$", done.stdout, re.M)
    assert "Traceback" not in done.stderr


def test_wrong_shapes_are_schema_errors_never_a_crash(centrecall: Path) -> None:
    """Values of the wrong type everywhere the checks and pages look: only diagnostics."""
    from generator.site import pages, processes

    edit(centrecall, FIDELISATION, "triggers: [debut-semaine]", "triggers: 5")
    edit(centrecall, FIDELISATION, "actor: operateur\n", "actor: [operateur]\n")
    edit(centrecall, FIDELISATION, "    operations: [consultation]\n", "    operations: consultation\n")
    edit(centrecall, FIDELISATION, "notes:\n", "notes: 7\nunused:\n")
    edit(centrecall, LOYALTY_SHEET, "    items: [enregistrement de l'appel]\n", "    items: 3\n")
    edit(centrecall, "register/activities/formation-operateurs.yaml", "process: formation-operateurs\n",
         "process: {id: formation-operateurs}\n")
    reg = load_register(centrecall)
    assert not reg.ok
    rules = {d.rule for d in reg.diagnostics}
    assert {"schema-type", "undeclared-data-item", "process-not-linked"} <= rules
    pages_made = processes.process_pages(pages.Context(reg, "fr"))
    assert "processus/fidelisation.md" in pages_made
