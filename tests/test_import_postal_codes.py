"""``ropa import`` of a workbook ``ropa export`` wrote: the parties' addresses, written on one
line (« 12 rang Saint-Jean, G0R 1A0 Saint-Apollinaire, Canada »), come back with their postal
code and city apart in the forms of the EU/EEA, the United Kingdom, Switzerland, Canada and the
United States (generator/data/postal_codes.yaml); what cannot be split is kept whole, and a
warning names the cell."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import Runner

from generator.importer import people, placeholder
from generator.load.register import read_register

ABROAD_LINES = """
ville-quebec | 12 rang Saint-Jean | G0R 1A0 | Saint-Apollinaire | CA
londres | 10 Downing Street | SW1A 1AA | London | GB
amsterdam | Dam 1 | 1012 AB | Amsterdam | NL
berlin | Unter den Linden 1 | 10115 | Berlin | DE
new-york | 350 Fifth Avenue | NY 10118 | New York | US
zurich | Bahnhofstrasse 1 | 8001 | Zürich | CH
varsovie | ul. Marszałkowska 1 | 00-950 | Warszawa | PL
lisbonne | Rua Augusta 1 | 1100-053 | Lisboa | PT
stockholm | Drottninggatan 1 | 111 51 | Stockholm | SE
luxembourg | 1 rue du Marché-aux-Herbes | L-1728 | Luxembourg | LU
dublin | 1 Merrion Square | D02 X285 | Dublin | IE
saint-denis | 1 rue de Paris | 97400 | Saint-Denis | RE
"""
"""Parties abroad, one a line: id | street | postal code | city | country."""
ABROAD = {ident: dict(zip(("street", "postal_code", "city", "country"), rest, strict=True))
          for ident, *rest in (line.split(" | ") for line in ABROAD_LINES.strip().splitlines())}
UNSPLIT = {"street": "Main Street", "postal_code": "D2", "city": "Dublin", "country": "IE"}
"""An Irish address with an old postal district for a code: « D2 Dublin » is no postal code and
city of a form ropa knows: kept whole as the city, the postal code left to complete."""


def _with_parties(root: Path) -> None:
    org = root / "register" / "organization.yaml"
    data = yaml.safe_load(org.read_text(encoding="utf-8"))
    for ident, address in {**ABROAD, "ballymore": UNSPLIT}.items():
        data["parties"].append({"id": ident, "name": f"Partenaire {ident}", "kind": "recipient", "address": address})
    org.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_foreign_postal_codes_come_back_from_the_exported_workbook(lang: str, centrecall: Path, ropa: Runner,
                                                                   tmp_path: Path) -> None:
    _with_parties(centrecall)
    book = tmp_path / "registre.xlsx"
    made = ropa("export", "--format", "xlsx", "--lang", lang, "-o", book, "--root", centrecall)
    assert made.returncode == 0, made.stderr
    lines = [str(c) for ws in openpyxl.load_workbook(book, read_only=True).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(line.startswith("12 rang Saint-Jean, G0R 1A0 Saint-Apollinaire, Canada") for line in lines)
    dest = tmp_path / "imported"
    dest.mkdir()
    done = ropa("import", book, "--root", dest, "--lang", lang)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    parties = {p["id"]: p for p in read_register(dest).org["parties"]}
    for ident, address in ABROAD.items():
        assert parties[ident]["address"] == address, ident
    assert parties["ballymore"]["address"] == {**UNSPLIT, "postal_code": placeholder("D2 Dublin", lang),
                                                "city": "D2 Dublin"}  # kept whole: nothing dropped
    warned = [line for line in done.stderr.splitlines() if "D2 Dublin" in line]
    assert len(warned) == 1, done.stderr
    assert re.search(r"\b[A-Z]{1,3}\d+\b", warned[0]), warned  # the cell, e.g. F14
    assert ("postal code and city not told apart" if lang == "en" else "code postal et ville non distingués") in warned[0]
    assert not [line for line in done.stderr.splitlines() if "G0R 1A0" in line]


@pytest.mark.parametrize(("line", "expected"), [
    ("12 rang Saint-Jean, G0R 1A0 Saint-Apollinaire, Canada", ("G0R 1A0", "Saint-Apollinaire", "CA")),
    ("Dam 1, 1012 Amsterdam, Pays-Bas", ("1012", "Amsterdam", "NL")),  # without the letters: the common form
    ("1 rue de Paris, 97400 Saint-Denis, Réunion, Île de la", ("97400", "Saint-Denis", "RE")),  # a name with a comma
    ("25 avenue des Tilleuls, 69003 Lyon", ("69003", "Lyon", None)),  # no country: as before
    ("Hauptstrasse 1, FL-9490 Vaduz, Liechtenstein", ("FL-9490", "Vaduz", "LI")),
])
def test_read_address(line: str, expected: tuple[str, str, str | None]) -> None:
    found = people.address_contact(line)
    address, unsplit = found.address(), found.unsplit
    assert address is not None and unsplit is None
    assert (address.get("postal_code"), address.get("city"), address.get("country")) == expected


EXAMPLES = """
AT 1010 Wien | BE 1000 Bruxelles | BG 1000 Sofia | CY 1010 Nicosia | CZ 110 00 Praha | DE 10115 Berlin
DK 1050 København | EE 10111 Tallinn | ES 28001 Madrid | FI 00100 Helsinki | FR 75008 Paris | GR 105 57 Athína
HR 10000 Zagreb | HU 1051 Budapest | IE D02 X285 Dublin | IT 00186 Roma | LT LT-01103 Vilnius | LU L-1728 Luxembourg
LV LV-1050 Rīga | MT VLT 1117 Valletta | NL 1012 AB Amsterdam | PL 00-950 Warszawa | PT 1100-053 Lisboa
RO 010011 București | SE 111 51 Stockholm | SI 1000 Ljubljana | SK 811 01 Bratislava | IS 101 Reykjavík
LI 9490 Vaduz | NO 0150 Oslo | CH 8001 Zürich | GB SW1A 1AA London | CA G0R 1A0 Saint-Apollinaire
US DC 20500 Washington
"""
"""A postal code and city (of one word) of each country of generator/data/postal_codes.yaml, as
the export writes them, after the country's code."""


