"""Review cadence, completeness, DPIA screening: the pure functions and the rules of validate."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, Runner

from generator import shapes
from generator.lint.runner import load_register
from generator.load import git as gitinfo
from generator.model import review

D = dt.date
PAYROLL = "register/activities/gestion-personnel-paie.yaml"
LOYALTY = "register/activities/fidelisation-artemis.yaml"


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
        ({"status": "required", "criteria": ["large_scale", "evaluation_scoring"]}, True, "no-reference"),
        ({"status": "in_progress", "criteria": ["large_scale", "evaluation_scoring"]}, True, "no-reference"),
        (
            {"status": "completed", "criteria": ["large_scale", "evaluation_scoring"], "reference": "AIPD-1"},
            True,
            None,
        ),
        (
            {"status": "not_required", "criteria": ["large_scale", "evaluation_scoring"], "exemption": "RH"},
            False,
            None,
        ),
        ({"status": "not_required", "cnil_list": "Profilage RH"}, True, "not-done"),
        ({"status": "completed", "cnil_list": "Profilage RH", "reference": "AIPD-2"}, True, None),
        (
            {"status": "completed", "cnil_list": "Profilage RH", "reference": "AIPD-2", "exemption": "RH"},
            True,
            "exemption-conflict",
        ),
    ],
)
def test_dpia_required_and_referenced(dpia: dict[str, object], required: bool, problem: str | None) -> None:
    s = review.screening({"dpia": dpia})
    assert (s.required, s.problem) == (required, problem)


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


def test_dpia_missing_without_the_exemption(centrecall: Path) -> None:
    sheet = centrecall / PAYROLL
    text = sheet.read_text(encoding="utf-8")
    start = text.index("  exemption: >-\n")
    end = text.index("  date: 2024-01-15\n")
    sheet.write_text(text[:start] + text[end:], encoding="utf-8")
    found = [d for d in load_register(centrecall).diagnostics]
    assert [(d.rule, d.line, d.severity) for d in found] == [("dpia-missing", 108, "error")]
    assert "2 EDPB criteria (sensitive_data, vulnerable_subjects)" in found[0].message("en")


def test_dpia_missing_reference_and_exemption_conflict(centrecall: Path) -> None:
    edit(
        centrecall / LOYALTY,
        "  status: not_required\n  criteria: []\n",
        "  status: in_progress\n  criteria: []\n  cnil_list: Profilage\n",
    )
    assert rules(centrecall) == [("dpia-missing", "fidelisation-artemis.yaml", 104, "error")]
    edit(
        centrecall / LOYALTY,
        "  cnil_list: Profilage\n",
        "  cnil_list: Profilage\n  reference: AIPD-9\n  exemption: RH\n",
    )
    assert rules(centrecall) == [("dpia-exemption-conflict", "fidelisation-artemis.yaml", 109, "error")]


def test_dpia_criterion_undeclared(centrecall: Path) -> None:
    edit(
        centrecall / PAYROLL, "criteria: [sensitive_data, vulnerable_subjects]", "criteria: [sensitive_data]"
    )
    assert rules(centrecall) == [("dpia-criterion-undeclared", "gestion-personnel-paie.yaml", 109, "warning")]


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
        subprocess.run(
            [
                "git",
                "-C",
                str(tmp_path),
                "-c",
                f"user.name={author}",
                "-c",
                "user.email=a@b.example",
                "-c",
                "commit.gpgsign=false",
                *args,
            ],
            check=True,
            capture_output=True,
        )

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
    assert "gestion-personnel-paie.md) : en retard de 17 jour\\(s\\)" in overdue
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
        line for line in page.splitlines() if "gestion-personnel-paie.md" in line and "dispensée" in line
    )
    assert "| Non<br>dispensée \\: Gestion des ressources humaines" in payroll
    english = generated(centrecall, "en")["tableau-de-bord.md"]
    assert "# Dashboard" in english and "17 day\\(s\\) overdue" in english


def test_sheet_history_from_git(centrecall: Path) -> None:
    def git(*args: str, author: str) -> None:
        subprocess.run(
            [
                "git",
                "-C",
                str(centrecall),
                "-c",
                f"user.name={author}",
                "-c",
                "user.email=a@b.example",
                "-c",
                "commit.gpgsign=false",
                *args,
            ],
            check=True,
            capture_output=True,
        )

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
