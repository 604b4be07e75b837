"""Review cadence, completeness, DPIA screening: the pure functions and the rules of validate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import REPO, Runner
from gitrepo import git as shared_git

from generator import shapes
from generator.lint.runner import load_register
from generator.load import git as gitinfo
from generator.model import review

D = dt.date
PAYROLL = "register/activities/gestion-personnel-paie.yaml"
LOYALTY = "register/activities/fidelisation-artemis.yaml"
QUALITY = "register/activities/enregistrement-qualite.yaml"
ORG = "register/organization.yaml"


# --- dates and cadence -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, duration, expected",
    [
        (D(2025, 1, 15), "P1Y", D(2026, 1, 15)),
        (D(2024, 2, 29), "P1Y", D(2025, 2, 28)),
        (D(2025, 1, 31), "P1M", D(2025, 2, 28)),
        (D(2025, 11, 30), "P3M", D(2026, 2, 28)),
        (D(2025, 1, 1), "P1Y6M", D(2026, 7, 1)),
        (D(2025, 1, 1), "P2W", D(2025, 1, 15)),
        (D(2025, 1, 1), "P30D", D(2025, 1, 31)),
        (D(2025, 1, 1), "P", None),
        (D(2025, 1, 1), "1 an", None),
    ],
)
def test_add_duration(start: dt.date, duration: str, expected: dt.date | None) -> None:
    assert review.add_duration(start, duration) == expected


def test_interval_comes_from_the_sheet_then_the_organisation_then_the_default() -> None:
    assert review.interval({"review_interval": "P6M"}, {"review_interval": "P2Y"}) == ("P6M", "activity")
    assert review.interval({}, {"review_interval": "P2Y"}) == ("P2Y", "organization")
    assert review.interval({}, {}) == ("P1Y", "default")


def test_review_status() -> None:
    on = D(2026, 11, 28)
    late = review.review_status({"last_reviewed": "2025-10-01"}, {}, on)
    assert (late.due, late.overdue, late.days_overdue, late.never) == (D(2026, 10, 1), True, 58, False)
    fresh = review.review_status({"last_reviewed": "2026-10-01", "review_interval": "P3M"}, {}, on)
    assert (fresh.due, fresh.overdue, fresh.days_overdue) == (D(2027, 1, 1), False, 0)
    due_today = review.review_status({"last_reviewed": "2025-11-28"}, {}, on)
    assert not due_today.overdue
    never = review.review_status({}, {}, on)
    assert never.never and not never.overdue and never.due is None


def test_today_can_be_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2030-05-17")
    assert shapes.today() == D(2030, 5, 17)
    monkeypatch.setenv("ROPA_TODAY", "not a date")
    assert shapes.today() == dt.date.today()


# --- completeness ----------------------------------------------------------------------------


def test_completeness_names_the_missing_fields() -> None:
    activity = {
        "role": "controller",
        "description": "x",
        "purposes": {"main": "x", "sub": ["y"]},
        "legal_basis": {"basis": "contract"},
        "data_categories": [{"retention": {"duration": "P1Y", "note": "n"}}],
        "recipients": [{"name": "RH"}],
        "security_measures": [{"type": "backup", "details": "quotidienne"}],
        "last_reviewed": "2026-01-01",
    }
    result = review.completeness(activity)
    assert result.missing == (
        ("legal_basis", "details"),
        ("recipients", 0, "details"),
        ("dpia",),
        ("process",),
    )
    assert (result.filled, result.total, result.percent) == (5, 9, 56)


def test_completeness_depends_on_the_role() -> None:
    processor = review.completeness({"role": "processor"})
    controller = review.completeness({"role": "controller"})
    assert ("legal_basis", "details") in controller.missing and (
        "legal_basis",
        "details",
    ) not in processor.missing
    assert ("data_subjects",) in processor.missing and ("data_subjects",) not in controller.missing
    # the DPIA is the controller's (Art. 35(1)); a processor assists it (Art. 28(3)(f))
    assert ("dpia",) in controller.missing and ("dpia",) not in processor.missing
    assert processor.percent == 0


def test_centrecall_scores() -> None:
    reg = load_register(REPO)
    scores = {a["id"]: review.completeness(a).percent for a in reg.activity_data()}
    assert set(scores) == {
        "enregistrement-qualite",
        "fidelisation-artemis",
        "formation-operateurs",
        "gestion-personnel-paie",
        "routage-appels-artemis",
    }
    assert all(0 < s <= 100 for s in scores.values())


# --- DPIA screening --------------------------------------------------------------------------


def test_criteria_derived_from_the_data() -> None:
    activity = {
        "sensitive_data": [{"category": "health"}],
        "data_subjects": [{"category": "employees"}],
        "dpia": {"status": "not_required", "criteria": ["sensitive_data"]},
    }
    s = review.screening(activity)
    assert s.declared == ("sensitive_data",) and s.derived == ("vulnerable_subjects",)
    assert s.criteria == ("sensitive_data", "vulnerable_subjects")
    assert s.required and s.problem == "not-done"


@pytest.mark.parametrize(
    "dpia, required, problem",
    [
        ({"status": "not_required", "criteria": ["large_scale"]}, False, None),
        ({"status": "not_required", "criteria": ["large_scale", "evaluation_scoring"]}, True, "not-done"),
        # required, not started: honest, no reference asked for (an action on the dashboard)
        ({"status": "required", "criteria": ["large_scale", "evaluation_scoring"]}, True, None),
        ({"status": "in_progress", "criteria": ["large_scale", "evaluation_scoring"]}, True, "no-reference"),
        (
            {"status": "completed", "criteria": ["large_scale", "evaluation_scoring"], "reference": "AIPD-1"},
            True,
            None,
        ),
        (
            {"status": "not_required", "criteria": ["large_scale", "sensitive_data"],
             "exemption": "hr_small_organisations"},
            False,
            None,
        ),
        # the HR exemption excludes profiling: evaluation_scoring voids it
        (
            {"status": "not_required", "criteria": ["large_scale", "evaluation_scoring"],
             "exemption": "hr_small_organisations"},
            True,
            "not-done",
        ),
        ({"status": "not_required", "cnil_list": "hr_profiling"}, True, "not-done"),
        ({"status": "completed", "cnil_list": "hr_profiling", "reference": "AIPD-2"}, True, None),
        (
            {"status": "completed", "cnil_list": "hr_profiling", "reference": "AIPD-2",
             "exemption": "hr_small_organisations"},
            True,
            "exemption-conflict",
        ),
    ],
)
def test_dpia_required_and_referenced(dpia: dict[str, object], required: bool, problem: str | None) -> None:
    s = review.screening({"dpia": dpia})
    assert (s.required, s.problem) == (required, problem)


def test_required_not_started_is_an_action() -> None:
    s = review.screening({"dpia": {"status": "required", "criteria": ["large_scale", "sensitive_data"]}})
    assert s.to_do and s.problem is None
    done = review.screening({"dpia": {"status": "completed", "criteria": ["large_scale"], "reference": "x"}})
    assert not done.to_do


def test_the_hr_exemption_holds_below_250_employees_only() -> None:
    sheet = {"dpia": {"status": "not_required", "criteria": ["sensitive_data", "vulnerable_subjects"],
                      "exemption": "hr_small_organisations"}}
    assert review.screening(sheet, {"employees": 249}).exempt
    big = review.screening(sheet, {"employees": 250})
    assert big.exemption_unmet == ("max_employees",) and big.problem == "not-done"


def test_processor_record_screening_informs_the_controller() -> None:
    s = review.screening({"role": "processor", "dpia": {"status": "not_required",
                                                        "criteria": ["large_scale", "sensitive_data"]}})
    assert s.required and s.processor and s.problem is None


@pytest.mark.parametrize(
    "sheet, criterion",
    [
        ({"data_subjects": [{"category": "children"}]}, "vulnerable_subjects"),
        ({"data_subjects": [{"category": "patients"}]}, "vulnerable_subjects"),
        ({"data_categories": [{"category": "location_data"}]}, "sensitive_data"),
        ({"data_categories": [{"category": "economic_financial"}]}, "sensitive_data"),
        ({"data_categories": [{"category": "other", "items": ["enregistrement de l'appel"]}]}, "sensitive_data"),
        ({"name": "Vidéoprotection du parvis de la mairie"}, "systematic_monitoring"),
        ({"processing_operations": ["alignment"]}, "matching_combining"),
        ({"sensitive_data": [{"category": "biometric_data"}]}, "innovative_technology"),
        ({"automated_decisions": {"exists": True}}, "automated_decision"),
        ({"scale": {"data_subjects": 40000, "large": True}}, "large_scale"),
        ({"access_decision": {"exists": True, "details": "Attribution des places en crèche"}}, "prevents_right"),
        ({"dpia": {"status": "required", "cnil_list": "profiling_contract_exclusion"}}, "prevents_right"),
    ],
)
def test_the_wp248_criteria_the_register_shows(sheet: dict[str, object], criterion: str) -> None:
    assert criterion in review.screening(sheet).derived
    assert criterion not in review.screening({}).derived


@pytest.mark.parametrize(
    "sheet",
    [
        {"scale": {"data_subjects": 2_000_000}},  # a number alone: no threshold in the law to read it against
        {"scale": {"data_subjects": 2_000_000, "large": False}},
        {"access_decision": {"exists": False}},
    ],
)
def test_large_scale_and_access_come_from_the_register_s_own_words(sheet: dict[str, object]) -> None:
    assert review.screening(sheet).derived == ()


def test_no_dpia_block_and_two_derived_criteria() -> None:
    s = review.screening(
        {"sensitive_data": [{"category": "health"}], "data_subjects": [{"category": "employees"}]}
    )
    assert s.required and s.problem == "not-done" and s.status is None


# --- the rules, through load_register --------------------------------------------------------


def rules(root: Path) -> list[tuple[str, str, int, str]]:
    return [(d.rule, d.file.rsplit("/", 1)[-1], d.line, d.severity) for d in load_register(root).diagnostics]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_centrecall_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2026-11-28")
    assert rules(REPO) == []


def test_review_overdue_with_the_due_date(centrecall: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2027-02-01")
    found = [d for d in load_register(centrecall).diagnostics if d.rule == "review-overdue"]
    assert [(d.file.rsplit("/", 1)[-1], d.line, d.severity) for d in found] == [
        ("gestion-personnel-paie.yaml", 9, "warning"),
    ]
    assert found[0].message("en").startswith(
        "review overdue since 2027-01-15 (17 days): last reviewed 2026-01-15, every "
        "P1Y (the organisation's review_interval)"
    )


def test_sheet_interval_overrides_the_organisation(centrecall: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2026-11-28")
    edit(
        centrecall / LOYALTY,
        "last_reviewed: 2026-09-15\n",
        "last_reviewed: 2026-09-15\nreview_interval: P1M\n",
    )
    found = [d for d in load_register(centrecall).diagnostics if d.rule == "review-overdue"]
    assert len(found) == 1 and "since 2026-10-15 (44 days)" in found[0].message("en")
    assert "this sheet's review_interval" in found[0].message("en")


def test_review_missing(centrecall: Path) -> None:
    edit(centrecall / LOYALTY, "last_reviewed: 2026-09-15\n", "")
    assert rules(centrecall) == [("review-missing", "fidelisation-artemis.yaml", 3, "warning")]


def _line(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def test_dpia_missing_without_the_exemption(centrecall: Path) -> None:
    sheet = centrecall / PAYROLL
    edit(sheet, "  exemption: hr_small_organisations\n", "")
    text = sheet.read_text(encoding="utf-8")
    start = text.index("  justification: >-\n")
    end = text.index("\n", text.index("dispensés d'AIPD.", start)) + 1
    sheet.write_text(text[:start] + text[end:], encoding="utf-8")
    found = [d for d in load_register(centrecall).diagnostics]
    assert [(d.rule, d.line, d.severity) for d in found] == [
        ("dpia-missing", _line(sheet, "status: not_required"), "error")]
    assert "2 EDPB criteria (sensitive_data, vulnerable_subjects)" in found[0].message("en")


def test_two_criteria_with_documented_reasons_is_a_warning(centrecall: Path) -> None:
    """WP248 rev.01: a processing meeting two criteria may need no DPIA if the controller
    documents why; `status: not_required` with a justification (no CNIL exemption, not on the
    CNIL list) is a warning asking for review, not an error refusing the register."""
    sheet = centrecall / PAYROLL
    edit(sheet, "  exemption: hr_small_organisations\n", "")
    found = [d for d in load_register(centrecall).diagnostics]
    assert [(d.rule, d.line, d.severity) for d in found] == [
        ("dpia-not-required-justified", _line(sheet, "status: not_required"), "warning")]
    assert "dpia.justification, which the EDPB accepts when they are documented" in found[0].message("en")
    assert "art. 35.2 du RGPD" in found[0].message("fr")


def test_dpia_exemption_conditions_are_checked(centrecall: Path) -> None:
    edit(centrecall / ORG, "employees: 180\n", "employees: 900\n")
    sheet = centrecall / PAYROLL
    found = [(d.rule, d.line) for d in load_register(centrecall).diagnostics]
    assert found == [("dpia-missing", _line(sheet, "status: not_required")),
                     ("dpia-exemption-condition", _line(sheet, "exemption: hr_small"))]
    message = next(d for d in load_register(centrecall).diagnostics if d.rule == "dpia-exemption-condition")
    assert "fewer than 250 employees, but organization.yaml gives employees: 900" in message.message("en")
    assert "moins de 250 salariés" in message.message("fr")


def test_dpia_missing_reference_and_exemption_conflict(centrecall: Path) -> None:
    sheet = centrecall / QUALITY
    edit(sheet, "  reference: AIPD-2021-01 (analyse d'impact des écoutes qualité, validée le 15 novembre 2021)\n", "")
    assert rules(centrecall) == [("dpia-missing", "enregistrement-qualite.yaml", _line(sheet, "dpia:"), "error")]
    edit(sheet, "  status: completed\n", "  status: completed\n  reference: AIPD-9\n  cnil_list: constant_employee_monitoring\n"
         "  exemption: hr_small_organisations\n")
    assert rules(centrecall) == [
        ("dpia-exemption-conflict", "enregistrement-qualite.yaml", _line(sheet, "exemption:"), "error")]


def test_required_not_started_asks_no_reference(centrecall: Path) -> None:
    edit(centrecall / PAYROLL, "  status: not_required\n", "  status: required\n")
    edit(centrecall / PAYROLL, "  exemption: hr_small_organisations\n", "")
    assert rules(centrecall) == []


def test_no_dpia_obligation_on_a_processor_record(centrecall: Path) -> None:
    edit(centrecall / LOYALTY, "  criteria: [sensitive_data]\n", "  criteria: [sensitive_data, large_scale]\n")
    assert rules(centrecall) == []


def test_dpia_criterion_undeclared(centrecall: Path) -> None:
    sheet = centrecall / PAYROLL
    edit(sheet, "criteria: [sensitive_data, vulnerable_subjects]", "criteria: [sensitive_data]")
    found = load_register(centrecall).diagnostics
    assert [(d.rule, d.line, d.severity) for d in found] == [
        ("dpia-criterion-undeclared", _line(sheet, "criteria: [sensitive_data]"), "warning")]
    en, fr = found[0].message("en"), found[0].message("fr")
    assert "vulnerable_subjects “Vulnerable data subjects" in en and "data_subjects includes vulnerable data subjects (employees)" in en
    assert "Ajoutez-le à dpia.criteria" in fr


def test_dpia_criterion_undeclared_names_each_criterion(centrecall: Path) -> None:
    edit(centrecall / QUALITY, "criteria: [systematic_monitoring, sensitive_data, vulnerable_subjects]",
         "criteria: [systematic_monitoring]")
    found = [d for d in load_register(centrecall).diagnostics if d.rule == "dpia-criterion-undeclared"]
    messages = [d.message("en") for d in found]
    assert len(found) == 2
    assert "content of communications" in messages[0] and "vulnerable data subjects (employees)" in messages[1]


def test_scale_without_an_assessment_is_a_warning_that_explains(centrecall: Path) -> None:
    sheet = centrecall / QUALITY
    edit(sheet, "dpia:\n", "scale:\n  data_subjects: 40000\ndpia:\n")
    found = load_register(centrecall).diagnostics
    assert [(d.rule, d.line, d.column, d.severity) for d in found] == [
        ("dpia-scale-unassessed", _line(sheet, "data_subjects: 40000"), 18, "warning")]
    en, fr = found[0].message("en"), found[0].message("fr")
    assert "estimates 40000 data subjects" in en and "neither the GDPR nor the EDPB" in en
    assert "scale.large: true" in en and "ni le RGPD, ni le CEPD" in fr
    # the controller's assessment silences it; « large » then counts as WP248 criterion 5
    edit(sheet, "  data_subjects: 40000\n", "  data_subjects: 40000\n  large: true\n")
    found = load_register(centrecall).diagnostics
    assert [(d.rule, d.severity) for d in found] == [("dpia-criterion-undeclared", "warning")]
    assert "large_scale “Large-scale processing”" in found[0].message("en")
    assert "scale.large is true" in found[0].message("en")
    edit(sheet, "  large: true\n", "  large: false\n")
    assert rules(centrecall) == []


def test_access_decision_counts_as_criterion_9(centrecall: Path) -> None:
    sheet = centrecall / QUALITY
    edit(sheet, "dpia:\n", "access_decision:\n  exists: true\n  details: Accès à la prime qualité\ndpia:\n")
    found = load_register(centrecall).diagnostics
    assert [(d.rule, d.severity) for d in found] == [("dpia-criterion-undeclared", "warning")]
    assert "prevents_right" in found[0].message("en") and "access_decision.exists is true" in found[0].message("en")


def test_validate_cli_reports_overdue_reviews(
    centrecall: Path, ropa: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2030-01-01")  # the child process inherits it
    proc = ropa("validate", "--root", centrecall, "--strict")
    assert proc.returncode == 1
    assert proc.stdout.count("[review-overdue]") == 5


# --- git history of a sheet ------------------------------------------------------------------


def test_file_history_follows_renames(tmp_path: Path) -> None:
    def git(*args: str, author: str = "Nadia Azri") -> None:
        shared_git(tmp_path, *args, author=author)

    git("init", "-q")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/z.yaml").write_text("z: 1\n", encoding="utf-8")
    git("add", "sub/z.yaml")
    git("commit", "-q", "-m", "Fichier dans un sous-dossier")
    body = "".join(f"ligne {i}: une valeur assez longue pour que git suive le renommage\n" for i in range(20))
    (tmp_path / "a.yaml").write_text("id: a\n" + body, encoding="utf-8")
    git("add", "a.yaml")
    git("commit", "-q", "-m", "Création de la fiche")
    git("mv", "a.yaml", "b.yaml")
    (tmp_path / "b.yaml").write_text("id: b\n" + body, encoding="utf-8")
    git("commit", "-q", "-am", "Renommage", author="Julien Morel")
    history = gitinfo.file_history(tmp_path, tmp_path / "b.yaml")
    assert history.available
    assert [c.subject for c in history.commits] == ["Renommage", "Création de la fiche"]
    assert history.last is not None and history.last.author == "Julien Morel"
    assert history.first is not None and history.first.author == "Nadia Azri"
    assert len(history.last.short) >= 7 and history.last.hash.startswith(history.last.short)
    assert dt.date.fromisoformat(history.last.day)
    in_sub = gitinfo.histories(tmp_path / "sub", [tmp_path / "sub/z.yaml", tmp_path / "b.yaml"])
    assert [c.subject for c in in_sub[tmp_path / "sub/z.yaml"].commits] == ["Fichier dans un sous-dossier"]
    assert len(in_sub[tmp_path / "b.yaml"].commits) == 2
    (tmp_path / "c.yaml").write_text("id: c\n", encoding="utf-8")
    untracked = gitinfo.file_history(tmp_path, tmp_path / "c.yaml")
    assert untracked.available and untracked.commits == () and untracked.last is None


def test_file_history_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "a.yaml").write_text("id: a\n", encoding="utf-8")
    history = gitinfo.file_history(tmp_path, tmp_path / "a.yaml")
    assert not history.available and history.commits == ()


# --- the dashboard page and the history section of the sheets --------------------------------


def generated(root: Path, lang: str = "fr") -> dict[str, str]:
    from generator.site import pages

    return pages.generate(load_register(root), lang)


def test_dashboard_lists_overdue_reviews_scores_and_dpia(
    centrecall: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2027-02-01")
    edit(centrecall / LOYALTY, "last_reviewed: 2026-09-15\n", "")
    edit(
        centrecall / LOYALTY,
        "name: Fidélisation de la clientèle d'Artemis",
        'name: "Fidélisation <script>x</script> | [lien](http://x.example)"',
    )
    page = generated(centrecall)["tableau-de-bord.md"]
    assert "au 1er février 2027" in page
    overdue = page[page.index('!!! warning "Revues en retard (2)"') : page.index("<div")]
    assert "gestion-personnel-paie.md) : en retard de 17 jours" in overdue
    assert "fidelisation-artemis.md) : jamais revue" in overdue
    assert "<script>" not in page and "](http://x" not in page and r"\<script\>" in page
    row = next(
        line for line in page.splitlines() if "gestion-personnel-paie.md" in line and "RT\\-03 | 67 %" in line
    )
    assert row.endswith(
        "| Catégories de données personnelles concernées › Durée de conservation › Précisions<br>"
        "Destinataires › Précisions<br>Processus |"
    )
    dpia = next(
        line for line in page.splitlines() if "enregistrement-qualite.md" in line and "Surveillance" in line
    )
    assert "| **Oui** | Réalisée | AIPD\\-2021\\-01" in dpia
    payroll = next(
        line for line in page.splitlines() if "gestion-personnel-paie.md" in line and "dispense" in line
    )
    assert "| Non<br>AIPD non requise \\: dispense de la CNIL \\(Traitements\\, mis en œuvre uniquement à des fins de ressources humaines" in payroll
    english = generated(centrecall, "en")["dashboard.md"]
    assert "# Dashboard" in english and "17 days overdue" in english


def test_sheet_history_from_git(centrecall: Path) -> None:
    def git(*args: str, author: str) -> None:
        shared_git(centrecall, *args, author=author)

    git("init", "-q", author="x")
    git("add", "-A", author="x")
    git("commit", "-q", "-m", "Registre initial", author="Nadia Azri")
    edit(centrecall / LOYALTY, "updated: 2020-09-15", "updated: 2026-11-02")
    git(
        "commit",
        "-q",
        "-am",
        "Mise à jour *urgente* <b>fidélisation</b>",
        author="Julien [Morel](http://x.example)",
    )
    sheet = generated(centrecall)["activites/fidelisation-artemis.md"]
    history = sheet[sheet.index("## Historique de la fiche") :]
    assert (
        'Dernière mise à jour déclarée le\n:   <time datetime="2026-11-02">2 novembre 2026</time>' in history
    )
    assert "Julien \\[Morel\\]\\(http\\:\\/\\/x\\.example\\)" in history and "](http" not in history
    assert "Mise à jour \\*urgente\\* \\<b\\>fidélisation\\<\\/b\\>" in history
    rows = [line for line in history.splitlines() if line.startswith("| <time")]
    assert [r.split(" | ")[1] for r in rows] == [
        "Julien \\[Morel\\]\\(http\\:\\/\\/x\\.example\\)",
        "Nadia Azri",
    ]
    other = generated(centrecall)["activites/routage-appels-artemis.md"]
    assert other.count("| <time") == 1 and "Registre initial" in other


def test_sheet_history_outside_git_and_switched_off(
    centrecall: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(centrecall.parent))
    sheet = generated(centrecall)["activites/fidelisation-artemis.md"]
    assert "n'est pas dans un dépôt git" in sheet.replace("\\'", "'")
    monkeypatch.setenv("ROPA_HISTORY", "off")
    sheet = generated(centrecall)["activites/fidelisation-artemis.md"]
    assert "## Historique de la fiche" in sheet and "dépôt git" not in sheet and "Fiche créée le" in sheet


def test_no_sub_purpose_written_as_an_empty_list_is_complete() -> None:
    """``sub: []`` (what ``ropa new`` writes, and the README's way to say "none") is a stated
    answer, not a missing field; a ``purposes`` without ``sub`` is still missing it."""
    said_none = review.completeness({"role": "controller", "purposes": {"main": "x", "sub": []}})
    forgotten = review.completeness({"role": "controller", "purposes": {"main": "x"}})
    assert ("purposes", "sub") not in said_none.missing
    assert ("purposes", "sub") in forgotten.missing
    assert said_none.filled == forgotten.filled + 1
