"""From what a DPO typed in a spreadsheet to the register's codes: vocabularies, countries,
durations and retentions, dates, yes and no.

Matching is tolerant: case, accents, spacing, punctuation and a final plural ``s`` are
ignored (``fold``); a value matches a code, its French or English label
(``data/vocabularies.yaml``), the label without its parenthesis, or a known variant of the
CNIL model (``data/import_variants.yaml``). A match on anything but a code or a full label is a
*guess*: the file written says so in a comment.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pycountry

from generator import vocab
from generator.render import i18n
from generator.resources import load_data


def fold(text: Any) -> str:
    """« Contrôle d'accès  des Utilisateurs » → ``controle d acces des utilisateurs``."""
    raw = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in raw if not unicodedata.combining(c)).lower()
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


def _key(text: Any) -> str:
    """``fold`` with each word's plural ``s`` (or ``x``) dropped: Sous-traitants = Sous-traitant."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in fold(text).split())


def _without_parenthesis(text: str) -> str:
    return re.sub(r"\([^)]*\)", " ", text)


@dataclass(frozen=True)
class Match:
    code: str
    guessed: bool


@functools.cache
def _table(vocabulary: str) -> tuple[dict[str, str], dict[str, str]]:
    """``(exact, loose)``: folded code and labels → code; folded variants → code."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for code, labels in vocab.vocabularies().get(vocabulary, {}).items():
        exact.setdefault(_key(code), code)
        for lang in vocab.LANGUAGES:
            text = labels.get(lang)
            if text:
                exact.setdefault(_key(text), code)
                loose.setdefault(_key(_without_parenthesis(text)), code)
    variants: dict[str, list[str]] = (load_data("import_variants") or {}).get(vocabulary, {})
    for code, spellings in variants.items():
        for text in spellings:
            loose.setdefault(_key(text), code)
    return exact, loose


def match(vocabulary: str, text: Any, *, shortened: bool = True) -> Match | None:
    """The code ``text`` stands for in ``vocabulary``, or None. ``shortened``: also a label
    cut short (« État civil, identité… »), when only one label starts that way."""
    if text is None or not str(text).strip():
        return None
    exact, loose = _table(vocabulary)
    key = _key(text)
    bare = _key(_without_parenthesis(str(text)))
    for candidate in (key, bare):
        # « Autres (préciser) », the model's own wording, is « Autres »
        if candidate in exact:
            return Match(exact[candidate], False)
    for candidate in (key, bare):
        if candidate in loose:
            return Match(loose[candidate], True)
    if shortened and len(key) >= 8:
        found = {code for label, code in {**exact, **loose}.items() if label.startswith(key)}
        if len(found) == 1:
            return Match(found.pop(), True)
    return None


def match_list(vocabulary: str, text: Any) -> tuple[list[str], list[str], bool]:
    """A cell listing several values (one a line, or separated by ``,`` ``;``): the codes found,
    the parts that matched nothing (verbatim), and whether any match was a guess."""
    whole = match(vocabulary, text, shortened=False)
    if whole is not None:
        return [whole.code], [], whole.guessed
    codes: list[str] = []
    unknown: list[str] = []
    guessed = False
    for part in re.split(r"[\n;]|,(?![^()]*\))", str(text)):
        part = part.strip(" \t•-–")
        if not part:
            continue
        found = match(vocabulary, part)
        if found is None:
            unknown.append(part)
        elif found.code not in codes:
            codes.append(found.code)
            guessed = guessed or found.guessed
    return codes, unknown, guessed


@functools.cache
def _countries() -> dict[str, str]:
    out: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.name, getattr(country, "common_name", ""), getattr(country, "official_name", ""),
                 vocab.country_name(code, "fr"), vocab.country_name(code, "en")}
        for name in names:
            if name:
                out.setdefault(_key(name), code)
        out.setdefault(_key(country.alpha_3), code)
    for alias, code in (("USA", "US"), ("Etats-Unis d'Amerique", "US"), ("UK", "GB"), ("Angleterre", "GB")):
        out.setdefault(_key(alias), code)
    return out


