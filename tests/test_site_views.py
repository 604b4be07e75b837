"""Sheets of the less common shapes: a joint controller, a representative in the Union, a
controller with its own DPO, a processor record that gives only what Art. 30(2) requires."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.export import Options, render
from generator.lint.runner import load_register
from generator.site import pages

ORG = Path("register") / "organization.yaml"
ACTIVITIES = Path("register") / "activities"


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _site(root: Path, lang: str = "fr") -> dict[str, str]:
    reg = load_register(root)
    assert reg.ok, [d.text() for d in reg.diagnostics if d.severity == "error"]
    return pages.generate(reg, lang)


def test_joint_controller_representative_and_client_dpo(centrecall: Path) -> None:
    def organisation(data: dict) -> None:  # type: ignore[type-arg]
        data["representative"] = {"company": "Représentation UE SARL",
                                  "person": {"first_name": "Anna", "last_name": "Vogel"},
                                  "email": "rep@example.org"}
        data["parties"].append({"id": "groupe", "name": "Groupe Centre", "kind": "joint_controller",
                                "address": {"street": "1 rue Neuve", "postal_code": "69001", "city": "Lyon", "country": "FR"}})
        artemis = next(p for p in data["parties"] if p["id"] == "artemis")
        artemis["dpo"] = {"first_name": "Léa", "last_name": "Martin", "email": "dpo@artemis.example"}

    def joint(data: dict) -> None:  # type: ignore[type-arg]
        data["role"] = "joint_controller"
        data["joint_controllers"] = ["groupe"]

    _edit(centrecall / ORG, organisation)
    _edit(centrecall / ACTIVITIES / "gestion-personnel-paie.yaml", joint)
    site = _site(centrecall)
    sheet = site["activites/gestion-personnel-paie.md"]
    assert "| Responsable\\(s\\) conjoint\\(s\\) | **Groupe Centre** |" in sheet
    assert "| Représentant | **Représentation UE SARL**<br>Anna Vogel |" in sheet
    assert "| Sous\\-traitant\\(s\\) | **Paie Services**<br>*Contrat art\\. 28" in sheet
    loyalty = site["activites/fidelisation-artemis.md"]
    assert "| Délégué à la protection des données du responsable du traitement | **Léa Martin** |" in loyalty
    assert "| Représentant | **Représentation UE SARL**" in loyalty
    register = site["registre.md"]
    assert "| Responsable conjoint du traitement | CentreCall\\, Groupe Centre |" in register
    organisation_page = site["organisation.md"]
    assert "Représentation UE SARL" in organisation_page and "Vogel" in organisation_page


def test_processor_record_with_only_what_article_30_2_requires(centrecall: Path) -> None:
    def minimal(data: dict) -> None:  # type: ignore[type-arg]
        for key in ("data_subjects", "data_categories", "sensitive_data", "recipients", "dpia", "notes",
                    "description", "last_reviewed", "process"):
            data.pop(key, None)

    _edit(centrecall / ACTIVITIES / "fidelisation-artemis.yaml", minimal)
    sheet = _site(centrecall, "en")["activities/fidelisation-artemis.md"]
    assert sheet.count("Not stated\\.") == 4
    assert "Storage" in sheet and "Art\\. 30\\(2\\)\\(d\\)" in sheet
    assert "## Data protection impact assessment" not in sheet
    # nor in the workbook: the DPIA is the controller's (Art. 35), as the legal basis is
    book = load_workbook(io.BytesIO(render(load_register(centrecall), Options("xlsx", "en"))))
    [fiche] = [ws for ws in book.worksheets if ws.title.startswith("ST-ART-01 ")]
    cells = [str(c) for row in fiche.iter_rows(values_only=True) for c in row if c]
    assert "Data protection impact assessment (DPIA)" not in cells and "DPIA status" not in cells


def test_scale_and_access_decision_on_the_sheet_and_in_the_workbook(centrecall: Path) -> None:
    """What the DPIA screening reads for WP248 criteria 5 and 9 is on the sheet, in both
    languages, and on the workbook's sheet."""
    def screened(data: dict) -> None:  # type: ignore[type-arg]
        data["scale"] = {"data_subjects": 40000, "large": True, "details": "Tous les clients d'Artemis"}
        data["access_decision"] = {"exists": True, "details": "Accès à l'offre de fidélité"}
        data["dpia"]["criteria"] = [*data["dpia"]["criteria"], "large_scale", "prevents_right"]

    _edit(centrecall / ACTIVITIES / "fidelisation-artemis.yaml", screened)
    fr = _site(centrecall)["activites/fidelisation-artemis.md"]
    assert ("Ampleur du traitement\n:   Environ 40\u202f000 personnes concernées \\; traitement à grande échelle \\: "
            "oui — Tous les clients d\\'Artemis") in fr
    assert "Décision d\\'accès à un droit\\, un service ou un contrat\n:   Oui — Accès à l\\'offre de fidélité" in fr
    en = _site(centrecall, "en")["activities/fidelisation-artemis.md"]
    assert "Scale of the processing\n:   About 40\\,000 data subjects\\; large\\-scale processing\\: yes" in en
    assert "Decision on access to a right\\, service or contract\n:   Yes — Accès" in en
    book = load_workbook(io.BytesIO(render(load_register(centrecall), Options("xlsx", "fr"))))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "Environ 40\u202f000 personnes concernées ; traitement à grande échelle : oui — Tous les clients d'Artemis" in cells
    assert "Oui — Accès à l'offre de fidélité" in cells


