"""Words in the reader's language: labels from the data files, dates, durations, retentions."""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Mapping
from typing import Any

from generator import vocab
from generator.render.escape import terminal
from generator.resources import DATA_DIR, load_data
from generator.shapes import parse_date, parse_duration

DEFAULT_LANG = vocab.DEFAULT_LANG


@functools.cache
def labels() -> dict[str, Any]:
    """All label files of ``data/labels/``, each under its file name: ``cnil.sheet.actors``."""
    return {p.stem: label_file(p.stem) for p in sorted((DATA_DIR / "labels").glob("*.yaml"))}


@functools.cache
def label_file(name: str) -> Any:
    """One label file of ``data/labels/``, or None: what to read rather than ``labels()`` when
    one file is needed (``t`` reads only the file its key names: ``ropa validate``, the
    pre-commit hook, needs ``cli.yaml`` and ``messages.yaml``, not the site's labels)."""
    return load_data(f"labels/{name}") if (DATA_DIR / "labels" / f"{name}.yaml").is_file() else None


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """The label at dotted ``key`` in ``lang``; raises ``KeyError`` naming the key if missing."""
    first, _, _ = key.partition(".")
    node: Any = {first: label_file(first)} if first and first.isidentifier() else {}
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no label '{key}'")
        node = node[part]
    if not isinstance(node, dict) or lang not in node:
        raise KeyError(f"no label '{key}' in '{lang}'")
    return str(node[lang])


def colon(lang: str) -> str:
    """The colon after a label: French typography puts a space before it."""
    return " : " if lang == "fr" else ": "


def labelled(key: str) -> tuple[str, ...]:
    """The label at ``key`` followed by a colon, as any export of ropa has written it: in either
    language, with either language's colon (English workbooks written before December 2026
    have the French « : » after their English labels); what the importer reads back."""
    return tuple(dict.fromkeys(t(key, lang) + colon(style) for lang in vocab.LANGUAGES for style in vocab.LANGUAGES))


def french_spacing(text: str, lang: str) -> str:
    """French typography in a terminal: the space before « : ; » and inside « » does not break."""
    if lang == "fr":
        for before, after in ((" :", "\u00a0:"), (" ;", "\u00a0;"), ("« ", "«\u00a0"), (" »", "\u00a0»")):
            text = text.replace(before, after)
    return text