def country(text: Any) -> str | None:
    """« États-Unis », "United States", ``US``, ``usa`` → ``US``; None when unknown."""
    if text is None:
        return None
    raw = str(text).strip()
    if re.fullmatch(r"[A-Za-z]{2}", raw) and vocab.is_country(raw.upper()):
        return raw.upper()
    return _countries().get(_key(raw))


def organisation(text: Any) -> str | None:
    """An international organisation's id from its id or its French or English name."""
    key = _key(text) if text is not None else ""
    for ident, entry in vocab.international_organisations().items():
        names = [ident, *(entry.get("name") or {}).values()]
        if key and key in {_key(n) for n in names}:
            return ident
    return None


def safeguard_terms(text: str) -> dict[str, str]:
    """What the exports' safeguard cell says after « — »: « (décision partielle) Couverture :
    … », « Couverture : … », an Art. 49 derogation's label, « Autorité de contrôle informée :
    … », « Autorisation de l'autorité de contrôle : … » → ``coverage`` (and ``coverage_checked``,
    ``coverage_url`` from « (vérifiée le …, https://…) » after it), ``derogation``,
    ``authority_informed``, ``authority_authorisation`` (a reference containing « — » is cut there),
    ``outside_public_powers`` (« Hors de l'exercice des prérogatives de puissance publique
    (art. 49.3) : … »). Either language, with either colon (``i18n.labelled``)."""
    coverages = i18n.labelled("site.transfers.coverage")
    partials = tuple(f"{i18n.t('site.transfers.partial_short', lang)} {c}" for lang in vocab.LANGUAGES for c in coverages)
    missing = {fold(i18n.t("site.transfers.coverage_missing", lang)) for lang in vocab.LANGUAGES}
    informed = i18n.labelled("site.transfers.authority_informed")
    authorised = i18n.labelled("site.transfers.authority_authorisation")
    outside = i18n.labelled("site.transfers.outside_public_powers")
    checked = "|".join(re.escape(i18n.t("site.transfers.checked", lang)) for lang in vocab.LANGUAGES)
    evidence = re.compile(rf"(?P<reference>.+?) \((?:(?:{checked}) (?P<checked>[^,()]+?))?(?:, )?(?P<url>https?://[^\s()]+)?\)",
                          re.DOTALL)
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(" — ") if p.strip()):
        if said := _after(part, partials) or _after(part, coverages):
            if fold(said) not in missing:
                found = evidence.fullmatch(said)
                if found and (found["checked"] or found["url"]):
                    said = found["reference"]
                    out |= {f"coverage_{k}": v for k in ("checked", "url") if (v := found[k])}
                out["coverage"] = said
        elif said := _after(part, informed):
            out["authority_informed"] = said
        elif said := _after(part, authorised):
            out["authority_authorisation"] = said
        elif said := _after(part, outside):
            out["outside_public_powers"] = said
        elif match("art49_derogation", part, shortened=False) is not None:
            out["derogation"] = part
    return out


def _after(text: str, marks: tuple[str, ...]) -> str | None:
    """What ``text`` says after the first of ``marks`` it starts with, or None."""
    return next((text[len(mark):] for mark in marks if text.startswith(mark)), None)


# --- durations and retentions -------------------------------------------------------------------