def test_every_form_of_the_data_file_splits_its_example() -> None:
    from generator import vocab
    from generator.resources import load_data

    examples = dict(item.strip().split(" ", 1) for item in EXAMPLES.replace("\n", " | ").split(" | ") if item.strip())
    assert set(examples) == set(load_data("postal_codes")["formats"])
    for code, place in examples.items():
        found = people.address_contact(f"1 Main Street, {place}, {vocab.country_name(code, 'fr')}")
        address, unsplit = found.address(), found.unsplit
        assert address is not None and unsplit is None, code
        postal_code, city = place.rsplit(" ", 1)
        assert (address["postal_code"], address["city"], address["country"]) == (postal_code, city, code)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_unsplit_place_in_a_csv_s_contact_is_kept_whole_and_its_line_named(lang: str, centrecall: Path,
                                                                              ropa: Runner, tmp_path: Path) -> None:
    """The CSV names the parties on one line in its actor columns: a place of a form ropa does
    not know is kept whole there too, the postal code left to complete, and a notice names the
    CSV's line and column (as the workbook's names its cell)."""
    table = tmp_path / "registre.csv"
    made = ropa("export", "--format", "csv", "--lang", lang, "-o", table, "--root", centrecall)
    assert made.returncode == 0, made.stderr
    rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    column = rows[0].index({"fr": "Sous-traitant(s)", "en": "Processor(s)"}[lang])
    named = [n for n, row in enumerate(rows) if n and row[column]]  # controllers' sheets with processors
    line = named[0]
    for n in (line, named[-1]):  # named twice: one party, one notice, where it is first written
        rows[n][column] += "\nBallymore Ltd, Main Street, D2 Dublin, Irlande"
    assert named[-1] != line
    with table.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    dest = tmp_path / "imported"
    dest.mkdir()
    done = ropa("import", table, "--root", dest, "--lang", lang)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    parties = {p["name"]: p for p in read_register(dest).org["parties"]}
    assert parties["Ballymore Ltd"]["address"] == {"street": "Main Street", "postal_code": placeholder("D2 Dublin", lang),
                                                   "city": "D2 Dublin", "country": "IE"}
    warned = [line for line in done.stderr.splitlines() if "D2 Dublin" in line]
    assert len(warned) == 1, done.stderr
    assert ("postal code and city not told apart" if lang == "en" else "code postal et ville non distingués") in warned[0]
    written = table.read_text(encoding="utf-8")
    first = written[:written.index(f"\n{rows[line][0]},")].count("\n") + 2  # where the record starts in the file
    assert first > line + 1  # records before it have cells of several lines
    assert rows[0][column] in warned[0] and re.search(rf"\b(line|ligne) {first}\b", warned[0]), warned