class _Counted(string.Formatter):
    """``str.format`` where ``{n:fichier|fichiers}`` writes the word that agrees with the number
    ``n`` in the formatter's language (``singular``), so that a label says « 1 erreur » and
    "0 errors" rather than « 1 erreur(s) »."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" in format_spec and isinstance(value, int):
            return by_count(format_spec, value, self.lang)
        return super().format_field(value, format_spec)


def fill(template: str, lang: str, values: Mapping[str, Any]) -> str:
    """A label's ``template`` in ``lang`` filled in with ``values``: ``{name}`` as ``str.format``
    writes it, ``{n:singular|plural}`` the form that agrees with the number ``n``."""
    return _Counted(lang).vformat(template, (), values)


def message(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """A message of ``labels/messages.yaml`` (what a command prints) in ``lang``, filled in with
    ``values``, texts escaped for a terminal (an id or a file name cannot recolour the screen)
    and numbers kept for the words that agree with them (``fill``)."""
    text = t(f"messages.{key}", lang)
    kept = {k: v if isinstance(v, int) and not isinstance(v, bool) else terminal(v) for k, v in values.items()}
    return french_spacing(fill(text, lang, kept) if values else text, lang)


def format_date(value: Any, lang: str = DEFAULT_LANG) -> str:
    """``2020-09-15`` → « 15 septembre 2020 » / "15 September 2020"; a yes or no where a date may
    also be a boolean (``authority_informed: true``) → « Oui » / "Yes"; other values unchanged."""
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    day = parse_date(value) if isinstance(value, str) else value
    if isinstance(value, str) and day is None:
        return value
    if not isinstance(day, dt.date):
        return "" if value is None else str(value)
    month = label_file("common")["months"][lang][day.month - 1]
    if lang == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def singular(count: int, lang: str = DEFAULT_LANG) -> bool:
    """Whether ``count`` takes a word's singular: in French under two (« 0 activité », « 1,5 an »),
    in English one only ("0 activities")."""
    return abs(count) < 2 if lang == "fr" else count == 1


def by_count(forms: str, count: int, lang: str = DEFAULT_LANG) -> str:
    """The form of ``"singular|plural"`` (a label's two forms) that goes with ``count``."""
    one, many = forms.split("|")
    return one if singular(count, lang) else many


def format_number(value: int, lang: str = DEFAULT_LANG) -> str:
    """``6000`` → « 6 000 » (a narrow no-break space) / "6,000", as ``Intl.NumberFormat`` writes it."""
    return f"{value:,}".replace(",", "\u202f" if lang == "fr" else ",")


def format_duration(value: Any, lang: str = DEFAULT_LANG) -> str:
    """``P1Y`` → « 1 an » / "1 year"; ``P1Y6M`` → « 1 an et 6 mois »."""
    numbers = parse_duration(value)
    if numbers is None:
        return "" if value is None else str(value)
    units = label_file("common")["duration_units"]
    parts = []
    for n, unit in zip(numbers, "YMWD", strict=False):
        if n:
            parts.append(f"{n} {by_count(units[unit][lang], n, lang)}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + f" {t('common.and', lang)} " + parts[-1]
    return parts[0] if parts else str(value)


def _contract(preposition: str, words: str, lang: str) -> str:
    """French contractions: « de le départ » → « du départ », « à les » → « aux »."""
    if lang != "fr":
        return f"{preposition} {words}"
    forms = {"de": {"le": "du", "les": "des"}, "à": {"le": "au", "les": "aux"}}
    head, _, rest = words.partition(" ")
    last = next((p for p in forms if preposition == p or preposition.endswith((" " + p, "'" + p))), "")
    base = preposition[: len(preposition) - len(last)]
    if rest and head in forms.get(last, {}):
        return f"{base}{forms[last][head]} {rest}"
    if preposition.endswith("'") or preposition.endswith("’"):
        return f"{preposition}{words}"
    return f"{preposition} {words}"


def retention_event(value: Any) -> str | None:
    """The ``retention_start`` code a retention's ``starts`` or ``until`` names: the code itself
    or its French words (« la date de l'appel »), spaces and case aside; None for other words."""
    events = vocab.vocabularies()["retention_start"]
    text = " ".join(str(value).split())
    if text in events:
        return text
    return next((code for code, entry in events.items() if entry["fr"].casefold() == text.casefold()), None)


def _event(preposition: str, value: Any, lang: str) -> str:
    """« à compter du départ » / "from the end of the contract"; words outside the vocabulary as
    written, quoted in English (they are the register's own, usually French, words)."""
    code = retention_event(value)
    if code is not None:
        return _contract(preposition, vocab.label("retention_start", code, lang), lang)
    return _contract(preposition, str(value) if lang == "fr" else f"“{value}”", lang)


def format_retention(retention: Any, lang: str = DEFAULT_LANG) -> str:
    """« 1 an à compter du dernier échange, puis suppression »; « jusqu'à la désinscription,
    puis archivage intermédiaire pendant 3 ans »."""
    if not isinstance(retention, dict):
        return ""
    text = format_duration(retention.get("duration"), lang) if retention.get("duration") else ""
    if retention.get("duration") and retention.get("starts"):
        text += " " + _event(t("common.from", lang), retention["starts"], lang)
    if retention.get("until"):
        until = _event(t("common.until", lang), retention["until"], lang)
        text = f"{text}, {until}" if text else until[:1].upper() + until[1:]
    if retention.get("end_action"):
        text += f", {t('common.then', lang)} {vocab.label('retention_end', retention['end_action'], lang).lower()}"
        if retention.get("archive_duration"):
            text += f" {t('common.for_period', lang)} {format_duration(retention['archive_duration'], lang)}"
    return text


def format_scale(scale: Any, lang: str = DEFAULT_LANG) -> str:
    """« Environ 12 000 personnes concernées ; traitement à grande échelle : oui — précisions »."""
    if not isinstance(scale, dict):
        return ""
    parts = []
    count = scale.get("data_subjects")
    if isinstance(count, int) and not isinstance(count, bool):
        parts.append(by_count(t("common.scale_subjects", lang), count, lang).format(n=format_number(count, lang)))
    if isinstance(scale.get("large"), bool):
        answer = t("common.yes" if scale["large"] else "common.no", lang).lower()
        parts.append(f"{t('common.scale_large', lang)}{colon(lang)}{answer}")
    text = " ; ".join(parts) if lang == "fr" else "; ".join(parts)
    if scale.get("details"):
        text = f"{text} — {scale['details']}" if text else str(scale["details"])
    return text[:1].upper() + text[1:]
