"""Property-based tests (hypothesis) of what every output relies on: the escaping functions, one
per output context, and the line/column mapping of the loader that every diagnostic uses."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import LoadError
from generator.lint.rules import Diagnostic
from generator.load.yamlload import (
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_NODES,
    MAX_TEXT,
    Document,
    data_of,
    parse,
    parse_bytes,
)
from generator.model import dpia
from generator.render import escape

settings.register_profile("ropa", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ropa")

# Text as a register holds it: any printable character, and the line breaks and tabs YAML allows.
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
               | st.sampled_from("\n\t<>&\"'`*_[](){}#|\\!:;%~-+=.@$^"), max_size=80)
HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "{: onclick=alert(1) }", "!!! danger",
    "--8<-- \"/etc/passwd\"", "{{ 7*7 }}", "{% raw %}", "| a | b |", "# titre", "1. liste", "> citation",
    "```", "~~~", "<!-- x -->", "&amp;", "\\*", "*emph*", "__gras__", "`code`", "<https://x.example>",
])
ANY_TEXT = st.one_of(TEXT, HOSTILE, st.lists(st.one_of(TEXT, HOSTILE), max_size=4).map(" ".join))

SITE_EXTENSIONS = ["pymdownx.escapeall", "attr_list", "md_in_html", "def_list", "tables", "admonition",
                   "pymdownx.details", "pymdownx.superfences"]
SITE_CONFIG = {"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}}


class Visible(HTMLParser):
    """The text a reader sees, and the elements the HTML holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "br":
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(source: str) -> Visible:
    out = Visible()
    out.feed(markdown.markdown(source, extensions=SITE_EXTENSIONS, extension_configs=SITE_CONFIG))
    return out


def folded(text: str) -> str:
    return " ".join(text.split())


@given(ANY_TEXT)
def test_markdown_text_renders_as_itself(value: str) -> None:
    seen = render("Avant : " + escape.md(value))
    assert folded("".join(seen.text)) == folded("Avant : " + value)
    assert set(seen.tags) <= {"p", "br"}


@given(ANY_TEXT, ANY_TEXT)
def test_markdown_table_cells_stay_in_their_cell(left: str, right: str) -> None:
    seen = render(f"| A | B |\n| --- | --- |\n| {escape.md(left) or '-'} | {escape.md(right) or '-'} |\n")
    assert seen.tags.count("td") == 2
    assert set(seen.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "br"}


@given(ANY_TEXT)
def test_html_text_and_attributes_hold_the_value(value: str) -> None:
    seen = Visible()
    seen.feed(f'<span title="{escape.html(value)}">{escape.html(value)}</span>')
    # the HTML parser itself reads a carriage return as a line break, as browsers do
    assert "".join(seen.text) == value.replace("\r\n", "\n").replace("\r", "\n")
    assert seen.tags == ["span"]


class Scripts(HTMLParser):
    """The <script> elements of a page (their text), and the text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.outside: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.scripts[-1] += data
        else:
            self.outside.append(data)


# Any text at all, the separators and control characters too, and what ends a script element.
SCRIPT_TEXT = st.one_of(st.text(max_size=60), ANY_TEXT, st.sampled_from([
    "</script>", "</SCRIPT >", "<!--<script>", "</script><script>alert(1)</script>", "\u2028\u2029", "]]>", "\\u003c"]))


@given(st.lists(SCRIPT_TEXT, max_size=4))
def test_script_json_stays_in_its_element_and_reads_back(values: list[str]) -> None:
    """A page's data (``escape.script_json``) through the site's Markdown, as a raw block, read as
    a browser's HTML parser does: one script element, whose text is the JSON of the data."""
    data = {"rows": [[value, [value, "id"]] for value in values]}
    text = escape.script_json(data)
    assert not set(text) & set("<>&\u2028\u2029")
    page = markdown.markdown(f'Avant\n\n<script type="application/json" id="d">{text}</script>\n\nAprès',
                             extensions=SITE_EXTENSIONS, extension_configs=SITE_CONFIG)
    seen = Scripts()
    seen.feed(page)
    assert len(seen.scripts) == 1 and json.loads(seen.scripts[0]) == data
    assert folded(" ".join(seen.outside)) == "Avant Après"


@given(SCRIPT_TEXT)
def test_dom_text_shows_what_the_markdown_shows(value: str) -> None:
    """The register table's rows drawn by the script (``escape.dom_text``, line breaks as <br>)
    read as the rows of the page's own Markdown table (``escape.md``)."""
    seen = render("| A |\n| --- |\n| " + (escape.md(value) or "-") + " |\n")
    shown = escape.dom_text(value)
    assert folded("".join(seen.text)) == folded("A " + (shown or "-"))
    assert seen.tags.count("br") == shown.count("\n")
    assert not any(ord(ch) < 32 and ch != "\n" for ch in shown)


