"""The Mermaid builder (generator/render/mermaid.py) and its escaping (escape.mermaid), without a
browser: every line it writes must be one of the statements it means to write, whatever the
labels hold. tests/test_process_browser.py draws the same hostile diagrams in Chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from conftest import REPO

from generator.lint.runner import load_register
from generator.model import review
from generator.model.activity import Activity, Review, Transfer, activity_of
from generator.model.organisation import Party
from generator.model.register import build
from generator.render import mermaid
from generator.render.escape import mermaid as esc

HOSTILE = [
    'a "quoted" label',
    "%%{init: {'theme': 'dark', 'securityLevel': 'loose'}}%%",
    "%% a comment",
    "x; click n1 call alert(1)",
    'x\nclick n1 "javascript:alert(1)"',
    "x\r\nstyle n1 fill:#f00",
    "style n1 fill:#f00;",
    "classDef default fill:#f00;",
    "linkStyle 0 stroke:#f00;",
    "style:x#y;z",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "&lt;b&gt; &amp; &#35; #quot; #35; #lt;",
    "a|b]c[d(e)f{g}h",
    "n1 --> n2",
    "`markdown` **bold** _it_ ~~s~~",
    "back\\slash",
    "end",
    "subgraph x",
    "x:::gap",
    "tab\there\u2028line\u2029sep\x85nel\x00nul\x1besc",
    "accTitle: nope",
    "#9829; ♥ « guillemets » l'apostrophe",
]

_ENTITY = re.compile(r"#(\d+|quot);")


def decode(text: str) -> str:
    """What Mermaid shows for an escaped label: its entity codes turned back into characters,
    its line breaks (``<br/>``) as new lines."""
    text = text.replace("<br/>", "\n")
    return _ENTITY.sub(lambda m: '"' if m.group(1) == "quot" else chr(int(m.group(1))), text)


def normalise(text: str) -> str:
    """The words of a text, control characters and line breaks counted as spaces."""
    text = "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 else ch for ch in text)
    return " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_label_has_no_syntax_and_reads_back(text: str) -> None:
    out = esc(text)
    bare = out.replace("<br/>", "")
    assert not set(bare) & set('"\n\r\t%|[](){}<>`&\\:'), out
    assert ";" not in _ENTITY.sub("", bare), "a ';' outside an entity code ends the statement"
    assert "#" not in _ENTITY.sub("", bare), "a '#' outside an entity code starts an entity"
    assert normalise(decode(out)) == normalise(text)


def test_escaper_keeps_plain_french_text() -> None:
    assert esc("Clientèle manager — étape 1") == "Clientèle manager — étape 1"
    assert esc(None) == ""
    assert esc("  deux   espaces\n") == "deux espaces"


def test_line_breaks_become_our_br_and_a_typed_br_is_text() -> None:
    assert esc("ligne 1\nligne 2\r\n\r\nligne 3\u2028ligne 4") == "ligne 1<br/>ligne 2<br/>ligne 3<br/>ligne 4"
    assert esc("a <br/> b") == "a #60;br/#62; b"
    assert esc("\n\n  \n") == ""


# -- the builder's output, statement by statement ------------------------------------------------

LABEL = r'"(?:[^"\n;%|\[\](){}<>`#:&\\]|#\d+;|#quot;|<b>|</b>|<i>|</i>|<br/>)*"'
NODE_ID = r"n\d+"
STATEMENTS = [
    r"flowchart (TB|LR)",
    r"    accTitle: (?:[^\n;%|\[\](){}<>`#:&\\]|#\d+;|#quot;)*",
    rf"    subgraph {NODE_ID}\[{LABEL}\]",
    r"        direction TB",
    r"    end",
    rf" +{NODE_ID}(\[{LABEL}\]|\(\[{LABEL}\]\)|\(\({LABEL}\)\)|\({LABEL}\)|\{{\{{{LABEL}\}}\}})",
    rf"    {NODE_ID} (-->|-\.->)(\|{LABEL}\|)? {NODE_ID}",
]


def assert_only_our_statements(source: str) -> None:
    assert source.startswith(mermaid.FRONTMATTER + "\n"), "the diagram starts with our own configuration"
    body = source[len(mermaid.FRONTMATTER) + 1:]
    assert body.endswith("\n")
    for line in body[:-1].split("\n"):
        assert any(re.fullmatch(p, line) for p in STATEMENTS), f"unexpected statement: {line!r}"


def hostile_process(label: str) -> dict[str, Any]:
    """A process whose every text is ``label`` and whose ids are Mermaid keywords."""
    return {
        "id": "hostile",
        "name": label,
        "actors": [
            {"id": "click", "name": label, "kind": "internal"},
            {"id": "style", "name": label, "kind": "external", "organisation": label},
        ],
        "events": [
            {"id": "end", "name": label, "kind": "time"},
            {"id": "subgraph", "name": label, "kind": "external", "actor": "style"},
            {"id": "classdef", "name": label, "kind": "internal"},
        ],
        "results": [{"id": "linkstyle", "name": label}, {"id": "graph", "name": label}],
        "operations": [
            {"id": "flowchart", "name": label, "actor": "click", "nature": "manual", "timing": label,
             "tool": label, "triggers": ["end", "subgraph"], "synchronisation": "and",
             "emissions": [{"condition": label, "to": "classdef"}, {"condition": label, "to": "graph", "gap": True}]},
            {"id": "direction", "name": label, "actor": "style", "nature": "automatic", "timing": label,
             "triggers": ["classdef"], "emissions": [{"condition": label, "to": "linkstyle"}]},
        ],
    }


def hostile_activity(label: str) -> dict[str, Any]:
    return {
        "id": "hostile", "ref": label, "name": label,
        "data_subjects": [{"category": "customers", "description": label}],
        "recipients": [{"type": "internal_service", "name": label},
                       {"type": "processor", "name": label, "party": "end"}],
        "processors": ["click"],
        "transfers": [{"recipient": "end", "country": "US", "safeguard": "scc"},
                      {"recipient": label, "country": "JP", "safeguard": "adequacy"}],
    }


PARTIES = {"end": {"name": HOSTILE[0]}, "click": {"name": HOSTILE[3]}}
MODEL_PARTIES = {pid: Party(pid, p["name"]) for pid, p in PARTIES.items()}


def typed(data: dict[str, Any], parties: dict[str, Party] = MODEL_PARTIES) -> Activity:
    """The model's activity of a sheet's data (as ``generator.model.register.build`` makes it)."""
    status = Review(review.review_status(data, {}, dt.date(2026, 11, 28)), review.completeness(data),
                    review.screening(data))
    return activity_of(data, status, {pid: p.name for pid, p in parties.items()})


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_dataflow_diagram_is_only_our_statements(label: str) -> None:
    source = mermaid.dataflow(typed(hostile_activity(label)), "en", parties=MODEL_PARTIES)
    assert_only_our_statements(source)
    assert esc(label) in source


def test_node_ids_are_generated_never_taken_from_yaml() -> None:
    """The parties of hostile_activity have Mermaid keywords as ids: none of them may name a node."""
    source = mermaid.dataflow(typed(hostile_activity("x")), "fr", parties=MODEL_PARTIES)
    body = source[len(mermaid.FRONTMATTER) + 1:]
    keywords = {"flowchart", "LR", "subgraph", "direction", "TB"}
    for line in body.splitlines():
        if line.strip() == "end" or line.startswith("    accTitle:"):
            continue
        words = re.findall(r"\w+", re.sub(r'"[^"]*"', "", line))
        assert words and all(re.fullmatch(r"n\d+", w) or w in keywords for w in words), line


# -- the loyalty process ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def centrecall() -> Any:
    reg = load_register(REPO)
    assert reg.ok, [d.text() for d in reg.diagnostics]
    return reg


def test_dataflow_of_call_routing_reaches_the_third_country(centrecall: Any) -> None:
    model = build(centrecall)
    activity = next(a for a in model.activities if a.id == "routage-appels-artemis")
    source = mermaid.dataflow(activity, "fr", parties=model.parties)
    assert_only_our_statements(source)
    node = {label: ident for ident, label in re.findall(r'(n\d+)\S*?"([^"]*)"', source)}
    subjects, internal, external, countries = re.findall(r'subgraph n\d+\["([^"]*)"\]', source)
    assert (subjects, internal, external, countries) == (
        "Personnes concernées", "Destinataires internes", "Destinataires externes", "Pays tiers")
    center = node["<b>Routage des appels des clients d'Artemis vers l'opérateur le plus compétent</b><br/>ST-ART-02"]
    assert f"{node['<b>Clients</b><br/>Clients d#39;Artemis qui appellent le centre'.replace('#39;', chr(39))]} --> {center}" in source
    voxcloud = node["<b>VoxCloud Inc.</b><br/><i>Sous-traitants</i>"]
    assert f"{center} --> {voxcloud}" in source
    assert f'{voxcloud} -->|"Clauses contractuelles types #40;CCT#41;"| {node["États-Unis"]}' in source


def test_dataflow_lists_a_processor_and_a_transfer_recipient_not_among_the_recipients(centrecall: Any) -> None:
    model = build(centrecall)
    activity = next(a for a in model.activities if a.id == "routage-appels-artemis")
    activity = dataclasses.replace(
        activity,
        recipients=tuple(r for r in activity.recipients or () if r.party != "voxcloud"),
        transfers=(*(activity.transfers or ()), Transfer("Hébergeur inconnu", "Hébergeur inconnu", "IN", "scc")),
    )
    source = mermaid.dataflow(activity, "fr", parties=model.parties)
    assert_only_our_statements(source)
    assert '["<b>VoxCloud Inc.</b><br/><i>Sous-traitant</i>"]' in source  # from processors
    assert '["<b>Hébergeur inconnu</b>"]' in source and '{{"Inde"}}' in source


def test_fence_is_a_mermaid_block() -> None:
    assert mermaid.fence("flowchart TB\n") == "```mermaid\nflowchart TB\n```\n"
