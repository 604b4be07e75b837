"""Deterministic, realistic synthetic registers for benchmarks and tests.

``make_register(root, n)`` writes ``register/organization.yaml`` (CentreCall's organisation with
about 50 parties of every kind), ``n`` activity sheets under ``register/activities/`` and, for
about one sheet in ten, its own process model ``processes/<id>.yaml``. Every sheet starts from
one of CentreCall's real sheets of the same role (``register/activities/``, the template keeps
its key order and its shape) and gets its own name, purposes, data subjects, data categories
with their retention, recipients, transfers (countries and safeguards chosen so that they are
lawful), security measures, sensitive data on some, a DPIA on some; enumerated values come from
``generator/data/vocabularies.yaml``. Sheets are 50 to 125 lines long.

The register validates clean (``ropa validate`` exits 0 without warnings) when "today" is
``TODAY`` (set ``ROPA_TODAY``: the review dates are chosen against it). A seeded PRNG makes the
output byte-identical from one run to the next::

    .venv/bin/python benchmarks/synth.py /tmp/reg 1000

Reads the project's files; from ``generator`` it imports only the DPIA screening and the Art. 9(2)
conditions that need a law, so that each sheet declares what the checks derive from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from generator.lint.basis_rules import requires_law
from generator.model.dpia import derived_criteria

REQUIRES_LAW = requires_law()

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-28"  # the ROPA_TODAY against which review dates are chosen
SEED = 30  # Art. 30

ACTIVITY_HEADER = "# yaml-language-server: $schema=../../schema/activity.schema.json\n"
PROCESS_HEADER = "# yaml-language-server: $schema=../schema/process.schema.json\n"
ORG_HEADER = "# yaml-language-server: $schema=../schema/organization.schema.json\n"

# -- content pools (French, as a French DPO writes them) ------------------------------------------

# Third countries the parties are established in, and the safeguards a transfer there can rest on
# (an adequacy decision only where generator/data/legal/adequacy.yaml lists the country).
PARTIAL_ADEQUACY = {"US": "Certifié DPF (liste du Data Privacy Framework)", "CA": "Soumis à la LPRPDE (PIPEDA)",
                    "JP": "Exploitant soumis à l'APPI"}
"""The coverage a recipient records under a partial adequacy decision (legal/adequacy.yaml)."""
THIRD_COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": ("scc", "adequacy", "bcr"),
    "IN": ("scc", "bcr"),
    "MA": ("scc", "derogation"),
    "TN": ("scc",),
    "CH": ("adequacy",),
    "GB": ("adequacy", "scc"),
    "CA": ("adequacy", "scc"),
    "JP": ("adequacy",),
    "SG": ("scc", "certification"),
    "BR": ("scc", "code_of_conduct"),
}
EU_COUNTRIES = ("FR", "FR", "FR", "FR", "DE", "IE", "NL", "BE", "ES", "IT", "PT", "LU")
CITIES = {
    "FR": [("69003", "Lyon"), ("75009", "Paris"), ("13002", "Marseille"), ("31000", "Toulouse"),
           ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("33000", "Bordeaux")],
    "DE": [("10115", "Berlin"), ("80331", "München")], "IE": [("D02 X285", "Dublin")],
    "NL": [("1011 AB", "Amsterdam")], "BE": [("1000", "Bruxelles")], "ES": [("28001", "Madrid")],
    "IT": [("20121", "Milano")], "PT": [("1100-148", "Lisboa")], "LU": [("L-1160", "Luxembourg")],
    "US": [("94105", "San Francisco"), ("98101", "Seattle"), ("10001", "New York")],
    "IN": [("560001", "Bengaluru"), ("411001", "Pune")], "MA": [("20000", "Casablanca"), ("10000", "Rabat")],
    "TN": [("1000", "Tunis")], "CH": [("1201", "Genève"), ("8001", "Zürich")], "GB": [("EC1A 1BB", "London")],
    "CA": [("H2Y 1C6", "Montréal")], "JP": [("100-0005", "Tokyo")], "SG": [("018989", "Singapore")],
    "BR": [("01310-100", "São Paulo")],
}
STREETS = ["rue de la République", "avenue Jean Jaurès", "boulevard Vivier-Merle", "quai Saint-Antoine",
           "rue Garibaldi", "place Bellecour", "rue du Faubourg Saint-Honoré", "cours Lafayette",
           "Market Street", "Main Road", "Hauptstraße", "Harbour Street"]
FIRST_NAMES = ["Camille", "Louis", "Sarah", "Karim", "Léa", "Hugo", "Inès", "Mathieu", "Chloé",
               "Yanis", "Élodie", "Thomas", "Nour", "Antoine", "Manon", "Bruno"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Benali", "Lefèvre", "Moreau", "Girard", "Nguyen",
              "Roux", "Fontaine", "Chevalier", "Haddad", "Perrin", "Marchand", "Lambert", "Faure"]
COMPANY_STEMS = ["Boréal", "Cap", "Horizon", "Lumen", "Nova", "Orion", "Pléiade", "Quartz", "Rhéa",
                 "Sirius", "Tellus", "Vega", "Zénith", "Atlas", "Cobalt", "Delta", "Éole", "Hélios",
                 "Iris", "Kappa", "Lynx", "Mistral", "Opale", "Prisme"]
KIND_SUFFIXES = {
    "controller": ["Assurances", "Énergie", "Télécom", "Banque", "Mutuelle", "Distribution",
                   "Voyages", "Automobiles", "Immobilier", "Santé", "Mode", "Éditions"],
    "joint_controller": ["Groupement", "Alliance", "Réseau", "Consortium"],
    "processor": ["Cloud", "Data", "Logiciels", "Hébergement", "Analytics", "Sécurité", "Archives",
                  "Paie", "Messagerie", "Impression", "Signature", "Support"],
    "recipient": ["Caisse de retraite", "Prévoyance", "Expertise comptable", "Avocats", "Huissiers",
                  "Audit", "Formation", "Médecine du travail"],
}
PARTY_COUNTS = {"controller": 12, "joint_controller": 4, "processor": 18, "recipient": 10}
SITES = ["site de Lyon Part-Dieu", "site de Villeurbanne", "agence de Marseille", "agence de Lille",
         "plateau de Nantes", "plateau de Toulouse", "siège social", "agence de Bordeaux",
         "plateau de Casablanca", "agence de Strasbourg", "centre de Rennes", "centre de Dijon"]
STARTS = ["la date de l'appel", "la fin de la relation commerciale", "la fin du contrat",
          "la date de collecte", "la clôture du dossier", "le dernier contact", "la fin de l'exercice",
          "la fin de la campagne", "la date de la demande"]
DURATIONS = ["P1M", "P3M", "P6M", "P1Y", "P2Y", "P3Y", "P5Y", "P6Y", "P10Y"]

# Themes: the kind of processing, with what it purposes and touches. ``roles`` says which records
# may carry it (c: controller or joint controller, p: processor on a client's behalf).
THEMES: list[dict[str, Any]] = [
    {"name": "Gestion des réclamations", "roles": "cp", "basis": "contract",
     "purpose": "Traitement des réclamations des clients",
     "sub": ["Enregistrement de la réclamation", "Qualification et orientation vers le bon service",
             "Réponse au client dans les délais contractuels", "Suivi des indicateurs de satisfaction",
             "Escalade des réclamations sensibles"],
     "subjects": [("customers", "Clients à l'origine d'une réclamation")],
     "categories": [("identity", "Nom, prénom, téléphone, adresse électronique", ["nom", "prénom", "téléphone", "courriel"]),
                    ("other", "Objet et historique de la réclamation", ["objet de la réclamation", "historique des échanges"]),
                    ("economic_financial", "Références de facture et montants contestés", ["numéro de facture", "montant contesté"])]},
    {"name": "Prospection téléphonique", "roles": "cp", "basis": "legitimate_interests",
     "purpose": "Prospection commerciale par appels sortants",
     "sub": ["Constitution des fichiers d'appel", "Appels de présentation des offres",
             "Prise de rendez-vous pour les conseillers", "Gestion des oppositions (Bloctel)",
             "Mesure des taux de transformation"],
     "subjects": [("prospects", "Prospects inscrits sur les fichiers d'appel")],
     "categories": [("identity", "Nom, prénom, numéro de téléphone", ["nom", "prénom", "téléphone"]),
                    ("other", "Résultat de l'appel, intérêt exprimé, opposition", ["résultat de l'appel", "opposition"]),
                    ("location_data", "Code postal et commune, pour le ciblage géographique", ["code postal"])]},
    {"name": "Service client", "roles": "cp", "basis": "contract",
     "purpose": "Assistance des clients par téléphone, courriel et messagerie instantanée",
     "sub": ["Réponse aux demandes d'information", "Modification des contrats et des coordonnées",
             "Suivi des commandes et des livraisons", "Transfert vers le second niveau"],
     "subjects": [("customers", "Clients qui contactent le service client")],
     "categories": [("identity", "Nom, prénom, numéro client, coordonnées", ["nom", "prénom", "numéro client", "adresse"]),
                    ("connection_data", "Journal des contacts (date, canal, durée, conseiller)", ["journal des contacts"]),
                    ("other", "Contenu de la demande et réponse apportée", ["motif de contact", "réponse apportée"])]},
    {"name": "Enquêtes de satisfaction", "roles": "cp", "basis": "legitimate_interests",
     "purpose": "Mesure de la satisfaction des clients après un contact",
     "sub": ["Envoi du questionnaire après l'appel", "Relance des non-répondants",
             "Analyse statistique des réponses", "Restitution des résultats au client donneur d'ordre"],
     "subjects": [("customers", "Clients ayant eu un contact avec le centre")],
     "categories": [("identity", "Nom, prénom, adresse électronique", ["nom", "prénom", "courriel"]),
                    ("other", "Réponses au questionnaire et commentaires libres", ["note de satisfaction", "commentaire libre"]),
                    ("internet", "Identifiant de réponse et traceur d'ouverture du courriel", ["identifiant de réponse"])]},
    {"name": "Recouvrement amiable", "roles": "p", "basis": "contract",
     "purpose": "Relance téléphonique des impayés pour le compte du créancier",
     "sub": ["Appels de relance des débiteurs", "Proposition d'échéanciers",
             "Suivi des promesses de paiement", "Transmission du dossier au créancier"],
     "subjects": [("customers", "Clients débiteurs du créancier")],
     "categories": [("identity", "Nom, prénom, adresse, téléphone", ["nom", "prénom", "adresse", "téléphone"]),
                    ("economic_financial", "Montant dû, échéancier, incidents de paiement", ["montant dû", "échéancier"]),
                    ("other", "Compte rendu des appels de relance", ["compte rendu d'appel"])]},
    {"name": "Recrutement des conseillers", "roles": "c", "basis": "contract",
     "purpose": "Recrutement des conseillers clientèle",
     "sub": ["Publication des offres et réception des candidatures", "Présélection et entretiens",
             "Tests de mise en situation", "Constitution du vivier de candidats"],
     "subjects": [("candidates", "Candidats à un poste de conseiller")],
     "categories": [("identity", "Nom, prénom, coordonnées", ["nom", "prénom", "courriel", "téléphone"]),
                    ("professional_life", "CV, lettre de motivation, résultats des tests", ["curriculum vitae", "résultats des tests"]),
                    ("other", "Notes d'entretien et décision", ["notes d'entretien", "décision"])]},
    {"name": "Contrôle d'accès aux locaux", "roles": "c", "basis": "legitimate_interests",
     "purpose": "Sécurisation de l'accès aux plateaux d'appel",
     "sub": ["Délivrance et retrait des badges", "Gestion des droits d'accès par zone",
             "Journalisation des passages", "Gestion des visiteurs"],
     "subjects": [("employees", "Salariés de CentreCall"), ("other", "Visiteurs et prestataires sur site")],
     "categories": [("identity", "Nom, prénom, photographie du badge", ["nom", "prénom", "photographie"]),
                    ("connection_data", "Journal des passages (date, heure, porte)", ["journal des passages"]),
                    ("professional_life", "Service, horaires, zones autorisées", ["service", "zones autorisées"])]},
    {"name": "Gestion des notes de frais", "roles": "c", "basis": "legal_obligation",
     "purpose": "Remboursement des frais professionnels des salariés",
     "sub": ["Saisie et validation des notes de frais", "Contrôle des justificatifs",
             "Remboursement par virement", "Archivage comptable"],
     "subjects": [("employees", "Salariés qui engagent des frais professionnels")],
     "categories": [("identity", "Nom, prénom, matricule", ["nom", "prénom", "matricule"]),
                    ("economic_financial", "Montants, justificatifs, coordonnées bancaires", ["montant", "justificatif", "RIB"]),
                    ("location_data", "Lieux des déplacements professionnels", ["lieu de déplacement"])]},
    {"name": "Messagerie et outils collaboratifs", "roles": "c", "basis": "legitimate_interests",
     "purpose": "Mise à disposition de la messagerie et des outils collaboratifs",
     "sub": ["Création et suppression des comptes", "Messagerie électronique et agenda",
             "Partage de documents", "Assistance aux utilisateurs"],
     "subjects": [("employees", "Salariés et intérimaires de CentreCall")],
     "categories": [("identity", "Nom, prénom, adresse électronique professionnelle", ["nom", "prénom", "courriel professionnel"]),
                    ("connection_data", "Journaux de connexion et adresses IP", ["journaux de connexion", "adresse IP"]),
                    ("professional_life", "Service, fonction, responsable", ["service", "fonction"])]},
    {"name": "Médecine du travail et prévention", "roles": "c", "basis": "legal_obligation",
     "purpose": "Suivi de l'état de santé des salariés au travail", "sensitive": "health", "condition": "h",
     "sub": ["Organisation des visites d'information et de prévention", "Suivi des aménagements de poste",
             "Prévention des troubles auditifs liés au casque", "Déclaration des accidents du travail"],
     "subjects": [("employees", "Salariés de CentreCall")],
     "categories": [("identity", "Nom, prénom, matricule, date de naissance", ["nom", "prénom", "date de naissance"]),
                    ("professional_life", "Poste occupé, horaires, exposition au bruit", ["poste", "exposition au bruit"])]},
    {"name": "Gestion des adhérents", "roles": "p", "basis": "contract",
     "purpose": "Gestion de la relation avec les adhérents pour le compte de la mutuelle",
     "sensitive": "health", "condition": "h",
     "sub": ["Réponse aux questions sur les garanties", "Suivi des demandes de remboursement",
             "Mise à jour des bénéficiaires", "Orientation vers les services de la mutuelle"],
     "subjects": [("customers", "Adhérents de la mutuelle"), ("other", "Ayants droit des adhérents")],
     "categories": [("identity", "Nom, prénom, numéro d'adhérent", ["nom", "prénom", "numéro d'adhérent"]),
                    ("personal_life", "Situation familiale, ayants droit", ["situation familiale", "ayants droit"]),
                    ("economic_financial", "Cotisations et remboursements", ["cotisations", "remboursements"])]},
    {"name": "Vidéoprotection des locaux", "roles": "c", "basis": "legitimate_interests",
     "purpose": "Sécurité des biens et des personnes dans les locaux",
     "sub": ["Surveillance des accès et des parkings", "Conservation et extraction des images sur réquisition",
             "Information des personnes filmées"],
     "subjects": [("employees", "Salariés présents dans les locaux"), ("other", "Visiteurs")],
     "categories": [("identity", "Images des personnes filmées", ["images"]),
                    ("location_data", "Lieu, date et heure de l'enregistrement", ["horodatage"])]},
    {"name": "Support informatique", "roles": "cp", "basis": "contract",
     "purpose": "Assistance technique aux utilisateurs",
     "sub": ["Prise en charge des tickets d'incident", "Prise en main à distance du poste",
             "Suivi du parc matériel", "Statistiques de résolution"],
     "subjects": [("employees", "Utilisateurs des postes de travail"), ("customers", "Utilisateurs finaux du client")],
     "categories": [("identity", "Nom, prénom, identifiant", ["nom", "prénom", "identifiant"]),
                    ("connection_data", "Adresse IP, journaux d'intervention", ["adresse IP", "journal d'intervention"]),
                    ("other", "Description de l'incident et résolution", ["description de l'incident"])]},
    {"name": "Programme de fidélité", "roles": "cp", "basis": "consent",
     "purpose": "Animation du programme de fidélité",
     "sub": ["Inscription au programme", "Calcul et conversion des points", "Envoi des offres personnalisées",
             "Gestion des désinscriptions", "Analyse des habitudes d'achat"],
     "subjects": [("customers", "Membres du programme de fidélité")],
     "categories": [("identity", "Nom, prénom, date de naissance, coordonnées", ["nom", "prénom", "date de naissance", "courriel"]),
                    ("personal_life", "Préférences et centres d'intérêt déclarés", ["préférences"]),
                    ("economic_financial", "Historique des achats et points acquis", ["historique des achats", "solde de points"])]},
    {"name": "Formation continue", "roles": "c", "basis": "legal_obligation",
     "purpose": "Organisation de la formation continue des salariés",
     "sub": ["Recueil des besoins de formation", "Inscription aux sessions", "Suivi des heures et attestations",
             "Entretiens professionnels"],
     "subjects": [("employees", "Salariés de CentreCall")],
     "categories": [("identity", "Nom, prénom, matricule", ["nom", "prénom", "matricule"]),
                    ("professional_life", "Parcours de formation, évaluations, attestations", ["parcours de formation", "attestations"])]},
]

MEASURES = {
    "access_control": ["Accès par authentification forte ; habilitations revues chaque semestre.",
                       "Profils d'accès par fonction, comptes nominatifs.",
                       "Accès restreint aux conseillers affectés au dossier."],
    "traceability": ["Journalisation des consultations et des modifications, conservée 6 mois.",
                     "Traces des accès conservées et revues chaque mois."],
    "encryption": ["Chiffrement des données au repos (AES-256) et en transit (TLS 1.3).",
                   "Échanges de fichiers chiffrés (SFTP)."],
    "backup": ["Sauvegardes quotidiennes chiffrées, conservées 30 jours en France.",
               "Sauvegarde hebdomadaire hors site, test de restauration trimestriel."],
    "software_protection": ["Antivirus et correctifs de sécurité déployés sous 15 jours.",
                            "Pare-feu applicatif devant l'application."],
    "processor_control": ["Contrat art. 28 avec le sous-traitant, revue annuelle de ses mesures.",
                          "Audit documentaire annuel du sous-traitant."],
    "other": ["Sensibilisation annuelle des conseillers à la protection des données.",
              "Politique de bureau propre sur les plateaux d'appel."],
}
NOTES = ["Durée de conservation à confirmer avec le client donneur d'ordre lors de la prochaine revue.",
         "Information des personnes : mention lue en début d'appel et politique de confidentialité en ligne.",
         "Le droit d'opposition est recueilli par le conseiller et répercuté sous 48 heures.",
         "Revue des habilitations prévue à chaque changement d'équipe."]
OPERATION_VERBS = [("Réception", "manual"), ("Qualification", "conversational"), ("Contrôle", "manual"),
                   ("Mise à jour", "conversational"), ("Calcul", "automatic"), ("Envoi", "automatic"),
                   ("Archivage", "automatic"), ("Vérification", "manual"), ("Synthèse", "automatic")]
TOOLS = ["Logiciel de relation client", "Tableur partagé", "Plateforme de téléphonie",
         "Outil de ticketing", "Messagerie électronique", "Logiciel spécifique"]


# -- helpers --------------------------------------------------------------------------------------


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def vocabularies() -> dict[str, list[str]]:
    """The enumerated values of generator/data/vocabularies.yaml, by vocabulary."""
    data = yaml.safe_load((REPO / "generator" / "data" / "vocabularies.yaml").read_text(encoding="utf-8"))
    return {name: list(values) for name, values in data.items()}


def templates() -> dict[str, list[dict[str, Any]]]:
    """CentreCall's real sheets, by role: the shapes the synthetic sheets take."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((REPO / "register" / "activities").glob("*.yaml")):
        sheet = yaml.safe_load(path.read_text(encoding="utf-8"))
        by_role.setdefault(sheet["role"], []).append(sheet)
    return by_role


