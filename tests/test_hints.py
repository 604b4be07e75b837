"""The hints ``ropa validate`` adds to a schema message say the fix only when it is one: a
duration in words gets its ISO form, a retention written as one text its keys, an empty list
`[]` only where a list may be empty, a key written at the wrong level where it goes, and
nothing that would itself be wrong (review of the tenth session)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import set_dotted

from generator.lint.runner import load_register

SHEET = Path("register") / "activities" / "formation-operateurs.yaml"


def _messages(root: Path, change: dict[str, object], lang: str = "en") -> list[str]:
    path = root / SHEET
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        set_dotted(data, dotted, value)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [d.message(lang) for d in load_register(root).diagnostics if d.file.endswith(SHEET.name)]


def _one(messages: list[str], field: str) -> str:
    found = [m for m in messages if m.startswith(field)]
    assert len(found) == 1, messages
    return found[0]


def test_an_empty_list_hint_only_where_a_list_may_be_empty(centrecall: Path) -> None:
    said = _messages(centrecall, {"transfers": None, "data_subjects": None})
    assert "write 'transfers: []' if there is none" in _one(said, "transfers:")
    assert "[]" not in _one(said, "data_subjects:")  # at least one entry: [] would be refused


@pytest.mark.parametrize(("field", "value", "hint"), [
    ("data_categories.0.retention.duration", "3 ans", "; write P3Y"),
    ("data_categories.0.retention.duration", "1 an à compter de la fin du contrat",
     "; write P1Y, and the starting point ('la fin du contrat') in starts"),
    ("review_interval", "1 an", "; write P1Y"),
    ("review_interval", "1 an à compter de la dernière revue", None),  # no starts beside it
    ("data_categories.0.retention.duration", "5 ans sauf contentieux", None),  # words not understood
])
def test_a_duration_in_words(centrecall: Path, field: str, value: str, hint: str | None) -> None:
    message = _one(_messages(centrecall, {field: value}), field.replace(".0.", "[0]."))
    if hint is None:
        assert "; write" not in message, message
    else:
        assert message.endswith(hint) or f"{hint} " in message or message.endswith(f"{hint} [schema-pattern]"), message


@pytest.mark.parametrize(("value", "block"), [
    ("5 ans à compter de la fin du contrat, puis archivage",
     "{duration: P5Y, starts: la fin du contrat, end_action: archiving}"),
    ("3 ans", "{duration: P3Y, starts: TO BE COMPLETED, end_action: TO BE COMPLETED}"),
    ("jusqu'au départ, puis suppression", "{until: le départ, end_action: deletion}"),
    ("5 ans sauf contentieux en cours", None),
    ("jusqu'à 5 ans", None),
])
def test_a_retention_written_as_one_text(centrecall: Path, value: str, block: str | None) -> None:
    message = _one(_messages(centrecall, {"data_categories.0.retention": value}), "data_categories[0].retention:")
    if block is None:
        assert "for example" not in message, message
    else:
        assert f"for example {block}" in message, message


def test_a_key_beside_its_mapping_is_sent_under_it_unless_it_is_there(centrecall: Path) -> None:
    path = centrecall / SHEET
    text = path.read_text(encoding="utf-8")
    beside = text.replace("      end_action: deletion\n  - category: professional_life",
                          "    end_action: deletion\n  - category: professional_life", 1)
    assert beside != text
    path.write_text(beside, encoding="utf-8")
    said = [d.message("en") for d in load_register(centrecall).diagnostics if d.rule == "schema-unknown-key"]
    assert any("indent it under 'retention'" in m for m in said), said
    # the same key beside a retention that has its own: no hint to make a duplicate key
    both = text.replace("      end_action: deletion\n  - category: professional_life",
                        "      end_action: deletion\n    end_action: deletion\n  - category: professional_life", 1)
    path.write_text(both, encoding="utf-8")
    said = [d.message("en") for d in load_register(centrecall).diagnostics if d.rule == "schema-unknown-key"]
    assert said and not any("indent it under" in m for m in said), said


def test_a_second_copy_of_a_key_is_to_remove_not_to_move(centrecall: Path) -> None:
    """``end_action`` beside a retention that has its own, ``description`` inside a retention whose
    category has its own: the hint says the key is there already (no « indent it » that would
    make a duplicate key, no « did you mean 'retention' »)."""
    path = centrecall / SHEET
    text = path.read_text(encoding="utf-8")
    end = "      end_action: deletion\n  - category: professional_life"
    for changed, said in ((end.replace("  - category", "    end_action: deletion\n  - category"),
                           "'retention' has its own 'end_action' already"),
                          (end.replace("  - category", "      description: Nom\n  - category"),
                           "'data_categories[0]' has its own 'description' already"),
                          (end.replace("  - category", "    sensitive_data: []\n  - category"),
                           "'(top level)' has its own 'sensitive_data' already")):
        path.write_text(text.replace(end, changed, 1), encoding="utf-8")
        found = [d.message("en") for d in load_register(centrecall).diagnostics if d.rule == "schema-unknown-key"]
        assert found and all(said in m and "did you mean" not in m and "indent it" not in m for m in found), found


@pytest.mark.parametrize(("line", "hint"), [
    ("b: 'l'école'", "inside single quotes, write an apostrophe twice"),
    ('b: "le "Petit Prince" de"', "inside double quotes, write a quote as"),
])
def test_a_quote_closed_early(line: str, hint: str) -> None:
    from generator.load.yamlload import LoadError, parse_bytes

    with pytest.raises(LoadError) as caught:
        parse_bytes(f"a: 1\n{line}\n".encode(), Path("x.yaml"), "x.yaml")
    assert hint in str(caught.value) and "indentation" not in str(caught.value)