_ENTITY = re.compile(r"#(\d+|quot);")


@given(ANY_TEXT)
def test_mermaid_labels_carry_no_syntax(value: str) -> None:
    plain = escape.mermaid(value).replace("<br/>", "\n")
    assert not set(plain) & set("\"%|[](){}<>&`\\:*_~\r")
    assert not set(_ENTITY.sub("", plain)) & {"#", ";"}  # every # and ; is part of an entity code
    decoded = _ENTITY.sub(lambda m: '"' if m[1] == "quot" else chr(int(m[1])), plain)
    lines = re.split(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]", value)
    assert (decoded.split("\n") if decoded else []) == [folded(line) for line in lines if line.strip()]


@given(st.text(max_size=80))
def test_terminal_text_has_no_control_character(value: str) -> None:
    shown = escape.terminal(value)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
                   for ch in shown)
    if all(ch.isprintable() and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for ch in value):
        assert shown == value  # printable text is shown as it is


@given(st.text(max_size=60))
def test_csv_cells_never_start_a_formula_and_read_back(value: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([escape.csv_cell(value)])
    read = next(csv.reader(io.StringIO(buffer.getvalue())), [""])
    cell = read[0] if read else ""
    assert not escape.formula_like(cell)
    assert cell in (value, "'" + value)


@given(ANY_TEXT)
def test_link_targets_cannot_end_the_link_or_run_a_script(value: str) -> None:
    target = escape.url(value)
    assert not set(target) & set(" ()[]<>\"'`\n\t\\")
    assert not re.match(r"(?i)\s*(javascript|data|vbscript):", target)


# --- positions -----------------------------------------------------------------------------------

KEY = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)
SCALAR = st.one_of(st.integers(-1000, 1000), st.booleans(), TEXT.filter(lambda s: s.strip() == s and s != ""))
DATA = st.recursive(
    SCALAR,
    lambda children: st.one_of(st.lists(children, min_size=1, max_size=4),
                               st.dictionaries(KEY, children, min_size=1, max_size=4)),
    max_leaves=25,
)


def marks(node: yaml.Node, path: tuple[Any, ...], values: dict[Any, Any], keys: dict[Any, Any]) -> None:
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*path, key_node.value)
            keys[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            marks(value_node, sub, values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            marks(item, (*path, i), values, keys)


@given(st.dictionaries(KEY, DATA, min_size=1, max_size=5), st.booleans())
def test_every_value_and_key_is_located_where_yaml_puts_it(data: dict[str, Any], flow: bool) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False, width=60)
    doc = parse(text, Path("x.yaml"), "x.yaml")
    values: dict[Any, Any] = {}
    keys: dict[Any, Any] = {}
    marks(yaml.compose(text, Loader=yaml.SafeLoader), (), values, keys)
    assert doc.values == values
    assert doc.keys == keys


HAZARDS = st.sampled_from([
    "a: 1\na: 2", "x: &a [1]\ny: *a", "t: !!str 12", "t: !!int x", "t: !custom v", "? [k]\n: v", "---\nb: 1",
    "n: ~", "n: null", "b: yes", "f: .inf", "f: -.NaN", "one: 1.0", "t: true", "~: k", "1: k", "null: k", "i: 0x1F", "d: 2020-09-15", "q: '08'", "e:", "- x",
    "k: [1, 2", "k: \"unclosed", "  bad: indent", "\t: tab", "z: 1" + "0" * 5000, "s: !!bool true", "l: ! 12",
])


@given(st.dictionaries(KEY, DATA, min_size=1, max_size=5), st.booleans(), st.lists(st.tuples(st.integers(0, 40), HAZARDS),
       max_size=3))
def test_a_file_read_without_positions_is_read_as_with_them(
    data: dict[str, Any], flow: bool, hazards: list[tuple[int, str]]
) -> None:
    """``ropa export``'s read (``parse_bytes(..., again=...)``, no positions, ``_data_only``)
    gives the data, or the error, that the read with positions gives; the positions it reads
    again when asked are those."""
    lines = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False, width=60).splitlines()
    for at, hazard in hazards:
        lines.insert(at % (len(lines) + 1), hazard)
    _read_both_ways("\n".join(lines).encode("utf-8"))


