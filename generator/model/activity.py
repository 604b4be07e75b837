"""One activity of the register (a controller record, Art. 30(1), or a processor record,
Art. 30(2)), as typed values: what its sheet, the exports, the dashboard and the diagrams read.

Lists the file leaves out are ``None`` (« not stated »), an empty list is ``()`` (« none »).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.model.review import Completeness, ReviewStatus, Screening
from generator.shapes import mappings


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _texts(value: Any) -> tuple[str, ...] | None:
    return tuple(str(v) for v in value) if isinstance(value, list) else None


def _processor_ids(value: Any) -> tuple[str, ...] | None:
    """The party ids of ``processors``, whose entries are ids or ``{party, contract, authorisation}``."""
    if not isinstance(value, list):
        return None
    return tuple(str(v.get("party")) if isinstance(v, dict) else str(v) for v in value)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def is_web_link(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value


@dataclass(frozen=True)
class Retention:
    duration: str | None = None  # ISO 8601 duration
    starts: str | None = None
    end_action: str | None = None  # retention_end code
    note: str | None = None
    until: str | None = None  # the event that ends a period with no fixed term
    archive_duration: str | None = None  # final limit of intermediate archiving
    justification: str | None = None  # why longer than the CNIL's benchmark

    @classmethod
    def of(cls, data: Any) -> Retention | None:
        if not isinstance(data, dict):
            return None
        return cls(*(_text(data.get(k)) for k in (
            "duration", "starts", "end_action", "note", "until", "archive_duration", "justification")))


@dataclass(frozen=True)
class DataCategory:
    """An entry of ``data_categories`` or ``sensitive_data``."""

    category: str
    description: str | None = None
    items: tuple[str, ...] | None = None
    retention: Retention | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> DataCategory:
        return cls(str(data.get("category")), _text(data.get("description")), _texts(data.get("items")),
                   Retention.of(data.get("retention")))


@dataclass(frozen=True)
class DataSubject:
    category: str
    description: str | None = None
    details: str | None = None


@dataclass(frozen=True)
class Recipient:
    type: str  # recipient_type code
    name: str | None = None
    party: str | None = None  # party id
    details: str | None = None


@dataclass(frozen=True)
class AdequacyCoverage:
    """The evidence that a recipient is covered by a partial adequacy decision (DPF...)."""

    reference: str
    url: str | None = None
    checked: str | None = None


@dataclass(frozen=True)
class Transfer:
    recipient: str  # a party id or a name
    recipient_name: str  # the party's name when ``recipient`` is a party id
    country: str | None  # ISO code; None for a transfer to an international organisation
    safeguard: str | None = None
    documentation: str | None = None
    details: str | None = None
    recipient_is_party: bool = False
    international_organisation: str | None = None  # an id of international_organisations.yaml, or a name
    adequacy_coverage: AdequacyCoverage | None = None
    derogation: str | None = None  # an Art. 49 derogation id
    authority_informed: str | None = None  # a date, or "true"
    authority_authorisation: str | None = None  # the supervisory authority's authorisation (Art. 46(3))
    outside_public_powers: str | None = None  # a public body's reason: not an exercise of public powers (Art. 49(3))

    @property
    def destination(self) -> str:
        """The country code, or the international organisation."""
        return self.country or self.international_organisation or ""

    @property
    def adequacy_scope(self) -> str:
        """``whole``, ``partial`` or ``none``: the adequacy decision for the destination."""
        from generator import vocab

        return vocab.adequacy_scope(self.destination)

    @property
    def partial_adequacy(self) -> bool:
        """``safeguard: adequacy`` under a decision that covers only some recipients: to show
        with its caveat, never as a plain « pays adéquat »."""
        return self.safeguard == "adequacy" and self.adequacy_scope == "partial"

    @property
    def link(self) -> bool:
        """Whether the documentation is a web link."""
        return is_web_link(self.documentation)


@dataclass(frozen=True)
class SecurityMeasure:
    type: str
    details: str | None = None


@dataclass(frozen=True)
class Purposes:
    main: str | None = None
    sub: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PurposeBasis:
    """A purpose with its own Art. 6(1) basis (``legal_basis.purposes``)."""

    purpose: str
    basis: str  # legal_basis code
    details: str | None = None
    balancing_test: str | None = None
    outside_public_tasks: str | None = None  # a public body's reason: outside its tasks (Art. 6(1), 2nd subpara.)


@dataclass(frozen=True)
class LegalBasis:
    basis: str | None = None
    details: str | None = None
    balancing_test: str | None = None
    special_category_condition: str | None = None
    special_category_details: str | None = None
    criminal_data_authorisation: str | None = None
    purposes: tuple[PurposeBasis, ...] | None = None
    special_category_law: str | None = None
    nir_framework: str | None = None
    outside_public_tasks: str | None = None  # a public body's reason: outside its tasks (Art. 6(1), 2nd subpara.)

    @classmethod
    def of(cls, data: Any) -> LegalBasis | None:
        if not isinstance(data, dict):
            return None
        return cls(
            basis=_text(data.get("basis")),
            details=_text(data.get("details")),
            balancing_test=_text(data.get("balancing_test")),
            special_category_condition=_text(data.get("special_category_condition")),
            special_category_details=_text(data.get("special_category_details")),
            criminal_data_authorisation=_text(data.get("criminal_data_authorisation")),
            purposes=_list(data.get("purposes"), lambda p: PurposeBasis(
                str(p.get("purpose")), str(p.get("basis")), _text(p.get("details")), _text(p.get("balancing_test")),
                _text(p.get("outside_public_tasks")))),
            special_category_law=_text(data.get("special_category_law")),
            nir_framework=_text(data.get("nir_framework")),
            outside_public_tasks=_text(data.get("outside_public_tasks")),
        )

    def basis_of(self, purpose: str | None) -> str | None:
        """The basis ``purpose`` rests on: its own, else the activity's."""
        own = next((p.basis for p in self.purposes or () if p.purpose == purpose), None)
        return own or self.basis


