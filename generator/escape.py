"""Escaping text from YAML files for each context it reaches.

- ``md``: Markdown text and table cells. Every ASCII punctuation character is backslash-escaped
  (the site enables ``pymdownx.escapeall``, so ``\\<`` renders as ``&lt;`` and ``\\|`` never
  splits a table cell), line breaks become ``<br>``: no YAML value can open a link, an HTML
  tag, an emphasis, a heading, a list or a new table cell.
- ``html``: text and attribute values in raw HTML.
"""

from __future__ import annotations

import html as _html
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
    out = []
    for ch in text:
        if ch in _PUNCT:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("<br>")
        elif ch == "\t":
            out.append(" ")
        elif ord(ch) < 32 or ch in "\u2028\u2029":
            out.append(" ")
        else:
            out.append(ch)
    return Markdown("".join(out))


def html(value: Any) -> str:
    return _html.escape("" if value is None else str(value), quote=True)
