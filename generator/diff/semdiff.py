"""The semantic diff of a register: what changed between two states, in words.

``diff(old, new, lang)`` compares two snapshots (``{path: parsed data}`` of the register files,
as ``gitinfo.read_files`` and ``parse_files`` give them) and returns one ``DocumentChange`` per
file that changed, each with its ``FieldChange``s: the field named by its schema title, the old
and new values in words (vocabulary labels, « 1 an », « 15 septembre 2020 », country names).
Lists are compared as sets of items: a recipient added, a purpose removed, the retention of one
data category changed. ``format_text`` and ``format_markdown`` print the result; the Markdown is
meant for a pull-request comment, every value escaped with ``escape.md``.

Everything here is a pure function of its arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from generator import vocab
from generator.lint.schema import _lookup as subschema
from generator.load.layout import SOURCE_FOLDERS, kind_of
from generator.load.yamlload import LoadError, parse
from generator.render import i18n
from generator.render.escape import gfm
from generator.resources import load_schema, schema_dir

Status = Literal["added", "removed", "changed"]

FOLDERS = SOURCE_FOLDERS
"""The folders of a register repository that hold its files."""

# List fields whose items are mappings: the keys that identify an item, most specific first.
# Items are paired on all the keys, then on the first one alone; what stays unpaired was added
# or removed. The same keys name the item in the change's breadcrumb.
ITEM_KEYS: dict[str, tuple[str, ...]] = {
    "data_categories": ("category", "description"),
    "sensitive_data": ("category", "description"),
    "data_subjects": ("category", "description"),
    "recipients": ("name", "type"),
    "transfers": ("recipient", "country"),
    "security_measures": ("type", "details"),
    "parties": ("id", "name"),
}
_DEFAULT_ITEM_KEYS = ("id", "name")
_BREADCRUMB = " › "


@dataclass(frozen=True)
class FieldChange:
    """One field of one file: ``old`` is None when it was added, ``new`` when it was removed."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class DocumentChange:
    """One register file added, removed or changed."""

    kind: str
    status: Status
    title: str
    old_path: str | None
    new_path: str | None
    changes: tuple[FieldChange, ...] = ()

    @property
    def renamed(self) -> bool:
        return bool(self.old_path and self.new_path and self.old_path != self.new_path)


@dataclass(frozen=True)
class Snapshot:
    """The register files at one revision: data by path, and the files that could not be read."""

    data: dict[str, Any]
    problems: dict[str, str]


# --- reading ---------------------------------------------------------------------------------


def parse_files(files: dict[str, str]) -> Snapshot:
    """Parse the register files among ``files`` (``{path: text}``) with the register's loader."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for path, text in sorted(files.items()):
        if kind_of(path) is None:
            continue
        try:
            data[path] = parse(text, PurePosixPath(path), path).data  # type: ignore[arg-type]
        except LoadError as exc:
            problems[path] = f"{path}:{exc.line}:{exc.column}: {exc.message}"
    return Snapshot(data, problems)


# --- words -----------------------------------------------------------------------------------


@functools.cache
def _schema(kind: str) -> dict[str, Any]:
    return load_schema(kind) if (schema_dir() / f"{kind}.schema.json").is_file() else {}


@functools.cache
def _vocabulary_for(values: frozenset[str]) -> str | None:
    """The vocabulary whose keys are exactly an enum's values."""
    for name, entries in vocab.vocabularies().items():
        if frozenset(entries) == values:
            return name
    return None


def _title(schema: Any, fallback: str, lang: str) -> str:
    """The field's name from its schema title « Français / English »."""
    title = schema.get("title") if isinstance(schema, dict) else None
    if not isinstance(title, str):
        return fallback
    fr, sep, en = title.partition(" / ")
    return (en if lang == "en" and sep else fr).strip()


def _sub(kind: str, path: tuple[Any, ...]) -> Any:
    root = _schema(kind)
    return subschema(root, path) if root else None


def field_label(kind: str, path: tuple[Any, ...], lang: str) -> str:
    """« Destinataires › Précisions »: a field named by the schema titles along its path
    (list indexes skipped)."""
    return _BREADCRUMB.join(
        _title(_sub(kind, path[: i + 1]), str(part), lang)
        for i, part in enumerate(path)
        if not isinstance(part, int)
    )