@dataclass(frozen=True)
class AutomatedDecisions:
    """Art. 22: whether decisions are based solely on automated processing, and how."""

    exists: bool
    details: str | None = None


@dataclass(frozen=True)
class Scale:
    """WP248 criterion 5: the estimated number of data subjects and the controller's assessment
    of whether the processing is large-scale (no number in the law or the EDPB's guidelines)."""

    data_subjects: int | None = None
    large: bool | None = None
    details: str | None = None


@dataclass(frozen=True)
class Dpia:
    status: str | None = None
    criteria: tuple[str, ...] | None = None
    cnil_list: str | None = None
    exemption: str | None = None
    reference: str | None = None
    date: str | None = None
    justification: str | None = None


@dataclass(frozen=True)
class Review:
    """The activity's review status (on the model's day), completeness and DPIA screening."""

    status: ReviewStatus
    completeness: Completeness
    screening: Screening


@dataclass(frozen=True)
class Activity:
    id: str
    ref: str
    name: str
    role: str  # controller, joint_controller or processor
    review: Review
    data: dict[str, Any]  # the validated sheet, for the functions that walk its field paths
    description: str | None = None
    created: str | None = None
    updated: str | None = None
    last_reviewed: str | None = None
    review_interval: str | None = None
    controller: str | None = None  # the client's party id (a processor record)
    joint_controllers: tuple[str, ...] | None = None
    processors: tuple[str, ...] | None = None
    processor_terms: Mapping[str, dict[str, Any]] | None = None  # party id → its entry's contract, authorisation
    purposes: Purposes | None = None
    processing_operations: tuple[str, ...] | None = None
    legal_basis: LegalBasis | None = None
    data_subjects: tuple[DataSubject, ...] | None = None
    data_categories: tuple[DataCategory, ...] | None = None
    sensitive_data: tuple[DataCategory, ...] | None = None
    recipients: tuple[Recipient, ...] | None = None
    transfers: tuple[Transfer, ...] | None = None
    security_measures: tuple[SecurityMeasure, ...] | None = None
    process: str | None = None
    dpia: Dpia | None = None
    notes: tuple[str, ...] | None = None
    # the CNIL model's optional items
    information: str | None = None  # Art. 13, 14
    rights_exercise: str | None = None  # Art. 15-22
    data_source: str | None = None  # Art. 14(2)(f)
    automated_decisions: AutomatedDecisions | None = None  # Art. 22
    joint_controller_arrangement: str | None = None  # Art. 26
    # what the DPIA screening reads (WP248 criteria 5 and 9)
    scale: Scale | None = None
    access_decision: AutomatedDecisions | None = None  # same shape: exists, details

    @property
    def processor_record(self) -> bool:
        """A record of the categories of processing carried out for a client (Art. 30(2))."""
        return self.role == "processor"

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.ref, self.id)

    def party_ids(self) -> set[str]:
        """Every party id the activity names."""
        ids = {self.controller, *(self.processors or ()), *(self.joint_controllers or ())}
        ids |= {r.party for r in self.recipients or ()}
        ids |= {t.recipient for t in self.transfers or ()}
        return {i for i in ids if i}


