"""The data model in words: labels in both languages, durations and dates, countries, and the
dated data files (EEA, adequacy decisions) the transfer checks rely on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from generator import vocab
from generator.render import i18n
from generator.resources import load_data

LABEL_FILES = sorted((REPO / "generator" / "data" / "labels").glob("*.yaml"))


def _leaves(node: Any, key: str) -> Iterator[tuple[str, Any]]:
    """(dotted key, node) for every leaf: a mapping whose keys are the languages."""
    if isinstance(node, dict) and set(node) & set(vocab.LANGUAGES):
        yield key, node
    elif isinstance(node, dict):
        for name, child in node.items():
            yield from _leaves(child, f"{key}.{name}")
    else:
        yield key, node


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.name)
def test_every_label_has_french_and_english(path: Path) -> None:
    problems = []
    for key, leaf in _leaves(load_data(f"labels/{path.stem}"), path.stem):
        if not isinstance(leaf, dict):
            problems.append(f"{key}: {leaf!r} is not a {{fr: ..., en: ...}} mapping")
            continue
        for lang in vocab.LANGUAGES:
            value = leaf.get(lang)
            if not ((isinstance(value, str) and value.strip()) or (isinstance(value, list) and value)):
                problems.append(f"{key}: no '{lang}' label")
        extra = set(leaf) - set(vocab.LANGUAGES)
        if extra:
            problems.append(f"{key}: unexpected keys {sorted(extra)} beside the languages")
    assert not problems, f"generator/data/labels/{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "duration, fr, en",
    [
        ("P1Y", "1 an", "1 year"),
        ("P5Y", "5 ans", "5 years"),
        ("P6M", "6 mois", "6 months"),
        ("P1M", "1 mois", "1 month"),
        ("P30D", "30 jours", "30 days"),
        ("P2W", "2 semaines", "2 weeks"),
        ("P1Y6M", "1 an et 6 mois", "1 year and 6 months"),
        ("P1Y2M3D", "1 an, 2 mois et 3 jours", "1 year, 2 months and 3 days"),
    ],
)
def test_durations_read_in_words(duration: str, fr: str, en: str) -> None:
    assert i18n.format_duration(duration, "fr") == fr
    assert i18n.format_duration(duration, "en") == en


def test_retention_reads_as_a_sentence() -> None:
    retention = {"duration": "P1Y", "starts": "la date du dernier échange avec le client", "end_action": "deletion"}
    assert i18n.format_retention(retention, "fr") == (
        "1 an à compter de la date du dernier échange avec le client, puis suppression"
    )
    assert i18n.format_retention({"duration": "P6M", "end_action": "anonymisation"}, "en") == (
        "6 months, then anonymisation"
    )


def test_dates_read_in_words() -> None:
    assert i18n.format_date("2020-09-15", "fr") == "15 septembre 2020"
    assert i18n.format_date("2020-09-15", "en") == "15 September 2020"
    assert i18n.format_date("2021-10-01", "fr") == "1er octobre 2021"
    assert i18n.format_date("2021-02-30", "fr") == "2021-02-30"  # not a date: shown as written


def test_vocabulary_labels() -> None:
    assert vocab.label("role", "processor", "fr") == "Sous-traitant"
    assert vocab.label("role", "processor", "en") == "Processor"
    assert vocab.label("recipient_type", "third_country", "fr") == (
        "Destinataires dans des pays tiers ou organisations internationales"
    )
    assert vocab.label("safeguard", "nonexistent", "fr") == "nonexistent"


def test_country_names_in_both_languages() -> None:
    assert vocab.country_name("US", "fr") == "États-Unis"
    assert vocab.country_name("US", "en") == "United States"
    assert vocab.country_name("DE", "fr") == "Allemagne"
    assert vocab.is_country("GB") and not vocab.is_country("UK")


def test_eea_list_is_dated_and_complete() -> None:
    data = load_data("eea")
    assert dt.date.fromisoformat(str(data["as_of"]))
    countries = vocab.eea_countries()
    assert len(countries) == 30  # EU-27, Iceland, Liechtenstein, Norway
    assert all(vocab.is_country(c) for c in countries)
    assert {"FR", "DE", "IE", "IS", "LI", "NO"} <= countries and "GB" not in countries and "CH" not in countries


def test_adequacy_list_is_dated_and_outside_the_eea() -> None:
    data = vocab.adequacy()
    assert dt.date.fromisoformat(str(data["as_of"])) <= dt.date.today()
    assert all(str(s["url"]).startswith("https://") for s in data["source"])
    adequate = {d["country"]: d for d in data["decisions"] if "country" in d}
    assert all(vocab.is_country(c) for c in adequate), [c for c in adequate if not vocab.is_country(c)]
    assert not set(adequate) & vocab.eea_countries()
    assert {"CH", "GB", "JP", "KR", "CA", "US", "BR"} <= set(adequate)
    # partial decisions say whom they cover and what the register must record
    for code in ("US", "CA", "JP"):
        assert adequate[code]["scope"] == "partial" and adequate[code]["coverage"]["fr"]
        assert adequate[code]["certification_hint"]["en"]
    assert all(d["scope"] in ("whole", "partial") for d in data["decisions"])


FRENCH_WORDS = re.compile(r"(?<![\w’'])(?:(?:le|la|les|du|des|de|à|au|aux)(?!\w)|[ld]['’])", re.IGNORECASE)
CONTRACTED = {"le": ("du", "au"), "la": ("de la", "à la"), "l'": ("de l'", "à l'"), "les": ("des", "aux")}


@pytest.mark.parametrize("code", sorted(vocab.vocabularies()["retention_start"]))
def test_retention_events_read_in_each_language(code: str) -> None:
    """Every starting event of the vocabulary, as a code and as its French words: English reads
    « from the … » with no French article; French contracts « à compter de » and « jusqu'à »."""
    french = vocab.label("retention_start", code, "fr")
    article = "l'" if french.startswith("l'") else french.split(" ")[0]
    assert article in CONTRACTED, f"{code}: French label {french!r} starts with no article"
    rest = french[2:] if article == "l'" else french.split(" ", 1)[1]
    after_from, after_until = CONTRACTED[article]
    space = "" if article == "l'" else " "
    for starts in (code, french, f"  {french.upper()} "):
        english = i18n.format_retention({"duration": "P1Y", "starts": starts, "end_action": "deletion"}, "en")
        until = i18n.format_retention({"until": starts}, "en")
        assert english.startswith("1 year from the "), english
        assert until.startswith("Until "), until
        for text in (english, until):
            assert not FRENCH_WORDS.search(text), f"French word in English: {text!r}"
        assert vocab.label("retention_start", code, "en") in english
        fr = i18n.format_retention({"duration": "P1Y", "starts": starts, "end_action": "deletion"}, "fr")
        assert fr == f"1 an à compter {after_from}{space}{rest}, puis suppression"
        fr_until = i18n.format_retention({"until": starts}, "fr")
        assert fr_until == f"Jusqu'{after_until}{space}{rest}"
        for wrong in ("de le ", "de les ", "à le ", "à les "):
            assert wrong not in fr + fr_until


