"""DPIA screening (GDPR Art. 35, EDPB WP248 rev.01, CNIL lists): pure functions of a sheet.

- The nine WP248 criteria (generator/data/legal/dpia_criteria.yaml): those ``dpia.criteria``
  declares, plus those the register shows (``derived_criteria``), each with the reason it is met.
  Large scale (criterion 5) comes only from the controller's own assessment, ``scale.large``:
  neither the GDPR nor the EDPB nor the CNIL gives a number of data subjects that makes a
  processing large-scale, so ``scale.data_subjects`` alone derives nothing (``scale_unassessed``
  says so). Criterion 9 comes from ``access_decision.exists``.
- A DPIA is required when ``dpia.cnil_list`` names an entry of the CNIL's list of processing
  that always requires one (délibération n° 2018-327), or from two criteria on, unless
  ``dpia.exemption`` names an entry of the CNIL's list of processing that requires none
  (délibération n° 2019-118) whose checkable conditions hold (``max_employees``,
  ``no_profiling``, ``no_sensitive_data``, ``no_biometrics``). An exemption never lifts a
  ``cnil_list`` entry.
- ``dpia.status: required`` means "required, not started": an action to take, no reference yet.
- On a processor record the decision is the controller's (Art. 35(1), 28(3)(f)): the screening
  is information for the controller, never a problem of the processor's record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator import vocab
from generator.shapes import dicts, strings, text

# Data categories that WP248 counts as highly personal (criterion 4): location, financial data.
HIGHLY_PERSONAL = ("location_data", "economic_financial")
# Data subjects WP248 counts as vulnerable (criterion 7).
VULNERABLE = ("employees", "children", "patients", "elderly")
# The content of communications (criterion 4) and the monitoring of a publicly accessible area
# (criterion 3, Art. 35(3)(c)), recognised in the sheet's words.
_COMMUNICATIONS = re.compile(r"enregistrement[^.;]*\b(appel|conversation|communication)s?\b|call recording|"
                             r"contenu des (communications|messages|courriels)", re.IGNORECASE)
_PUBLIC_MONITORING = re.compile(r"vid[ée]o ?(protection|surveillance)|\bCCTV\b|cam[ée]ras? de surveillance",
                                re.IGNORECASE)
# What every match of each contains, case folded: a search only where one is (most sheets have
# none; the search itself tries each alternative at every character, 0.1 ms a sheet).
_HINTS = {
    _COMMUNICATIONS: ("enregistrement", "call recording", "contenu des "),
    _PUBLIC_MONITORING: ("vidéo", "video", "cctv", "caméra", "camera"),
}


def _shows(pattern: re.Pattern[str], words: str, folded: str) -> bool:
    """Whether ``pattern`` is in ``words`` (``folded``: ``words.casefold()``)."""
    return any(hint in folded for hint in _HINTS[pattern]) and pattern.search(words) is not None


@dataclass(frozen=True)
class Derived:
    """A WP248 criterion the register shows, and why (a ``dpia-why-…`` piece of labels/lint.yaml)."""

    criterion: str
    reason: str
    detail: str  # the field value that shows it (a category, a subject, a list id)


@dataclass(frozen=True)
class Screening:
    declared: tuple[str, ...]
    derived: tuple[str, ...]  # met according to the data but not declared
    cnil_list: str | None
    exemption: str | None
    status: str | None
    reference: str | None
    processor: bool = False  # a processor record: the screening informs the controller
    reasons: tuple[Derived, ...] = ()  # why each of ``derived`` is met
    exemption_unmet: tuple[str, ...] = ()  # conditions of the exemption the register contradicts

    @property
    def criteria(self) -> tuple[str, ...]:
        """Every criterion met, in the vocabulary's order."""
        met = set(self.declared) | set(self.derived)
        return tuple(sorted(met, key=lambda c: vocab.order("dpia_criterion", c)))

    @property
    def exempt(self) -> bool:
        return bool(self.exemption) and not self.exemption_unmet

    @property
    def required(self) -> bool:
        """A DPIA is required: on the CNIL's list, or two criteria and no valid CNIL exemption."""
        return bool(self.cnil_list) or (len(self.criteria) >= 2 and not self.exempt)

    @property
    def to_do(self) -> bool:
        """Required and not started (``dpia.status: required``): an action on the dashboard."""
        return self.required and self.status == "required"

    @property
    def problem(self) -> str | None:
        """Why the sheet does not show a DPIA it needs: ``None`` when all is in order."""
        if self.cnil_list and self.exemption:
            return "exemption-conflict"
        if not self.required or self.processor:
            return None
        if self.status in (None, "not_required"):
            return "not-done"
        if self.status == "required":
            return None  # required, not started: said honestly, an action, not a missing reference
        if not self.reference:
            return "no-reference"
        return None


def _words(activity: dict[str, Any]) -> str:
    """The sheet's own words: name, description, purposes, data categories."""
    parts: list[str] = [str(activity.get(k) or "") for k in ("name", "description")]
    purposes = activity.get("purposes")
    if isinstance(purposes, dict):
        parts.append(str(purposes.get("main") or ""))
        parts.extend(strings(purposes.get("sub")))
    for field in ("data_categories", "sensitive_data"):
        for _, item in dicts(activity.get(field)):
            parts.append(str(item.get("description") or ""))
            parts.extend(strings(item.get("items")))
    return "\n".join(parts)


