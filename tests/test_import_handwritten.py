"""``ropa import`` of a register a town hall wrote by hand after the CNIL model, in its own words:
sheets named like the model's help tabs, « Nom / sigle », « CP » and « Adresse de messagerie »,
its processors in « Acteurs » with their whole contact in one cell, a column the model does not
have, « Transferts des données hors UE », a count of the activities under the list. Nothing it
says is dropped without a notice naming the cell; the help tabs alone are skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from conftest import Runner

from generator.load.register import read_register

TOWN = ["Mairie de Plounéour", "1 place de la Mairie", "29890", "Plounéour", "France", "02 98 00 00 01",
        "mairie@plouneour.example"]


def _fiche(ws: Any, name: str, ref: str, processor: str | None, transfer: tuple[str, ...] | None) -> None:
    rows: list[list[Any]] = [
        ["Description du traitement"],
        ["Nom / sigle", name],
        ["N° / RÉF", ref],
        ["Date de création du traitement", "15/03/2024"],
        ["Mise à jour du traitement", "02/09/2025"],
        [],
        ["Acteurs", "Nom", "Adresse", "CP", "Ville", "Pays", "Téléphone", "Adresse de messagerie"],
        ["Responsable du traitement", *TOWN],
    ]
    if processor:
        rows.append(["Sous-traitant", processor, None, None, None, None, None, "dpo@prestataire.example"])
    rows += [
        [],
        ["Finalité(s) du traitement effectué"],
        ["Finalité principale", f"Gestion : {name}"],
        [],
        ["Catégories de données personnelles concernées", "Description", "Durée de conservation"],
        ["État civil, identité, données d'identification, images…", "Nom, prénom, adresse", "5 ans"],
        ["Données de connexion (adresse IP, logs, etc.)", "Adresse de courriel", "jusqu'au désabonnement"],
        ["Des données sensibles sont-elles traitées ?", "Non"],
        [],
        ["Destinataires", "Précisions"],
        ["Service interne qui traite les données", "Agents de l'accueil", "Note hors colonne"],
        [],
        ["Mesures de sécurité", "Description"],
        ["Contrôle d'accès des utilisateurs", "Identifiant et mot de passe par agent"],
        [],
        ["Transferts des données hors UE", "Destinataire", "Pays", "Type de garanties", "Liens vers la documentation"],
    ]
    if transfer:
        rows.append(list(transfer))
    for row in rows:
        ws.append(row)


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    help_tab = wb.active
    help_tab.title = "Mode d'emploi"
    help_tab.append(["Une fiche par activité, d'après le modèle de la CNIL."])
    ws = wb.create_sheet("Liste des traitements")
    ws.append(["Coordonnées du responsable de l'organisme"])
    for label, value in (("Nom", "KERBRAT"), ("Prénom", "Annick"), ("Fonction", "Maire"),
                         ("Adresse", "1 place de la Mairie"), ("CP", "29890"), ("Ville", "Plounéour"),
                         ("Téléphone", "02 98 00 00 01"), ("Adresse de messagerie", "maire@plouneour.example")):
        ws.append([label, value])
    ws.append([])
    ws.append(["N° / REF", "Activités", "Désignation des activités", "Date de création de la fiche",
               "Date de dernière mise à jour de la fiche", "Service référent"])
    ws.append(["RT-01", "Listes électorales", "Inscription et radiation sur les listes", "15/03/2024", "02/09/2025",
               "Accueil"])
    ws.append(["RT-02", "CCAS aides sociales", "Instruction des demandes d'aide sociale", "15/03/2024", "02/09/2025",
               "CCAS"])
    ws.append([])
    ws.append(["Nombre d'activités", "=COUNTA(A12:A13)"])
    _fiche(wb.create_sheet("Listes électorales"), "Listes électorales", "RT-01",
           "Berger-Levrault, 892 rue Yves Kermen, 92100 Boulogne-Billancourt, France", None)
    _fiche(wb.create_sheet("CCAS aides sociales"), "CCAS aides sociales", "RT-02", None,
           ("Mailchimp", "États-Unis", "Clauses contractuelles types", "https://mailchimp.example/dpa"))
    wb.save(path)
    return path


def test_a_hand_written_register_is_imported_with_nothing_dropped_unsaid(ropa: Runner, tmp_path: Path) -> None:
    source = _workbook(tmp_path / "registre-mairie.xlsx")
    dest = tmp_path / "mairie"
    dest.mkdir()
    done = ropa("import", source, "--root", dest)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    said = done.stderr
    reg = read_register(dest)
    activities = {a["ref"]: a for a in reg.activity_data()}
    assert sorted(activities) == ["RT-01", "RT-02"], said  # « Listes électorales » is no help tab
    assert [a["name"] for a in activities.values()] == ["Listes électorales", "CCAS aides sociales"]
    votes, aid = activities["RT-01"], activities["RT-02"]
    # « Sous-traitant » under the town hall's own « Responsable du traitement »: its processor
    assert votes["role"] == "controller" and votes["processors"] == ["berger-levrault"]
    parties = {p["id"]: p for p in reg.org["parties"]}
    assert parties["berger-levrault"]["address"] == {"street": "892 rue Yves Kermen", "postal_code": "92100",
                                                     "city": "Boulogne-Billancourt", "country": "FR"}
    assert parties["berger-levrault"]["email"] == "dpo@prestataire.example"
    for activity in (votes, aid):
        assert activity["security_measures"] == [
            {"type": "access_control", "details": "Identifiant et mot de passe par agent"}]
        assert activity["data_categories"][0]["retention"]["duration"] == "P5Y"
        assert activity["data_categories"][1]["retention"] == {"until": "le désabonnement", "end_action": "À COMPLÉTER"}
    assert aid["transfers"] == [{"recipient": "Mailchimp", "country": "US", "safeguard": "scc",
                                 "documentation": "https://mailchimp.example/dpa"}]
    assert reg.org["address"]["postal_code"] == "29890" and reg.org["head"]["last_name"] == "KERBRAT"
    assert reg.org["email"] == "mairie@plouneour.example" or reg.org["head"]["email"] == "maire@plouneour.example"
    # what is not read is said, with its cell, once
    assert "« Mode d'emploi » : feuille d'aide ou d'exemple" in said
    assert "« Listes électorales » :" not in said and "« CCAS aides sociales » :" not in said
    assert "cellule F11 : colonne « Service référent » inconnue : ignorée" in said, said
    assert "cellule A4 : rubrique « Fonction » inconnue : « Maire » non repris" in said, said
    assert "cellule A15 : ligne de la liste qui ne donne que « Nombre d'activités »" in said, said
    assert said.count("=COUNTA(A12:A13)") == 1, said
    assert said.count("ligne « Des données sensibles sont-elles traitées ? » (réponse : « Non ») : une question") == 2
    assert [len(a["data_categories"]) for a in (votes, aid)] == [2, 2]  # the question is no category
    assert said.count("« Note hors colonne » : dans une colonne sans titre de la rubrique, non repris") == 2, said
    assert votes["recipients"] == [{"type": "internal_service", "name": "Agents de l'accueil"}]


def test_a_family_name_in_capitals_is_the_last_name() -> None:
    """French usage writes the family name in capitals, before or after the given name, in one
    word or several; without capitals the last word is the last name."""
    from generator.importer.people import person

    assert person("Maëlle LE GALL") == {"first_name": "Maëlle", "last_name": "LE GALL"}
    assert person("KERBRAT Annick") == {"first_name": "Annick", "last_name": "KERBRAT"}
    assert person("LE GALL Maëlle") == {"first_name": "Maëlle", "last_name": "LE GALL"}
    assert person("MARTIN Sophie Anne") == {"first_name": "Sophie Anne", "last_name": "MARTIN"}
    assert person("DUPONT J.") == {"first_name": "J.", "last_name": "DUPONT"}
    assert person("Jean-Pierre DE LA FONTAINE (Maire)") == {
        "first_name": "Jean-Pierre", "last_name": "DE LA FONTAINE", "position": "Maire"}
    assert person("Marie-José PÉREZ Y GARCÍA") == {"first_name": "Marie-José", "last_name": "PÉREZ Y GARCÍA"}
    # all in capitals, or a title before the name: the last word, as before
    assert person("JEAN DUPONT") == {"first_name": "JEAN", "last_name": "DUPONT"}
    assert person("RSSI Paul Durand") == {"first_name": "RSSI Paul", "last_name": "Durand"}
    assert person("Mme Anne Marie Dupont") == {"title": "Mme", "first_name": "Anne Marie", "last_name": "Dupont"}
    assert person("J. R. Tolkien") == {"first_name": "J. R.", "last_name": "Tolkien"}


def test_a_sheet_without_a_dpia_comes_back_without_one(centrecall: Path, ropa: Runner, tmp_path: Path) -> None:
    """``ropa export`` writes « Non renseigné » in the DPIA rows of a sheet that has none: read
    back, it is no DPIA, not a status to complete (the town hall's round trip had three)."""
    import yaml

    sheet = centrecall / "register" / "activities" / "formation-operateurs.yaml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    data.pop("dpia")
    sheet.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    book = tmp_path / "registre.xlsx"
    assert ropa("export", "--format", "xlsx", "-o", book, "--root", centrecall).returncode == 0
    dest = tmp_path / "again"
    dest.mkdir()
    done = ropa("import", book, "--root", dest)
    assert done.returncode == 0, done.stderr
    again = {a["ref"]: a for a in read_register(dest).activity_data()}
    assert "dpia" not in again[data["ref"]] and all("dpia" in a for r, a in again.items() if r != data["ref"])


def test_an_activity_of_the_list_alone_is_left_to_complete_not_said_empty(ropa: Runner, tmp_path: Path) -> None:
    """The list names an activity no fiche describes: what the list does not say (its data, its
    recipients, its transfers) is to complete, never written as « none » (an empty list); its
    « Données sensibles ? Non » is said, and kept."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Liste des traitements"
    ws.append(["Nom du traitement", "N° / RÉF", "Date de création de la fiche", "Dernière mise à jour de la fiche",
               "Finalité principale", "Données sensibles ?"])
    ws.append(["Gestion des salles", "RT-09", "2024-01-01", "2024-02-01", "Réservation des salles municipales", "Non"])
    wb.save(tmp_path / "liste.xlsx")
    dest = tmp_path / "mairie"
    done = ropa("import", tmp_path / "liste.xlsx", "--root", dest)
    assert done.returncode == 0, done.stderr
    [sheet] = read_register(dest).activity_data()
    assert sheet["sensitive_data"] == [] and "transfers" not in sheet
    assert sheet["data_categories"][0]["category"] == "À COMPLÉTER" and sheet["recipients"][0]["type"] == "À COMPLÉTER"
    check = ropa("validate", "--root", dest)
    assert "clé obligatoire 'transfers' absente" in check.stdout, check.stdout


def _one_sheet_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _plain_fiche(actors: list[list[Any]], tables: list[list[Any]]) -> list[list[Any]]:
    return [["Description du traitement"], ["Nom du traitement", "Accueil"], ["N° / RÉF", "RT-01"],
            ["Date de création du traitement", "15/03/2024"], ["Mise à jour du traitement", "02/09/2025"], [],
            ["Acteurs", "Nom", "Adresse", "Code postal", "Ville", "Pays", "Téléphone", "Courriel"], *actors, [],
            ["Finalité(s) du traitement effectué"], ["Finalité principale", "Accueil du public"], [], *tables]


CATEGORY = "État civil, identité, données d'identification, images…"


def _imported(ropa: Runner, tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> tuple[Any, str]:
    source = _one_sheet_workbook(tmp_path / "registre.xlsx", sheets)
    done = ropa("import", source, "--root", tmp_path / "out")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return read_register(tmp_path / "out"), done.stderr


def test_a_processor_s_register_for_its_clients_stays_processor_s_records(ropa: Runner, tmp_path: Path) -> None:
    """The same « Sous-traitant » on every sheet, a different « Responsable du traitement » on
    each: the organisation is that processor, acting for its clients (the review's case: the town
    hall's rule made these controller's records, the processor a party)."""
    us = ["Sous-traitant", "CentreCall", "25 avenue des Tilleuls", "69003", "Lyon", "France"]
    clients = (["Responsable du traitement", "Artemis", "140 boulevard Haussmann", "75008", "Paris", "France"],
               ["Responsable du traitement", "Hermès Assurances", "2 rue de la Paix", "75002", "Paris", "France"])
    sheets = {f"Fiche {n}": [row if row[:1] != ["N° / RÉF"] else ["N° / RÉF", f"RT-0{n}"]
                             for row in _plain_fiche([client, us], [])] for n, client in enumerate(clients, 1)}
    reg, _ = _imported(ropa, tmp_path, sheets)
    assert [(a["role"], a.get("controller"), a.get("processors")) for a in reg.activity_data()] == [
        ("processor", "artemis", None), ("processor", "hermes-assurances", None)]


def test_a_controller_s_one_sheet_names_its_processor(ropa: Runner, tmp_path: Path) -> None:
    """One sheet of the CNIL model, whose record has no « Sous-traitant » row: the town hall's
    « Sous-traitant » is its processor, the sheet a controller's record (its role marked as
    guessed)."""
    vendor = ["Sous-traitant", "Berger-Levrault", "892 rue Yves Kermen", "92100", "Boulogne-Billancourt", "France"]
    reg, _ = _imported(ropa, tmp_path, {"Fiche": _plain_fiche([["Responsable du traitement", *TOWN], vendor], [])})
    [sheet] = reg.activity_data()
    assert sheet["role"] == "controller" and sheet["processors"] == ["berger-levrault"]


def test_what_only_looks_like_a_contact_line_is_not_split(ropa: Runner, tmp_path: Path) -> None:
    """A name with a comma and no address (« Dupont, Durand et Associés », a DPO's name and
    position) stays a name: only a place with its postal code is split off."""
    actors = [["Responsable du traitement", *TOWN],
              ["Sous-traitant", "Dupont, Durand et Associés", None, None, None, None, "01 02 03 04 05"]]
    other = [row if row[:1] != ["N° / RÉF"] else ["N° / RÉF", "RT-02"]
             for row in _plain_fiche([["Responsable du traitement", *TOWN]], [])]
    reg, _ = _imported(ropa, tmp_path, {"Fiche": _plain_fiche(actors, []), "Autre": other})
    names = [p["name"] for p in reg.org["parties"]]
    assert "Dupont, Durand et Associés" in names and "Dupont" not in names, names


def test_every_cell_of_a_subjects_row_is_read(ropa: Runner, tmp_path: Path) -> None:
    """« Salariés | Agents de l'accueil | Informés par note de service » under « Catégories de
    personnes concernées | Description | Précisions »: the category, its description, its
    details, none lost (the review's case: a row read one column to the right lost its last)."""
    tables = [["Catégories de personnes concernées", "Description", "Précisions"],
              ["Salariés", "Agents de l'accueil", "Informés par note de service"]]
    reg, _ = _imported(ropa, tmp_path, {"Fiche": _plain_fiche([["Responsable du traitement", *TOWN]], tables)})
    [sheet] = reg.activity_data()
    found = " | ".join(str(v) for s in sheet["data_subjects"] for v in s.values())
    for said in ("employees", "Agents de l'accueil", "Informés par note de service"):
        assert said in found, sheet["data_subjects"]


def test_a_duration_after_jusqu_a_is_not_an_event(ropa: Runner, tmp_path: Path) -> None:
    """« jusqu'à 5 ans », « jusqu'à la fin du contrat puis 5 ans d'archivage »: a duration is in the
    words, so they are no `until` event: left to complete, verbatim, as before."""
    tables = [["Catégories de données personnelles concernées", "Description", "Durée de conservation"],
              [CATEGORY, "a", "jusqu'à 5 ans"], [CATEGORY, "b", "jusqu'à la fin du contrat puis 5 ans d'archivage"]]
    reg, _ = _imported(ropa, tmp_path, {"Fiche": _plain_fiche([["Responsable du traitement", *TOWN]], tables)})
    [sheet] = reg.activity_data()
    for category in sheet["data_categories"]:
        assert "until" not in category["retention"] and "À COMPLÉTER" in category["retention"]["duration"]


def test_an_organisation_tab_and_a_typed_count_are_no_activities(ropa: Runner, tmp_path: Path) -> None:
    """A tab « Organisme » with « Nom | Mairie de Plounéour », and « Nombre d'activités | 1 » under
    the list: neither becomes an activity."""
    sheets = {
        "Organisme": [["Nom", "Mairie de Plounéour"], ["Téléphone", "02 98 00 00 01"]],
        "Liste": [["N° / REF", "Activités", "Désignation des activités"], ["RT-01", "Accueil", "Accueil du public"],
                  [], ["Nombre d'activités", 1]],
        "Fiche": _plain_fiche([["Responsable du traitement", *TOWN]], []),
    }
    reg, said = _imported(ropa, tmp_path, sheets)
    assert [a["ref"] for a in reg.activity_data()] == ["RT-01"], said
    assert "« Nombre d'activités »" in said
