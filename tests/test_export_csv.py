"""The CSV export, parsed back with the csv module: every field of every activity, round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from export_registers import full_register, organization, write_yaml

from generator.export import Options, model, render
from generator.export.csv_export import LIST_SEPARATOR, columns
from generator.lint.runner import load_register
from generator.load.register import Register
from generator.render import i18n


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Register:
    reg = load_register(full_register(tmp_path_factory.mktemp("full")))
    assert reg.ok
    return reg


@pytest.fixture(scope="module", params=["centrecall", "full"])
def reg(request: pytest.FixtureRequest, full: Register) -> Register:
    return load_register(REPO) if request.param == "centrecall" else full


def parse(data: bytes, encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))


def export(reg: Register, **options: Any) -> bytes:
    return render(reg, Options("csv", **{"header": "keys", **options}))


def lines(cell: str) -> list[str]:
    return cell.split(LIST_SEPARATOR) if cell else []


def values(items: list[dict[str, Any]] | None, get: Any) -> list[str]:
    return ["" if get(i) is None else str(get(i)) for i in items or []]


def test_one_row_per_activity_with_every_field(reg: Register) -> None:
    doc = model.normalise(reg, "fr")
    parsed = parse(export(reg))
    assert [r["ref"] for r in parsed] == [a["ref"] for a in doc["activities"]]
    for row, a in zip(parsed, doc["activities"], strict=True):
        assert row["name"] == a["name"] and row["id"] == a["id"]
        assert row["role"] == a["role"]["label"]
        assert row["created"] == a["created"] and row["updated"] == a["updated"]
        assert row["description"] == a.get("description", "")
        assert row["purposes.main"] == a["purposes"]["main"]
        assert lines(row["purposes.sub"]) == a["purposes"].get("sub", [])
        assert lines(row["processing_operations"]) == [o["label"] for o in a.get("processing_operations", [])]
        assert row["legal_basis.basis"] == a.get("legal_basis", {}).get("basis", {}).get("label", "")
        assert row["legal_basis.details"] == a.get("legal_basis", {}).get("details", "")
        for section, fields in {
            "data_subjects": {
                "category": lambda i: i["category"]["label"],
                "description": lambda i: i["description"],
                "details": lambda i: i.get("details"),
            },
            "recipients": {
                "type": lambda i: i["type"]["label"],
                "name": lambda i: i["name"],
                "details": lambda i: i.get("details"),
            },
            "transfers": {
                "recipient": lambda i: i["recipient"]["name"],
                "country": lambda i: i["country"]["label"],
                "safeguard": lambda i: i.get("safeguard", {}).get("label"),
                "documentation": lambda i: i.get("documentation"),
                "details": lambda i: i.get("details"),
            },
            "security_measures": {"type": lambda i: i["type"]["label"], "details": lambda i: i["details"]},
            "data_categories": {
                "category": lambda i: i["category"]["label"],
                "description": lambda i: i["description"],
                "items": lambda i: ", ".join(i.get("items", [])),
                "retention": lambda i: i["retention"]["text"],
                "retention_iso": lambda i: i["retention"].get("duration"),
                "retention_starts": lambda i: i["retention"].get("starts"),
                "retention_end": lambda i: i["retention"]["end_action"]["label"],
                "retention_note": lambda i: i["retention"].get("note"),
            },
        }.items():
            for n, (field, get) in enumerate(fields.items()):
                expected = values(a.get(section), get)
                if n == 0 and not a.get(section):  # the section's first column says what the XLSX says
                    expected = ["Non renseigné" if a.get(section) is None else "Aucun"]
                assert lines(row[f"{section}.{field}"]) == expected or (
                    expected == [""] and row[f"{section}.{field}"] == ""
                ), (a["id"], section, field)
        assert lines(row["sensitive_data.description"]) == values(
            a.get("sensitive_data"), lambda i: i["description"]
        )
        assert row["sensitive"] == model.sensitive_text(a, "fr")
        assert lines(row["notes"]) == a.get("notes", [])
        assert row["dpia.status"] == a.get("dpia", {}).get("status", {}).get("label", "")


def test_actors_are_named_with_their_contact_details(reg: Register) -> None:
    doc = model.normalise(reg, "fr")
    for row, a in zip(parse(export(reg)), doc["activities"], strict=True):
        for slot in model.actors(doc, a):
            assert lines(row[slot.key]) == [c.line() for c in slot.contacts], (a["id"], slot.key)
        if a["role"]["code"] == "processor":
            assert row["controller"].startswith(a["controller"]["name"])
            assert row["processor"].startswith(doc["organization"]["name"])
        else:
            assert row["controller"].startswith(doc["organization"]["name"])


def test_one_row_per_data_category(reg: Register) -> None:
    doc = model.normalise(reg, "fr")
    parsed = parse(export(reg, per="data-category"))
    expected = []
    for a in doc["activities"]:
        cats = [(c, "Non") for c in a.get("data_categories", [])] + [
            (c, "Oui") for c in a.get("sensitive_data", [])
        ]
        expected += [
            (a["ref"], c["description"], c["retention"]["text"], c["retention"].get("duration", ""), s)
            for c, s in cats
        ]
        if not cats:
            expected.append((a["ref"], "", "", "", ""))
    got = [
        (
            r["ref"],
            r["data_category.description"],
            r["data_category.retention"],
            r["data_category.retention_iso"],
            r["data_category.sensitive"],
        )
        for r in parsed
    ]
    assert got == expected
    assert "data_categories.description" not in parsed[0]
    assert parsed[0]["purposes.main"], "the activity's columns are repeated on each row"


def test_columns_are_the_same_for_every_register(full: Register, tmp_path: Path) -> None:
    write_yaml(
        tmp_path / "register" / "organization.yaml", organization(), "../schema/organization.schema.json"
    )
    empty = load_register(tmp_path)
    for per in ("activity", "data-category"):
        header = next(csv.reader(io.StringIO(export(empty, per=per).decode())))
        assert header == next(csv.reader(io.StringIO(export(full, per=per).decode())))
        assert header == [c.key for c in columns(per, "fr")]
        assert len(set(header)) == len(header)


def test_labels_header_in_the_chosen_language(full: Register) -> None:
    for lang in ("fr", "en"):
        header = next(csv.reader(io.StringIO(render(full, Options("csv", lang)).decode())))
        assert header[:2] == [i18n.t("cnil.list.ref", lang), i18n.t("cnil.list.name", lang)]
        assert (
            f"{i18n.t('cnil.sheet.data_categories', lang)} — {i18n.t('cnil.sheet.retention_col', lang)}"
            in header
        )
        assert len(set(header)) == len(header), "every column has its own label"


def test_rfc_4180_and_the_bom(full: Register) -> None:
    data = export(full)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and b"\r\n" in data.split(b"\n", 1)[0] + b"\n"
    with_bom = export(full, bom=True)
    assert with_bom == b"\xef\xbb\xbf" + data
    assert parse(with_bom, "utf-8-sig") == parse(data)
    row = parse(data)[0]
    assert "\n" in row["purposes.sub"], "multi-line cells are quoted, not split into rows"


def test_line_breaks_inside_a_list_entry_do_not_make_new_entries(tmp_path: Path) -> None:
    from export_registers import controller_activity

    root = full_register(tmp_path)
    activity = controller_activity()
    activity["notes"] = ["première ligne\nseconde ligne", "autre remarque"]
    activity["description"] = "ligne 1\nligne 2"
    write_yaml(
        root / "register" / "activities" / "traitement-complet.yaml",
        activity,
        "../../schema/activity.schema.json",
    )
    row = next(r for r in parse(export(load_register(root))) if r["id"] == "traitement-complet")
    assert lines(row["notes"]) == ["première ligne seconde ligne", "autre remarque"]
    assert row["description"] == "ligne 1\nligne 2", "a plain field keeps its line breaks"
