"""The XLSX export, read back with openpyxl: CNIL structure, every value in its place, readable."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from export_registers import controller_activity, free_texts, full_register, organization, processor_activity
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator.export import Options, model, render
from generator.export.xlsx import location, sheet_name
from generator.lint.runner import load_register
from generator.load.register import Register
from generator.render import i18n

SECTION_KEYS = [
    "cnil.sheet.description",
    "cnil.sheet.actors",
    "cnil.sheet.purposes",
    "cnil.sheet.data_categories",
    "cnil.sheet.sensitive_data",
    "cnil.sheet.data_subjects",
    "cnil.sheet.recipients",
    "cnil.sheet.security_measures",
    "cnil.sheet.transfers",
    "cnil.sheet.legal_basis",
    "cnil.sheet.dpia",
]
"""The sections of a sheet, in order: the CNIL fiche's (tab 3), then the legal basis and the DPIA."""


def _load(reg: Register, lang: str = "fr") -> Workbook:
    return load_workbook(io.BytesIO(render(reg, Options("xlsx", lang))))


@pytest.fixture(scope="module")
def centrecall_reg() -> Register:
    return load_register(REPO)


@pytest.fixture(scope="module")
def wb(centrecall_reg: Register) -> Workbook:
    return _load(centrecall_reg)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Register:
    reg = load_register(full_register(tmp_path_factory.mktemp("full")))
    assert reg.ok, [d.text() for d in reg.diagnostics]
    return reg


def rows(ws: Worksheet) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def is_section(cell: Any) -> bool:
    """A section title: bold white on the dark blue band."""
    return bool(cell.font.bold and cell.fill.fgColor.rgb.endswith("1F4E79") and cell.font.color.rgb.endswith("FFFFFF"))


def is_art30_caption(value: Any) -> bool:
    """The Art. 30 items a section answers, quoted under its title."""
    return isinstance(value, str) and value.startswith(("Art. 30(", "Art. 30."))


def sections(ws: Worksheet) -> dict[str, list[list[Any]]]:
    """The rows under each section title (a column-A cell that looks like one), by title; the
    Art. 30 caption under a title is left out (``captions`` reads it)."""
    out: dict[str, list[list[Any]]] = {}
    current: list[list[Any]] | None = None
    for row in ws.iter_rows():
        first = row[0]
        if is_section(first) and first.value:
            current = out.setdefault(str(first.value), [])
        elif current is not None and any(c.value is not None for c in row) and not is_art30_caption(first.value):
            current.append([c.value for c in row])
    return out


def captions(ws: Worksheet) -> dict[str, list[str]]:
    """The Art. 30 captions of a sheet, by section title (lines of the caption cells)."""
    out: dict[str, list[str]] = {}
    title = ""
    for row in ws.iter_rows():
        first = row[0]
        if is_section(first) and first.value:
            title = str(first.value)
        elif is_art30_caption(first.value):
            out.setdefault(title, []).extend(str(first.value).split("\n"))
    return out


def texts(ws: Worksheet) -> set[str]:
    return {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}


def activity_sheet(wb: Workbook, ref: str) -> Worksheet:
    found = [ws for ws in wb.worksheets if isinstance(ws["A1"].value, str) and f" {ref} — " in ws["A1"].value]
    assert len(found) == 1, f"no single sheet for {ref}: {wb.sheetnames}"
    return found[0]


def _link_target(cell: Any) -> str:
    assert cell.hyperlink is not None, f"{cell.coordinate} has no link"
    return str(cell.hyperlink.location)


# --- Structure -----------------------------------------------------------------------------------


def test_sheet_names_are_valid_unique_and_short(wb: Workbook) -> None:
    names = wb.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert len(name.encode("utf-16-le")) // 2 <= 31, name
        assert not re.search(r"[\[\]:*?/\\]", name), name
        assert not name.startswith("'") and not name.endswith("'"), name
    assert names[0] == "Liste des traitements"
    assert names[1] == "Registre sous-traitant"
    assert names[-1] == "Organisme et parties"