def test_retention_words_outside_the_vocabulary() -> None:
    """The register's own words: French contracted, quoted in English (never « from la … »)."""
    retention = {"duration": "P3Y", "starts": "le départ en retraite", "end_action": "archiving"}
    assert i18n.format_retention(retention, "fr") == "3 ans à compter du départ en retraite, puis archivage intermédiaire"
    assert i18n.format_retention(retention, "en") == "3 years from “le départ en retraite”, then intermediate archiving"


@pytest.mark.parametrize(
    ("count", "fr", "en"),
    [
        (0, "Environ 0 personne concernée", "About 0 data subjects"),
        (1, "Environ 1 personne concernée", "About 1 data subject"),
        (2, "Environ 2 personnes concernées", "About 2 data subjects"),
    ],
)
def test_counts_take_each_language_s_number(count: int, fr: str, en: str) -> None:
    """French takes the singular under two (« 0 personne »), English only for one ("0 data subjects")."""
    assert i18n.format_scale({"data_subjects": count}, "fr") == fr
    assert i18n.format_scale({"data_subjects": count}, "en") == en


def test_a_label_s_words_agree_with_its_numbers() -> None:
    """``{n:singular|plural}`` in a label: « 0 fiche modifiée », "0 files changed"."""
    template = {"fr": "{n} {n:fiche modifiée|fiches modifiées}", "en": "{n} {n:file|files} changed"}
    assert [i18n.fill(template["fr"], "fr", {"n": n}) for n in (0, 1, 2)] == [
        "0 fiche modifiée", "1 fiche modifiée", "2 fiches modifiées"]
    assert [i18n.fill(template["en"], "en", {"n": n}) for n in (0, 1, 2)] == [
        "0 files changed", "1 file changed", "2 files changed"]
    assert i18n.fill("{x:>3}|{name}", "en", {"x": "a", "name": "b"}) == "  a|b"  # other specs as str.format


def test_a_date_that_may_be_a_yes_or_no_reads_as_one() -> None:
    """``authority_informed: true`` (a date, or only yes): « Oui », not Python's "True"."""
    from generator.render import i18n

    assert [i18n.format_date(v, "fr") for v in (True, False, "2026-11-02")] == ["Oui", "Non", "2 novembre 2026"]
    assert [i18n.format_date(v, "en") for v in (True, False)] == ["Yes", "No"]
