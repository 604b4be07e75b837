"""The site's navigation from the generated and hand-written pages, ordered by ``data/nav.yaml``,
whose patterns name the pages by their names in the site's language (``data/paths.yaml``)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from generator import paths as site_paths
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
            pattern = site_paths.fill(entry, lang)
            for path in paths:
                if path not in placed and fnmatchcase(path, pattern):
                    placed.add(path)
                    out.append(path)
            continue
        if "hidden" in entry:  # placed (so not listed last), but not in the navigation
            hidden = [site_paths.fill(pat, lang) for pat in entry["hidden"]]
            placed.update(p for p in paths if p not in placed and any(fnmatchcase(p, pat) for pat in hidden))
            continue
        if "page" in entry:
            page = site_paths.fill(entry["page"], lang)
            if page in paths and page not in placed:
                placed.add(page)
                out.append({i18n.t(entry["title"], lang): page})
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
