"""A workbook laid out like the CNIL register model (« registre-traitement-simplifie », 2019),
with the model's exact labels (shared/reference/DOMAIN.md section 2), filled with the small
register of a town hall: civil status, school canteen, newsletter.

``build(path)`` writes it with openpyxl; ``FICHES`` is what it holds, for the tests to compare.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

HEAD_BLOCK = (
    "Coordonnées du responsable de l'organisme (responsable de traitement ou son représentant si le "
    "responsable est situé en dehors de l'UE)"
)
FIELDS = ("Nom", "Prénom", "Adresse", "Adresse mél", "Code postal", "Ville", "Téléphone")

HEAD = {"Nom": "Martin", "Prénom": "Sophie", "Adresse": "1 place de la Mairie",
        "Adresse mél": "maire@saint-exemple.example", "Code postal": "12345", "Ville": "Saint-Exemple",
        "Téléphone": "05 00 00 00 01"}
DPO = {"Nom": "Dupuis", "Prénom": "Claire", "Adresse": "10 rue des Communes",
       "Adresse mél": "dpo@cdg-exemple.example", "Code postal": "12000", "Ville": "Exempleville",
       "Téléphone": "05 00 00 00 99",
       "Société (si DPO externe)": "Centre de gestion de la fonction publique territoriale"}
TOWN = ["Mairie de Saint-Exemple", "1 place de la Mairie", "12345", "Saint-Exemple", "France",
        "05 00 00 00 00", "mairie@saint-exemple.example"]
DPO_ROW = ["Claire Dupuis", "10 rue des Communes", "12000", "Exempleville", "France", "05 00 00 00 99",
           "dpo@cdg-exemple.example"]
DPO_COMPANY = ["Centre de gestion de la fonction publique territoriale", "10 rue des Communes", "12000",
               "Exempleville", "France", "05 00 00 00 90", "contact@cdg-exemple.example"]

DATA_CATEGORIES = (
    "État civil, identité, données d'identification, images…",
    "Vie personnelle (habitudes de vie, situation familiale, etc.)",
    "Informations d'ordre économique et financier (revenus, situation financière, situation fiscale, etc.)",
    "Données de connexion (adresse IP, logs, etc.)",
    "Données de localisation (déplacements, données GPS, GSM, etc.)",
    "Numéro de Sécurité Sociale (ou NIR)",
)
SENSITIVE = (
    "Origine raciale ou ethnique",
    "Opinions politiques",
    "Convictions religieuses ou philosophiques",
    "Appartenance syndicale",
    "Données génétiques",
    "Données biométriques aux fins d'identifier une personne physique de manière unique",
    "Données concernant la santé",
    "Vie sexuelle ou orientation sexuelle",
    "Condamnations pénales ou infractions",
)

# What each fiche holds: {section: rows}; categories by their label in the model.
FICHES: list[dict[str, Any]] = [
    {
        "sheet": "Fiche EC-01",
        "name": "Tenue des registres de l'état civil",
        "ref": "EC-01",
        "created": dt.datetime(2018, 5, 25),
        "updated": dt.datetime(2025, 3, 1),
        "main": "Établissement et conservation des actes de l'état civil",
        "sub": ["Établissement des actes de naissance, de mariage et de décès",
                "Délivrance des copies et extraits d'actes"],
        "categories": {
            DATA_CATEGORIES[0]: ("Nom, prénoms, date et lieu de naissance, filiation",
                                 "75 ans à compter de la clôture du registre, puis archivage"),
            DATA_CATEGORIES[1]: ("Situation familiale (mariage, divorce, PACS)", "75 ans après la clôture du registre"),
        },
        "sensitive": {},
        "subjects": [("Autres (préciser)", "Personnes nées, mariées ou décédées dans la commune"),
                     ("Salariés", "Officiers et agents de l'état civil")],
        "recipients": [("Service interne qui traite les données", "Service de l'état civil"),
                       ("Partenaires institutionnels ou commerciaux", "Procureur de la République et INSEE")],
        "security": [("Contrôle d'accès des utilisateurs", "Logiciel accessible aux seuls agents habilités"),
                     ("Sauvegarde des données", "Sauvegarde quotidienne chez l'hébergeur")],
        "transfers": [],
    },
    {
        "sheet": "Fiche CS-02",
        "name": "Inscription et facturation de la cantine scolaire",
        "ref": "CS-02",
        "created": dt.datetime(2019, 9, 1),
        "updated": dt.datetime(2025, 8, 20),
        "main": "Gestion des inscriptions à la cantine et facturation des repas",
        "sub": ["Inscription des élèves", "Facturation aux familles", "Prise en compte des régimes médicaux"],
        "categories": {
            DATA_CATEGORIES[0]: ("Nom et prénom de l'élève et de ses parents, école, classe", "1 an"),
            DATA_CATEGORIES[2]: ("Quotient familial, factures, règlements", "6 ans après le dernier paiement"),
        },
        "sensitive": {
            SENSITIVE[6]: ("Allergies et régimes alimentaires médicaux (PAI)", "6 mois"),
        },
        "subjects": [("Autres (préciser)", "Élèves inscrits à la cantine et leurs parents")],
        "recipients": [("Service interne qui traite les données", "Service scolaire"),
                       ("Sous-traitant", "Prestataire de restauration collective"),
                       ("Trésor public", "Recouvrement des impayés")],
        "security": [("Contrôle d'accès des utilisateurs", "Habilitations par agent"),
                     ("Chiffrement des données", "Portail famille en HTTPS")],
        "transfers": [],
    },
    {
        "sheet": "Fiche NL-03",
        "name": "Lettre d'information municipale",
        "ref": "NL-03",
        "created": dt.datetime(2021, 1, 15),
        "updated": dt.datetime(2024, 11, 2),
        "main": "Envoi de la lettre d'information aux habitants abonnés",
        "sub": [],
        "categories": {
            DATA_CATEGORIES[0]: ("Adresse électronique, nom", "3 ans après le dernier contact"),
            DATA_CATEGORIES[3]: ("Ouverture des courriels", "13 mois"),
        },
        "sensitive": {},
        "subjects": [("Autres (préciser)", "Habitants abonnés à la lettre")],
        "recipients": [("Sous-traitants", "Routeur de courriels")],
        "security": [("Mesures de traçabilité", "Journal des envois")],
        "transfers": [("Routeur de courriels", "États-Unis", "Clauses contractuelles types (CCT)",
                       "https://saint-exemple.example/rgpd/cct-routeur.pdf")],
    },
]


def _list_sheet(ws: Any, fiches: list[dict[str, Any]]) -> None:
    ws.append(["Liste des traitements"])
    ws.append([])
    for block, values in ((HEAD_BLOCK, HEAD), ("Coordonnées du représentant", {}),
                          ("Coordonnées du délégué à la protection des données (DPO)", DPO)):
        ws.append([block])
        for label in (*FIELDS, *(("Société (si DPO externe)",) if "DPO" in block else ())):
            ws.append([label, values.get(label)])
        ws.append([])
    ws.append(["Nom du traitement", "N° / RÉF", "Date de création de la fiche", "Dernière mise à jour de la fiche",
               "Finalité principale", "Données sensibles ?"])
    for f in fiches:
        ws.append([f["name"], f["ref"], f["created"], f["updated"], f["main"], "Oui" if f["sensitive"] else "Non"])


def fiche_sheet(ws: Any, f: dict[str, Any] | None, titled: bool = False) -> None:
    """Tab 3 of the model; ``None`` leaves it blank (the model's empty template). ``titled``: each
    table's column headers on the row of its section title, as some editions have them."""

    def table(title: str, *headers: str) -> None:
        if titled:
            ws.append([title, *headers])
        else:
            ws.append([title])
            ws.append([None, *headers])

    f = f or {"categories": {}, "sensitive": {}, "subjects": [], "recipients": [], "security": [], "transfers": [],
              "sub": []}
    ws.append(["Fiche de registre"])
    ws.append([])
    ws.append(["Description du traitement"])
    ws.append(["Nom du traitement", f.get("name")])
    ws.append(["N° / RÉF", f.get("ref")])
    ws.append(["Date de création du traitement", f.get("created")])
    ws.append(["Mise à jour du traitement", f.get("updated")])
    ws.append([])
    table("Acteurs", "Nom", "Adresse", "Code Postal", "Ville", "Pays", "Téléphone", "Adresse mél")
    ws.append(["Responsable du traitement", *(TOWN if f.get("name") else [])])
    ws.append(["Délégué à la protection des données", *(DPO_ROW if f.get("name") else [])])
    ws.append(["Société du DPO (si celui-ci est externe)", *(DPO_COMPANY if f.get("name") else [])])
    ws.append(["Représentant"])
    ws.append(["Responsable(s) conjoint(s)"])
    ws.append([])
    ws.append(["Finalité(s) du traitement effectué"])
    ws.append(["Finalité principale", f.get("main")])
    for n in range(5):
        subs = f["sub"]
        ws.append([f"Sous-finalité {n + 1}", subs[n] if n < len(subs) else None])
    ws.append([])
    table("Catégories de données personnelles concernées", "Description", "Durée de conservation")
    for label in DATA_CATEGORIES:
        ws.append([label, *f["categories"].get(label, ())])
    ws.append([])
    table("Données sensibles", "Description", "Durée de conservation")
    for label in SENSITIVE:
        ws.append([label, *f["sensitive"].get(label, ())])
    ws.append([])
    table("Catégories de personnes concernées", "Description", "Précisions")
    for row in f["subjects"]:
        ws.append([None, *row])
    ws.append([])
    table("Destinataires", "Type de destinataire", "Précisions")
    for row in f["recipients"]:
        ws.append([None, *row])
    ws.append([])
    table("Mesures de sécurité", "Type de mesure de sécurité", "Précisions")
    for row in f["security"]:
        ws.append([None, *row])
    ws.append([])
    table("Transferts hors UE", "Destinataire", "Pays", "Type de garanties", "Liens vers la documentation")
    for row in f["transfers"]:
        ws.append([None, *row])


def build(path: Path, fiches: list[dict[str, Any]] = FICHES, titled: bool = False) -> Path:
    wb = openpyxl.Workbook()
    tutorial = wb.active
    tutorial.title = "Tutoriel"
    tutorial.append(["Ce modèle de registre vous aide à recenser vos traitements."])
    _list_sheet(wb.create_sheet("2 - Liste des traitements"), fiches)
    fiche_sheet(wb.create_sheet("3 - Modèle de fiche de registre"), None)
    example = dict(FICHES[0], name="Gestion de la paie (exemple)", ref="EX-1")
    fiche_sheet(wb.create_sheet("4 - Exemple de fiche"), example)
    lists = wb.create_sheet("5 - Listes")
    for label in ("Salariés", "Services internes", "Clients", "Fournisseurs", "Prestataires", "Prospects",
                  "Candidats", "Autres (préciser)"):
        lists.append([label])
    for f in fiches:
        fiche_sheet(wb.create_sheet(f["sheet"]), f, titled)
    wb.save(path)
    return path
