"""The Mermaid diagram of the register: the data-flow diagram of an activity's sheet (a process
model is drawn as an SVG of lanes by ``generator.render.swimlane``, not by Mermaid).

Node ids are generated (``n1``, ``n2``…), never taken from YAML; every label is a quoted string
whose text went through ``escape.mermaid``; the only markup in a label (``<b>``, ``<i>``,
``<br/>``) is written here. The output is the diagram's source, without the Markdown fence:
``fence`` adds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import vocab
from generator.model.activity import Activity, Recipient
from generator.model.organisation import Party
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

    def source(self, title: str) -> str:
        return "\n".join([FRONTMATTER, self.header, f"    accTitle: {mermaid(title).replace('<br/>', ' ')}", *self.lines]) + "\n"


def bold(text: Any) -> str:
    return f"<b>{mermaid(text)}</b>"


def italic(text: Any) -> str:
    return f"<i>{mermaid(text)}</i>"


def lines(*parts: str) -> str:
    return "<br/>".join(p for p in parts if p)


def fence(source: str) -> Markdown:
    """The diagram as a Markdown fenced block the site renders with Mermaid."""
    return Markdown(f"```mermaid\n{source}```\n")


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
