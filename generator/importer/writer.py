"""The YAML text of an imported file: the editor's schema line first, keys in the order of
``ropa new`` (then the schema's), a comment above each guessed or unmapped value, strings quoted
wherever YAML would read them as something else (``69003``, ``no``, ``2020-01-01T…``, ``: ``).

``render`` checks its own output: the text read back with the register's loader must give the
data it was made from, or it raises (a bug, never a file that says something else).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from generator.errors import LoadError
from generator.importer import Entry, FieldPath
from generator.load.yamlload import parse
from generator.render.escape import terminal

SCHEMA_LINES = {
    "activity": "# yaml-language-server: $schema=../../schema/activity.schema.json",
    "organization": "# yaml-language-server: $schema=../schema/organization.schema.json",
    "process": "# yaml-language-server: $schema=../schema/process.schema.json",
}

# Key orders: ``ropa new``'s (generator/scaffold/activity.yaml.j2), the keys it does not write
# where the schema has them.
ORDERS: dict[str, tuple[str, ...]] = {
    "activity": (
        "id", "ref", "name", "role", "created", "updated", "last_reviewed", "review_interval", "description",
        "controller", "joint_controllers", "processors", "purposes", "processing_operations", "legal_basis",
        "data_subjects", "data_categories", "sensitive_data", "recipients", "transfers", "security_measures",
        "process", "dpia", "notes",
    ),
    "organization": (
        "name", "legal_form", "registration_number", "activity", "employees", "public_body", "address", "phone", "email",
        "head", "representative", "dpo", "review_interval", "parties",
    ),
    "purposes": ("main", "sub"),
    "legal_basis": ("basis", "details", "balancing_test", "special_category_condition",
                    "special_category_details", "criminal_data_authorisation"),
    "data_subjects": ("category", "description", "details"),
    "data_categories": ("category", "description", "items", "retention"),
    "sensitive_data": ("category", "description", "items", "retention"),
    "retention": ("duration", "starts", "end_action", "note"),
    "recipients": ("type", "name", "party", "details"),
    "transfers": ("recipient", "country", "safeguard", "documentation", "details"),
    "security_measures": ("type", "details"),
    "dpia": ("status", "criteria", "cnil_list", "exemption", "reference", "date", "justification"),
    "address": ("street", "postal_code", "city", "country"),
    "person": ("title", "first_name", "last_name", "position", "email", "phone", "address"),
    "dpo": ("type", "person", "company", "designation_date", "cnil_designation_number"),
    "company": ("name", "registration_number", "address", "phone", "email"),
    "representative": ("company", "person", "address", "phone", "email"),
    "parties": ("id", "name", "kind", "description", "registration_number", "address", "phone", "email",
                "contact", "representative", "dpo", "contract"),
}
_ORDER_OF = {
    "head": "person", "contact": "person", "person": "person",
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\r\t]*")


def ordered(mapping: dict[str, Any], key: str | None) -> list[str]:
    order = ORDERS.get(_ORDER_OF.get(key or "", key or ""), ())
    if key == "representative" and "company" in mapping and "person" in mapping:
        order = ORDERS["representative"]
    elif key in ("representative", "dpo") and "last_name" in mapping:
        order = ORDERS["person"]
    known = [k for k in order if k in mapping]
    return known + [k for k in mapping if k not in order]


def scalar(value: Any) -> str:
    """A scalar as YAML: plain when that reads back as the same string, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _DATE.fullmatch(text):
        return text  # the register's dates are plain (YAML 1.2: they stay strings)
    if (
        _PLAIN.fullmatch(text)
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and _reads_back(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


WIDTH = 100
"""Texts longer than this are written folded (``>-``), as the register's own files are."""


def _folded(text: str, indent: str) -> list[str] | None:
    """A long one-line text as the lines of a folded block scalar, or None when folding would
    change it (line breaks, tabs, runs of spaces, spaces at either end)."""
    if len(text) <= WIDTH or text != text.strip() or "  " in text or any(c in text for c in "\n\r\t"):
        return None
    if not text.isprintable():
        return None
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(indent) + len(current) + 1 + len(word) > WIDTH:
            lines.append(indent + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(indent + current)
    return lines


def _reads_back(text: str) -> bool:
    """Whether ``k: text`` reads as the same string, the register's way (YAML 1.2: ``1e3`` is a
    number) and the YAML 1.1 way of most other tools (``no`` is false)."""
    try:
        mine = parse(f"k: {text}\n", Path("<scalar>"), "<scalar>").data
        return bool(mine == {"k": text} and yaml.safe_load(f"k: {text}\n") == {"k": text})
    except (yaml.YAMLError, LoadError):
        return False


class _Emitter:
    def __init__(self, comments: dict[FieldPath, str]) -> None:
        self.comments = comments
        self.lines: list[str] = []

    def comment(self, path: FieldPath, indent: str) -> None:
        text = self.comments.get(path)
        if text:
            self.lines.extend(comment_lines(text, indent))

    def mapping(self, data: dict[str, Any], path: FieldPath, indent: str, parent_key: str | None,
                first_prefix: str | None = None) -> None:
        for n, key in enumerate(ordered(data, parent_key)):
            prefix = first_prefix if (n == 0 and first_prefix is not None) else indent
            if n > 0 or first_prefix is None:
                self.comment((*path, key), indent)
            self.value(key, data[key], (*path, key), indent, prefix)

    def value(self, key: str, value: Any, path: FieldPath, indent: str, prefix: str) -> None:
        head = f"{prefix}{scalar(key) if not re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', key) else key}:"
        if isinstance(value, dict):
            if not value:
                self.lines.append(f"{head} {{}}")
                return
            self.lines.append(head)
            self.mapping(value, path, indent + "  ", key)
        elif isinstance(value, list):
            if not value:
                self.lines.append(f"{head} []")
                return
            self.lines.append(head)
            self.sequence(value, path, indent + "  ", key)
        elif isinstance(value, str) and (folded := _folded(value, indent + "  ")) is not None:
            self.lines.append(f"{head} >-")
            self.lines.extend(folded)
        else:
            self.lines.append(f"{head} {scalar(value)}")

    def sequence(self, items: list[Any], path: FieldPath, indent: str, parent_key: str) -> None:
        for i, item in enumerate(items):
            self.comment((*path, i), indent)
            if isinstance(item, dict) and item:
                first = ordered(item, parent_key)[0]
                self.comment((*path, i, first), indent)
                self.mapping(item, (*path, i), indent + "  ", parent_key, first_prefix=f"{indent}- ")
            elif isinstance(item, list):
                self.lines.append(f"{indent}- " + json.dumps(item, ensure_ascii=False))
            else:
                self.lines.append(f"{indent}- {scalar(item)}")


def comment_lines(text: str, indent: str = "") -> list[str]:
    """``text`` (which may quote the source: a file name, a cell) as YAML comment lines: a
    control character YAML refuses (ESC, NUL) or reads as a line break (NEL, U+2028) shown
    escaped, as in a terminal, so the comment neither breaks the file nor ends early."""
    return [f"{indent}# {terminal(line)}".rstrip() for line in text.splitlines() or [""]]


def render(entry: Entry, lang: str, header: list[str]) -> str:
    """The file's text: the schema line, ``header`` comment lines, the data, the footer."""
    em = _Emitter(entry.comments)
    em.lines.append(SCHEMA_LINES[entry.kind])
    for line in header:
        em.lines.extend(comment_lines(line))
    em.mapping(entry.data, (), "", entry.kind)
    for line in entry.footer:
        em.lines.extend(comment_lines(line))
    out = "\n".join(em.lines) + "\n"
    back = parse(out, Path("<import>"), "<import>").data
    if back != entry.data:
        raise AssertionError(f"the YAML written for {entry.origin.text(lang)} reads back differently")
    return out