def derived_criteria(activity: dict[str, Any]) -> tuple[Derived, ...]:
    """The WP248 criteria the register shows, with the reason each is met."""
    found: list[Derived] = []
    sensitive = [str(s.get("category")) for _, s in dicts(activity.get("sensitive_data"))]
    categories = [str(c.get("category")) for _, c in dicts(activity.get("data_categories"))]
    subjects = [str(s.get("category")) for _, s in dicts(activity.get("data_subjects"))]
    operations = list(strings(activity.get("processing_operations")))
    words = _words(activity)
    folded = words.casefold()
    raw = activity.get("dpia")
    listed = text(raw.get("cnil_list")) if isinstance(raw, dict) else None
    row = vocab.legal_row("cnil_dpia_required", listed) if listed else None
    for criterion in strings((row or {}).get("criteria")):
        found.append(Derived(criterion, "dpia-why-cnil-list", str(listed)))
    if sensitive:
        found.append(Derived("sensitive_data", "dpia-why-special-category", sensitive[0]))
    elif any(c in HIGHLY_PERSONAL for c in categories):
        found.append(Derived("sensitive_data", "dpia-why-highly-personal",
                             next(c for c in categories if c in HIGHLY_PERSONAL)))
    elif _shows(_COMMUNICATIONS, words, folded):
        found.append(Derived("sensitive_data", "dpia-why-communications", ""))
    if any(s in VULNERABLE for s in subjects):
        found.append(Derived("vulnerable_subjects", "dpia-why-vulnerable", next(s for s in subjects if s in VULNERABLE)))
    if _shows(_PUBLIC_MONITORING, words, folded):
        found.append(Derived("systematic_monitoring", "dpia-why-public-area", ""))
    if "alignment" in operations:
        found.append(Derived("matching_combining", "dpia-why-alignment", "alignment"))
    if "biometric_data" in sensitive:
        found.append(Derived("innovative_technology", "dpia-why-biometrics", "biometric_data"))
    automated = activity.get("automated_decisions")
    if isinstance(automated, dict) and automated.get("exists") is True:
        found.append(Derived("automated_decision", "dpia-why-automated", ""))
    scale = activity.get("scale")
    if isinstance(scale, dict) and scale.get("large") is True:
        found.append(Derived("large_scale", "dpia-why-large-scale", ""))
    access = activity.get("access_decision")
    if isinstance(access, dict) and access.get("exists") is True:
        found.append(Derived("prevents_right", "dpia-why-access-decision", ""))
    unique: dict[str, Derived] = {}
    for d in found:
        unique.setdefault(d.criterion, d)
    return tuple(unique.values())


def scale_unassessed(activity: dict[str, Any]) -> bool:
    """The sheet estimates the number of data subjects but does not say whether that is
    large-scale: the register cannot decide it for the controller (no legal threshold)."""
    scale = activity.get("scale")
    return isinstance(scale, dict) and "data_subjects" in scale and not isinstance(scale.get("large"), bool)


def profiles(activity: dict[str, Any], criteria: tuple[str, ...]) -> bool:
    """The register shows profiling: the evaluation/scoring criterion, or automated decisions."""
    return "evaluation_scoring" in criteria or "automated_decision" in criteria


def unmet_conditions(activity: dict[str, Any], org: dict[str, Any], exemption: str | None,
                     criteria: tuple[str, ...]) -> tuple[str, ...]:
    """The checkable conditions of the CNIL exemption that the register contradicts."""
    row = vocab.legal_row("cnil_dpia_exempt", exemption) if exemption else None
    conditions = (row or {}).get("conditions") or {}
    unmet: list[str] = []
    employees = org.get("employees")
    limit = conditions.get("max_employees")
    if isinstance(limit, int) and isinstance(employees, int) and not isinstance(employees, bool) and employees > limit:
        unmet.append("max_employees")
    if conditions.get("no_profiling") and profiles(activity, criteria):
        unmet.append("no_profiling")
    sensitive = [str(s.get("category")) for _, s in dicts(activity.get("sensitive_data"))]
    if conditions.get("no_sensitive_data") and sensitive:
        unmet.append("no_sensitive_data")
    if conditions.get("no_biometrics") and "biometric_data" in sensitive:
        unmet.append("no_biometrics")
    return tuple(unmet)


def screening(activity: dict[str, Any], org: dict[str, Any] | None = None) -> Screening:
    raw = activity.get("dpia")
    dpia: dict[str, Any] = raw if isinstance(raw, dict) else {}
    declared = tuple(strings(dpia.get("criteria")))
    reasons = tuple(d for d in derived_criteria(activity) if d.criterion not in declared)
    derived = tuple(d.criterion for d in reasons)
    status = dpia.get("status") if isinstance(dpia.get("status"), str) else None
    exemption = text(dpia.get("exemption"))
    met = tuple(set(declared) | set(derived))
    return Screening(
        declared,
        derived,
        text(dpia.get("cnil_list")),
        exemption,
        status,
        text(dpia.get("reference")),
        processor=activity.get("role") == "processor",
        reasons=reasons,
        exemption_unmet=unmet_conditions(activity, org or {}, exemption, met),
    )