def words(value: Any, kind: str, path: tuple[Any, ...], lang: str) -> str:
    """A value as the reader should see it: labels for codes, dates and durations in words.

    ``kind`` and ``path`` say where the value stands, so its schema says what it is.
    """
    if value is None:
        return ""
    schema = _sub(kind, path)
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, bool):
        return i18n.t("common.yes" if value else "common.no", lang)
    if isinstance(value, str):
        if isinstance(schema.get("enum"), list):
            name = _vocabulary_for(frozenset(str(v) for v in schema["enum"]))
            return vocab.label(name, value, lang) if name else value
        if schema.get("format") == "date":
            return i18n.format_date(value, lang)
        pattern = str(schema.get("pattern", ""))
        if pattern.startswith("^P("):
            return i18n.format_duration(value, lang)
        if pattern == "^[A-Z]{2}$" and vocab.is_country(value):
            return f"{vocab.country_name(value, lang)} ({value})"
        return value
    if isinstance(value, list):
        return ", ".join(words(v, kind, path + (0,), lang) for v in value)
    if isinstance(value, dict):
        if "duration" in value and "starts" in value:
            return i18n.format_retention(value, lang)
        return "; ".join(
            f"{_title(_sub(kind, path + (k,)), str(k), lang)}{colon(lang)}{words(v, kind, path + (k,), lang)}"
            for k, v in value.items()
        )
    return str(value)


def _item_keys(field: Any) -> tuple[str, ...]:
    return ITEM_KEYS.get(str(field), _DEFAULT_ITEM_KEYS)


def _item_name(item: dict[str, Any], kind: str, path: tuple[Any, ...], lang: str) -> str:
    """How an item of a list is named in a breadcrumb: its identifying fields, in words."""
    keys = [k for k in _item_keys(path[-2] if len(path) > 1 else "") if item.get(k) not in (None, "")]
    if not keys:
        keys = [k for k, v in item.items() if isinstance(v, str)][:2]
    parts = [words(item[k], kind, path + (k,), lang) for k in keys]
    return " — ".join(_shorten(p) for p in parts if p)


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- comparing -------------------------------------------------------------------------------


