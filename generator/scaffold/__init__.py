"""The files ``ropa init`` and ``ropa new`` write, rendered from the templates of this folder.

Templates use ``[[ value ]]`` and ``[% block %]`` rather than Jinja's usual braces, so that the
``${{ ... }}`` of GitHub Actions and the ``{...}`` of YAML flow mappings stay as they are.
A value printed into YAML goes through the ``yaml`` filter (a double-quoted YAML string), into
Markdown through ``md``: an organisation's name cannot break the file it lands in.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jinja2

from generator import vocab
from generator.render import i18n
from generator.render.escape import gfm

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
    sep = " : " if lang == "fr" else ": "
    return [f"{code}{sep}{vocab.label(vocabulary, code, lang)}" for code in vocab.vocabularies()[vocabulary]]


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SCAFFOLD_DIR)),
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(yaml=yaml_string, md=gfm)  # the README is read on GitHub/GitLab, not on the site
    env.globals.update(choices=choices, placeholder=placeholder())
    return env


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(**values)