def test_every_activity_is_listed_in_its_register_and_links_to_its_sheet(
    wb: Workbook, centrecall_reg: Register
) -> None:
    lists = {"controller": wb["Liste des traitements"], "processor": wb["Registre sous-traitant"]}
    for activity in centrecall_reg.activity_data():
        kind = "processor" if activity["role"] == "processor" else "controller"
        ws, other = lists[kind], lists["controller" if kind == "processor" else "processor"]
        [row] = [r for r in ws.iter_rows() if r[1].value == activity["ref"]]
        assert row[0].value == activity["name"]
        assert row[2].value == dt.datetime.fromisoformat(activity["created"])
        assert row[3].value == dt.datetime.fromisoformat(activity["updated"])
        assert row[4].value == activity["purposes"]["main"]
        assert row[5].value == ("Oui" if activity.get("sensitive_data") else "Non")
        assert activity["ref"] not in texts(other)
        target = _link_target(row[1])
        sheet = activity_sheet(wb, activity["ref"])
        assert target == location(sheet.title), "the ref links to the sheet"
        assert row[0].hyperlink is None, "the name is a plain cell, so that it wraps in LibreOffice"
        assert _link_target(sheet["A2"]) == location(ws.title), "the sheet links back to its list"


def test_list_sheet_has_the_cnil_header_blocks(wb: Workbook) -> None:
    ws = wb["Liste des traitements"]
    found = texts(ws)
    for key in ("head_block", "representative_block", "dpo_block"):
        assert i18n.t(f"cnil.list.{key}", "fr") in found
    assert "Société (si DPO externe)" in found
    assert "Cabinet Conformité Données" in found
    assert {
        "Azri",
        "Nadia",
        "Morel",
        "Julien",
        "n.azri@centrecall.example",
        "dpo@centrecall.example",
    } <= found
    header = next(r for r in rows(ws) if r[0] == "Nom du traitement")
    assert header[:8] == [
        "Nom du traitement",
        "N° / RÉF",
        "Date de création de la fiche",
        "Dernière mise à jour de la fiche",
        "Finalité principale",
        "Données sensibles ?",
        "Rôle de l'organisme",
        "Responsable du traitement",
    ]


