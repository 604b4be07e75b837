"""The law behind the rules: severities and citations a DPO checked against the GDPR's text.

An error refuses the register: it is kept for a register that is certainly unlawful or
incomplete under Art. 30; where the law leaves room, a warning explains. Each test edits
CentreCall's real register and runs the real validator.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.lint.rules import RULES
from generator.lint.runner import load_register

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
