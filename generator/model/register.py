"""The model of a valid register, built once by ``build`` and read by the site, every export,
the dashboard and the diagrams.

``build(reg)`` takes a ``Register`` that passed validation (``generator.lint.runner``) and
returns a ``RegisterModel``: the organisation, its parties by id, the activities in register
order (controller records, Art. 30(1), then processor records, Art. 30(2), each by reference
then id), one ``ProcessModel`` per process file, and each activity's review status,
completeness and DPIA screening on the model's day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator import shapes
from generator.load.register import Register
from generator.model import review
from generator.model.activity import Activity, Review, activity_of
from generator.model.organisation import Organisation, Party, parties_of
from generator.model.process import ProcessModel, process_models

DPIA_DONE = ("in_progress", "completed")
KINDS = ("controller", "processor")
"""The two registers the CNIL recommends: ``controller`` (30(1)) and ``processor`` (30(2))."""


@dataclass(frozen=True)
class RegisterModel:
    organisation: Organisation
    parties: Mapping[str, Party]
    activities: tuple[Activity, ...]  # register order
    processes: Mapping[str, ProcessModel]  # by process id (the file's stem), sorted
    today: dt.date
    process_data: Mapping[str, dict[str, Any]]  # the process files' data (the JSON export keeps it)

    def party(self, party_id: str) -> Party:
        """The party of that id; one named by its id when the register does not define it."""
        return self.parties.get(party_id) or Party(party_id, party_id)

    def register(self, kind: str) -> tuple[Activity, ...]:
        """The activities of one register: ``controller`` or ``processor`` records."""
        return tuple(a for a in self.activities if a.processor_record == (kind == "processor"))

    def registers(self) -> list[tuple[str, tuple[Activity, ...]]]:
        return [(kind, self.register(kind)) for kind in KINDS]

    def by_ref(self) -> list[Activity]:
        """The activities by reference then id (the exports' order)."""
        return sorted(self.activities, key=lambda a: a.sort_key)

    def controller_names(self, activity: Activity) -> list[str]:
        """Who decides: the client for a processor record, else the organisation and joint controllers."""
        if activity.processor_record:
            return [self.party(activity.controller or "").name]
        return [self.organisation.name] + [self.party(p).name for p in activity.joint_controllers or ()]

    def linked_activities(self, process_id: str) -> list[Activity]:
        """The activities whose ``process`` names this process, in register order."""
        return [a for a in self.activities if a.process == process_id]

    def counts(self) -> dict[str, int]:
        roles = [a.role for a in self.activities]
        return {
            "activities": len(self.activities),
            "controller": roles.count("controller"),
            "joint_controller": roles.count("joint_controller"),
            "processor": roles.count("processor"),
            "sensitive": sum(1 for a in self.activities if a.sensitive_data),
            "transfers": sum(1 for a in self.activities if a.transfers),
            "dpia": sum(1 for a in self.activities if a.dpia and a.dpia.status in DPIA_DONE),
            "dpia_required": sum(1 for a in self.activities if a.dpia and a.dpia.status == "required"),
        }

    def as_of(self) -> str | None:
        """The date the register is current to: the latest update of any of its sheets."""
        dates = [a.updated for a in self.activities if a.updated]
        return max(dates) if dates else None


def build(reg: Register, *, today: dt.date | None = None) -> RegisterModel:
    """The model of ``reg``, a register that passed validation; reviews are due as of ``today``
    (default ``shapes.today()``)."""
    on = today or shapes.today()
    org = reg.org
    parties = parties_of(org)
    names = {pid: p.name for pid, p in parties.items()}
    activities = []
    for data in reg.activity_data():
        status = Review(review.review_status(data, org, on), review.completeness(data), review.screening(data, org))
        activities.append(activity_of(data, status, names))
    ordered = [a for kind in KINDS for a in activities if a.processor_record == (kind == "processor")]
    process_data = reg.process_data()
    models = process_models(reg)
    processes = {pid: models[pid][1] for pid in sorted(process_data)}
    return RegisterModel(Organisation.of(org), parties, tuple(ordered), processes, on, process_data)
