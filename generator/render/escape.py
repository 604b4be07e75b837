"""Escaping text from YAML files for each context it reaches.

- ``md``: Markdown text and table cells. Every ASCII punctuation character is backslash-escaped
  (the site enables ``pymdownx.escapeall``, so ``\\<`` renders as ``&lt;`` and ``\\|`` never
  splits a table cell), line breaks become ``<br>``: no YAML value can open a link, an HTML
  tag, an emphasis, a heading, a list or a new table cell.
- ``gfm``: Markdown that GitHub, GitLab or any CommonMark renderer shows as it is (pull-request
  comments, the README ``ropa init`` writes): only what would be read as markup *in that
  context* is escaped, so the raw text stays readable in CI logs.
- ``html``: text and attribute values in raw HTML.
- ``script_json``: data for a page's script, as JSON inside ``<script type="application/json">``;
  ``dom_text``: the text it carries, which the script writes with ``textContent``.
- ``mermaid``: text inside a quoted Mermaid label (``n1["..."]``), as Mermaid entity codes.
"""

from __future__ import annotations

import html as _html
import json
import re
import string
from typing import Any

_PUNCT = frozenset(string.punctuation)


class Markdown(str):
    """Markdown that is already safe: templates output it as it is."""

    __slots__ = ()


def md(value: Any) -> Markdown:
    if isinstance(value, Markdown):
        return value
    if value is None:
        return Markdown("")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return Markdown(text.translate(_MD_CODES))


# What ``md`` writes for each character that needs it (one ``str.translate``, no Python loop):
# punctuation backslash-escaped, a line break as ``<br>``, tabs and other controls as a space.
_MD_CODES = {c: " " for c in (*range(32), 0x2028, 0x2029)} | {ord("\n"): "<br>"} | {ord(ch): "\\" + ch for ch in _PUNCT}


def heading(value: Any) -> Markdown:
    """``md`` for a page's first heading (``# ...``), which is also its title in the browser tab,
    the header and the navigation, where the heading's tags are dropped: a line break stays a
    ``<br>`` in the page and becomes a space there, so the words on either side stay apart."""
    return Markdown(md(value).replace("<br>", " <br>"))


# gfm: characters that open markup wherever they stand (emphasis, code, links, strikethrough,
# GitHub's math); ``_`` only at a word's edge (intraword ``data_categories`` is no emphasis);
# ``<`` only before what starts a tag or an autolink; ``&`` only where it would spell an entity.
_GFM_ALWAYS = re.compile(r"[\\*`\[\]~$]")
# « @name » starting a word is a mention on GitHub and GitLab (« @all » notifies everyone): a word
# joiner after the @ keeps it text; an e-mail address (a letter before its @) is no mention.
_GFM_MENTION = re.compile(r"(?<![\w.+-])@(?=\w)")
_GFM_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_GFM_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_GFM_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What starts a block at the beginning of a line: heading, quote, list, rule, setext, table, fence.
_GFM_BLOCK_START = re.compile(r"^(\s*)(?:([#>+=|-])|(\d{1,9})([.)]))")
GFM_CONTEXTS = ("line", "cell", "heading")


