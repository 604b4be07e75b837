"""The process pages: ``processus/index.md`` (every process) and ``processus/<id>.md`` (one
process: its diagram, actors, operations, personal data by CNIL category, the operations matrix
of data items by step, a summary per linked activity and the DPO's notes); ``processes/`` in
English (``data/paths.yaml``).

Everything here is plain data for the templates (``site/process.md.j2``), which escape it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import paths, vocab
from generator.model.activity import Activity
from generator.model.process import (
    Element,
    ProcessModel,
    actor_organisation,
    category_of,
    declared_items,
    emissions,
    triggers,
)
from generator.model.register import RegisterModel
from generator.render import swimlane
from generator.render.escape import Markdown
from generator.site.pages import Context, builder, link, sheet_path

SECTIONS = ("data_categories", "sensitive_data")
VOCABULARY = {"data_categories": "data_category", "sensitive_data": "sensitive_category"}


def process_path(process_id: str, lang: str) -> str:
    """``processus/<id>.md``; ``processes/<id>.md`` in English; ``index`` for the list."""
    return f"{paths.name('processes', lang)}/{process_id}.md"


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


@dataclass(frozen=True)
class Header:
    """What the page says of the process itself."""

    id: str
    name: str
    description: str
    source: str


@dataclass(frozen=True)
class ActorRow:
    name: str
    kind: str
    organisation: str
    description: str


@dataclass
class Emission:
    condition: str
    target: str
    gap: bool
    note: str


@dataclass
class Step:
    """One operation as the operations table shows it."""

    number: int
    op: Element
    nature: str
    timing: str
    tool: str
    actor: str
    triggers: list[str]
    synchronisation: str
    emissions: list[Emission]


@dataclass
class Group:
    """The process's data items of one CNIL category (``section`` is data_categories or
    sensitive_data; both empty for items no linked activity declares)."""

    section: str
    category: str
    items: list[str] = field(default_factory=list)


@dataclass
class Summary:
    activity: Activity
    declared: list[str]
    touched: list[str]
    untouched: list[str]
    performed: list[str]


def steps(model: ProcessModel) -> list[Step]:
    def name(ident: str) -> str:
        element = model.element(ident)
        return element.name if element is not None else ident

    out = []
    for number, op in enumerate(model.operations.values(), start=1):
        actor = model.actors.get(str(op.data.get("actor")))
        out.append(Step(
            number=number,
            op=op,
            nature=_text(op.data.get("nature")),
            timing=_text(op.data.get("timing")),
            tool=_text(op.data.get("tool")),
            actor=actor.name if actor else str(op.data.get("actor") or ""),
            triggers=[name(t) for t in triggers(op)],
            synchronisation=str(op.data.get("synchronisation") or "") if len(triggers(op)) > 1 else "",
            emissions=[Emission(str(rule.get("condition") or ""), name(to), bool(rule.get("gap")),
                                str(rule.get("note") or "")) for _, rule, to in emissions(op)],
        ))
    return out


def groups(model: ProcessModel, activities: list[Activity]) -> list[Group]:
    """The process's data items by CNIL category, as the first linked activity declaring each
    item files it; categories in the vocabulary's order, data categories before sensitive data."""
    found: dict[tuple[str, str], Group] = {}
    for item in model.items():
        where = next((c for c in (category_of(a.data, item) for a in activities) if c is not None), ("", ""))
        found.setdefault(where, Group(*where)).items.append(item)

    def order(group: Group) -> tuple[int, int]:
        if not group.section:
            return (len(SECTIONS), 0)
        return (SECTIONS.index(group.section), vocab.order(VOCABULARY[group.section], group.category))

    return sorted(found.values(), key=order)


def matrix(model: ProcessModel, ordered_items: list[str]) -> dict[str, dict[str, list[str]]]:
    """``{item: {operation id: [Art. 4(2) operations]}}`` for every item and step."""
    out: dict[str, dict[str, list[str]]] = {item: {} for item in ordered_items}
    for use in model.data_uses():
        cell = out.setdefault(use.item, {}).setdefault(use.operation.id, [])
        cell.extend(o for o in use.operations if o not in cell)
    return out


def summaries(model: ProcessModel, activities: list[Activity]) -> list[Summary]:
    touched = model.items()
    performed = list(dict.fromkeys(o for use in model.data_uses() for o in use.operations))
    performed.sort(key=lambda o: vocab.order("processing_operation", o))
    out = []
    for activity in activities:
        declared = list(declared_items(activity.data))
        out.append(Summary(activity, declared, [i for i in declared if i in touched],
                           [i for i in declared if i not in touched], performed))
    return out


def notes(model: ProcessModel) -> list[tuple[str, str]]:
    """``(about, note)``: the process's notes (about nothing), then each operation's."""
    given = model.data.get("notes")
    out = [("", n) for n in (given if isinstance(given, list) else []) if isinstance(n, str)]
    out += [(op.name, str(op.data["note"])) for op in model.operations.values() if isinstance(op.data.get("note"), str)]
    return out


def diagram(rm: RegisterModel, model: ProcessModel, lang: str) -> Markdown:
    """The process's lane diagram (``render.swimlane``), in its scrolling, full-screen box."""
    svg = swimlane.process_diagram(model, lang, org_name=rm.organisation.name, parties=rm.parties)
    return Markdown(swimlane.figure(svg, lang))


def actors(rm: RegisterModel, model: ProcessModel) -> list[ActorRow]:
    """The process's actors, each with the organisation it belongs to."""
    return [ActorRow(a.name, _text(a.data.get("kind")),
                     actor_organisation(a.data, rm.organisation.name, rm.parties),
                     _text(a.data.get("description")))
            for a in model.actors.values()]


def _page(ctx: Context, process_id: str, model: ProcessModel) -> str:
    activities = ctx.model.linked_activities(process_id)
    grouped = groups(model, activities)
    items = [item for g in grouped for item in g.items]
    here = process_path(process_id, ctx.lang)
    all_steps = steps(model)
    return ctx.render(
        "site/process.md.j2",
        p=Header(model.id, model.name, _text(model.data.get("description")), _text(model.data.get("source"))),
        activities=[(a, link(here, sheet_path(a, ctx.lang))) for a in activities],
        diagram=diagram(ctx.model, model, ctx.lang),
        actors=actors(ctx.model, model),
        steps=all_steps,
        groups=grouped,
        items=items,
        matrix=matrix(model, items),
        summaries=[(s, link(here, sheet_path(s.activity, ctx.lang))) for s in summaries(model, activities)],
        notes=notes(model),
        gaps=[(s, e) for s in all_steps for e in s.emissions if e.gap],
    )


@builder
def process_pages(ctx: Context) -> dict[str, str]:
    models = ctx.model.processes
    if not models:
        return {}
    out = {process_path("index", ctx.lang): ctx.render(
        "site/processes.md.j2",
        processes=[(pid, m, ctx.model.linked_activities(pid)) for pid, m in models.items()],
    )}
    for pid, model in models.items():
        out[process_path(pid, ctx.lang)] = _page(ctx, pid, model)
    return out