def _pair(
    old: list[Any], new: list[Any], keys: tuple[str, ...]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair list items: equal ones, then same identifying keys, then the same value of any one."""
    used_new: set[int] = set()
    pairs: list[tuple[int, int]] = []

    def match(i: int, same: Any) -> bool:
        for j, item in enumerate(new):
            if j not in used_new and same(old[i], item):
                used_new.add(j)
                pairs.append((i, j))
                return True
        return False

    def same_keys(names: tuple[str, ...]) -> Any:
        def same(a: Any, b: Any) -> bool:
            return (
                isinstance(a, dict)
                and isinstance(b, dict)
                and all(a.get(k) is not None and a.get(k) == b.get(k) for k in names)
            )

        return same

    pending = [i for i in range(len(old)) if not match(i, lambda a, b: a == b)]
    for names in [keys] + [(k,) for k in keys] if keys else []:
        pending = [i for i in pending if not match(i, same_keys(names))]
    added = [j for j in range(len(new)) if j not in used_new]
    return pairs, pending, added


def _changes(
    kind: str, path: tuple[Any, ...], crumbs: tuple[str, ...], old: Any, new: Any, lang: str
) -> Iterator[FieldChange]:
    schema = _sub(kind, path)
    label = _BREADCRUMB.join(crumbs)
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        props = list(((schema or {}).get("properties") or {}) if isinstance(schema, dict) else {})
        keys = [k for k in props if k in old or k in new]
        keys += [k for k in list(old) + list(new) if k not in keys and k not in props]
        for key in dict.fromkeys(keys):
            sub = _sub(kind, path + (key,))
            yield from _changes(
                kind, path + (key,), crumbs + (_title(sub, str(key), lang),), old.get(key), new.get(key), lang
            )
        return
    lists = isinstance(old, list) or isinstance(new, list)
    if lists and (old is None or isinstance(old, list)) and (new is None or isinstance(new, list)):
        yield from _list_changes(kind, path, crumbs, old or [], new or [], lang)
        return
    yield FieldChange(
        label, _or_none(words(old, kind, path, lang), old), _or_none(words(new, kind, path, lang), new)
    )


def _or_none(text: str, value: Any) -> str | None:
    return None if value is None else text


def _list_changes(
    kind: str, path: tuple[Any, ...], crumbs: tuple[str, ...], old: list[Any], new: list[Any], lang: str
) -> Iterator[FieldChange]:
    label = _BREADCRUMB.join(crumbs)
    item = path + (0,)
    field = path[-1] if path else ""
    pairs, removed, added = _pair(old, new, _item_keys(field))
    for i, j in pairs:
        if old[i] == new[j]:
            continue
        if isinstance(old[i], dict) and isinstance(new[j], dict):
            name = _item_name(new[j], kind, item, lang)
            yield from _changes(kind, path + (j,), crumbs + (name,), old[i], new[j], lang)
        else:
            yield FieldChange(label, words(old[i], kind, item, lang), words(new[j], kind, item, lang))
    for i in removed:
        yield FieldChange(label, words(old[i], kind, item, lang), None)
    for j in added:
        yield FieldChange(label, None, words(new[j], kind, item, lang))


def _identity(kind: str, path: str, data: Any) -> str:
    """What pairs a file across revisions: an activity's id, else its path."""
    if kind == "activity" and isinstance(data, dict) and isinstance(data.get("id"), str):
        return f"activity:{data['id']}"
    if kind == "process" and isinstance(data, dict) and isinstance(data.get("id"), str):
        return f"process:{data['id']}"
    return f"{kind}:{PurePosixPath(path).stem}" if kind != "organization" else "organization"


def title(kind: str, path: str, data: Any, lang: str) -> str:
    """How a changed file is named: « RT-03 — Gestion du personnel », the organisation's name."""
    label = i18n.t(f"review.diff.{kind}", lang)
    if not isinstance(data, dict):
        return f"{label} {PurePosixPath(path).stem}"
    name = data.get("name")
    ref = data.get("ref")
    parts = [str(p) for p in (ref, name) if isinstance(p, (str, int)) and str(p)]
    return f"{label} {' — '.join(parts) if parts else PurePosixPath(path).stem}"


def _index(snapshot: Snapshot) -> dict[str, tuple[str, str, Any]]:
    out: dict[str, tuple[str, str, Any]] = {}
    for path, data in snapshot.data.items():
        kind = kind_of(path)
        if kind is not None:
            out.setdefault(_identity(kind, path, data), (kind, path, data))
    return out


def _by_ref(entries: dict[str, tuple[str, str, Any]], ident: str) -> Any:
    kind, _, data = entries[ident]
    return (
        (kind, data.get("ref")) if kind == "activity" and isinstance(data, dict) and data.get("ref") else None
    )


def diff(old: Snapshot, new: Snapshot, lang: str = i18n.DEFAULT_LANG) -> list[DocumentChange]:
    """Every file added, removed or changed from ``old`` to ``new``, in a stable order."""
    before, after = _index(old), _index(new)
    # an activity whose id changed but whose reference did not is the same sheet, renamed
    refs_after = {_by_ref(after, i): i for i in after if i not in before and _by_ref(after, i)}
    renamed = {
        i: refs_after[_by_ref(before, i)]
        for i in before
        if i not in after and _by_ref(before, i) in refs_after
    }
    out: list[DocumentChange] = []
    for ident in sorted(set(before) | set(after)):
        if ident in renamed.values() and ident not in before:
            continue
        new_ident = renamed.get(ident, ident)
        if ident in before and new_ident in after:
            kind, old_path, old_data = before[ident]
            _, new_path, new_data = after[new_ident]
            changes = tuple(_changes(kind, (), (), old_data, new_data, lang))
            if changes or old_path != new_path:
                out.append(
                    DocumentChange(
                        kind, "changed", title(kind, new_path, new_data, lang), old_path, new_path, changes
                    )
                )
        elif ident in before:
            kind, old_path, old_data = before[ident]
            if old_path not in new.problems:  # unreadable now: reported as such, not as removed
                out.append(
                    DocumentChange(kind, "removed", title(kind, old_path, old_data, lang), old_path, None)
                )
        else:
            kind, new_path, new_data = after[ident]
            if new_path not in old.problems:
                out.append(
                    DocumentChange(kind, "added", title(kind, new_path, new_data, lang), None, new_path)
                )
    order = {"organization": 0, "activity": 1, "process": 2}
    out.sort(key=lambda c: (order.get(c.kind, 3), c.new_path or c.old_path or ""))
    return out


# --- printing --------------------------------------------------------------------------------


def colon(lang: str) -> str:
    """The colon after a label: French typography puts a space before it."""
    return " : " if lang == "fr" else ": "


def _heading(change: DocumentChange, lang: str) -> str:
    status = i18n.t(f"review.diff.status.{change.status}", lang)
    return f"{change.title} ({status})"


def _paths(change: DocumentChange, lang: str) -> str:
    if change.renamed:
        return i18n.t("review.diff.renamed", lang).format(old=change.old_path, new=change.new_path)
    return str(change.new_path or change.old_path)


def _value(text: str | None, lang: str) -> str:
    return i18n.t("review.diff.empty", lang) if text is None or text == "" else text


def _cell(text: str | None, lang: str) -> str:
    """A table cell: the value escaped, « — » when absent, « (vide) » when empty."""
    if text is None:
        return "—"
    return gfm(text, "cell") if text else f"*{gfm(i18n.t('review.diff.empty', lang), 'cell')}*"


def header(base: str, head: str | None, lang: str) -> str:
    head_words = head if head is not None else i18n.t("review.diff.worktree", lang)
    return f"{i18n.t('review.diff.title', lang)} {i18n.t('review.diff.between', lang).format(base=base, head=head_words)}"


def format_text(
    changes: list[DocumentChange],
    problems: list[str],
    base: str,
    head: str | None,
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    lines = [header(base, head, lang)]
    if not changes:
        lines.append(i18n.t("review.diff.no_changes", lang))
    for change in changes:
        lines.append("")
        sep = colon(lang)
        lines.append(f"{_heading(change, lang)}{sep}{_paths(change, lang)}")
        for fc in change.changes:
            if fc.old is None:
                lines.append(f"  + {fc.field}{sep}{_value(fc.new, lang)}")
            elif fc.new is None:
                lines.append(f"  - {fc.field}{sep}{_value(fc.old, lang)}")
            else:
                lines.append(f"  ~ {fc.field}{sep}{_value(fc.old, lang)} → {_value(fc.new, lang)}")
    lines.extend(f"! {p}" for p in problems)
    return "\n".join(lines) + "\n"


def format_markdown(
    changes: list[DocumentChange],
    problems: list[str],
    base: str,
    head: str | None,
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    """A pull-request comment: a heading per file and a table of its fields. Each text is escaped
    for where it stands (``escape.gfm``) and no more, so the comment reads well as plain text
    too (CI logs, artifacts)."""
    out = [f"## {gfm(header(base, head, lang), 'heading')}", ""]
    if not changes:
        out += [gfm(i18n.t("review.diff.no_changes", lang)), ""]
    else:
        out += [gfm(i18n.t("review.diff.count", lang).format(n=len(changes))), ""]
    for change in changes:
        out += [f"### {gfm(_heading(change, lang), 'heading')}", "", gfm(_paths(change, lang)), ""]
        if not change.changes:
            continue
        cols = (
            i18n.t("review.diff.field", lang),
            i18n.t("review.diff.before", lang),
            i18n.t("review.diff.after", lang),
        )
        out.append("| " + " | ".join(gfm(c, "cell") for c in cols) + " |")
        out.append("| --- | --- | --- |")
        for fc in change.changes:
            out.append(f"| {gfm(fc.field, 'cell')} | {_cell(fc.old, lang)} | {_cell(fc.new, lang)} |")
        out.append("")
    for p in problems:
        out += [f"> {gfm(p)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