def test_a_large_register_is_printed_in_parts(centrecall: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``SHEETS_PER_PART`` sheets the print view is in parts: impression.md lists them, each
    part holds its run of sheets in register order (the processes with the last), every sheet
    once; a register at or under the size keeps its one page."""
    from generator.site import print_view

    reg = load_register(centrecall)
    whole = pages.generate(reg)
    assert print_view.part_path(1, "fr") not in whole and whole["impression.md"].count('<div class="ropa-sheet-break">') > 5
    monkeypatch.setattr(print_view, "SHEETS_PER_PART", 2)
    made = pages.generate(reg)
    index = made["impression.md"]
    assert "ropa-sheet-break" not in index
    assert [line for line in index.splitlines() if line.startswith("- [")] == [
        "- [Partie 1 \\: fiches 1 à 2](impression-1.md)",
        "- [Partie 2 \\: fiches 3 à 4](impression-2.md)",
        "- [Partie 3 \\: fiches 5 à 5](impression-3.md)",
    ]
    parts = [made[print_view.part_path(n, "fr")] for n in (1, 2, 3)]
    assert print_view.part_path(4, "fr") not in made
    assert [p.count('<div class="ropa-sheet-break">') for p in parts[:2]] == [2, 2]
    assert "Registre des activités de traitement — version imprimable — partie 2 sur 3" in parts[1]
    # the sheets and processes of the one page, in the same order, each once
    brk = '<div class="ropa-sheet-break"></div>'
    assert [s for p in parts for s in p.split(brk)[1:]] == whole["impression.md"].split(brk)[1:]


def test_the_legal_basis_block_cites_article_9_one_way(centrecall: Path) -> None:
    """The sheet's « Base légale » block names Art. 9(2) for the condition and for the law it
    rests on in the same form, « art. 9.2 », as the rest of the French site cites the GDPR
    (tests/test_cite.py)."""
    sheet = _site(centrecall)["activites/gestion-personnel-paie.md"]
    assert "Condition de l\\'art\\. 9\\.2" in sheet
    assert "Droit de l\\'Union ou de l\\'État membre \\(art\\. 9\\.2\\)" in sheet
    assert "9\\(2\\)" not in sheet


def test_transfer_notes_on_the_sheet_in_each_language_s_typography(centrecall: Path) -> None:
    """Under a transfer's safeguard, the coverage of a partial adequacy decision, the Art. 49
    derogation and the date the authority was informed read « Couverture : » in French and
    "Coverage: " in English (not "Coverage :"), the date in words; on the sheet and on the
    recipients page, which left them out."""
    def transfers(data: dict) -> None:  # type: ignore[type-arg]
        data["transfers"] = [
            {"recipient": "voxcloud", "country": "US", "safeguard": "adequacy",
             "adequacy_coverage": {"reference": "Certifiée DPF", "checked": "2026-11-02"}},
            {"recipient": "Cabinet d'avocats", "country": "MA", "safeguard": "derogation",
             "derogation": "compelling_legitimate_interests",
             "documentation": "https://intranet.example/art49.pdf", "authority_informed": "2026-03-02"},
        ]

    _edit(centrecall / ACTIVITIES / "enregistrement-qualite.yaml", transfers)
    french_site, english_site = _site(centrecall), _site(centrecall, "en")
    french = french_site["activites/enregistrement-qualite.md"]
    english = english_site["activities/enregistrement-qualite.md"]
    # the recipients-and-transfers page gives the same notes under each safeguard
    assert "Couverture : Certifiée DPF" in french_site["destinataires.md"]
    assert "Supervisory authority informed: 2 March 2026" in english_site["recipients.md"]
    assert "Couverture : Certifiée DPF" in french
    assert "Autorité de contrôle informée : 2 mars 2026" in french
    assert "Coverage: Certifiée DPF" in english and "Coverage :" not in english
    assert "Supervisory authority informed: 2 March 2026" in english
    # the derogation's label, as the XLSX and the CSV give it, in each language's words
    assert "*Derogation: Compelling legitimate interests \\(Art\\. 49\\(1\\)\\, second subparagraph\\)*" in english
    assert "*Dérogation : Intérêts légitimes impérieux \\(art\\. 49\\.1\\, second alinéa\\)*" in french
    assert "second subparagraph" not in french


def test_a_legal_form_with_its_own_parentheses_is_not_nested_in_more(centrecall: Path) -> None:
    """« Commune (collectivité territoriale) » follows the name after a dash on the home page,
    where a legal form without parentheses keeps them (« CentreCall (SAS) »)."""
    home = _site(centrecall)["index.md"].splitlines()
    plain = next(line for line in home if "**CentreCall" in line)
    _edit(centrecall / ORG, lambda d: d.update(legal_form="Commune (collectivité territoriale)"))
    nested = next(line for line in _site(centrecall)["index.md"].splitlines() if "**CentreCall" in line)
    assert "\\(collectivité territoriale\\)" in nested and "\\)\\)" not in nested and " — Commune" in nested
    assert "\\(" in plain and " — " not in plain