def gfm(value: Any, context: str = "line") -> Markdown:
    """``value`` as literal text for a GitHub/GitLab Markdown ``context``: ``line`` (a paragraph,
    a quote: the text may start a line), ``cell`` (a table cell: ``|`` ends it) or ``heading``
    (after ``## ``: a closing ``#`` would vanish). Line breaks become ``<br>`` (one paragraph,
    one cell); control characters become spaces."""
    if context not in GFM_CONTEXTS:
        raise ValueError(f"unknown Markdown context {context!r}")
    if isinstance(value, Markdown):
        return value
    text = "" if value is None else str(value)
    text = "".join(" " if (ord(ch) < 32 and ch != "\n") or ch in "\u2028\u2029\x7f" else ch
                   for ch in text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = []
    for line in text.strip().split("\n"):
        line = " ".join(line.split())  # no trailing double space (a hard break), no indented code
        line = _GFM_ALWAYS.sub(lambda m: "\\" + m.group(0), line)
        line = _GFM_UNDERSCORE.sub(r"\\_", line)
        line = _GFM_TAG.sub(r"\\<", line)
        line = _GFM_ENTITY.sub(r"\\&", line)
        line = _GFM_MENTION.sub("@\u2060", line)
        if context == "cell":
            line = line.replace("|", "\\|")
        elif context == "heading" and line.endswith("#"):
            line = line[:-1] + "\\#"
        lines.append(line)
    if context == "line" and lines:
        # the text starts a line: no heading, quote, list, rule or table marker there (the
        # other lines follow a ``<br>``, inside the same block, where none of them applies)
        lines[0] = _GFM_BLOCK_START.sub(
            lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)),
            lines[0],
        )
    return Markdown("<br>".join(line for line in lines if line))


def html(value: Any) -> str:
    return _html.escape("" if value is None else str(value), quote=True)


# JSON in a ``<script>`` element: no ``<``, ``>`` or ``&`` at all (so no ``</script>``, ``<!--`` or
# ``<script`` can end the element or change how HTML reads it; no character reference either),
# and the line separators JavaScript source cannot hold raw in older engines.
_SCRIPT_JSON = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_DOM_TEXT = {c: " " for c in (*range(32), 0x2028, 0x2029) if c != 0x0A}


def script_json(value: Any) -> str:
    """``value`` as JSON for the inside of an HTML ``<script type="application/json">`` element (a
    page's data, read with ``JSON.parse(element.textContent)``): compact, non-ASCII letters as
    they are, and ``< > &`` U+2028 U+2029 as ``\\uXXXX`` escapes, so that no text can close
    the element. Markdown leaves a raw ``<script>`` block as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_JSON)


def dom_text(value: Any) -> str:
    """Text a page's script writes with ``textContent`` (no markup, so nothing to escape): shown
    as ``md`` shows it in a page, line breaks kept (the script writes them as ``<br>``), other
    control characters and U+2028/U+2029 as spaces, white space at either end dropped."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip().translate(_DOM_TEXT)


_SVG_TEXT = {ord(c): f"&#{ord(c)};" for c in "&<>\"'[]()|*_`\\#!{}~"}


def svg_text(value: Any) -> str:
    """Text inside an inline SVG of a page (``render.swimlane``): HTML-escaped, and Markdown's
    punctuation as character references too, so the text stays text even if a Markdown parser
    ever reads it; characters XML forbids become spaces."""
    text = _XML_ILLEGAL_FOUND.sub(" ", "" if value is None else str(value))
    return text.translate(_SVG_TEXT)


# Spreadsheets (CSV and XLSX exports). A cell whose text starts with one of these is read as a
# formula by Excel, LibreOffice or Google Sheets (OWASP "CSV injection"): = + - @, and tab and
# carriage return, which some of them skip before looking.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The same after white space (Google Sheets and LibreOffice's "trim spaces" drop it first) and
# their full-width forms, which an East Asian input method turns into the ASCII ones on editing.
_FORMULA_LOOKALIKES = (*FORMULA_TRIGGERS, "＝", "＋", "－", "＠")
_XML_ILLEGAL = {c: " " for c in range(32) if chr(c) not in "\t\n\r"} | {0xFFFE: " ", 0xFFFF: " "}
_XML_ILLEGAL_FOUND = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula, now or once edited."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(_FORMULA_LOOKALIKES)


def csv_cell(value: Any) -> str:
    """A CSV cell: the text, with a leading ``'`` when it would otherwise run as a formula.

    The csv module quotes separators, quotes and line breaks (RFC 4180); this adds what the
    format cannot express: "this is text, not a formula".
    """
    text = "" if value is None else str(value)
    return "'" + text if formula_like(text) else text


