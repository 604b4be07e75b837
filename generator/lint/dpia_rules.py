"""DPIA screening (Art. 35; EDPB WP248 rev.01; CNIL délibérations n° 2018-327 and 2019-118).

The screening itself is ``generator.model.dpia``; these checks report what it finds.

- ``dpia-missing`` (error): the screening says a DPIA is required (two WP248 criteria without a
  valid CNIL exemption, or an entry of the CNIL's list) but the sheet shows none: status
  ``not_required`` (or no ``dpia``), or ``in_progress`` / ``completed`` without a reference.
  ``status: required`` ("required, not started") is honest: no reference is asked for, the
  dashboard lists it as an action. Never on a processor record: the decision is the controller's.
- ``dpia-not-required-justified`` (warning): two criteria (not the CNIL list, no exemption),
  ``status: not_required`` with ``dpia.justification``: WP248 rev.01 lets the controller decide
  so if it documents why; the reasons are to be reviewed, the register is not refused.
- ``dpia-exemption-conflict`` (error): a CNIL exemption given for processing on the CNIL's list
  of processing that always requires a DPIA.
- ``dpia-exemption-condition`` (warning): the register contradicts a condition of the CNIL
  exemption named (organisation of 250 employees or more, profiling, sensitive data, biometrics).
  The exemption cannot be relied on, but falling outside the CNIL's list of exemptions does not
  make a DPIA required (Art. 35(5) lists are optional): the sheet is screened like any other, and
  ``dpia-missing`` says when two criteria call for one; an error here refused lawful registers.
- ``dpia-criterion-undeclared`` (warning): the data show a WP248 criterion ``dpia.criteria``
  does not list; one warning per criterion, saying what the criterion is and why it is met.
- ``dpia-scale-unassessed`` (warning): ``scale.data_subjects`` without ``scale.large``; no legal
  threshold lets the register decide "large scale", so the message says how to assess it.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.rules import Arg, Diagnostic, Text, phrase
from generator.load.register import Register
from generator.model import dpia
from generator.resources import load_data
from generator.shapes import text


def _criterion(criterion: str) -> tuple[Text, Text]:
    """The criterion's label and its explanation, from generator/data/legal/dpia_criteria.yaml."""
    for row in load_data("legal/dpia_criteria")["criteria"]:
        if row["id"] == criterion:
            return (Text(fr=row["label"]["fr"], en=row["label"]["en"]),
                    Text(fr=row["explanation"]["fr"], en=row["explanation"]["en"]))
    return Text(fr=criterion, en=criterion), Text(fr="", en="")


def _criteria_words(codes: tuple[str, ...]) -> Arg:
    return ", ".join(codes) if codes else phrase("none")


def dpia_when_required(reg: Register) -> Iterator[Diagnostic]:
    org = reg.org
    for doc in reg.activities:
        data = doc.data
        if not isinstance(data, dict):
            continue
        s = dpia.screening(data, org)
        if dpia.scale_unassessed(data):
            yield doc.diagnostic(("scale", "data_subjects"), "dpia-scale-unassessed",
                                 count=str(data["scale"]["data_subjects"]))
        has_dpia = isinstance(data.get("dpia"), dict)
        if has_dpia:
            for reason in s.reasons:
                label, explanation = _criterion(reason.criterion)
                yield doc.diagnostic(("dpia", "criteria"), "dpia-criterion-undeclared",
                                     key="criteria" not in data["dpia"], criterion=reason.criterion,
                                     label=label, explanation=explanation,
                                     why=phrase(reason.reason, value=reason.detail))
        if s.exemption and s.exemption_unmet:
            employees = org.get("employees")
            for condition in s.exemption_unmet:
                yield doc.diagnostic(("dpia", "exemption"), "dpia-exemption-condition", exemption=s.exemption,
                                     condition=phrase(f"dpia-condition-{condition}", employees=str(employees)),
                                     criteria=_criteria_words(s.criteria))
        problem = s.problem
        if problem is None:
            continue
        why = (
            phrase("dpia-on-cnil-list", list=str(s.cnil_list))
            if s.cnil_list
            else phrase("dpia-criteria", count=len(s.criteria), criteria=_criteria_words(s.criteria))
        )
        if problem == "exemption-conflict":
            yield doc.diagnostic(("dpia", "exemption"), "dpia-exemption-conflict")
        elif (problem == "not-done" and has_dpia and not s.cnil_list and not s.exemption
              and s.status == "not_required" and text(data["dpia"].get("justification"))):
            # Two criteria only: WP248 rev.01 lets the controller decide, with documented reasons,
            # that no DPIA is needed; the CNIL list (Art. 35(4)) allows no such choice. (Reasons
            # given with an exemption that does not apply rest on it: dpia-missing stays.)
            yield doc.diagnostic(("dpia", "status"), "dpia-not-required-justified", why=why)
        elif problem == "not-done":
            where = ("dpia", "status") if has_dpia else ()
            yield doc.diagnostic(where, "dpia-missing", key=not has_dpia, why=why, todo=phrase("dpia-carry-out"))
        else:
            yield doc.diagnostic(("dpia",), "dpia-missing", key=True, why=why,
                                 todo=phrase("dpia-no-reference", status=str(s.status)))


# The checks of this module, in the order they run.
CHECKS = (dpia_when_required,)
