"""CentreCall's register says what the scenario (shared/seed) and DOMAIN.md section 7 give."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REPO

from generator.lint.runner import load_register
from generator.load.register import Register


@pytest.fixture(scope="module")
def reg() -> Register:
    return load_register(REPO)


def _activity(reg: Register, ident: str) -> dict[str, Any]:
    found = [a for a in reg.activity_data() if a.get("id") == ident]
    assert found, f"register/activities/{ident}.yaml is missing"
    return found[0]


def test_organisation_and_its_client(reg: Register) -> None:
    org = reg.org
    assert org["name"] == "CentreCall"
    assert (org["head"]["title"], org["head"]["last_name"]) == ("Mme", "Azri")
    assert org["dpo"]["type"] in ("internal", "external")
    artemis = reg.parties()["artemis"]
    assert artemis["kind"] == "controller"
    assert (artemis["contact"]["first_name"], artemis["contact"]["last_name"]) == ("Paul", "Friand")


def test_loyalty_is_a_processor_record_for_artemis(reg: Register) -> None:
    loyalty = _activity(reg, "fidelisation-artemis")
    assert loyalty["role"] == "processor" and loyalty["controller"] == "artemis"
    assert loyalty["created"] == "2020-09-15"
    # the calls it records are on VoxCloud's platform, in the US (as for the quality sheet)
    assert [(t["recipient"], t["country"], t["safeguard"]) for t in loyalty["transfers"]] == [("voxcloud", "US", "scc")]
    assert {c["retention"]["duration"] for c in loyalty["data_categories"]} == {"P1Y"}
    items = {item for c in loyalty["data_categories"] for item in c.get("items", [])}
    assert {"nom", "prénom", "adresse", "téléphone", "courriel", "date du dernier échange",
            "enregistrement de l'appel", "niveau de satisfaction", "offres proposées"} <= items
    measures = " ".join(m["details"].lower() for m in loyalty["security_measures"])
    assert "pare-feu" in measures and "sauvegarde" in measures and "authentification" in measures
    recipients = " ".join(r["name"].lower() for r in loyalty["recipients"])
    assert "opérateurs" in recipients and "clientèle managers" in recipients and "artemis" in recipients


def test_the_activities_the_scenario_implies(reg: Register) -> None:
    names = " | ".join(a["name"].lower() for a in reg.activity_data())
    for words in ("formation", "routage", "enregistrement", "paie"):
        assert words in names, f"no activity about {words!r} in: {names}"
    assert len({a["ref"] for a in reg.activity_data()}) == len(reg.activities) >= 5