class _Dumper(yaml.CSafeDumper):
    """Writes every value out: register files may not hold YAML anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _person(rng: random.Random, domain: str, position: str) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {"title": rng.choice(["Mme", "M."]), "first_name": first, "last_name": last, "position": position,
            "email": f"{slug(first)[0]}.{slug(last)}@{domain}"}


def _address(rng: random.Random, country: str) -> dict[str, Any]:
    postal_code, city = rng.choice(CITIES[country])
    return {"street": f"{rng.randrange(1, 200)} {rng.choice(STREETS)}", "postal_code": postal_code,
            "city": city, "country": country}


# -- organisation ---------------------------------------------------------------------------------


def make_parties(rng: random.Random) -> list[dict[str, Any]]:
    """CentreCall's own parties, then generated ones up to about 50, of every kind."""
    org = yaml.safe_load((REPO / "register" / "organization.yaml").read_text(encoding="utf-8"))
    parties: list[dict[str, Any]] = list(org["parties"])
    used = {p["id"] for p in parties}
    for kind, count in PARTY_COUNTS.items():
        for i in range(count):
            name = f"{COMPANY_STEMS[(i * 7 + len(kind)) % len(COMPANY_STEMS)]} {KIND_SUFFIXES[kind][i % len(KIND_SUFFIXES[kind])]}"
            ident = slug(name)
            if ident in used:
                continue
            used.add(ident)
            abroad = (kind == "processor" and i % 3 == 0) or (kind == "recipient" and i % 5 == 0)
            country = list(THIRD_COUNTRIES)[i % len(THIRD_COUNTRIES)] if abroad else rng.choice(EU_COUNTRIES)
            domain = f"{ident}.example"
            party: dict[str, Any] = {"id": ident, "name": name, "kind": kind}
            party["description"] = {
                "controller": f"Client de CentreCall : {name} lui confie une partie de sa relation client.",
                "joint_controller": f"{name} détermine avec CentreCall les finalités de traitements menés en commun.",
                "processor": f"Prestataire de CentreCall ({KIND_SUFFIXES[kind][i % len(KIND_SUFFIXES[kind])].lower()}).",
                "recipient": f"Destinataire de certaines données ({KIND_SUFFIXES[kind][i % len(KIND_SUFFIXES[kind])].lower()}).",
            }[kind]
            if country == "FR":
                party["registration_number"] = f"{rng.randrange(300, 999)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}"
            party["address"] = _address(rng, country)
            party["email"] = f"contact@{domain}"
            if kind != "recipient":
                party["contact"] = _person(rng, domain, rng.choice(["Directeur", "Directrice des opérations", "Responsable du contrat"]))
                if kind == "controller":  # a processor record names the client's DPO (Art. 30(2)(a))
                    party["dpo"] = {"last_name": f"DPO {name}", "position": "Délégué à la protection des données",
                                    "email": f"dpo@{domain}"}
                year = rng.randrange(2018, 2026)
                party["contract"] = {
                    "controller": f"Contrat de prestation et de sous-traitance (art. 28 RGPD) du {rng.randrange(1, 28)} mars {year}",
                    "joint_controller": f"Accord de responsabilité conjointe (art. 26 RGPD) de {year}",
                    "processor": f"Contrat de sous-traitance (art. 28 RGPD) du {rng.randrange(1, 28)} juin {year}",
                }[kind]
            parties.append(party)
    return parties


