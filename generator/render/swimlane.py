"""The process diagram as a MOT « procédure » is drawn: one column (lane) per actor, side by
side, time flowing downward; drawn here as an inline SVG, no script needed to read it.

Why not Mermaid: its layouts (dagre, and ELK through ``@mermaid-js/layout-elk``) lay a subgraph
out as one box, so lanes linked to each other end up stacked, not side by side, and a diagram
wider than the page is scaled down until its labels are 8 px (measured in Chromium at 1366 px:
dagre 8.1 px with two lanes under the third, ELK 8.1 px with every lane stacked, dagre with
``flowchart LR`` 2.5 px). A lane layout is a grid, which we can compute exactly:

- every element gets a row: one more than the rows of what leads to it (events before the
  operations they trigger, an operation before what it emits), and never the row of another
  element of its lane, so each lane reads top to bottom;
- an edge inside a lane between consecutive elements is a straight arrow; any other edge leaves
  through the gap under its source's row, runs down the corridor at the right of its source's
  lane (no element ever stands there) and enters its target from the gap above the target's
  row: no edge crosses an element;
- the SVG keeps its natural size (text at ``FONT`` px) and scrolls or opens full screen when it
  is wider than the page (``assets/ropa-diagram.js``).

Every text comes from the register and goes through ``escape.svg_text``; the element ids of the
SVG are generated.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from generator import vocab
from generator.model.process import (
    Element,
    Parties,
    ProcessModel,
    actor_organisation,
    emissions,
    gap_targets,
    triggers,
)
from generator.render import i18n
from generator.render.escape import svg_text as escape

FONT = 14
LINE = 18
NODE_W = 180
PAD = 10
CORRIDOR = 26
HEADER = 52
GAP = 44
LABEL_LINE = 16
CHARS = 22  # characters a line of a box holds at FONT px (bold a little fewer)
LABEL_CHARS = 26


@dataclass
class Node:
    key: str
    lane: int
    shape: str  # "operation", "event", "result", "sync"
    lines: list[tuple[str, str]]  # (text, style: "b", "i" or "")
    gap: bool = False
    row: int = 0
    height: int = 0


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    dashed: bool = False


@dataclass
class Lanes:
    """A lane diagram being described: lanes (titles), nodes and edges, then ``svg``."""

    title: str
    ident: str
    lanes: list[list[tuple[str, str]]] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def lane(self, lines: list[tuple[str, str]]) -> int:
        self.lanes.append(lines)
        return len(self.lanes) - 1

    def node(self, key: str, lane: int, shape: str, lines: list[tuple[str, str]], *, gap: bool = False) -> None:
        self.nodes.setdefault(key, Node(key, lane, shape, [ln for ln in lines if ln[0]], gap))

    def edge(self, source: str, target: str, label: str = "", *, dashed: bool = False) -> None:
        if source in self.nodes and target in self.nodes:
            self.edges.append(Edge(source, target, label, dashed))

    def svg(self, label: str) -> str:
        return _draw(self, label)


def _wrap(lines: list[tuple[str, str]], chars: int) -> list[tuple[str, str]]:
    out = []
    for text, style in lines:
        width = chars - 2 if style == "b" else chars
        out += [(part, style) for part in textwrap.wrap(" ".join(str(text).split()), width) or [""]]
    return out


def _rows(d: Lanes) -> int:
    """Give each node its row (see the module's doc); returns the number of rows."""
    order = list(d.nodes)
    preds: dict[str, list[str]] = {k: [] for k in order}
    succs: dict[str, list[str]] = {k: [] for k in order}
    for e in d.edges:
        succs[e.source].append(e.target)
        preds[e.target].append(e.source)
    # break cycles: an edge to a node still on the depth-first stack is a back edge
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}

    def visit(start: str) -> None:
        stack = [(start, iter(succs[start]))]
        state[start] = 1
        while stack:
            key, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[key] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((key, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(succs[child])))

    for key in order:
        if key not in state and not preds[key]:
            visit(key)
    for key in order:
        if key not in state:
            visit(key)
    # topological order over forward edges, the description's order among equals
    indegree = {k: sum(1 for p in preds[k] if (p, k) not in back) for k in order}
    ready = [k for k in order if indegree[k] == 0]
    topo: list[str] = []
    while ready:
        key = ready.pop(0)
        topo.append(key)
        for child in succs[key]:
            if (key, child) in back:
                continue
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    taken: set[tuple[int, int]] = set()
    for key in topo:
        node = d.nodes[key]
        row = max((d.nodes[p].row + 1 for p in preds[key] if (p, key) not in back), default=0)
        while (node.lane, row) in taken:
            row += 1
        node.row = row
        taken.add((node.lane, row))
    # an element nothing leads to (a time event, a starting event) stands just above what it
    # triggers, not at the top: « Chaque mois » beside the monthly synthesis
    for key in reversed(topo):
        node = d.nodes[key]
        later = [d.nodes[c].row for c in succs[key] if (key, c) not in back]
        if any((p, key) not in back for p in preds[key]) or not later:
            continue
        for row in range(min(later) - 1, node.row, -1):
            if (node.lane, row) not in taken:
                taken.discard((node.lane, node.row))
                node.row = row
                taken.add((node.lane, row))
                break
    return max((n.row for n in d.nodes.values()), default=-1) + 1