def test_processor_register_names_the_client_controller(wb: Workbook) -> None:
    ws = wb["Registre sous-traitant"]
    assert "art. 30.2" in ws["A2"].value
    for row in rows(ws):
        if row[1] in ("ST-ART-01", "ST-ART-02"):
            assert row[6] == "Sous-traitant" and row[7] == "Artemis"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_section_quotes_the_article_30_items_it_answers(
    wb: Workbook, centrecall_reg: Register, lang: str
) -> None:
    """Art. 30(1) on a controller's sheet, Art. 30(2) on a processor's, the law's words in full
    (the labels of cnil.yaml, checked against the GDPR's text)."""
    book = wb if lang == "fr" else _load(centrecall_reg, lang)

    def quoted(*items: str) -> list[str]:
        return [i18n.t(f"cnil.article30.{item}", lang) for item in items]

    def s(key: str) -> str:
        return i18n.t(f"cnil.sheet.{key}", lang)

    controller = captions(activity_sheet(book, "RT-02"))
    assert controller == {
        s("actors"): quoted("1a"), s("purposes"): quoted("1b"), s("data_categories"): quoted("1c", "1f"),
        s("sensitive_data"): quoted("1c", "1f"), s("data_subjects"): quoted("1c"), s("recipients"): quoted("1d"),
        s("security_measures"): quoted("1g"), s("transfers"): quoted("1e"),
    }
    assert any("l'article 49, paragraphe 1, deuxième alinéa" in c or "second subparagraph of Article 49(1)" in c
               for c in controller[s("transfers")])
    processor = captions(activity_sheet(book, "ST-ART-01"))
    assert processor == {
        s("actors"): quoted("2a"), s("purposes"): quoted("2b"),  # above the categories of processing
        s("security_measures"): quoted("2d"), s("transfers"): quoted("2c"),
    }
    rows_ = rows(activity_sheet(book, "ST-ART-01"))
    at = next(i for i, r in enumerate(rows_) if r[0] == quoted("2b")[0])
    assert rows_[at + 1][0] == s("processing_operations")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_processor_register_heads_with_the_processor_not_the_controller(
    wb: Workbook, centrecall_reg: Register, lang: str
) -> None:
    """Art. 30(2)(a): the processor's record opens with the processor's own blocks (the
    organisation as processor), and each row names the controller it acts for."""
    book = wb if lang == "fr" else _load(centrecall_reg, lang)
    own, processor = book.worksheets[0], book.worksheets[1]
    found = rows(processor)
    labels = [r[0] for r in found]
    for key in ("head_block", "representative_block", "dpo_block"):
        assert i18n.t(f"export.processor_list.{key}", lang) in labels
        assert i18n.t(f"cnil.list.{key}", lang) not in labels
        assert i18n.t(f"cnil.list.{key}", lang) in [r[0] for r in rows(own)]  # the controller's list keeps the CNIL's
    head = next(r for r in found if r[0] == i18n.t("export.processor_list.head_block", lang))
    assert head[1:3] == ["Azri", "Nadia"]
    assert not re.search(r"responsable (de|du) traitement|controller", head[0], re.IGNORECASE), head[0]
    header = next(r for r in found if r[0] == i18n.t("cnil.list.name", lang))
    assert header[7] == i18n.t("export.processor_list.controller", lang)
    acting_for = [r[7] for r in found if r[1] in ("ST-ART-01", "ST-ART-02")]
    assert acting_for == ["Artemis", "Artemis"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_activity_sheets_have_the_fiche_sections_in_order(
    wb: Workbook, centrecall_reg: Register, lang: str
) -> None:
    book = wb if lang == "fr" else _load(centrecall_reg, "en")
    wanted = [i18n.t(k, lang) for k in SECTION_KEYS]
    for activity in centrecall_reg.activity_data():
        ws = activity_sheet(book, activity["ref"])
        titles = [t for t in sections(ws) if t in wanted]
        # a processor record has a legal-basis section only when it states the controller's basis
        expected = [t for t in wanted if activity.get("role") != "processor" or t != i18n.t("cnil.sheet.legal_basis", lang)]
        assert titles == expected, ws.title


def test_every_data_category_is_in_its_section_with_its_retention(
    wb: Workbook, centrecall_reg: Register
) -> None:
    for activity in centrecall_reg.activity_data():
        found = sections(activity_sheet(wb, activity["ref"]))
        for section, key in (
            ("Catégories de données personnelles concernées", "data_categories"),
            ("Données sensibles", "sensitive_data"),
        ):
            table = found[section]
            assert table[0][:4] == ["Catégorie", "Description", "Durée de conservation", "Durée (ISO 8601)"]
            for category in activity.get(key) or []:
                matching = [r for r in table if r[1] == category["description"]]
                assert len(matching) == 1, (activity["id"], category["description"])
                row = matching[0]
                assert row[2] == i18n.format_retention(category["retention"], "fr")
                r = category["retention"]
                if "duration" in r:
                    assert row[2].startswith(i18n.format_duration(r["duration"], "fr"))
                    assert r["starts"] in row[2]
                else:  # a period with no fixed term: « Jusqu'à la fin du contrat de travail, … »
                    assert row[2].startswith("Jusqu'à ") and r["until"] in row[2]
                assert row[3] == r.get("duration")
                note = "\n".join(filter(None, [
                    r.get("note"), r.get("justification") and f"Justification de la durée : {r['justification']}"]))
                assert row[4] == (note or None)
        if activity.get("sensitive_data") == []:
            assert found["Données sensibles"][1][0] == "Aucune donnée sensible"


def test_every_recipient_security_measure_and_transfer_is_in_its_section(
    wb: Workbook, centrecall_reg: Register
) -> None:
    for activity in centrecall_reg.activity_data():
        found = sections(activity_sheet(wb, activity["ref"]))
        recipients = [(r[1], r[2]) for r in found["Destinataires"][1:]]
        for recipient in activity.get("recipients") or []:
            assert (recipient["name"], recipient.get("details")) in recipients
        measures = [r[1] for r in found["Mesures de sécurité"][1:]]
        for measure in activity["security_measures"]:
            assert measure["details"] in measures
        transfers = found["Transferts hors UE"][1:]
        assert len(transfers) == max(1, len(activity["transfers"]))
        for transfer, row in zip(activity["transfers"], transfers, strict=False):
            assert row[1] == "États-Unis" if transfer["country"] == "US" else True
            assert row[3] == transfer.get("documentation")


def test_transfer_documentation_links_only_to_web_pages(full: Register) -> None:
    book = _load(full)
    table = sections(activity_sheet(book, "RT-01"))["Transferts hors UE"]
    ws = activity_sheet(book, "RT-01")
    by_text = {
        row[3].value: row
        for row in ws.iter_rows()
        if row[3].value in ("https://example.org/cct.pdf", "Décision d'adéquation")
    }
    url_row = by_text["https://example.org/cct.pdf"]
    assert url_row[3].hyperlink is None, "the address is plain text, so that it wraps in LibreOffice"
    assert url_row[5].value == "Ouvrir" and url_row[5].hyperlink.target == "https://example.org/cct.pdf"
    assert all(c.hyperlink is None for c in by_text["Décision d'adéquation"])
    assert len(table) == 3


def test_processor_sheet_names_the_controller_and_the_processor(wb: Workbook) -> None:
    actors = sections(activity_sheet(wb, "ST-ART-02"))["Acteurs"]
    by_role = {r[0]: r for r in actors[1:]}
    assert by_role["Responsable du traitement"][1].startswith("Artemis")
    assert by_role["Sous-traitant"][1] == "CentreCall"
    assert by_role["Sous-traitant(s) ultérieur(s)"][1] == "VoxCloud Inc."
    assert by_role["Sous-traitant(s) ultérieur(s)"][5] == "États-Unis"
    assert by_role["Société du DPO (si celui-ci est externe)"][1] == "Cabinet Conformité Données"
    purposes = sections(activity_sheet(wb, "ST-ART-02"))["Finalité(s) du traitement effectué"]
    assert purposes[-1][0] == "Catégories de traitements effectués pour le compte du responsable"


def test_no_free_text_of_the_register_is_left_out(full: Register) -> None:
    book = _load(full)
    found = set().union(*(texts(ws) for ws in book.worksheets))
    joined = "\n".join(found)
    sources = [organization(), controller_activity(), processor_activity()]
    missing = [t for t in {t for s in sources for t in free_texts(s)} if t not in found and t not in joined]
    assert not missing


def test_every_sheet_of_the_full_register_is_complete(full: Register) -> None:
    book = _load(full)
    found = sections(activity_sheet(book, "RT-01"))
    labels = [r[0] for r in found["Finalité(s) du traitement effectué"]]
    assert labels == ["Finalité principale"] + [f"Sous-finalité {i}" for i in range(1, 7)]
    basis = {r[0]: r[1] for r in found["Base légale"]}
    assert basis["Base légale"] == "Intérêts légitimes (art. 6.1.f)"
    assert basis["Condition de l'article 9.2"].startswith("Médecine préventive")
    dpia = {r[0]: r[1] for r in found["Analyse d'impact relative à la protection des données (AIPD)"]}
    assert dpia["Statut de l'AIPD"] == "Réalisée"
    assert dpia["Date de l'AIPD ou de l'analyse préalable"] == dt.datetime(2020, 1, 2)
    assert [r[1] for r in found["Remarques"]] == ["Première remarque", "Seconde remarque"]
    actors = {r[0]: r[1] for r in found["Acteurs"][1:]}
    assert actors["Responsable(s) conjoint(s)"].startswith("Partie associe")
    assert actors["Représentant"].startswith("Représentation SA")
    processor = sections(activity_sheet(book, "ST-01"))
    actors = {r[0]: r[1] for r in processor["Acteurs"][1:]}
    assert (
        actors["Représentant du responsable du traitement"]
        == "Mme Prénom repclient Nom repclient, Fonction repclient"
    )
    assert actors["Délégué à la protection des données du responsable du traitement"].startswith(
        "Mme Prénom dpoclient"
    )
    # the law does not ask a processor for the legal basis: no « Base légale : Non renseigné »
    assert "Base légale" not in processor
    assert "Base légale indiquée par le responsable du traitement (pour information)" not in processor
    rights = {r[0]: r[1] for r in found["Information et droits des personnes"]}
    assert rights["Décision individuelle automatisée (article 22)"] == "Non — Aucune décision automatisée"
    assert rights["Accord entre responsables conjoints (article 26)"] == "Accord art. 26 du 2 janvier 2020"
    per_purpose = found["Base légale par finalité"]
    assert ["Sous-finalité 1", "Obligation légale (art. 6.1.c)", "Loi X"] in [list(r[:3]) for r in per_purpose]
    basis = {r[0]: r[1] for r in found["Base légale"]}
    assert basis["Droit de l'Union ou de l'État membre (article 9.2)"] == "Code du travail, art. L. 4624-1"
    assert not any("9(2)" in str(caption) for caption in basis)  # the article cited as the site cites it


# --- Readability ---------------------------------------------------------------------------------


def test_dates_are_real_dates_with_a_date_format(wb: Workbook) -> None:
    ws = activity_sheet(wb, "RT-03")
    created = next(r for r in ws.iter_rows() if r[0].value == "Date de création du traitement")[1]
    assert created.is_date and created.value == dt.datetime(2019, 5, 6)
    assert created.number_format == "DD/MM/YYYY"
    listed = next(r for r in wb["Liste des traitements"].iter_rows() if r[1].value == "RT-03")[2]
    assert listed.is_date


def test_sheets_are_readable_as_opened(wb: Workbook) -> None:
    listing = wb["Liste des traitements"]
    header_row = next(r for r in listing.iter_rows() if r[0].value == "Nom du traitement")[0].row
    assert listing.freeze_panes == f"A{header_row + 1}"
    assert listing.auto_filter.ref.startswith(f"A{header_row}:")
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
        assert ws.column_dimensions["A"].width >= 30, ws.title
        assert ws["A1"].font.bold, ws.title
    ws = activity_sheet(wb, "RT-03")
    section = next(c for row in ws.iter_rows() for c in row if c.value == "Acteurs")
    assert section.font.bold and section.fill.fgColor.rgb.endswith("1F4E79")
    long_text = "Salaire, primes, coordonnées bancaires, cotisations, prélèvement à la source"
    cell = next(c for row in ws.iter_rows() for c in row if c.value == long_text)
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert len(long_text) > ws.column_dimensions[cell.column_letter].width, "the text needs two lines"
    assert (ws.row_dimensions[cell.row].height or 0) >= 30, "the row is tall enough for them"


def test_document_properties(wb: Workbook) -> None:
    assert wb.properties.title == "Registre des activités de traitement — CentreCall"
    assert wb.properties.creator.startswith("ropa ")
    assert wb.custom_doc_props["Language"].value == "fr"


def test_english_workbook(centrecall_reg: Register) -> None:
    book = _load(centrecall_reg, "en")
    assert book.sheetnames[0] == "List of processing activities"
    assert book.properties.title == "Record of processing activities — CentreCall"
    found = sections(activity_sheet(book, "RT-03"))
    assert "Categories of personal data concerned" in found
    row = next(r for r in found["Categories of personal data concerned"] if r[3] == "P5Y")
    assert row[2].startswith("5 years from")


def test_an_empty_register_still_has_its_list(tmp_path: Path) -> None:
    from export_registers import write_yaml

    write_yaml(
        tmp_path / "register" / "organization.yaml", organization(), "../schema/organization.schema.json"
    )
    book = _load(load_register(tmp_path))
    assert book.sheetnames == ["Liste des traitements", "Organisme et parties"]
    assert "Aucun traitement dans ce registre" in texts(book["Liste des traitements"])


# --- Sheet names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("RT-01 Paie", "RT-01 Paie"),
        ("RT-02 Paie: salaires/primes [2024]?*", "RT-02 Paie salaires primes 2024"),
        ("'quoted'", "quoted"),
        ("RT-03 " + "x" * 40, "RT-03 " + "x" * 24 + "…"),
        ("", "Sheet"),
        ("History", "History (2)"),
    ],
)
def test_sheet_name(wanted: str, expected: str) -> None:
    assert sheet_name(wanted, set()) == expected


