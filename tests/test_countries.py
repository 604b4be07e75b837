"""``generator/data/countries.yaml`` is ISO 3166-1 as pycountry has it (codes, French and English
common names), kept as a data file so that no command imports pycountry to check a country.
Run this file (``.venv/bin/python tests/test_countries.py``) to regenerate the list after a
pycountry upgrade; the test says when the two differ."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pycountry
import pytest

from generator import vocab

DATA = Path(__file__).resolve().parent.parent / "generator" / "data" / "countries.yaml"


def from_pycountry() -> dict[str, dict[str, str]]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    out = {}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        name = getattr(country, "common_name", None) or country.name
        out[country.alpha_2] = {"fr": french.gettext(name), "en": name}
    return out


def test_the_data_file_is_pycountrys_list() -> None:
    assert vocab.countries() == from_pycountry()
    assert re.search(rf"pycountry {re.escape(pycountry.__version__)}\b", DATA.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("code", "fr", "en"), [("US", "États-Unis", "United States"), ("KR", "Corée du Sud", "South Korea"),
                                                ("fr", "France", "France")])
def test_names_and_codes(code: str, fr: str, en: str) -> None:
    assert vocab.is_country(code)
    assert (vocab.country_name(code, "fr"), vocab.country_name(code, "en")) == (fr, en)


@pytest.mark.parametrize("code", ["XX", "ZZ", "FRA", "", 12])
def test_an_unknown_code_is_no_country(code: object) -> None:
    assert not vocab.is_country(code)  # type: ignore[arg-type]
    assert vocab.country_name(code, "fr") == str(code)  # type: ignore[arg-type]


if __name__ == "__main__":  # regenerate the data file from pycountry
    text = DATA.read_text(encoding="utf-8")
    head = text[: text.index("countries:\n")]
    head = re.sub(r"pycountry [0-9.]+", f"pycountry {pycountry.__version__}", head)
    rows = [f"  {code}: {{fr: {json.dumps(n['fr'], ensure_ascii=False)}, en: {json.dumps(n['en'], ensure_ascii=False)}}}"
            for code, n in from_pycountry().items()]
    DATA.write_text(head + "countries:\n" + "\n".join(rows) + "\n", encoding="utf-8")
