"""Mermaid diagrams of the register: the flowchart of a process model (MOT style) and the
data-flow diagram of an activity.

Node ids are generated (``n1``, ``n2``…), never taken from YAML; every label is a quoted string
whose text went through ``escape.mermaid``; the only markup in a label (``<b>``, ``<i>``,
``<br/>``) is written here. The output is the diagram's source, without the Markdown fence:
``fence`` adds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import vocab
from generator.model.activity import Activity, Recipient
from generator.model.organisation import Party
from generator.model.process import Element, ProcessModel, emissions, triggers
from generator.render import i18n
from generator.render.escape import Markdown, mermaid

# Mermaid 12 draws flowcharts in its "neo" look with its "redux-color" theme, whose colours win
# over the palette-aware theme CSS of Material for MkDocs: in the dark palette the labels came out
# light on pastel boxes. The classic look and default theme let Material's CSS colour every
# diagram for the reader's palette, light or dark.
FRONTMATTER = """---
config:
  look: classic
  theme: default
  flowchart:
    wrappingWidth: 180
    useMaxWidth: false
---"""

# Classes the diagrams use; their look is left to the site's Mermaid theme (light and dark)
# except for what carries meaning: a dashed outline for a branch the process does not describe.
CLASS_DEFS = (
    "classDef gap stroke-dasharray: 6 4",
    "classDef sync font-weight: bold",
)


@dataclass
class Diagram:
    """A diagram being written: its lines and the node ids handed out so far."""

    header: str
    lines: list[str] = field(default_factory=list)
    count: int = 0
    nodes: dict[str, str] = field(default_factory=dict)

    def new_id(self) -> str:
        self.count += 1
        return f"n{self.count}"

    def node(self, key: str, shape: str, label: str, indent: int = 1) -> str:
        """Add node ``key`` (an internal key, never printed) with ``shape`` (``"[]"``, ``"([])"``,
        ``"(())"``...) and an already escaped ``label``; returns its generated id."""
        if key in self.nodes:
            return self.nodes[key]
        ident = self.nodes[key] = self.new_id()
        half = len(shape) // 2
        self.lines.append("    " * indent + f'{ident}{shape[:half]}"{label}"{shape[half:]}')
        return ident

    def edge(self, source: str, target: str, label: str = "", *, dashed: bool = False) -> None:
        arrow = "-.->" if dashed else "-->"
        text = f'|"{label}"|' if label else ""
        self.lines.append(f"    {source} {arrow}{text} {target}")

    def open_lane(self, title: str) -> None:
        self.lines.append(f'    subgraph {self.new_id()}["{title}"]')
        self.lines.append("        direction TB")

    def close_lane(self) -> None:
        self.lines.append("    end")

    def css_class(self, name: str, ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(ids))
        if ids:
            self.lines.append(f"    class {','.join(ids)} {name}")

    def source(self, title: str) -> str:
        return "\n".join([FRONTMATTER, self.header, f"    accTitle: {mermaid(title).replace('<br/>', ' ')}", *self.lines, *("    " + c for c in CLASS_DEFS)]) + "\n"


def bold(text: Any) -> str:
    return f"<b>{mermaid(text)}</b>"


def italic(text: Any) -> str:
    return f"<i>{mermaid(text)}</i>"


def lines(*parts: str) -> str:
    return "<br/>".join(p for p in parts if p)


def fence(source: str) -> Markdown:
    """The diagram as a Markdown fenced block the site renders with Mermaid."""
    return Markdown(f"```mermaid\n{source}```\n")


# -- process flowchart --------------------------------------------------------------------------


Parties = Mapping[str, Party] | Mapping[str, dict[str, Any]]
"""The model's parties by id (``RegisterModel.parties``), or the register's data (the checks)."""


def party_name(parties: Parties, party_id: str) -> str | None:
    party = parties.get(party_id)
    if isinstance(party, Party):
        return party.name
    return str(party["name"]) if isinstance(party, dict) and party.get("name") else None


def actor_organisation(actor: dict[str, Any], org_name: str, parties: Parties) -> str:
    """The organisation an actor belongs to: the register's for an internal actor, its party's
    or its own 'organisation' for an external one."""
    if actor.get("kind") == "internal":
        return org_name
    name = party_name(parties, str(actor.get("party")))
    if name:
        return name
    return str(actor.get("organisation") or actor.get("party") or "")


def _operation_label(op: Element, lang: str) -> str:
    data = op.data
    nature = vocab.label("operation_nature", data.get("nature"), lang) if data.get("nature") else ""
    timing = str(data.get("timing") or "")
    return lines(bold(op.name), mermaid(nature), mermaid(timing), italic(data["tool"]) if data.get("tool") else "")


def _event_label(event: Element, lang: str) -> str:
    if event.data.get("kind") == "time":
        return f"{mermaid(i18n.t('process.diagram.time_mark', lang))} {mermaid(event.name)}"
    return mermaid(event.name)


def gap_targets(model: ProcessModel) -> list[str]:
    """Results and events only reached through branches the process does not describe."""
    rules = [(rule, to) for op in model.operations.values() for _, rule, to in emissions(op)]
    described = {to for rule, to in rules if not rule.get("gap")}
    return list(dict.fromkeys(to for rule, to in rules if rule.get("gap") and to not in described))


def _place(d: Diagram, element: Element, lang: str, indent: int) -> None:
    if element.kind == "operations":
        if len(triggers(element)) > 1:
            sync = vocab.label("synchronisation", element.data.get("synchronisation") or "and", lang)
            d.node(_sync_key(element.id), "(())", mermaid(sync), indent)
        d.node(_key(element.id), "[]", _operation_label(element, lang), indent)
    elif element.kind == "events":
        d.node(_key(element.id), "([])", _event_label(element, lang), indent)
    else:
        d.node(_key(element.id), "()", mermaid(element.name), indent)


def _key(ident: str) -> str:
    return "element:" + ident


def _sync_key(ident: str) -> str:
    return "sync:" + ident


def process_flowchart(
    model: ProcessModel, lang: str, *, org_name: str, parties: Parties
) -> str:
    """One lane (subgraph) per actor; events and results as stadiums; the synchronisation of
    several triggering events as a circle (ET / OU); operations as boxes with their nature,
    timing and tool; emission rules as edge labels, dashed for a branch marked ``gap``."""
    d = Diagram("flowchart TB")
    gaps = gap_targets(model)
    elements = [*model.events.values(), *model.operations.values(), *model.results.values()]
    lanes: dict[str | None, list[Element]] = {actor: [] for actor in model.actors}
    lanes[None] = []
    for element in elements:
        lanes.setdefault(model.lane(element.id), []).append(element)
    for actor_id, members in lanes.items():
        if actor_id is None or not members:
            continue
        actor = model.actors[actor_id]
        organisation = actor_organisation(actor.data, org_name, parties)
        shown = organisation and organisation != actor.name
        d.open_lane(lines(bold(actor.name), italic(organisation) if shown else ""))
        for element in members:
            _place(d, element, lang, 2)
        d.close_lane()
    for element in lanes[None]:
        _place(d, element, lang, 1)
    _process_edges(d, model)
    d.css_class("sync", (v for k, v in d.nodes.items() if k.startswith("sync:")))
    d.css_class("gap", (d.nodes[_key(g)] for g in gaps if _key(g) in d.nodes))
    return d.source(model.name)


def _process_edges(d: Diagram, model: ProcessModel) -> None:
    for op in model.operations.values():
        target = d.nodes[_key(op.id)]
        sources = [d.nodes[_key(t)] for t in triggers(op) if t in model.events]
        if len(triggers(op)) > 1:
            sync = d.nodes[_sync_key(op.id)]
            for source in sources:
                d.edge(source, sync)
            d.edge(sync, target)
        else:
            for source in sources:
                d.edge(source, target)
        for _, rule, to in emissions(op):
            if to in model.events or to in model.results:
                d.edge(target, d.nodes[_key(to)], mermaid(rule.get("condition") or ""), dashed=bool(rule.get("gap")))


# -- activity data flow ---------------------------------------------------------------------------


def _recipient_key(recipient: Recipient) -> str:
    return f"party:{recipient.party}" if recipient.party else f"name:{recipient.name}"


def dataflow(activity: Activity, lang: str, *, parties: Mapping[str, Party]) -> str:
    """Data subjects → the activity → its internal and external recipients (and processors)
    → the third countries its data are transferred to, each edge labelled with the safeguard."""
    d = Diagram("flowchart LR")

    def t(key: str) -> str:
        return mermaid(i18n.t(key, lang))

    d.open_lane(t("process.dataflow.subjects"))
    subjects = [
        d.node(f"subject:{i}", "([])", lines(bold(vocab.label("data_subject", s.category, lang)),
                                              mermaid(s.description or "")), 2)
        for i, s in enumerate(activity.data_subjects or ())
    ]
    d.close_lane()
    center = d.node("activity", "[]", lines(bold(activity.name), mermaid(activity.ref)))
    for subject in subjects:
        d.edge(subject, center)
    recipients = _recipients(activity, parties, lang)
    for internal, title in ((True, "process.dataflow.internal"), (False, "process.dataflow.external")):
        group = [r for r in recipients if r[1] == internal]
        if not group:
            continue
        d.open_lane(t(title))
        for key, _, label in group:
            d.node(key, "[]", label, 2)
        d.close_lane()
        for key, _, _ in group:
            d.edge(center, d.nodes[key])
    _transfers(d, activity, parties, lang)
    return d.source(activity.name)


def _recipients(activity: Activity, parties: Mapping[str, Party], lang: str) -> list[tuple[str, bool, str]]:
    """``(node key, internal?, label)`` for each recipient, then each processor not listed."""
    out: dict[str, tuple[str, bool, str]] = {}
    for r in activity.recipients or ():
        key = _recipient_key(r)
        label = lines(bold(r.name or r.party), italic(vocab.label("recipient_type", r.type, lang)))
        out.setdefault(key, (key, r.type == "internal_service", label))
    for p in activity.processors or ():
        key = f"party:{p}"
        name = parties[p].name if p in parties else p
        out.setdefault(key, (key, False, lines(bold(name), italic(i18n.t("cnil.sheet.processor", lang)))))
    return list(out.values())


def _transfers(d: Diagram, activity: Activity, parties: Mapping[str, Party], lang: str) -> None:
    transfers = activity.transfers or ()
    if not transfers:
        return
    d.open_lane(mermaid(i18n.t("process.dataflow.third_countries", lang)))
    for tr in transfers:
        d.node(f"country:{tr.destination}", "{{}}", mermaid(vocab.destination_name(tr.destination, lang)), 2)
    d.close_lane()
    for tr in transfers:
        key = f"party:{tr.recipient}" if tr.recipient in parties else f"name:{tr.recipient}"
        if key not in d.nodes:
            d.node(key, "[]", bold(tr.recipient_name))
        safeguard = vocab.label("safeguard", tr.safeguard, lang) if tr.safeguard else ""
        if tr.partial_adequacy:
            safeguard += " " + i18n.t("site.transfers.partial_short", lang)
        d.edge(d.nodes[key], d.nodes[f"country:{tr.destination}"], mermaid(safeguard))
