"""A process model (``processes/<id>.yaml``) read as a graph: its elements by id, who emits and
who is triggered by what, which operations can be reached, in which lane each element stands.

The checks, the Mermaid builder and the process pages all read processes through this module.
It reads the data defensively: elements without a usable id are left out (the schema reports
them), and the first of two elements with the same id wins (a check reports the second).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from generator.shapes import dicts, strings

KINDS = ("actors", "events", "results", "operations")
"""The lists of a process file whose elements carry an id, in the order they are indexed."""

if TYPE_CHECKING:
    from generator.load.register import Register
    from generator.load.yamlload import Document
    from generator.model.organisation import Party


@dataclass(frozen=True)
class Element:
    """One actor, event, result or operation, with its place in the file."""

    kind: str
    index: int
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def path(self) -> tuple[Any, ...]:
        return (self.kind, self.index)

    @property
    def name(self) -> str:
        name = self.data.get("name")
        return name if isinstance(name, str) and name else self.id


@dataclass(frozen=True)
class DataUse:
    """One data item an operation touches, with the Art. 4(2) operations performed on it."""

    operation: Element
    index: int
    item: str
    operations: tuple[str, ...]
    note: str | None

    @property
    def path(self) -> tuple[Any, ...]:
        return (*self.operation.path, "data", self.index)


@dataclass
class ProcessModel:
    data: dict[str, Any]
    actors: dict[str, Element] = field(default_factory=dict)
    events: dict[str, Element] = field(default_factory=dict)
    results: dict[str, Element] = field(default_factory=dict)
    operations: dict[str, Element] = field(default_factory=dict)
    duplicates: list[tuple[Element, Element]] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: Any) -> ProcessModel:
        model = cls(data=data if isinstance(data, dict) else {})
        seen: dict[str, Element] = {}
        for kind in KINDS:
            table: dict[str, Element] = getattr(model, kind)
            for i, item in dicts(model.data.get(kind)):
                if not isinstance(item.get("id"), str) or not item["id"]:
                    continue
                element = Element(kind, i, item)
                if element.id in seen:
                    model.duplicates.append((seen[element.id], element))
                    continue
                seen[element.id] = element
                table[element.id] = element
        return model

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.id)

    def element(self, ident: Any) -> Element | None:
        if not isinstance(ident, str):
            return None
        for kind in KINDS:
            found: Element | None = getattr(self, kind).get(ident)
            if found is not None:
                return found
        return None

    # -- the graph ---------------------------------------------------------------------------

    @functools.cached_property
    def _emitters(self) -> dict[str, list[Element]]:
        out: dict[str, list[Element]] = {}
        for op in self.operations.values():
            for target in dict.fromkeys(to for _, _, to in emissions(op)):
                out.setdefault(target, []).append(op)
        return out

    @functools.cached_property
    def _triggered(self) -> dict[str, list[Element]]:
        out: dict[str, list[Element]] = {}
        for op in self.operations.values():
            for event in dict.fromkeys(triggers(op)):
                out.setdefault(event, []).append(op)
        return out

    def emitted_by(self, target: str) -> list[Element]:
        """The operations with an emission rule leading to ``target``."""
        return list(self._emitters.get(target, []))

    def triggered_by(self, event: str) -> list[Element]:
        """The operations ``event`` triggers."""
        return list(self._triggered.get(event, []))

    def start_events(self) -> list[Element]:
        """Events that come from outside the process: time and external events."""
        return [e for e in self.events.values() if e.data.get("kind") in ("time", "external")]

    def reachable_operations(self) -> set[str]:
        """Operations that can run, starting from the time and external events: an ``and``
        operation needs all its triggering events, any other one at least one."""
        reached_events = {e.id for e in self.start_events()}
        reached: set[str] = set()
        changed = True
        while changed:
            changed = False
            for op in self.operations.values():
                if op.id in reached:
                    continue
                wanted = [t for t in triggers(op) if t in self.events]
                needed = all if op.data.get("synchronisation") == "and" else any
                if wanted and needed(t in reached_events for t in wanted):
                    reached.add(op.id)
                    reached_events.update(to for _, _, to in emissions(op) if to in self.events)
                    changed = True
        return reached

    def lane(self, ident: str) -> str | None:
        """The actor in whose lane an element is drawn, or None (drawn outside the lanes)."""
        element = self.element(ident)
        if element is None:
            return None
        own = element.data.get("actor")
        if isinstance(own, str) and own in self.actors:
            return own
        if element.kind == "operations":
            return None
        for op in self.emitted_by(ident) + self.triggered_by(ident):
            actor = op.data.get("actor")
            if isinstance(actor, str) and actor in self.actors:
                return actor
        return None

    # -- personal data -------------------------------------------------------------------------

    def data_uses(self) -> list[DataUse]:
        """Every (operation, data item) pair, in the order of the file."""
        return [use for op in self.operations.values() for use in data_uses(op)]

    def items(self) -> list[str]:
        """The data items the process touches, in the order they first appear."""
        return list(dict.fromkeys(use.item for use in self.data_uses()))


def triggers(op: Element) -> list[str]:
    return strings(op.data.get("triggers"))


def emissions(op: Element) -> Iterator[tuple[int, dict[str, Any], str]]:
    """``(index, rule, target id)`` for each emission rule of an operation with a target."""
    for i, rule in dicts(op.data.get("emissions")):
        if isinstance(rule.get("to"), str):
            yield i, rule, rule["to"]


def data_uses(op: Element) -> list[DataUse]:
    out = []
    for i, use in dicts(op.data.get("data")):
        item = use.get("item")
        if isinstance(item, str) and item:
            note = use.get("note") if isinstance(use.get("note"), str) else None
            out.append(DataUse(op, i, item, tuple(strings(use.get("operations"))), note))
    return out


def declared_items(activity: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """The data items an activity declares, each with the path of its entry in the activity
    file (``("data_categories", 0, "items", 2)``); the first declaration wins."""
    out: dict[str, tuple[Any, ...]] = {}
    for section in ("data_categories", "sensitive_data"):
        for i, entry in dicts(activity.get(section)):
            items = entry.get("items")
            for j, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, str):
                    out.setdefault(item, (section, i, "items", j))
    return out


def category_of(activity: dict[str, Any], item: str) -> tuple[str, str] | None:
    """``(section, category)`` under which the activity declares ``item``: ``("data_categories",
    "identity")`` or ``("sensitive_data", "health")``."""
    path = declared_items(activity).get(item)
    if path is None:
        return None
    entry = activity[path[0]][path[1]]
    return path[0], str(entry.get("category"))


def process_models(reg: Register) -> dict[str, tuple[Document, ProcessModel]]:
    """The model of every readable process file of ``reg``, by file name, built once per register
    and shared by the checks and the site."""
    cached: dict[str, tuple[Document, ProcessModel]] | None = reg.derived.get("process_models")
    if cached is None:
        cached = {
            doc.path.stem: (doc, ProcessModel.from_data(doc.data)) for doc in reg.processes if isinstance(doc.data, dict)
        }
        reg.derived["process_models"] = cached
    return cached


Parties: TypeAlias = "Mapping[str, Party] | Mapping[str, dict[str, Any]]"
"""The model's parties by id (``RegisterModel.parties``), or the register's data (the checks)."""


def party_name(parties: Parties, party_id: str) -> str | None:
    party = parties.get(party_id)
    if isinstance(party, dict):  # the register's data
        return str(party["name"]) if party.get("name") else None
    return party.name if party is not None else None


def actor_organisation(actor: dict[str, Any], org_name: str, parties: Parties) -> str:
    """The organisation an actor belongs to: the register's for an internal actor, its party's
    or its own 'organisation' for an external one."""
    if actor.get("kind") == "internal":
        return org_name
    name = party_name(parties, str(actor.get("party")))
    if name:
        return name
    return str(actor.get("organisation") or actor.get("party") or "")


def gap_targets(model: ProcessModel) -> list[str]:
    """Results and events only reached through branches the process does not describe."""
    rules = [(rule, to) for op in model.operations.values() for _, rule, to in emissions(op)]
    described = {to for rule, to in rules if not rule.get("gap")}
    return list(dict.fromkeys(to for rule, to in rules if rule.get("gap") and to not in described))
