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


def test_us_adequacy_without_coverage_is_now_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    sheet = root / "register" / "activities" / "enregistrement-qualite.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("    safeguard: scc\n", "    safeguard: adequacy\n", 1), encoding="utf-8")
    found = [d for d in load_register(root).diagnostics if d.rule == "transfer-adequacy-coverage"]
    assert [d.severity for d in found] == ["error"]
    sheet.write_text(text.replace("    safeguard: scc\n", "    safeguard: adequacy\n    adequacy_coverage:\n"
                                  "      reference: Certifiée DPF\n", 1), encoding="utf-8")
    assert _rules(root) == []
