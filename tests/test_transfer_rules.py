"""Transfers and parties checked against the dated legal data: what the corpus cannot say."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.lint.runner import load_register

ROOT = Path(__file__).resolve().parent.parent


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "register", root / "register")
    shutil.copytree(ROOT / "processes", root / "processes")
    return root


def _rules(root: Path) -> list[str]:
    return [d.rule for d in load_register(root).diagnostics if d.rule not in ("review-missing",)]


def test_centrecall_passes_the_transfer_and_party_rules(tmp_path: Path) -> None:
    assert _rules(_copy(tmp_path)) == []


def test_no_dpo_with_a_reason_is_valid(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    org = root / "register" / "organization.yaml"
    text = org.read_text(encoding="utf-8")
    start, end = text.index("\ndpo:\n"), text.index("\nreview_interval:")
    org.write_text(text[:start] + '\ndpo:\n  none: "Art. 37(1) : pas de suivi à grande échelle."' + text[end:],
                   encoding="utf-8")
    assert _rules(root) == []
    org.write_text(text[:start] + text[end:], encoding="utf-8")
    assert _rules(root) == ["dpo-missing"]


def test_us_adequacy_without_coverage_is_a_warning(tmp_path: Path) -> None:
    """A transfer to a DPF-certified US recipient is lawful (Art. 45(1)) and Art. 30(1)(e) asks
    for no evidence of the certification: its absence is a warning that explains, not an error
    that refuses a lawful register."""
    root = _copy(tmp_path)
    sheet = root / "register" / "activities" / "enregistrement-qualite.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("    safeguard: scc\n", "    safeguard: adequacy\n", 1), encoding="utf-8")
    found = [d for d in load_register(root).diagnostics if d.rule == "transfer-adequacy-coverage"]
    assert [d.severity for d in found] == ["warning"]
    assert "only if the recipient is covered (Art. 45(1), 45(3))" in found[0].message("en")
    assert "art. 45.1 et 45.3" in found[0].message("fr")
    sheet.write_text(text.replace("    safeguard: scc\n", "    safeguard: adequacy\n    adequacy_coverage:\n"
                                  "      reference: Certifiée DPF\n", 1), encoding="utf-8")
    assert _rules(root) == []


def test_international_organisation_at_its_seat_needs_no_transfer_to_that_country(tmp_path: Path) -> None:
    """The WHO, a recipient party whose address is in Geneva, reached by a transfer to the
    international organisation (Art. 30(1)(e), Art. 49(1)(d)): no transfer to Switzerland is
    missing; a transfer to another organisation does not cover it."""
    root = _copy(tmp_path)
    org = root / "register" / "organization.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("  - id: urssaf\n", (
        "  - id: oms\n    name: Organisation mondiale de la santé\n    kind: recipient\n"
        "    address:\n      street: 20 avenue Appia\n      postal_code: \"1211\"\n"
        "      city: Genève\n      country: CH\n  - id: urssaf\n"), 1), encoding="utf-8")
    sheet = root / "register" / "activities" / "enregistrement-qualite.yaml"
    text = sheet.read_text(encoding="utf-8")

    def write(organisation: str) -> None:
        sheet.write_text(text.replace("recipients:\n", "recipients:\n  - type: third_country\n    name: OMS\n"
                                      "    party: oms\n", 1).replace("transfers:\n", (
            f"transfers:\n  - recipient: oms\n    international_organisation: {organisation}\n"
            "    safeguard: derogation\n    derogation: public_interest\n"
            "    documentation: https://intranet.centrecall.example/oms.pdf\n"), 1), encoding="utf-8")

    write("who")
    assert _rules(root) == []
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("  - recipient: oms\n", "  - recipient: autre\n", 1),
                     encoding="utf-8")
    assert _rules(root) == ["transfer-party-abroad"]


def _us_adequacy(root: Path, coverage: bool) -> None:
    sheet = root / "register" / "activities" / "enregistrement-qualite.yaml"
    text = sheet.read_text(encoding="utf-8")
    extra = "    adequacy_coverage:\n      reference: Certifiée DPF (données non RH)\n" if coverage else ""
    sheet.write_text(text.replace("    safeguard: scc\n", "    safeguard: adequacy\n" + extra, 1), encoding="utf-8")


def test_partial_adequacy_is_never_a_bare_adequate_country(tmp_path: Path) -> None:
    import io
    import json

    from openpyxl import load_workbook

    from generator.export import Options, render
    from generator.site import pages

    root = _copy(tmp_path)
    _us_adequacy(root, coverage=True)
    reg = load_register(root)
    sheet = pages.generate(reg, "fr")["activites/enregistrement-qualite.md"]
    assert "Pays adéquat #40;décision partielle#41;" in sheet  # the diagram's edge
    assert "Pays adéquat<br>*\\(décision partielle\\) Couverture" in sheet  # the transfer row
    assert "Certifiée DPF \\(données non RH\\)" in sheet
    assert "Contrat art\\. 28" in sheet  # « Acteurs »: the processor's contract
    doc = json.loads(render(reg, Options("json", "en")))
    transfer = next(a for a in doc["activities"] if a["id"] == "enregistrement-qualite")["transfers"][0]
    assert transfer["adequacy_scope"] == "partial"
    assert transfer["adequacy_coverage"] == {"reference": "Certifiée DPF (données non RH)"}
    book = load_workbook(io.BytesIO(render(reg, Options("xlsx", "fr"))))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("(décision partielle) Couverture : Certifiée DPF" in c for c in cells)
    assert any(c.startswith("Contrat art. 28 — VoxCloud") for c in cells)


def test_processor_record_sheet_shows_the_client_contract(tmp_path: Path) -> None:
    from generator.site import pages

    reg = load_register(_copy(tmp_path))
    sheet = pages.generate(reg, "fr")["activites/routage-appels-artemis.md"]
    assert "CentreCall–Artemis \\(15 septembre 2020\\)" in sheet  # the date as the site writes dates
    assert "Autorisation du responsable \\: générale" in sheet
