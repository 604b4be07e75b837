"""The rule table and the problems it describes.

Every rule the validator can emit is declared once, in ``generator/data/rules.yaml``: its id,
severity, group, the law it encodes, a one-line summary and its message, in French and English.
``RULES`` reads that table (once); ``Diagnostic.of`` and ``Document.diagnostic`` make a problem
from a rule id and the values its message names, which are checked against the template at once,
so a call site with an unknown rule, a missing or an extra value fails where it stands.

A message is rendered only when printed, in the reader's language: values that depend on the
language are ``Phrase`` (a label of ``data/labels/lint.yaml`` with its own values) or ``Text``
(a literal French and English pair, such as a schema title « Titre FR / Title EN »).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from generator.render import i18n
from generator.resources import load_data
from generator.vocab import DEFAULT_LANG, LANGUAGES

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")
GROUPS = ("load", "schema", "register", "process", "review")
"""The groups of rules, in the order the README and ``ropa rules`` list them."""
LABELS = "labels/lint"
"""The data file of the pieces messages are built from (type names, hints, ...)."""


@dataclass(frozen=True)
class Phrase:
    """A piece of a message: the label ``key`` of ``data/labels/lint.yaml``, with its values."""

    key: str
    args: tuple[tuple[str, Arg], ...] = ()

    def render(self, lang: str) -> str:
        entry = _labels().get(self.key)
        if not isinstance(entry, dict) or not isinstance(entry.get(lang), str):
            raise KeyError(f"no message piece '{self.key}' in '{lang}' in generator/data/{LABELS}.yaml")
        return _format(entry[lang], dict(self.args), lang)


@dataclass(frozen=True)
class Text:
    """A literal text in each language (a schema title, a country name)."""

    fr: str
    en: str

    def render(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def article_text(code: str) -> Text:
    """A GDPR provision written ``46(3)(b)`` in each language's way: art. 46.3.b / Art. 46(3)(b)."""
    french = code.replace(")(", ".").replace("(", ".").replace(")", "")
    return Text(fr=f"art. {french}", en=f"Art. {code}")


Arg = str | int | float | Phrase | Text
"""A value a message names."""


def phrase(key: str, /, **args: Arg) -> Phrase:
    """``phrase("hint-did-you-mean", name="purposes")``; the key must exist."""
    if key not in _labels():
        raise KeyError(f"no message piece '{key}' in generator/data/{LABELS}.yaml")
    return Phrase(key, tuple(sorted(args.items())))


def either(choices: list[Arg]) -> Arg:
    """``a``, ``a or b``, ``a or b or c``, in the reader's language."""
    if not choices:
        return ""
    out = choices[-1]
    for choice in reversed(choices[:-1]):
        out = phrase("or", first=choice, second=out)
    return out


def render(value: Arg, lang: str) -> Any:
    """A value ready for ``str.format``: pieces in ``lang``, numbers left as numbers."""
    if isinstance(value, (Phrase, Text)):
        return value.render(lang)
    return value


def _format(template: str, args: Mapping[str, Arg], lang: str) -> str:
    return i18n.fill(template, lang, {name: render(value, lang) for name, value in args.items()})