_UNITS = {
    "an": "Y", "ans": "Y", "annee": "Y", "annees": "Y", "year": "Y", "years": "Y",
    "mois": "M", "month": "M", "months": "M",
    "semaine": "W", "semaines": "W", "week": "W", "weeks": "W",
    "jour": "D", "jours": "D", "day": "D", "days": "D",
}
_NUMBERS = {
    "un": 1, "une": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4,
    "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9,
    "dix": 10, "ten": 10, "douze": 12, "twelve": 12, "quinze": 15, "vingt": 20, "trente": 30, "thirty": 30,
}
MAX_AMOUNT_DIGITS = 9
"""Longest number read from a spreadsheet's words (« 5 ans », « 1 200 personnes »): a billion
years or people is past any register; a longer one is kept as the spreadsheet wrote it."""
_AMOUNT = r"(\d+|" + "|".join(_NUMBERS) + r")\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b"
_DURATION = re.compile(rf"^\s*{_AMOUNT}((?:\s*(?:,|et|and)\s*{_AMOUNT})*)", re.IGNORECASE)
_STARTS = re.compile(
    r"^\s*,?\s*(?:(?:à|a) compter (?:de |d'|du |des )|(?:à|a) partir (?:de |d'|du |des )|"
    r"apr[èe]s |from |after |starting (?:from |at )?)(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ARTICLE = {"du ": "le ", "des ": "les "}
_UNTIL = re.compile(r"^\s*(jusqu'(?:à|a|au|aux)|jusqu’(?:à|a|au|aux)|until)\s+(.*)$", re.IGNORECASE | re.DOTALL)
"""« jusqu'à la fin de l'inscription », « jusqu'au désabonnement », "until unsubscription": a
period with no fixed term, ended by an event."""



@dataclass(frozen=True)
class Retention:
    """What a retention text says: an ISO duration, its starting event, the final action."""

    duration: str | None = None
    starts: str | None = None
    end_action: str | None = None
    end_guessed: bool = False
    rest: str = ""
    """What was left over, not understood (kept verbatim by the caller)."""
    until: str | None = None
    """The event that ends a period with no fixed term (« jusqu'au désabonnement »)."""


def duration(text: Any) -> tuple[str | None, str]:
    """« 1 an et 6 mois à compter de … » → (``P1Y6M``, « à compter de … »)."""
    raw = "" if text is None else str(text)
    if re.fullmatch(r"\s*P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?\s*", raw):
        return raw.strip(), ""
    m = _DURATION.match(raw)
    if not m:
        return None, raw
    amounts: dict[str, int] = {}
    for number, unit in re.findall(_AMOUNT, m.group(0), re.IGNORECASE):
        if len(number) > MAX_AMOUNT_DIGITS:  # no duration (and past 4,300 digits, no int())
            return None, raw
        n = int(number) if number.isdigit() else _NUMBERS[number.lower()]
        key = _UNITS[fold(unit)]
        amounts[key] = amounts.get(key, 0) + n
    if not any(amounts.values()):
        return None, raw
    iso = "P" + "".join(f"{amounts[u]}{u}" for u in "YMWD" if amounts.get(u))
    return iso, raw[m.end():]


def retention(text: Any) -> Retention:
    """« 5 ans à compter de la fin du contrat, puis archivage intermédiaire » →
    ``Retention("P5Y", "la fin du contrat", "archiving")``; « 5 ans après le départ » →
    ``Retention("P5Y", "le départ")``."""
    iso, rest = duration(text)
    until = _UNTIL.match(rest) if iso is None else None
    if until is not None and re.search(_AMOUNT, until.group(2), re.IGNORECASE):
        until = None  # « jusqu'à 5 ans », « jusqu'à la fin du contrat puis 5 ans d'archivage »: a duration too
    if iso is None and until is None:
        return Retention(rest=str(text or "").strip())
    end: Match | None = None
    parts = re.split(r"\s*(?:,\s*)?\b(?:puis|then)\b\s*", rest, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) == 2:
        end = match("retention_end", parts[1].strip(" .;"))
        if end is not None:
            rest = parts[0]
    if until is not None:
        # ``rest`` is now the words before « , puis … », which the match began with
        words = rest[until.start(2):].strip(" .;,")
        lead = until.group(1).lower()
        words = ("les " if lead.endswith("aux") else "le " if lead.endswith("au") else "") + words
        return Retention(None, None, end.code if end else None, bool(end and end.guessed), "", words or None)
    starts: str | None = None
    m = _STARTS.match(rest)
    if m:
        starts = m.group(1).strip(" .;,")
        lead = rest[: m.start(1)].lower()
        for short, article in _ARTICLE.items():
            if lead.endswith(short):
                starts = article + starts
        rest = ""
    leftover = rest.strip(" .;,")
    return Retention(iso, starts or None, end.code if end else None, bool(end and end.guessed), leftover)


# --- dates and flags ----------------------------------------------------------------------------


def date(value: Any) -> str | None:
    """A cell as an ISO date: a date or datetime cell, ``2019-05-06``, ``06/05/2019``, or a date
    in words as ``i18n.format_date`` writes it in either language (« 1er mars 2026 », "1 March
    2026")."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = "" if value is None else str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?", text)
    worded = _WORDED.fullmatch(fold(text))
    if m:
        y, mo, d = map(int, m.groups())
    elif worded:
        d, mo, y = int(worded[1]), _months()[worded[2]], int(worded[3])
    else:
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if not m:
            return None
        d, mo, y = map(int, m.groups())
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


_WORDED = re.compile(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})")


@functools.cache
def _months() -> dict[str, int]:
    """The months' names of ``data/labels/common.yaml`` in either language, folded → 1 … 12."""
    names = i18n.label_file("common")["months"]
    return {fold(name): n for lang in vocab.LANGUAGES for n, name in enumerate(names[lang], start=1)}


def yes_no(value: Any) -> bool | None:
    key = fold(value)
    if key in ("oui", "yes", "o", "y", "true", "vrai", "x"):
        return True
    if key in ("non", "no", "n", "false", "faux"):
        return False
    return None


def is_none(value: Any) -> bool:
    """« Aucun », « Aucune donnée sensible », "None", « Néant »: the section says "nothing"."""
    key = fold(value)
    return key in ("aucun", "aucune", "none", "neant", "sans objet", "non applicable", "n a", "na") or key.startswith(
        ("aucun ", "aucune ", "no ")
    )


# --- a retention in the exports' words ------------------------------------------------------------


def _unsaid(preposition: str, phrase: str, lang: str) -> list[str]:
    """The texts ``words`` the exports may have written as ``phrase``, « preposition words »
    (``i18n``'s French contractions undone: « à compter du départ » → « le départ »)."""
    found = []
    for head in (preposition + " ", preposition):
        if phrase.startswith(head) and len(phrase) > len(head):
            found.append(phrase[len(head):])
    last = preposition.rsplit(" ", 1)[-1].rsplit("'", 1)[-1]
    base = preposition[: len(preposition) - len(last)]
    contracted = {"de": {"du": "le", "des": "les"}, "à": {"au": "le", "aux": "les"}}.get(last, {})
    for short, article in contracted.items():
        if phrase.startswith(f"{base}{short} "):
            found.append(f"{article} {phrase[len(base) + len(short) + 1:]}")
    # candidates: ``retention_words`` keeps the one that writes the same words
    return [event for words in found for event in _event_words(words, lang)]


def _event_words(words: str, lang: str) -> list[str]:
    """What a register may have written for an event an export says as ``words``: an event of
    the ``retention_start`` vocabulary in the French words a register writes (« la date de
    l'appel », from "the date of the call" too), other words as they are (unquoted: the
    English exports quote them, “le départ”)."""
    if lang != "fr" and len(words) > 2 and words[0] == "“" and words[-1] == "”":
        return [words[1:-1]]
    folded = words.casefold()
    codes = [code for code, entry in vocab.vocabularies()["retention_start"].items()
             if str(entry[lang]).casefold() == folded]
    return [*(str(vocab.vocabularies()["retention_start"][code]["fr"]) for code in codes), words]


def _heads(head: str, iso: str | None, lang: str) -> list[dict[str, str]]:
    """The ``duration``, ``starts`` and ``until`` the head of a retention text can be written from."""
    from_, until = i18n.t("common.from", lang), i18n.t("common.until", lang)
    if iso is None:
        lowered = head[:1].lower() + head[1:]
        return [{"until": u} for u in _unsaid(until, lowered, lang)]
    said = i18n.format_duration(iso, lang)
    if not head.startswith(said):
        return []
    rest = head[len(said):]
    out: list[dict[str, str]] = []
    if not rest:
        out.append({"duration": iso})
    if rest.startswith(", "):
        out += [{"duration": iso, "until": u} for u in _unsaid(until, rest[2:], lang)]
    if rest.startswith(" "):
        body = rest[1:]
        # a period that also runs until an event is likelier than a starting event holding
        # « , jusqu'à »: the shorter starting event first (the words are the same either way)
        cuts = [m.start() for m in re.finditer(", ", body)] + [len(body)]
        for cut in cuts:
            tail = body[cut:]
            untils = [None] if not tail else ([*_unsaid(until, tail[2:], lang)] if tail.startswith(", ") else [])
            for s in _unsaid(from_, body[:cut], lang):
                out += [{"duration": iso, "starts": s, **({"until": u} if u else {})} for u in untils]
    return out


def scale_words(said: Any) -> dict[str, Any] | None:
    """A scale written by ``ropa export`` (« Environ 12 000 personnes concernées ; traitement à
    grande échelle : non — details »), read back exactly: the ``data_subjects``, ``large`` and
    ``details`` that write these very words, in French or English; None for other text."""
    if not isinstance(said, str) or not said.strip():
        return None
    head, _, details = said.partition(" — ")
    for lang in vocab.LANGUAGES:
        candidate: dict[str, Any] = {}
        for part in re.split(r"\s*;\s*", head):
            number = re.search(r"\d[\d\u202f\u00a0,. ]*", part)
            answer = yes_no(part.rpartition(":")[2]) if ":" in part else None
            if answer is not None:
                candidate["large"] = answer
            elif number and len(digits := re.sub(r"\D", "", number.group())) <= MAX_AMOUNT_DIGITS:
                candidate["data_subjects"] = int(digits)
        if details:
            candidate["details"] = details
        if i18n.format_scale(candidate, lang) == said:
            return candidate
    whole = {"details": said}  # words alone (no number, no assessment)
    return whole if i18n.format_scale(whole) == said else None


def retention_words(text: Any, iso: str | None, starts: str | None = None) -> dict[str, str] | None:
    """A retention written by ``ropa export`` (« Jusqu'à la fin du contrat, puis archivage
    intermédiaire pendant 5 ans »; the ISO duration of its own column), read back exactly: the
    ``duration``, ``starts``, ``until``, ``end_action`` and ``archive_duration`` that write these
    very words (in French or English), or None for any other text (read by ``retention``).
    ``starts``: the starting event when the file gives it in a column of its own (the CSV)."""
    if not isinstance(text, str) or not text.strip():
        return None
    for lang in vocab.LANGUAGES:
        then, period = i18n.t("common.then", lang), i18n.t("common.for_period", lang)
        ends: list[tuple[str, dict[str, str]]] = []
        for code in vocab.vocabularies().get("retention_end", {}):
            mark = f", {then} {vocab.label('retention_end', code, lang).lower()}"
            cut = text.rfind(mark)
            if cut < 0:
                continue
            tail = text[cut + len(mark):]
            if not tail:
                ends.append((text[:cut], {"end_action": code}))
            elif tail.startswith(f" {period} "):
                archive, left = duration(tail[len(period) + 2:])
                if archive and not left:
                    ends.append((text[:cut], {"end_action": code, "archive_duration": archive}))
        for head, end in [*ends, (text, {})]:
            for found in _heads(head, iso, lang):
                candidate = {**found, **end}
                if starts is not None and candidate.get("starts") != starts:
                    continue
                if re.search(_AMOUNT, candidate.get("until", ""), re.IGNORECASE):
                    continue  # « Jusqu'à 5 ans »: a duration typed after « jusqu'à », not an event
                if i18n.format_retention(candidate, lang) == text:
                    return candidate
    return None