def xlsx_text(value: Any) -> str:
    """Text an XLSX cell can hold: control characters XML 1.0 forbids become spaces.

    Formula-looking text is not changed here: the workbook writer stores every text as a
    string cell (never a formula) and marks formula-looking ones with Excel's quote prefix.
    """
    text = "" if value is None else str(value)
    return text.translate(_XML_ILLEGAL) if _XML_ILLEGAL_FOUND.search(text) else text  # translate is slow


def anchor(value: Any) -> Markdown:
    """An HTML id (``{: #id }``) and fragment (``#id``) made from ``value``: lower-case ASCII
    letters, digits and hyphens only (``personal_life`` → ``personal-life``)."""
    text = re.sub(r"[^a-z0-9]+", "-", str(value if value is not None else "").lower()).strip("-")
    return Markdown(text or "x")


# Link targets in Markdown: ``[text](target)``.
_WEB_SCHEMES = ("http://", "https://", "mailto:")


def url(value: Any) -> Markdown:
    """A link target for Markdown: percent-encoded, so no space, parenthesis, bracket, quote or
    angle bracket can end the link or start markup; a scheme other than http(s) or mailto
    (``javascript:``) has its colon encoded too and becomes a harmless relative path."""
    from urllib.parse import quote

    text = "" if value is None else str(value).strip()
    safe = "/#?=&%~@!$*+,;:" if text.lower().startswith(_WEB_SCHEMES) else "/#?=&%~@!$*+,;"
    return Markdown(quote(text, safe=safe))


# Mermaid labels. Every label the diagrams print is a quoted string (``n1["..."]``, ``-->|"..."|``),
# and inside it each character that Mermaid, its entity decoder or HTML could read as syntax is
# written as a Mermaid entity code (``#35;`` for ``#``), which Mermaid turns back into the
# character only once the diagram is drawn: a quote cannot end the string, ``%%`` cannot open
# a directive or a comment, ``;`` and line breaks cannot end the statement (so no ``click``,
# ``style``, ``classDef`` or ``linkStyle`` can follow), brackets and pipes cannot change the
# shape or the edge, ``:`` cannot feed Mermaid's ``style…:…#…;`` rewriting, backticks cannot
# start a Markdown string and ``< > &`` cannot open HTML. A line break of the text becomes a
# ``<br/>`` written here (a ``<br/>`` typed in the text is escaped like any other tag); tabs and
# other control characters become single spaces.
_MERMAID_CODES = {ord(ch): f"#{ord(ch)};" for ch in "#;%|[](){}<>&`\\:*_~"} | {ord('"'): "#quot;"}
CONTROLS_AS_SPACES = {c: " " for c in (*range(32), *range(0x7F, 0xA0))}
"""``str.translate`` table: the C0 controls, DEL and the C1 controls each become a space."""
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def mermaid(value: Any) -> str:
    """Text for a quoted Mermaid label: ``n1["` + mermaid(text) + `"]``."""
    lines = []
    for line in _LINE_BREAK.split("" if value is None else str(value)):
        line = line.translate(CONTROLS_AS_SPACES)
        if line.strip():
            lines.append(" ".join(line.split()).translate(_MERMAID_CODES))
    return "<br/>".join(lines)


_TERMINAL_CODES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)} | {
    c: f"\\u{c:04x}" for c in (*range(0x80, 0xA0), 0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                              0x2066, 0x2067, 0x2068, 0x2069)
}


def terminal(value: Any) -> str:
    """Text for a terminal: every control character (ESC, BEL, backspace, carriage return, line
    breaks inside a value, C1 controls, bidirectional overrides) shown as its escape ``\\x1b``,
    so a value cannot clear, recolour or rewrite the user's screen. A backslash stays itself."""
    return str(value).translate(_TERMINAL_CODES)