def _text(x: float, y: float, lines: list[tuple[str, str]], cls: str = "") -> str:
    spans = []
    for i, (text, style) in enumerate(lines):
        weight = ' font-weight="bold"' if style == "b" else ' font-style="italic"' if style == "i" else ""
        spans.append(f'<tspan x="{x:g}" dy="{LINE if i else 0}"{weight}>{escape(text)}</tspan>')
    klass = f' class="{cls}"' if cls else ""
    return f'<text{klass} x="{x:g}" y="{y:g}" text-anchor="middle" font-size="{FONT}">{"".join(spans)}</text>'


def _draw(d: Lanes, label: str) -> str:
    for node in d.nodes.values():
        node.lines = _wrap(node.lines, CHARS)
        node.height = 44 if node.shape == "sync" else len(node.lines) * LINE + 2 * 10
    rows = _rows(d)
    lane_w = NODE_W + 2 * PAD + CORRIDOR
    header_lines = [_wrap(lines, CHARS) for lines in d.lanes]
    header = max([HEADER, *(len(h) * LINE + 16 for h in header_lines)])
    labels_in: dict[int, int] = {}
    for e in d.edges:
        if e.label:
            count = len(textwrap.wrap(e.label, LABEL_CHARS)) or 1
            row = d.nodes[e.target].row
            labels_in[row] = max(labels_in.get(row, 0), count)
    row_h = [max([0, *(n.height for n in d.nodes.values() if n.row == r)]) for r in range(rows)]
    row_top = []
    y = header + GAP
    for r in range(rows):
        y += labels_in.get(r, 0) * LABEL_LINE
        row_top.append(y)
        y += row_h[r] + GAP
    width = lane_w * max(1, len(d.lanes))
    height = y

    def cx(node: Node) -> float:
        return node.lane * lane_w + PAD + NODE_W / 2

    def top(node: Node) -> float:
        return row_top[node.row] + (row_h[node.row] - node.height) / 2

    arrow = f"{d.ident}-arrow"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ropa-lanes" role="img" aria-labelledby="{d.ident}-title" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="inherit">',
        f'<title id="{d.ident}-title">{escape(label)}</title>',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path class="ropa-arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for i, lines in enumerate(header_lines):
        x = i * lane_w
        out.append(f'<rect class="ropa-lane{" ropa-lane--alt" if i % 2 else ""}" x="{x}" y="0" width="{lane_w}" height="{height}"/>')
        out.append(f'<rect class="ropa-lane-header" x="{x}" y="0" width="{lane_w}" height="{header}"/>')
        out.append(_text(x + lane_w / 2, (header - len(lines) * LINE) / 2 + FONT, lines, "ropa-lane-title"))
    lane_nodes: dict[int, list[int]] = {}
    for node in d.nodes.values():
        lane_nodes.setdefault(node.lane, []).append(node.row)
    corridor_use: dict[int, int] = {}
    for e in d.edges:
        s, t = d.nodes[e.source], d.nodes[e.target]
        sx, sy, tx, ty = cx(s), top(s) + s.height, cx(t), top(t)
        between = [r for r in lane_nodes[s.lane] if s.row < r < t.row]
        crossing = [r for r in lane_nodes[t.lane] if s.row < r < t.row]
        if s.lane == t.lane and t.row > s.row and not between:
            path = f"M{sx:g},{sy:g} L{tx:g},{ty:g}"
        elif t.row > s.row and not crossing:  # down, across the gap under the source, down
            exit_y = row_top[s.row] + row_h[s.row] + 8 + (len(out) * 4) % 16
            path = f"M{sx:g},{sy:g} L{sx:g},{exit_y:g} L{tx:g},{exit_y:g} L{tx:g},{ty:g}"
        else:
            k = corridor_use[s.lane] = corridor_use.get(s.lane, 0) + 1
            lane_x = s.lane * lane_w + PAD + NODE_W + 6 + (k * 5) % (CORRIDOR - 6)
            exit_y = row_top[s.row] + row_h[s.row] + 8 + (k * 4) % 16
            enter_y = row_top[t.row] - labels_in.get(t.row, 0) * LABEL_LINE - 8 - (k * 4) % 16
            path = (f"M{sx:g},{sy:g} L{sx:g},{exit_y:g} L{lane_x:g},{exit_y:g} L{lane_x:g},{enter_y:g} "
                    f"L{tx:g},{enter_y:g} L{tx:g},{ty:g}")
        dash = " ropa-edge--gap" if e.dashed else ""
        out.append(f'<path class="ropa-edge{dash}" d="{path}" fill="none" marker-end="url(#{arrow})"/>')
        if e.label:
            parts = [(part, "") for part in textwrap.wrap(e.label, LABEL_CHARS)]
            h = len(parts) * LABEL_LINE + 4
            w = max(len(part) for part, _ in parts) * 7.4 + 10
            ly = row_top[t.row] - h - 2
            out.append(f'<rect class="ropa-edge-label" x="{tx - w / 2:g}" y="{ly:g}" width="{w:g}" height="{h:g}" rx="3"/>')
            out.append(_text(tx, ly + FONT, parts, "ropa-edge-text").replace(f'dy="{LINE}"', f'dy="{LABEL_LINE}"'))
    for node in d.nodes.values():
        left, y0 = cx(node) - NODE_W / 2, top(node)
        cls = f"ropa-node ropa-node--{node.shape}" + (" ropa-node--gap" if node.gap else "")
        if node.shape == "sync":
            out.append(f'<circle class="{cls}" cx="{cx(node):g}" cy="{y0 + 22:g}" r="22"/>')
            out.append(_text(cx(node), y0 + 22 + FONT / 2 - 2, node.lines, "ropa-node-text"))
            continue
        rx = min(node.height / 2, 24) if node.shape == "event" else 10 if node.shape == "result" else 0
        out.append(f'<rect class="{cls}" x="{left:g}" y="{y0:g}" width="{NODE_W}" height="{node.height}" rx="{rx:g}"/>')
        out.append(_text(cx(node), y0 + 10 + FONT - 1, node.lines, "ropa-node-text"))
    out.append("</svg>")
    return "".join(out)


