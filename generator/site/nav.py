"""The site's navigation from the generated and hand-written pages, ordered by ``data/nav.yaml``."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from generator.render import i18n
from generator.resources import load_data

NavItem = str | dict[str, Any]


def build(paths: list[str], lang: str = i18n.DEFAULT_LANG, table: list[Any] | None = None) -> list[NavItem]:
    """MkDocs ``nav`` for ``paths`` (in the order given): sections labelled in ``lang``."""
    placed: set[str] = set()
    nav = _entries(load_data("nav") if table is None else table, paths, placed, lang)
    nav.extend(p for p in paths if p not in placed)
    return nav


def _entries(entries: list[Any], paths: list[str], placed: set[str], lang: str) -> list[NavItem]:
    out: list[NavItem] = []
    for entry in entries:
        if isinstance(entry, str):
            for path in paths:
                if path not in placed and fnmatchcase(path, entry):
                    placed.add(path)
                    out.append(path)
            continue
        if "hidden" in entry:  # placed (so not listed last), but not in the navigation
            placed.update(p for p in paths if p not in placed and any(fnmatchcase(p, pat) for pat in entry["hidden"]))
            continue
        if "page" in entry:
            if entry["page"] in paths and entry["page"] not in placed:
                placed.add(entry["page"])
                out.append({i18n.t(entry["title"], lang): entry["page"]})
            continue
        children = _entries(entry["pages"], paths, placed, lang)
        if children:
            out.append({i18n.t(entry["section"], lang): children})
    return out


def listed(nav: list[Any]) -> set[str]:
    """Every page path a ``nav`` (as ``build`` makes it, or as mkdocs.yml writes it) lists."""
    out: set[str] = set()
    for item in nav:
        if isinstance(item, str):
            out.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                out |= listed(value) if isinstance(value, list) else ({value} if isinstance(value, str) else set())
    return out
