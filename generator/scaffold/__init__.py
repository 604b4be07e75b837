"""The files ``ropa init`` and ``ropa new`` write, rendered from the templates of this folder.

Templates use ``[[ value ]]`` and ``[% block %]`` rather than Jinja's usual braces, so that the
``${{ ... }}`` of GitHub Actions and the ``{...}`` of YAML flow mappings stay as they are.
A value printed into YAML goes through the ``yaml`` filter (a double-quoted YAML string), into
Markdown through ``md``: an organisation's name cannot break the file it lands in.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import vocab
from generator.render import i18n, templates
from generator.render.escape import gfm

if TYPE_CHECKING:
    import jinja2

SCAFFOLD_DIR = Path(__file__).resolve().parent


def placeholder(lang: str = i18n.DEFAULT_LANG) -> str:
    """What the author has to replace (« À COMPLÉTER »); the ``placeholder`` rule finds it."""
    return i18n.t("review.placeholder", lang)


def yaml_string(value: Any) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def choices(vocabulary: str, lang: str = i18n.DEFAULT_LANG) -> list[str]:
    """``["consent : Consentement (art. 6(1)(a))", ...]``: a vocabulary's codes and labels,
    for the comments that say what a field accepts."""
    return [f"{code}{i18n.colon(lang)}{vocab.label(vocabulary, code, lang)}" for code in vocab.vocabularies()[vocabulary]]


def comment(key: str, lang: str, indent: int = 0, **values: Any) -> str:
    """The comment at ``key`` of ``data/labels/scaffold.yaml`` in ``lang``, each of its lines
    behind ``indent`` spaces and « # »; ``{name}`` filled from ``values`` (``known``: the party
    ids a comment lists, said « (parties connues : a, b) » when there are any)."""
    known = values.pop("known", None)
    values["known"] = i18n.t("scaffold.known_parties", lang).format(parties=", ".join(known)) if known else ""
    return "\n".join(f"{' ' * indent}# {line}".rstrip() for line in filled(key, lang, **values).split("\n"))


def filled(key: str, lang: str, **values: Any) -> str:
    """The text at ``key`` of ``data/labels/scaffold.yaml`` in ``lang``, each ``{name}`` of
    ``values`` replaced (other braces, a YAML flow mapping's, left as they are)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], m[0])), i18n.t(f"scaffold.{key}", lang))


def organisation_ids(width: int = 80) -> list[str]:
    """The ids of the international organisations ropa knows, on lines of at most ``width``
    characters, for the comment on ``international_organisation`` (the author's repository
    has no copy of ropa's data files to look them up)."""
    return textwrap.wrap(", ".join(vocab.international_organisations()), width)


@functools.cache
def environment() -> jinja2.Environment:
    """The scaffold's environment (Jinja is imported when a file is first written)."""
    return templates.environment(
        SCAFFOLD_DIR,
        delimiters={
            "variable_start_string": "[[",
            "variable_end_string": "]]",
            "block_start_string": "[%",
            "block_end_string": "%]",
            "comment_start_string": "[#",
            "comment_end_string": "#]",
        },
        filters={"yaml": yaml_string, "md": gfm},  # the README is read on GitHub/GitLab, not on the site
        globals={"organisation_ids": organisation_ids},
    )


def render(template: str, lang: str = i18n.DEFAULT_LANG, **values: Any) -> str:
    """``template`` with ``values``, its comments and example values in ``lang`` (the
    register's language), its placeholder too (« À COMPLÉTER », "TO BE COMPLETED": the
    ``placeholder`` rule finds either)."""
    mark = placeholder(lang)

    def value(key: str) -> str:
        return i18n.t(f"scaffold.values.{key}", lang)

    def say(key: str, indent: int = 0, **more: Any) -> str:
        return comment(key, lang, indent, **{"placeholder": mark, "actor": value("actor"), **values, **more})

    def note(key: str) -> str:
        """A comment after a value (« fetch-depth: 0  # … »): its text alone."""
        return i18n.t(f"scaffold.{key}", lang)

    def text(key: str, **more: Any) -> str:
        """A text of its own (the README), its values escaped by the template."""
        return filled(key, lang, **{"placeholder": mark, **values, **more})

    words = {"placeholder": mark, "choices": lambda vocabulary: choices(vocabulary, lang), "value": value, "say": say,
             "note": note, "text": text}
    return environment().get_template(template).render(**words, **values)
