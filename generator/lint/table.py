"""The rule table printed for people: ``ropa rules`` (text, Markdown, JSON) and the rule tables
of README.md, which are generated between markers::

    <!-- rules:begin group=register -->
    ...
    <!-- rules:end -->
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from generator.lint.rules import GROUPS, RULES, Rule

BLOCK = re.compile(r"(<!-- rules:begin group=(?P<groups>[a-z,]+) -->\n)(?P<body>.*?)(<!-- rules:end -->)", re.S)
HEADERS = {
    "en": ("Rule", "Severity", "Law", "Meaning"),
    "fr": ("Règle", "Gravité", "Texte", "Signification"),
}
SEVERITY_WORDS = {"fr": {"error": "erreur", "warning": "avertissement"}, "en": {"error": "error", "warning": "warning"}}


def selected(groups: Iterable[str] | None = None) -> list[Rule]:
    """The rules of ``groups`` (default: all), in table order."""
    wanted = set(groups) if groups is not None else set(GROUPS)
    return [rule for rule in RULES.values() if rule.group in wanted]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rules: list[Rule], lang: str = "en") -> str:
    """A Markdown table: rule id, severity, law, summary in ``lang``."""
    head = HEADERS[lang]
    lines = ["| " + " | ".join(head) + " |", "| --- | --- | --- | --- |"]
    for rule in rules:
        law = _cell(rule.law[lang]) if rule.law else "—"
        lines.append(f"| `{rule.id}` | {SEVERITY_WORDS[lang][rule.severity]} | {law} | {_cell(rule.summary[lang])} |")
    return "\n".join(lines) + "\n"


def text(rules: list[Rule], lang: str = "en") -> str:
    """One block per rule: id, severity, group and law, then the summary."""
    out = []
    for rule in rules:
        law = rule.law[lang] if rule.law else "—"
        out.append(f"{rule.id}  [{SEVERITY_WORDS[lang][rule.severity]}, {rule.group}]  {law}\n    {rule.summary[lang]}\n")
    return "".join(out)


def as_json(rules: list[Rule], lang: str = "en") -> str:
    rows = [{"id": r.id, "severity": r.severity, "group": r.group, "law": r.law[lang] if r.law else None,
             "summary": r.summary[lang], "message": r.message[lang]} for r in rules]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def readme_block(groups: str) -> str:
    """The generated content of one README block: the English table, then the French one
    folded in a ``<details>`` element."""
    rules = selected(groups.split(","))
    return (
        markdown(rules, "en")
        + "\n<details><summary>En français</summary>\n\n"
        + markdown(rules, "fr")
        + "\n</details>\n"
    )


def rewrite_readme(text_: str) -> str:
    """``text_`` with every marked block regenerated from the rule table."""
    for match in BLOCK.finditer(text_):
        unknown = set(match["groups"].split(",")) - set(GROUPS)
        if unknown:
            raise ValueError(f"README: unknown rule group(s) {sorted(unknown)} in {match.group(1).strip()}")
    return BLOCK.sub(lambda m: m.group(1) + readme_block(m["groups"]) + m.group(4), text_)
