"""The semantic diff of a register: what changed between two snapshots, field by field.

``diff(old, new, lang)`` returns one ``DocumentChange`` per file that changed, each with its
``FieldChange``s: the field named by its schema title, the old and new values in words
(``generator.render.fields``), a party by its name in organization.yaml at the same revision.
Lists are compared as sets of items: a recipient added, a purpose removed, the retention of one
data category changed. Pure functions of their arguments.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from generator.diff.snapshot import Snapshot
from generator.load.layout import kind_of
from generator.render import i18n
from generator.render.fields import BREADCRUMB, field_schema, party_names, schema_title, words

Status = Literal["added", "removed", "changed"]
Names = tuple[Mapping[str, str], Mapping[str, str]]
"""The parties' names (``fields.party_names``) at the old and at the new revision."""

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
    "processors": ("party",),
}
_DEFAULT_ITEM_KEYS = ("id", "name")


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


def _item_keys(field: Any) -> tuple[str, ...]:
    return ITEM_KEYS.get(str(field), _DEFAULT_ITEM_KEYS)


def _item_name(item: dict[str, Any], kind: str, path: tuple[Any, ...], lang: str, parties: Mapping[str, str]) -> str:
    """How an item of a list is named in a breadcrumb: its identifying fields, in words."""
    keys = [k for k in _item_keys(path[-2] if len(path) > 1 else "") if item.get(k) not in (None, "")]
    if not keys:
        keys = [k for k, v in item.items() if isinstance(v, str)][:2]
    parts = [words(item[k], kind, (*path, k), lang, parties) for k in keys]
    return " — ".join(_shorten(p) for p in parts if p)


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    kind: str, path: tuple[Any, ...], crumbs: tuple[str, ...], old: Any, new: Any, lang: str, names: Names
) -> Iterator[FieldChange]:
    schema = field_schema(kind, path)
    label = BREADCRUMB.join(crumbs)
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        props = list(((schema or {}).get("properties") or {}) if isinstance(schema, dict) else {})
        keys = [k for k in props if k in old or k in new]
        keys += [k for k in list(old) + list(new) if k not in keys and k not in props]
        for key in dict.fromkeys(keys):
            sub = field_schema(kind, (*path, key))
            yield from _changes(
                kind, (*path, key), (*crumbs, schema_title(sub, str(key), lang)), old.get(key), new.get(key), lang,
                names,
            )
        return
    lists = isinstance(old, list) or isinstance(new, list)
    if lists and (old is None or isinstance(old, list)) and (new is None or isinstance(new, list)):
        yield from _list_changes(kind, path, crumbs, old or [], new or [], lang, names)
        return
    yield FieldChange(
        label,
        _or_none(words(old, kind, path, lang, names[0]), old),
        _or_none(words(new, kind, path, lang, names[1]), new),
    )


def _or_none(text: str, value: Any) -> str | None:
    return None if value is None else text


def _list_changes(
    kind: str,
    path: tuple[Any, ...],
    crumbs: tuple[str, ...],
    old: list[Any],
    new: list[Any],
    lang: str,
    names: Names,
) -> Iterator[FieldChange]:
    label = BREADCRUMB.join(crumbs)
    item = (*path, 0)
    field = path[-1] if path else ""
    before, after = names
    pairs, removed, added = _pair(old, new, _item_keys(field))
    for i, j in pairs:
        if old[i] == new[j]:
            continue
        if isinstance(old[i], dict) and isinstance(new[j], dict):
            name = _item_name(new[j], kind, item, lang, after)
            yield from _changes(kind, (*path, j), (*crumbs, name), old[i], new[j], lang, names)
        else:
            yield FieldChange(label, words(old[i], kind, item, lang, before), words(new[j], kind, item, lang, after))
    for i in removed:
        yield FieldChange(label, words(old[i], kind, item, lang, before), None)
    for j in added:
        yield FieldChange(label, None, words(new[j], kind, item, lang, after))


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


def _party_names(entries: dict[str, tuple[str, str, Any]], other: dict[str, tuple[str, str, Any]]) -> dict[str, str]:
    """The parties' names at one revision, with an id where a name is shared at either."""
    org = entries["organization"][2] if "organization" in entries else None
    return party_names(org, other["organization"][2] if "organization" in other else None)


def diff(old: Snapshot, new: Snapshot, lang: str = i18n.DEFAULT_LANG) -> list[DocumentChange]:
    """Every file added, removed or changed from ``old`` to ``new``, in a stable order."""
    before, after = _index(old), _index(new)
    names = (_party_names(before, after), _party_names(after, before))
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
            changes = tuple(_changes(kind, (), (), old_data, new_data, lang, names))
            if changes or old_path != new_path:
                out.append(
                    DocumentChange(
                        kind, "changed", title(kind, new_path, new_data, lang), old_path, new_path, changes
                    )
                )
        elif ident in before:
            kind, old_path, old_data = before[ident]
            if not new.unreadable(old_path):  # unreadable now: reported as such, not as removed
                out.append(
                    DocumentChange(kind, "removed", title(kind, old_path, old_data, lang), old_path, None)
                )
        else:
            kind, new_path, new_data = after[ident]
            if not old.unreadable(new_path):
                out.append(
                    DocumentChange(kind, "added", title(kind, new_path, new_data, lang), None, new_path)
                )
    order = {"organization": 0, "activity": 1, "process": 2}
    out.sort(key=lambda c: (order.get(c.kind, 3), c.new_path or c.old_path or ""))
    return out