def test_sheet_names_are_deduplicated_whatever_the_case_and_counted_like_excel() -> None:
    taken: set[str] = set()
    names = [sheet_name("RT-01 " + "Fiche " * 10, taken) for _ in range(12)]
    names.append(sheet_name("rt-01 fiche", taken))
    names.append(sheet_name("RT-01 FICHE", taken))
    names.append(sheet_name("😀" * 20, taken))
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n.encode("utf-16-le")) // 2 <= 31 for n in names)
    assert names[1].endswith(" (2)") and names[11].endswith(" (12)")
    assert names[-2] == "RT-01 FICHE (2)"


def test_sheet_links_survive_apostrophes_in_names() -> None:
    assert location("RT-01 L'équipe") == "'RT-01 L''équipe'!A1"


def test_normalised_document_is_what_the_workbook_shows(centrecall_reg: Register) -> None:
    doc = model.normalise(centrecall_reg, "fr")
    assert [a["ref"] for a in doc["activities"]] == sorted(a["ref"] for a in doc["activities"])


# --- Reproducible bytes --------------------------------------------------------------------------


def test_the_same_register_gives_the_same_bytes_whenever_and_wherever(
    centrecall_reg: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = render(centrecall_reg, Options("xlsx"))
    time.sleep(1.1)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        again = render(centrecall_reg, Options("xlsx"))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert again == first, "a second later, in another time zone, the file is the same"
    book = load_workbook(io.BytesIO(first))
    # not the clock: the register's own date, by which every sheet was updated or reviewed
    assert book.properties.created == dt.datetime(2026, 1, 15)
    assert book.properties.modified == dt.datetime(2026, 1, 15)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = render(centrecall_reg, Options("xlsx"))
    assert load_workbook(io.BytesIO(stamped)).properties.created == dt.datetime(2023, 11, 14, 22, 13, 20)


def test_the_as_of_date_is_the_oldest_latest_update_or_review(wb: Workbook) -> None:
    # CentreCall: the payroll sheet, updated 2024-01-15, was last reviewed 2026-01-15; every
    # other sheet has been reviewed since (the latest update of any sheet is 2024-01-15).
    subtitle = str(wb["Liste des traitements"]["A3"].value)
    assert subtitle.startswith("Registre à jour au 15 janvier 2026 :"), subtitle
    assert model.current_as_of(
        [
            {"updated": "2021-01-01", "last_reviewed": "2026-03-01"},
            {"updated": "2025-06-01"},
            {"updated": "2020-01-01", "last_reviewed": "not a date"},
        ]
    ) == "2020-01-01"
    assert model.current_as_of([]) is None


def test_the_process_cell_names_the_process(wb: Workbook) -> None:
    description = {r[0]: r[1] for r in sections(activity_sheet(wb, "ST-ART-01"))["Description du traitement"]}
    assert description["Processus"] == "Fidélisation de la clientèle d'Artemis (fidelisation)"


def test_a_text_longer_than_a_cell_is_found_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The export's guard (``too_long_texts``), reached only once the loader takes texts longer
    than an Excel cell: it reads the file whose size allows one, and finds it where it is."""
    import shutil

    from generator.export.xlsx import MAX_CELL_TEXT, too_long_texts
    from generator.load import yamlload

    monkeypatch.setattr(yamlload, "MAX_TEXT", 2 * MAX_CELL_TEXT)
    shutil.copytree(REPO / "tests" / "valid" / "mairie", tmp_path / "mairie")
    sheet = tmp_path / "mairie" / "register" / "activities" / "jumelage.yaml"
    lines = sheet.read_text(encoding="utf-8").splitlines()
    lines.append("notes: " + "é" * (MAX_CELL_TEXT + 1))
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = too_long_texts(load_register(tmp_path / "mairie"))
    assert [(d.rule, d.file.endswith("jumelage.yaml"), d.line) for d in found] == [
        ("xlsx-cell-too-long", True, len(lines))]
