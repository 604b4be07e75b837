"""Accent folding for the search index of MkDocs Material.

Lunr's French pipeline keeps accents: "fidelisation" would not find "fidélisation". Material's
search worker indexes every field listed in the index's ``config.fields``; we add
``title_folded`` and ``text_folded``, holding the accent-free form of every word that has an
accent, with the boosts of ``title`` and ``text``. Both spellings then find the page, and the
results still show the text as written.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
# letters Unicode does not decompose into a base letter and an accent
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
                            "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"})
FIELDS = ("title", "text")


def fold(text: str) -> str:
    """``Fidélisation, cœur`` → ``Fidelisation, coeur``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def folded_words(markup: str, cache: dict[str, str] | None = None) -> str:
    """The folded form of each word of ``markup`` (HTML) that folding changes, once each.
    ``cache`` keeps each word's folded form across calls (a site repeats its words)."""
    cache = {} if cache is None else cache
    present = dict.fromkeys(_WORD.findall(html.unescape(_TAG.sub(" ", markup))))
    folded = []
    for word in present:
        if word.isascii():  # nothing to fold (most words)
            continue
        form = cache.get(word)
        if form is None:
            form = cache[word] = fold(word)
        if form not in present:
            folded.append(form)
    return " ".join(dict.fromkeys(folded))


def fold_index(index: dict[str, Any]) -> dict[str, Any]:
    """``search_index.json`` with the folded fields added (in place, and returned)."""
    fields = index.setdefault("config", {}).setdefault("fields", {})
    for name in FIELDS:
        fields.setdefault(f"{name}_folded", dict(fields.get(name) or {"boost": 1.0}))
    cache: dict[str, str] = {}
    for doc in index.get("docs", []):
        for name in FIELDS:
            value = folded_words(str(doc.get(name) or ""), cache)
            if value:
                doc[f"{name}_folded"] = value
            else:
                doc.pop(f"{name}_folded", None)
    return index
