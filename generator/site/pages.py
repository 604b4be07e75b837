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
``{processes}/*.md``: a page's path by its name in ``data/paths.yaml``, in the site's language),
in a section whose label is in ``data/labels/site.yaml``); the MkDocs plugin
(``generator/site/mkdocs_plugin.py``) adds the pages in memory and builds the navigation from that table. Builders read the register model (``generator.model``: activities in register order, actors,
process models, review), built once by ``generate``'s caller and handed down in the ``Context``. A sheet (``sheet_path``: ``activites/<id>.md``,
``activities/<id>.md`` in English) includes ``templates/site/sheet_process.md.j2`` when it exists, with the activity (``generator.model.activity.Activity``) as ``a`` and
its process model as ``process``: the place for the data-flow diagram and the link to
the process page.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import posixpath
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from typing import Any

import jinja2

from generator import paths, vocab
from generator.load.register import Register
from generator.model.activity import Activity
from generator.model.register import RegisterModel, build
from generator.render import i18n, mermaid, swimlane, templates
from generator.render.escape import Markdown, anchor, heading, html, md, url
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
    # the print view of the whole register (issue 15)
    "generator.site.print_view",
]

Builder = Callable[["Context"], dict[str, str]]
_BUILDERS: list[Builder] = []


def builder(fn: Builder) -> Builder:
    if fn not in _BUILDERS:
        _BUILDERS.append(fn)
    return fn


def sheet_path(activity: Activity, lang: str = i18n.DEFAULT_LANG) -> str:
    """``activites/<id>.md``; ``activities/<id>.md`` in English (``data/paths.yaml``)."""
    return f"{paths.name('sheets', lang)}/{activity.id}.md"


def link(from_page: str, to_page: str) -> str:
    """The relative link from one generated page to another (both relative to docs/)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


@dataclass
class Context:
    """What a page builder needs: the register (its files, for the git history), its model,
    the language and the template environment."""

    reg: Register
    lang: str = i18n.DEFAULT_LANG
    register_model: InitVar[RegisterModel | None] = None  # built from ``reg`` when not given
    model: RegisterModel = field(init=False)
    env: jinja2.Environment = field(init=False)
    made: dict[str, str] = field(default_factory=dict)
    """The pages the builders before this one made (the print view gathers sheets from it)."""

    def __post_init__(self, register_model: RegisterModel | None) -> None:
        self.model = register_model if register_model is not None else build(self.reg)
        self.env = environment(self.lang)

    def render(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(model=self.model, lang=self.lang, **values)


def _finalize(value: Any) -> Any:
    return md(value)


@jinja2.pass_context
def _dataflow(context: Any, activity: Activity) -> Markdown:
    """``{{ a|dataflow }}``: the activity's data-flow diagram, as a Mermaid block."""
    lang = context["lang"]
    fence = mermaid.fence(mermaid.dataflow(activity, lang, parties=context["model"].parties))
    return Markdown(swimlane.figure(fence, lang, markdown=True))


def _retention(value: Any, lang: str) -> Markdown:
    data = dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value
    return md(i18n.format_retention(data, lang))


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    env = templates.environment(
        TEMPLATES_DIR,
        finalize=_finalize,
        filters={
            "md": md,
            "heading": heading,
            "html": lambda v: Markdown(html(v)),
            "raw": Markdown,
            "t": lambda key: md(i18n.t(key, lang)),
            "label": lambda value, vocabulary: md(vocab.label(vocabulary, value, lang)),
            # the label as plain text, to fill a message template that is escaped as a whole
            "label_text": lambda value, vocabulary: vocab.label(vocabulary, value, lang),
            "date": lambda value: md(i18n.format_date(value, lang)),
            "duration": lambda value: md(i18n.format_duration(value, lang)),
            "retention": lambda value: _retention(value, lang),
            "scale": lambda value: md(i18n.format_scale(dataclasses.asdict(value), lang)),
            "country": lambda code: md(vocab.destination_name(code, lang)),
            # the Art. 49 derogation's label, as the XLSX and the CSV say it (« Intérêts légitimes
            # impérieux (art. 49.1, second alinéa) »), not the legal data's English `article`
            "derogation": lambda ident: md(vocab.label("art49_derogation", ident, lang)),
            "href": url,
            "anchor": anchor,
            "dataflow": _dataflow,
        },
        globals={"t": lambda key: i18n.t(key, lang), "lang": lang, "counted": lambda key, **values: i18n.fill(i18n.t(key, lang), lang, values),
                 # the colon after a label, « : » in French, ": " in English (i18n.colon)
                 "colon": Markdown(i18n.colon(lang))},
    )
    # the names of the pages and folders in the site's language: ``paths.sheets`` (data/paths.yaml)
    env.globals["paths"] = paths.names(lang)
    return env


def generate(reg: Register, lang: str = i18n.DEFAULT_LANG, *, model: RegisterModel | None = None) -> dict[str, str]:
    """Every generated page of the site for ``reg`` (a valid register) in ``lang``, from its
    model (``generator.model.register.build``; built here when not given)."""
    for module in BUILDER_MODULES:
        importlib.import_module(module)
    ctx = Context(reg, lang, model)
    pages: dict[str, str] = {}
    for fn in _BUILDERS:
        for path, text in fn(ctx).items():
            if path in pages:
                raise ValueError(f"two page builders make {path}")
            pages[path] = ctx.made[path] = text
    return pages