def organization_text(parties: list[dict[str, Any]]) -> str:
    org = yaml.safe_load((REPO / "register" / "organization.yaml").read_text(encoding="utf-8"))
    org["parties"] = parties
    return ORG_HEADER + "# Synthetic register (benchmarks/synth.py): CentreCall with about 50 parties.\n" + dump(org)


# -- activities -----------------------------------------------------------------------------------


class _Builder:
    def __init__(self, rng: random.Random, parties: list[dict[str, Any]]) -> None:
        self.rng = rng
        self.vocab = vocabularies()
        self.templates = templates()
        self.by_kind: dict[str, list[dict[str, Any]]] = {}
        self.parties = {party["id"]: party for party in parties}
        for party in parties:
            self.by_kind.setdefault(party["kind"], []).append(party)
        self.ids: set[str] = set()
        self.today = dt.date.fromisoformat(TODAY)

    def _unique(self, base: str) -> tuple[str, int]:
        """``base``, or ``base-2``, ``base-3``... if taken; and the number (1 for ``base``)."""
        ident, k = base, 1
        while ident in self.ids:
            k += 1
            ident = f"{base}-{k}"
        self.ids.add(ident)
        return ident, k

    def sheet(self, n: int, with_process: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
        rng = self.rng
        role = ("controller", "processor", "processor", "controller", "joint_controller")[n % 5]
        template_role = "processor" if role == "processor" else "controller"
        template = self.templates[template_role][n % len(self.templates[template_role])]
        themes = [t for t in THEMES if ("p" if role == "processor" else "c") in t["roles"]]
        theme = themes[(n // 5 + rng.randrange(3)) % len(themes)]
        if role == "processor":
            client = rng.choice(self.by_kind["controller"])
            scope = client["name"]
        elif role == "joint_controller":
            partner = rng.choice(self.by_kind["joint_controller"])
            scope = f"avec {partner['name']}"
        else:
            scope = rng.choice(SITES)
        ident, k = self._unique(slug(f"{theme['name']} {scope}")[:60].strip("-"))
        name = f"{theme['name']} — {scope}" + (f" (lot {k})" if k > 1 else "")
        ref = {"controller": "RT", "processor": "ST", "joint_controller": "RC"}[role] + f"-{n + 1:05d}"
        created = _date(rng, dt.date(2018, 5, 25), dt.date(2025, 6, 1))
        updated = _date(rng, created, dt.date(2025, 12, 1))
        reviewed = _date(rng, self.today - dt.timedelta(days=330), self.today - dt.timedelta(days=5))

        values: dict[str, Any] = {
            "id": ident, "ref": ref, "name": name, "role": role,
            "created": created, "updated": updated, "last_reviewed": reviewed,
        }
        processors = rng.sample(self.by_kind["processor"], rng.randrange(0, 3))
        values["description"] = (
            f"{theme['purpose']} ({scope}). "
            + ("Traitement mené pour le compte du client, qui en fixe la finalité. " if role == "processor" else "")
            + (f"Le prestataire {processors[0]['name']} intervient sur les données." if len(processors) == 1
               else f"Les prestataires {' et '.join(p['name'] for p in processors)} interviennent sur les données."
               if processors else "Aucun prestataire n'intervient sur les données.")
        )
        if role == "processor":
            values["controller"] = client["id"]
        if role == "joint_controller":
            values["joint_controllers"] = [partner["id"]]
        if processors and role == "processor":  # each sub-processor authorised by the client (Art. 28(2))
            values["processors"] = [
                {"party": p["id"], "authorisation": {
                    "type": "general", "reference": f"Autorisation générale écrite de {client['name']} (contrat, art. 8)"}}
                for p in processors]
        elif processors:
            values["processors"] = [p["id"] for p in processors]
        subs = rng.sample(theme["sub"], rng.randrange(2, len(theme["sub"]) + 1))
        values["purposes"] = {"main": theme["purpose"], "sub": subs}

        categories: list[dict[str, Any]] = []
        for category, description, items in theme["categories"]:
            if categories and rng.random() < 0.2:
                continue
            retention = self._retention()
            if description.startswith("Images"):  # CCTV images: the CNIL's month (retention-over-benchmark)
                retention = {**retention, "duration": "P1M", "end_action": "deletion"}
                retention.pop("archive_duration", None)
            categories.append({
                "category": category, "description": description, "items": list(items),
                "retention": retention,
            })
        sensitive = []
        if theme.get("sensitive") or rng.random() < 0.08:
            category = theme.get("sensitive") or rng.choice(["health", "trade_union_membership", "biometric_data"])
            sensitive.append({
                "category": category,
                "description": {"health": "Informations relatives à l'état de santé communiquées par la personne",
                                "trade_union_membership": "Mandats syndicaux et représentatifs",
                                "biometric_data": "Gabarit d'empreinte digitale pour l'accès aux zones sécurisées"}[category],
                "items": [{"health": "information de santé", "trade_union_membership": "mandat syndical",
                           "biometric_data": "gabarit biométrique"}[category]],
                "retention": self._retention(),
            })
        subjects = [{"category": c, "description": d} for c, d in theme["subjects"]]
        if role == "processor":
            subjects = [s for s in subjects if s["category"] != "employees"] or [
                {"category": "customers", "description": f"Clients de {scope}"}]
        if role == "processor":
            values["processing_operations"] = sorted(
                set(rng.sample(self.vocab["processing_operation"], 4)) | {"collection", "consultation", "use"},
                key=self.vocab["processing_operation"].index)
        else:
            basis = theme["basis"]
            legal: dict[str, Any] = {"basis": basis, "details": {
                "contract": "Exécution du contrat conclu avec la personne concernée.",
                "legitimate_interests": "Intérêt légitime de CentreCall à assurer la qualité et la sécurité de son service.",
                "legal_obligation": "Obligations du Code du travail et du Code de la sécurité sociale.",
                "consent": "Consentement recueilli lors de l'inscription, retirable à tout moment.",
            }[basis]}
            if basis == "legitimate_interests":
                legal["balancing_test"] = f"ANALYSE-IL-{created.year}-{n % 97:02d} (mise en balance des intérêts)"
            if sensitive:
                legal["special_category_condition"] = theme.get("condition") or ("b" if sensitive[0]["category"] != "biometric_data" else "a")
                legal["special_category_details"] = "Traitement limité à ce qu'exigent les obligations de l'employeur et la santé au travail."
                if legal["special_category_condition"] in REQUIRES_LAW:
                    legal["special_category_law"] = "Code du travail, art. L. 1226-1 ; code de la sécurité sociale, art. L. 441-2."
            if any(c["category"] == "nir" or "sécurité sociale" in c["description"] for c in categories):
                legal["nir_framework"] = "Décret n° 2019-341 du 19 avril 2019 (décret-cadre NIR)."
            values["legal_basis"] = legal
        values["data_subjects"] = subjects
        values["data_categories"] = categories
        values["sensitive_data"] = sensitive

        recipients: list[dict[str, Any]] = [{"type": "internal_service", "name": rng.choice(
            ["Conseillers clientèle", "Service des ressources humaines", "Clientèle managers", "Direction des opérations",
             "Service informatique", "Service comptable"]), "details": "Dans la limite de leurs attributions."}]
        for p in processors:
            recipients.append({"type": "processor", "name": p["name"], "party": p["id"],
                               "details": "Hébergement et maintenance de l'application."})
        if role == "processor":
            recipients.append({"type": "other", "name": f"{scope} (responsable du traitement)", "party": client["id"],
                               "details": "Comptes rendus et fichiers de retour, au format convenu."})
        elif rng.random() < 0.4:
            partner_recipient = rng.choice(self.by_kind["recipient"])
            recipients.append({"type": "partner", "name": partner_recipient["name"], "party": partner_recipient["id"],
                               "details": "Transmission des seules données nécessaires à sa mission."})
        transfers: list[dict[str, Any]] = []
        abroad = processors + [self.parties[r["party"]] for r in recipients if r.get("party") in self.parties]
        for p in abroad:
            country = p["address"]["country"]
            if country in THIRD_COUNTRIES and p["id"] not in {t["recipient"] for t in transfers}:
                safeguard = rng.choice(THIRD_COUNTRIES[country])
                transfer: dict[str, Any] = {
                    "recipient": p["id"], "country": country, "safeguard": safeguard,
                    "documentation": f"https://intranet.centrecall.example/conformite/{p['id']}-{safeguard}.pdf",
                    "details": f"Données hébergées ou consultées par {p['name']} ({country}).",
                }
                if safeguard == "adequacy" and country in PARTIAL_ADEQUACY:  # e.g. DPF certification
                    transfer["adequacy_coverage"] = {"reference": PARTIAL_ADEQUACY[country]}
                if safeguard == "derogation":
                    transfer["derogation"] = "contract_with_data_subject"
                transfers.append(transfer)
        values["recipients"] = recipients
        values["transfers"] = transfers
        kinds = ["access_control", "traceability", "backup", *rng.sample(["encryption", "software_protection", "other"], rng.randrange(0, 3))]
        if processors:
            kinds.append("processor_control")
        values["security_measures"] = [{"type": k, "details": rng.choice(MEASURES[k])} for k in kinds]
        if with_process:
            values["process"] = ident
        values["dpia"] = self._dpia(role, subjects, sensitive, created, values)
        if rng.random() < 0.5:
            values["notes"] = rng.sample(NOTES, rng.randrange(1, 3))

        # The template decides which keys a sheet has and in which order.
        keys = list(template) + [k for k in values if k not in template]
        sheet = {k: values[k] for k in keys if k in values}
        for section in ("data_categories", "sensitive_data"):
            if not with_process:
                for entry in sheet.get(section, []):
                    if rng.random() < 0.5:
                        entry.pop("items", None)
        self._fit(sheet)
        process = self._process(sheet, processors) if with_process else None
        if process is not None and role == "processor":
            used = {op for o in process["operations"] for d in o.get("data", []) for op in d["operations"]}
            order = self.vocab["processing_operation"]
            sheet["processing_operations"] = sorted(set(sheet["processing_operations"]) | used, key=order.index)
        return sheet, process

    def _retention(self) -> dict[str, Any]:
        rng = self.rng
        retention = {"duration": rng.choice(DURATIONS), "starts": rng.choice(STARTS),
                     "end_action": rng.choice(self.vocab["retention_end"])}
        if retention["end_action"] == "archiving":
            retention["archive_duration"] = "P5Y"
        if rng.random() < 0.15:
            retention["note"] = "Durée fixée par le référentiel CNIL applicable, revue chaque année."
        return retention

    def _dpia(self, role: str, subjects: list[dict[str, Any]], sensitive: list[Any], created: dt.date,
              sheet: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        # every criterion the register shows (generator/model/dpia.py), declared
        criteria = [d.criterion for d in derived_criteria(sheet)]
        if rng.random() < 0.3:
            criteria.append(rng.choice(["large_scale", "matching_combining", "systematic_monitoring", "evaluation_scoring"]))
        criteria = [c for c in self.vocab["dpia_criterion"] if c in set(criteria)]
        date = created + dt.timedelta(days=rng.randrange(0, 60))
        if len(criteria) < 2:
            return {"status": "not_required", "criteria": criteria, "date": date,
                    "justification": f"{len(criteria)} critère du CEPD au plus : pas d'AIPD requise."}
        if rng.random() < 0.25 and "evaluation_scoring" not in criteria and "automated_decision" not in criteria:
            return {"status": "not_required", "criteria": criteria, "exemption": "hr_small_organisations", "date": date,
                    "justification": "Traitement courant dispensé d'AIPD par la liste de la CNIL."}
        status = rng.choice(["completed", "completed", "in_progress"])
        return {"status": status, "criteria": criteria,
                "reference": f"AIPD-{date.year}-{rng.randrange(1, 99):02d}", "date": date,
                "justification": f"{len(criteria)} critères du CEPD sont remplis : une AIPD est menée."}

    def _fit(self, sheet: dict[str, Any]) -> None:
        """Keep the sheet between 50 and 125 lines."""
        while len(dump(sheet).splitlines()) < 52:
            sheet.setdefault("notes", []).append(NOTES[len(sheet["notes"]) % len(NOTES)])
        while len(dump(sheet).splitlines()) > 122 and len(sheet["purposes"].get("sub", [])) > 1:
            sheet["purposes"]["sub"].pop()
        while len(dump(sheet).splitlines()) > 122 and sheet.get("notes"):
            sheet["notes"].pop()
            if not sheet["notes"]:
                del sheet["notes"]

    def _process(self, sheet: dict[str, Any], processors: list[dict[str, Any]]) -> dict[str, Any]:
        """A process model of a handful of operations touching every data item of ``sheet``."""
        rng = self.rng
        items = [i for section in ("data_categories", "sensitive_data") for e in sheet[section] for i in e.get("items", [])]
        count = rng.randrange(3, 7)
        actors: list[dict[str, Any]] = [
            {"id": "conseiller", "name": "Conseiller", "kind": "internal", "description": "Conseiller du centre d'appels."},
            {"id": "superviseur", "name": "Superviseur", "kind": "internal"},
        ]
        if processors:
            actors.append({"id": "prestataire", "name": processors[0]["name"], "kind": "external", "party": processors[0]["id"]})
        else:
            actors.append({"id": "personne", "name": "Personne concernée", "kind": "external", "organisation": "Personne concernée"})
        start_kind = rng.choice(["time", "external"])
        events: list[dict[str, Any]] = [{"id": "declencheur", "name": "Chaque lundi" if start_kind == "time" else "Demande reçue",
                                         "kind": start_kind}]
        if start_kind == "external":
            events[0]["actor"] = actors[-1]["id"]
        results = [{"id": "dossier-clos", "name": "Dossier clos"}, {"id": "abandon", "name": "Demande abandonnée"}]
        operations = []
        for k in range(count):
            verb, nature = OPERATION_VERBS[(k + rng.randrange(len(OPERATION_VERBS))) % len(OPERATION_VERBS)]
            last = k == count - 1
            if not last:
                events.append({"id": f"etape-{k + 1}", "name": f"Étape {k + 1} terminée", "kind": "internal"})
            emissions: list[dict[str, Any]] = [{"to": "dossier-clos" if last else f"etape-{k + 1}"}]
            if k == 1:
                emissions = [{"condition": "Cas nominal", "to": emissions[0]["to"]}, {"condition": "Sinon", "to": "abandon"}]
            touched = items[k::count] or [rng.choice(items)]
            ops = ["collection"] if k == 0 else rng.sample(["consultation", "use", "storage", "adaptation"], 2)
            operations.append({
                "id": f"operation-{k + 1}", "name": f"{verb} ({sheet['name'].split(' — ')[0].lower()})",
                "actor": actors[k % len(actors)]["id"], "nature": nature, "timing": rng.choice(
                    ["Immédiatement", "Dans la journée", "Sous 48 heures", "Chaque fin de mois"]),
                "tool": rng.choice(TOOLS), "triggers": ["declencheur" if k == 0 else f"etape-{k}"],
                "emissions": emissions, "data": [{"item": i, "operations": list(ops)} for i in touched],
            })
        return {"id": sheet["id"], "name": sheet["name"],
                "description": f"Déroulement du traitement « {sheet['name']} », opération par opération.",
                "source": f"Entretien avec le responsable de l'activité ; fiche {sheet['ref']}.",
                "actors": actors, "events": events, "results": results, "operations": operations}


# -- one large process ----------------------------------------------------------------------------

LARGE_ITEMS = [f"donnée {i}" for i in range(20)]


def large_process(n: int) -> dict[str, Any]:
    """A process of ``n`` operations: a chain in which every third operation has a second,
    OR-synchronised trigger and every operation two emission rules and four data items."""
    actors = [{"id": f"acteur-{a}", "name": f"Acteur {a}", "kind": "internal"} for a in range(4)]
    events = [{"id": "depart", "name": "Chaque lundi", "kind": "time"}]
    events += [{"id": f"e{i}", "name": f"Événement {i}", "kind": "internal"} for i in range(n - 1)]
    results = [{"id": f"r{i}", "name": f"Résultat {i}"} for i in range(n)] + [{"id": "fin", "name": "Fin"}]
    operations = []
    for i in range(n):
        triggers = ["depart"] if i == 0 else [f"e{i - 1}"] + ([f"e{i - 3}"] if i % 3 == 0 and i >= 3 else [])
        op: dict[str, Any] = {
            "id": f"op{i}", "name": f"Opération numéro {i} du processus", "actor": f"acteur-{i % 4}",
            "nature": ("manual", "conversational", "automatic")[i % 3], "timing": "Immédiatement",
            "tool": "Logiciel", "triggers": triggers,
            "emissions": [{"condition": "Cas nominal", "to": f"e{i}" if i < n - 1 else "fin"},
                          {"condition": "Sinon", "to": f"r{i}"}],
            "data": [{"item": LARGE_ITEMS[(i + k) % len(LARGE_ITEMS)], "operations": ["consultation", "use"]}
                     for k in range(4)],
        }
        if len(triggers) > 1:
            op["synchronisation"] = "or"
        operations.append(op)
    return {"id": "synthetique", "name": "Processus synthétique", "actors": actors, "events": events,
            "results": results, "operations": operations}


def add_large_process(root: Path, n: int) -> None:
    """Add ``processes/synthetique.yaml`` (``large_process(n)``) and the controller sheet
    ``synthetique`` that links to it, made from CentreCall's training sheet."""
    (root / "processes" / "synthetique.yaml").write_text(PROCESS_HEADER + dump(large_process(n)), encoding="utf-8")
    sheet = yaml.safe_load((REPO / "register" / "activities" / "formation-operateurs.yaml").read_text(encoding="utf-8"))
    sheet.update(id="synthetique", ref="BENCH-1", name="Activité synthétique", process="synthetique")
    sheet["data_categories"] = sheet["data_categories"][:1]
    sheet["data_categories"][0]["items"] = list(LARGE_ITEMS)
    (root / "register" / "activities" / "synthetique.yaml").write_text(ACTIVITY_HEADER + dump(sheet), encoding="utf-8")


def make_register(root: Path, activities: int, seed: int = SEED) -> list[Path]:
    """Write a synthetic register of ``activities`` sheets under ``root``; return its files."""
    rng = random.Random(seed)
    parties = make_parties(rng)
    written: list[Path] = []
    (root / "register" / "activities").mkdir(parents=True, exist_ok=True)
    (root / "processes").mkdir(parents=True, exist_ok=True)
    org_path = root / "register" / "organization.yaml"
    org_path.write_text(organization_text(parties), encoding="utf-8")
    written.append(org_path)
    builder = _Builder(rng, parties)
    for n in range(activities):
        sheet, process = builder.sheet(n, with_process=n % 10 == 7)
        header = ACTIVITY_HEADER + f"# Synthetic sheet {n + 1} of {activities} (benchmarks/synth.py).\n"
        path = root / "register" / "activities" / f"{sheet['id']}.yaml"
        path.write_text(header + dump(sheet), encoding="utf-8")
        written.append(path)
        if process is not None:
            ppath = root / "processes" / f"{process['id']}.yaml"
            ppath.write_text(PROCESS_HEADER + dump(process), encoding="utf-8")
            written.append(ppath)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder to write register/ and processes/ into")
    parser.add_argument("activities", type=int, help="number of activity sheets")
    args = parser.parse_args()
    files = make_register(args.root, args.activities)
    print(f"{len(files)} files written under {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
