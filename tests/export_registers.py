"""Registers written into a temporary folder for the export tests.

``full_register``: one controller record and one processor record with every optional key of
the schemas filled, and an organisation with a representative, an external DPO and parties of
every kind, so that a test can check that no value is left out of an export.

``TEXT`` lets a test make every free text hostile: formula-looking, control characters,
Markdown and HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

Text = Callable[[str], str]


def plain(value: str) -> str:
    return value


def write_yaml(path: Path, data: Any, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text(f"# yaml-language-server: $schema={schema}\n{body}", encoding="utf-8")


def _address(text: Text, country: str = "FR") -> dict[str, str]:
    return {
        "street": text("1 rue de la Paix"),
        "postal_code": "75002",
        "city": text("Paris"),
        "country": country,
    }


def _person(text: Text, name: str) -> dict[str, Any]:
    return {
        "title": "Mme",
        "first_name": text(f"Prénom {name}"),
        "last_name": text(f"Nom {name}"),
        "position": text(f"Fonction {name}"),
        "email": f"{name}@example.org",
        "phone": text(f"+33 1 00 00 00 {len(name):02d}"),
        "address": _address(text),
    }


def organization(text: Text = plain) -> dict[str, Any]:
    def party(pid: str, kind: str, country: str = "FR") -> dict[str, Any]:
        return {
            "id": pid,
            "name": text(f"Partie {pid}"),
            "kind": kind,
            "description": text(f"Rôle de {pid}"),
            "registration_number": text(f"RCS {pid}"),
            "address": _address(text, country),
            "phone": text("+33 1 11 11 11 11"),
            "email": f"contact@{pid}.example",
            "contact": _person(text, f"contact{pid}"),
            "representative": _person(text, f"rep{pid}"),
            "dpo": _person(text, f"dpo{pid}"),
            "contract": text(f"Contrat {pid}"),
        }

    return {
        "name": text("Organisme Complet"),
        "legal_form": text("SAS"),
        "registration_number": text("123 456 789"),
        "activity": text("Tout faire"),
        "employees": 300,
        "address": _address(text),
        "phone": text("+33 1 22 22 22 22"),
        "email": "contact@complet.example",
        "head": _person(text, "head"),
        "representative": {
            "company": text("Représentation SA"),
            "person": _person(text, "rep"),
            "address": _address(text),
            "phone": text("+33 1 33 33 33 33"),
            "email": "rep@complet.example",
        },
        "dpo": {
            "type": "external",
            "person": _person(text, "dpo"),
            "company": {
                "name": text("Cabinet DPO"),
                "registration_number": text("987 654 321"),
                "address": _address(text),
                "phone": text("+33 1 44 44 44 44"),
                "email": "cabinet@dpo.example",
            },
            "designation_date": "2019-03-01",
            "cnil_designation_number": text("DPO-12345"),
        },
        "review_interval": "P1Y",
        "parties": [
            party("client", "controller"),
            party("associe", "joint_controller"),
            party("hebergeur", "processor", "US"),
            party("banque", "recipient"),
        ],
    }


def _category(text: Text, category: str, duration: str) -> dict[str, Any]:
    return {
        "category": category,
        "description": text(f"Description {category}"),
        "items": [text(f"donnée {category} 1"), text(f"donnée {category} 2")],
        "retention": {
            "duration": duration,
            "starts": text(f"la fin de {category}"),
            "end_action": "archiving",
            "archive_duration": "P2Y",
            "note": text(f"Note de conservation {category}"),
            "justification": text(f"Justification de la durée {category}"),
        },
    }


def controller_activity(text: Text = plain) -> dict[str, Any]:
    subs = [text(f"Sous-finalité {i}") for i in range(1, 7)]
    return {
        "id": "traitement-complet",
        "ref": text("RT-01"),
        "name": text("Traitement complet"),
        "role": "joint_controller",
        "description": text("Un traitement qui remplit chaque champ."),
        "created": "2020-01-02",
        "updated": "2024-03-04",
        "last_reviewed": "2026-06-01",
        "review_interval": "P6M",
        "joint_controllers": ["associe"],
        "processors": ["hebergeur"],
        "purposes": {
            "main": text("Finalité principale complète"),
            "sub": subs,
        },
        "legal_basis": {
            "basis": "legitimate_interests",
            "details": text("Intérêt légitime détaillé"),
            "balancing_test": text("Analyse IL-1"),
            "special_category_condition": "h",
            "special_category_details": text("Médecine du travail"),
            "criminal_data_authorisation": text("Article L. 123"),
            "special_category_law": text("Code du travail, art. L. 4624-1"),
            "nir_framework": text("Décret n° 2019-341"),
            "purposes": [
                {"purpose": subs[0], "basis": "legal_obligation", "details": text("Loi X")},
                {"purpose": subs[1], "basis": "legitimate_interests",
                 "balancing_test": text("Analyse IL-2")},
            ],
        },
        "data_subjects": [
            {"category": "employees", "description": text("Salariés concernés"), "details": text("Tous")},
            {"category": "customers", "description": text("Clients concernés")},
        ],
        "data_categories": [
            _category(text, "identity", "P1Y"),
            _category(text, "economic_financial", "P5Y6M"),
            _category(text, "other", "P30D"),
        ],
        "sensitive_data": [_category(text, "health", "P2Y"), _category(text, "criminal_convictions", "P3M")],
        "recipients": [
            {"type": "internal_service", "name": text("Service RH"), "details": text("Gestion")},
            {
                "type": "processor",
                "name": text("Hébergeur"),
                "party": "hebergeur",
                "details": text("Hébergement"),
            },
            {"type": "third_country", "name": text("Hébergeur US")},
        ],
        "transfers": [
            {
                "recipient": "hebergeur",
                "country": "US",
                "safeguard": "scc",
                "documentation": "https://example.org/cct.pdf",
                "details": text("Hébergement aux États-Unis"),
            },
            {
                "recipient": text("Filiale canadienne"),
                "country": "CA",
                "safeguard": "adequacy",
                "adequacy_coverage": {"reference": text("Soumise à la LPRPDE (PIPEDA)")},
                "documentation": text("Décision d'adéquation"),
                "details": text("Support"),
            },
        ],
        "security_measures": [
            {"type": "encryption", "details": text("Chiffrement AES")},
            {"type": "access_control", "details": text("Authentification forte")},
            {"type": "other", "details": text("Sensibilisation")},
        ],
        "dpia": {
            "status": "completed",
            "criteria": ["sensitive_data", "vulnerable_subjects"],
            "cnil_list": "health_care_institutions",
            "reference": text("AIPD-2020-1"),
            "date": "2020-01-02",
            "justification": text("Deux critères remplis."),
        },
        "notes": [text("Première remarque"), text("Seconde remarque")],
        "information": text("Mention d'information au recrutement"),
        "rights_exercise": text("Courriel au DPO"),
        "data_source": text("Fichier du client"),
        "automated_decisions": {"exists": False, "details": text("Aucune décision automatisée")},
        "joint_controller_arrangement": text("Accord art. 26 du 2 janvier 2020"),
        "scale": {"data_subjects": 12000, "large": False, "details": text("Salariés d'un seul site")},
        "access_decision": {"exists": False, "details": text("Aucune décision d'accès")},
    }


def processor_activity(text: Text = plain) -> dict[str, Any]:
    return {
        "id": "prestation-client",
        "ref": text("ST-01"),
        "name": text("Prestation pour le client"),
        "role": "processor",
        "description": text("Traitement pour le compte du client."),
        "created": "2021-05-06",
        "updated": "2021-05-07",
        "last_reviewed": "2026-06-01",
        "controller": "client",
        "processors": ["hebergeur"],
        "purposes": {"main": text("Finalité du client"), "sub": [text("Sous-finalité client")]},
        "processing_operations": ["collection", "storage", "erasure"],
        "data_subjects": [{"category": "customers", "description": text("Clients du client")}],
        "data_categories": [_category(text, "connection_data", "P1Y")],
        "sensitive_data": [],
        "recipients": [{"type": "partner", "name": text("Le client"), "party": "client"}],
        "transfers": [
            {
                "recipient": "hebergeur",
                "country": "US",
                "safeguard": "scc",
                "documentation": "https://example.org/cct-client.pdf",
            }
        ],
        "security_measures": [{"type": "backup", "details": text("Sauvegardes du client")}],
        "dpia": {
            "status": "not_required",
            "criteria": [],
            "exemption": "supplier_relations",
            "date": "2021-05-06",
            "justification": text("Aucun critère."),
        },
    }


def full_register(root: Path, text: Text = plain) -> Path:
    write_yaml(
        root / "register" / "organization.yaml", organization(text), "../schema/organization.schema.json"
    )
    for activity in (controller_activity(text), processor_activity(text)):
        write_yaml(
            root / "register" / "activities" / f"{activity['id']}.yaml",
            activity,
            "../../schema/activity.schema.json",
        )
    return root


# Keys whose values are not free text: ids, codes of closed vocabularies, dates, durations.
NOT_TEXT = {
    "id",
    "role",
    "kind",
    "category",
    "type",
    "title",
    "country",
    "basis",
    "special_category_condition",
    "end_action",
    "archive_duration",
    "cnil_list",
    "exemption",
    "status",
    "criteria",
    "safeguard",
    "processing_operations",
    "duration",
    "review_interval",
    "created",
    "updated",
    "last_reviewed",
    "date",
    "designation_date",
    "controller",
    "joint_controllers",
    "processors",
    "party",
    "employees",
}


def free_texts(data: Any, key: str = "") -> Iterator[str]:
    """Every free-text value of a register file (what must reach the exports as it is)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in NOT_TEXT:
                yield from free_texts(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from free_texts(v, key)
    elif isinstance(data, str) and not (key == "recipient" and data.isidentifier()):
        yield data