def _typed(value: Any) -> Any:
    """``value`` with the type of every scalar (True, 1 and 1.0 are equal to Python), NaN as text."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def _read_both_ways(raw: bytes) -> None:
    try:
        expected: Any = parse_bytes(raw, Path("x.yaml"), "x.yaml")
    except LoadError as exc:
        expected = exc.diagnostic("x.yaml")
    try:
        found: Any = parse_bytes(raw, Path("x.yaml"), "x.yaml", again=lambda: raw)
    except LoadError as exc:
        found = exc.diagnostic("x.yaml")
    try:
        data: Any = data_of(raw, Path("x.yaml"), "x.yaml")
    except LoadError as exc:
        data = exc.diagnostic("x.yaml")
    if isinstance(expected, Diagnostic):
        assert found == expected
        assert data == expected
        return
    assert isinstance(found, Document)
    assert _typed(found.data) == _typed(expected.data) == _typed(data)
    _located_as(found, expected, reversed)
    assert (found.values, found.keys) == (expected.values, expected.keys)
    reads: list[bytes] = []
    again = parse_bytes(raw, Path("x.yaml"), "x.yaml", again=lambda: reads.append(raw) or raw)
    if again.again is not None:  # read without its positions (else: with them, at once)
        assert again.locate(()) == expected.locate(())
        assert (again.values, again.keys) == ({(): expected.values[()]}, {}), "read no further than the root"
    _located_as(again, expected, list)
    assert len(reads) <= 2, "a file is read again twice at most"


def _located_as(found: Document, expected: Document, order: Any) -> None:
    """Every value, key and missing key of ``expected`` is located in ``found`` where it is in
    ``expected``, asked in ``order`` of the file (``found`` reads its file again only as far
    as each answer)."""
    asked = [(path, False) for path in expected.values] + [(path, True) for path in expected.keys]
    asked += [((*path, "missing"), key) for path, key in asked]
    for path, key in order(asked):
        assert found.locate(path, key=key) == expected.locate(path, key=key), (path, key)


def _nodes(count: int) -> str:
    """A list of 50 lists of ``count`` nodes in all (the root and every list counted): up to
    50,001, each list within ``MAX_ENTRIES``."""
    each, extra = divmod(count - 1 - 50, 50)
    return "".join("- [" + ", ".join("0" * (each + (i < extra))) + "]\n" for i in range(50))


@pytest.mark.parametrize("more", [0, 1])
@pytest.mark.parametrize("shape", ["list", "mapping", "depth", "value", "key", "nodes"])
def test_a_file_at_a_limit_is_read_without_positions_as_with_them(shape: str, more: int) -> None:
    """Each limit of one file, reached and passed by one: the same data, or the same error."""
    text = {
        "list": lambda n: "k:\n" + "  - x\n" * n,
        "mapping": lambda n: "".join(f"k{i}: v\n" for i in range(n)),
        "depth": lambda n: "k: " + "[" * (n - 1) + "x" + "]" * (n - 1) + "\n",
        "value": lambda n: "k: " + "a" * n + "\n",
        "key": lambda n: "? " + "a" * n + "\n: v\n",  # (an implicit key is at most 1,024 characters)
        "nodes": _nodes,
    }[shape]
    limit = {"list": MAX_ENTRIES, "mapping": MAX_ENTRIES, "depth": MAX_DEPTH, "value": MAX_TEXT, "key": MAX_TEXT,
             "nodes": MAX_NODES}[shape]
    raw = text(limit + more).encode("utf-8")
    _read_both_ways(raw)
    try:
        parse_bytes(raw, Path("x.yaml"), "x.yaml")
    except LoadError as exc:
        assert more == 1, exc.diagnostic("x.yaml")  # one past the limit is refused
    else:
        assert more == 0


WORDS = st.lists(st.one_of(TEXT, st.sampled_from([
    "enregistrement", "ENREGISTREMENT des appels", "Enregistrement. des conversations", "de la communication",
    "call recording", "Call Recording", "contenu des courriels", "CONTENU DES MESSAGES", "vidéoprotection",
    "VIDÉO surveillance", "video protection", "CCTV", "cctvs", "caméras de surveillance", "Camera de surveillance",
    "campagne", "vidéos", "ſ", "K", "İ",
])), max_size=6).map(" ".join)


@given(WORDS)
def test_the_dpia_word_criteria_are_the_patterns_found(words: str) -> None:
    """The hints that spare most sheets the search never hide a match of its pattern."""
    for pattern in dpia._HINTS:
        assert dpia._shows(pattern, words, words.casefold()) == (pattern.search(words) is not None), pattern