def figure(content: str, lang: str, *, markdown: bool = False) -> str:
    """A diagram (an SVG, or with ``markdown`` a Mermaid fence) in the box that scrolls it
    sideways when it is wider than the page and opens it full screen with zoom buttons
    (``assets/ropa-diagram.js``; the labels are in ``data-label-*``, in the site's language).
    A Mermaid fence follows an empty box, which the script moves the drawn diagram into."""
    attrs = " ".join(
        f'data-label-{name.replace("_", "-")}="{escape(i18n.t("process.diagram." + name, lang))}"'
        for name in ("full_screen", "close", "zoom_in", "zoom_out", "scrolls")
    )
    if markdown:  # a fence inside an HTML block is not a fence: the script moves it in
        return f'<div class="ropa-diagram" {attrs}></div>\n\n{content}'
    return f'<div class="ropa-diagram" {attrs}>{content}</div>\n'


# -- the process model as lanes -----------------------------------------------------------------


def process_diagram(model: ProcessModel, lang: str, *, org_name: str, parties: Parties, ident: str = "") -> str:
    """The process ``model`` as an SVG of lanes: one per actor with elements, in the model's
    order, then one without a title for the elements of no actor; events (◷ for a time event)
    and results, the ET / OU synchronisation of several triggering events, operations with
    their nature, timing and tool, emission rules on the arrows (dashed for a ``gap``)."""
    d = Lanes(model.name, ident or f"ropa-p-{model.id}")
    lanes: dict[str | None, list[Element]] = {actor: [] for actor in model.actors}
    lanes[None] = []
    for element in [*model.events.values(), *model.operations.values(), *model.results.values()]:
        lanes.setdefault(model.lane(element.id), []).append(element)
    gaps = set(gap_targets(model))
    for actor_id, members in lanes.items():
        if not members:
            continue
        if actor_id is None:
            index = d.lane([("", "")])
        else:
            actor = model.actors[actor_id]
            organisation = actor_organisation(actor.data, org_name, parties)
            shown = organisation if organisation and organisation != actor.name else ""
            index = d.lane([(actor.name, "b"), (shown, "i")])
        for element in members:
            _place(d, element, index, lang, element.id in gaps)
    for op in model.operations.values():
        sources = [t for t in triggers(op) if t in model.events]
        into = "sync:" + op.id if len(triggers(op)) > 1 else op.id
        for source in sources:
            d.edge(source, into)
        if into != op.id:
            d.edge(into, op.id)
        for _, rule, to in emissions(op):
            d.edge(op.id, to, str(rule.get("condition") or ""), dashed=bool(rule.get("gap")))
    return d.svg(model.name)


def _place(d: Lanes, element: Element, lane: int, lang: str, gap: bool) -> None:
    data = element.data
    if element.kind == "operations":
        if len(triggers(element)) > 1:
            sync = vocab.label("synchronisation", data.get("synchronisation") or "and", lang)
            d.node("sync:" + element.id, lane, "sync", [(sync, "b")])
        nature = vocab.label("operation_nature", data.get("nature"), lang) if data.get("nature") else ""
        d.node(element.id, lane, "operation", [(element.name, "b"), (nature, ""), (str(data.get("timing") or ""), ""),
                                               (str(data.get("tool") or ""), "i")], gap=gap)
    elif element.kind == "events":
        mark = i18n.t("process.diagram.time_mark", lang) + " " if data.get("kind") == "time" else ""
        d.node(element.id, lane, "event", [(mark + element.name, "")], gap=gap)
    else:
        d.node(element.id, lane, "result", [(element.name, "")], gap=gap)