def placeholders(template: str) -> frozenset[str]:
    """The named fields of a ``str.format`` template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@dataclass(frozen=True)
class Rule:
    """One row of the rule table."""

    id: str
    severity: Severity
    group: str
    law: dict[str, str] | None
    summary: dict[str, str]
    message: dict[str, str]

    @property
    def fields(self) -> frozenset[str]:
        """The values the message names (the same in every language)."""
        return placeholders(self.message["en"])

    def check_args(self, args: Mapping[str, Arg]) -> None:
        given = set(args)
        if given != self.fields:
            missing, extra = sorted(self.fields - given), sorted(given - self.fields)
            raise TypeError(
                f"rule '{self.id}': message values do not match generator/data/rules.yaml"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; unexpected: {', '.join(extra)}" if extra else "")
            )


def _text_pair(node: Any, where: str) -> dict[str, str]:
    if not isinstance(node, dict) or set(node) != set(LANGUAGES):
        raise ValueError(f"generator/data/rules.yaml: {where} must have exactly the keys fr and en")
    for lang in LANGUAGES:
        if not isinstance(node[lang], str) or not node[lang].strip():
            raise ValueError(f"generator/data/rules.yaml: {where}.{lang} must be a non-empty text")
    return {lang: node[lang] for lang in LANGUAGES}


def _rule(entry: Any, n: int) -> Rule:
    if not isinstance(entry, dict):
        raise ValueError(f"generator/data/rules.yaml: entry {n} is not a mapping")
    rid = entry.get("id")
    keys = {"id", "severity", "group", "law", "summary", "message"}
    if set(entry) != keys:
        raise ValueError(f"generator/data/rules.yaml: rule {rid!r} must have exactly the keys {sorted(keys)}")
    if entry["severity"] not in SEVERITIES or entry["group"] not in GROUPS:
        raise ValueError(f"generator/data/rules.yaml: rule {rid!r}: severity or group outside {SEVERITIES}, {GROUPS}")
    law = None if entry["law"] is None else _text_pair(entry["law"], f"{rid}.law")
    rule = Rule(str(rid), entry["severity"], entry["group"], law,
                _text_pair(entry["summary"], f"{rid}.summary"), _text_pair(entry["message"], f"{rid}.message"))
    if placeholders(rule.message["fr"]) != placeholders(rule.message["en"]):
        raise ValueError(f"generator/data/rules.yaml: rule {rid!r}: the French and English messages name different values")
    return rule


@functools.cache
def _table() -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for n, entry in enumerate(load_data("rules") or []):
        rule = _rule(entry, n)
        if rule.id in out:
            raise ValueError(f"generator/data/rules.yaml: rule '{rule.id}' is declared twice")
        out[rule.id] = rule
    return dict(sorted(out.items(), key=lambda item: GROUPS.index(item[1].group)))


@functools.cache
def _labels() -> dict[str, Any]:
    data = load_data(LABELS)
    return data if isinstance(data, dict) else {}


def pieces() -> dict[str, Any]:
    """The message pieces of ``data/labels/lint.yaml``, by key."""
    return _labels()


class _Rules(Mapping[str, Rule]):
    """The rule table by id, read on first use, in README order (group, then file order)."""

    def __getitem__(self, rule_id: str) -> Rule:
        try:
            return _table()[rule_id]
        except KeyError:
            raise KeyError(
                f"unknown rule '{rule_id}': declare it in generator/data/rules.yaml"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(_table())

    def __len__(self) -> int:
        return len(_table())


RULES: Mapping[str, Rule] = _Rules()


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located at ``file:line:column`` (both 1-based; 0 when unknown), with the
    values its rule's message names; the message is rendered in a language when printed."""

    file: str
    line: int
    column: int
    severity: Severity
    rule: str
    args: tuple[tuple[str, Arg], ...] = ()

    @classmethod
    def of(cls, rule: str, file: str, line: int, column: int, /, **args: Arg) -> Diagnostic:
        """The problem ``rule`` (an id of the table, whose severity it takes) at a position."""
        entry = RULES[rule]
        entry.check_args(args)
        return cls(file, line, column, entry.severity, rule, tuple(sorted(args.items())))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        template = RULES[self.rule].message["fr" if lang == "fr" else "en"]
        return _format(template, dict(self.args), lang)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """``file:line:column: severity: message [rule]``; the severity stays ``error`` or
        ``warning`` in every language, as editors and CI problem matchers expect."""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message(lang)} [{self.rule}]"


def words(key: str, lang: str) -> str:
    """A piece with no values, in ``lang``."""
    return phrase(key).render(lang)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.file, d.line, d.column, d.rule, d.message("en"))
