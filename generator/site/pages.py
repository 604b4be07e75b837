"""The site's pages as ``{relative path: Markdown}``, independent of any site builder.

Each page kind has a builder module listed in ``BUILDER_MODULES``; a builder is a function
decorated with ``@builder`` that takes a ``Context`` and returns the pages it makes. Templates
are Jinja files in ``generator/templates/``, one per page kind.

Every ``{{ value }}`` a template prints is escaped for Markdown (``escape.md``) unless it is
already ``escape.Markdown`` (what the filters return): text from the YAML files cannot inject
Markdown or HTML into a page by accident. A macro's output is already escaped: print it with
``{{ m.macro(...)|raw }}``. Link targets go through ``|href`` (``escape.url``), ids and
fragments made from values through ``|anchor`` (``escape.anchor``).

Adding pages: write a builder module, list it in ``BUILDER_MODULES``, and give its pages a
place in the navigation in ``generator/data/nav.yaml`` (a path or a pattern such as
``processus/*.md``, in a section whose label is in ``data/labels/site.yaml``); the MkDocs
plugin (``generator/site/mkdocs_plugin.py``) adds the pages in memory and builds the navigation
from that table. Shared views of the register (activities in register order, actors,
recipients, transfers) are in ``generator/model/views.py``. A sheet (``activites/<id>.md``)
includes ``templates/site/sheet_process.md.j2`` when it exists, with the activity as ``a`` and
its process model's data as ``process``: the place for the data-flow diagram and the link to
the process page.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import jinja2

from generator import vocab
from generator.load.register import Register
from generator.render import i18n
from generator.render.escape import Markdown, anchor, html, md, url
from generator.resources import TEMPLATES_DIR

# Modules that hold page builders, imported by ``generate``; each registers itself.
BUILDER_MODULES: list[str] = [
    # the register site (issue 3)
    "generator.site.home",
    "generator.site.organisation",
    "generator.site.register_table",
    "generator.site.inventory",
    "generator.site.recipients",
    "generator.site.sheets",
    # process models and diagrams (issue 4)
    "generator.site.processes",
    # the review dashboard (issue 6)
    "generator.site.dashboard",
]

Builder = Callable[["Context"], dict[str, str]]
_BUILDERS: list[Builder] = []


def builder(fn: Builder) -> Builder:
    if fn not in _BUILDERS:
        _BUILDERS.append(fn)
    return fn


@dataclass
class Context:
    """What a page builder needs: the register, the language and the template environment."""

    reg: Register
    lang: str = i18n.DEFAULT_LANG
    env: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = environment(self.lang)

    def render(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(reg=self.reg, lang=self.lang, **values)


def _finalize(value: Any) -> Any:
    return md(value)


@jinja2.pass_context
def _dataflow(context: Any, activity: Any) -> Markdown:
    """``{{ a|dataflow }}``: the activity's data-flow diagram, as a Mermaid block."""
    from generator.render import mermaid

    return mermaid.fence(mermaid.dataflow(activity, context["lang"], parties=context["reg"].parties()))


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md,
        html=lambda v: Markdown(html(v)),
        raw=Markdown,
        t=lambda key: md(i18n.t(key, lang)),
        label=lambda value, vocabulary: md(vocab.label(vocabulary, value, lang)),
        date=lambda value: md(i18n.format_date(value, lang)),
        duration=lambda value: md(i18n.format_duration(value, lang)),
        retention=lambda value: md(i18n.format_retention(value, lang)),
        country=lambda code: md(vocab.country_name(code, lang)),
        href=url,
        anchor=anchor,
        dataflow=_dataflow,
    )
    env.globals.update(t=lambda key: i18n.t(key, lang), lang=lang)
    return env


def generate(reg: Register, lang: str = i18n.DEFAULT_LANG) -> dict[str, str]:
    """Every generated page of the site for ``reg``, in ``lang``."""
    for module in BUILDER_MODULES:
        importlib.import_module(module)
    ctx = Context(reg, lang)
    pages: dict[str, str] = {}
    for fn in _BUILDERS:
        for path, text in fn(ctx).items():
            if path in pages:
                raise ValueError(f"two page builders make {path}")
            pages[path] = text
    return pages