def _list(value: Any, make: Any) -> Any:
    return tuple(make(v) for v in mappings(value)) if isinstance(value, list) else None


def activity_of(data: dict[str, Any], review: Review, party_names: Mapping[str, str]) -> Activity:
    """The typed activity of a validated sheet; ``party_names`` resolves transfer recipients."""
    purposes, basis, dpia = data.get("purposes"), data.get("legal_basis"), data.get("dpia")
    auto, scale, access = data.get("automated_decisions"), data.get("scale"), data.get("access_decision")

    def transfer(t: dict[str, Any]) -> Transfer:
        recipient = str(t.get("recipient"))
        coverage = t.get("adequacy_coverage")
        informed = t.get("authority_informed")
        return Transfer(recipient, party_names.get(recipient, recipient), _text(t.get("country")),
                        _text(t.get("safeguard")), _text(t.get("documentation")), _text(t.get("details")),
                        recipient in party_names, _text(t.get("international_organisation")),
                        AdequacyCoverage(str(coverage.get("reference")), _text(coverage.get("url")),
                                         _text(coverage.get("checked"))) if isinstance(coverage, dict) else None,
                        _text(t.get("derogation")),
                        None if informed is None or informed is False else ("true" if informed is True else str(informed)),
                        _text(t.get("authority_authorisation")), _text(t.get("outside_public_powers")))

    return Activity(
        id=str(data.get("id")),
        ref=str(data.get("ref", "")),
        name=str(data.get("name") or data.get("id")),
        role=str(data.get("role")),
        review=review,
        data=data,
        description=_text(data.get("description")),
        created=_text(data.get("created")),
        updated=_text(data.get("updated")),
        last_reviewed=_text(data.get("last_reviewed")),
        review_interval=_text(data.get("review_interval")),
        controller=_text(data.get("controller")),
        joint_controllers=_texts(data.get("joint_controllers")),
        processors=_processor_ids(data.get("processors")),
        processor_terms={str(v.get("party")): dict(v) for v in data.get("processors") or [] if isinstance(v, dict)},
        purposes=Purposes(_text(purposes.get("main")), _texts(purposes.get("sub")))
        if isinstance(purposes, dict) else None,
        processing_operations=_texts(data.get("processing_operations")),
        legal_basis=LegalBasis.of(basis),
        data_subjects=_list(data.get("data_subjects"), lambda s: DataSubject(
            str(s.get("category")), _text(s.get("description")), _text(s.get("details")))),
        data_categories=_list(data.get("data_categories"), DataCategory.of),
        sensitive_data=_list(data.get("sensitive_data"), DataCategory.of),
        recipients=_list(data.get("recipients"), lambda r: Recipient(
            str(r.get("type")), _text(r.get("name")), _text(r.get("party")), _text(r.get("details")))),
        transfers=_list(data.get("transfers"), transfer),
        security_measures=_list(data.get("security_measures"), lambda s: SecurityMeasure(
            str(s.get("type")), _text(s.get("details")))),
        process=_text(data.get("process")),
        dpia=Dpia(_text(dpia.get("status")), _texts(dpia.get("criteria")), *(_text(dpia.get(k)) for k in (
            "cnil_list", "exemption", "reference", "date", "justification"))) if isinstance(dpia, dict) else None,
        notes=_texts(data.get("notes")),
        information=_text(data.get("information")),
        rights_exercise=_text(data.get("rights_exercise")),
        data_source=_text(data.get("data_source")),
        automated_decisions=AutomatedDecisions(auto.get("exists") is True, _text(auto.get("details")))
        if isinstance(auto, dict) else None,
        joint_controller_arrangement=_text(data.get("joint_controller_arrangement")),
        scale=Scale(scale.get("data_subjects") if type(scale.get("data_subjects")) is int else None,
                    scale.get("large") if isinstance(scale.get("large"), bool) else None,
                    _text(scale.get("details"))) if isinstance(scale, dict) else None,
        access_decision=AutomatedDecisions(access.get("exists") is True, _text(access.get("details")))
        if isinstance(access, dict) else None,
    )
