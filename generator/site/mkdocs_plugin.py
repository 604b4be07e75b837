"""The MkDocs side of the site: a thin adapter around the generated source (``site.source``), for
plain ``mkdocs build`` and ``mkdocs serve`` (``ropa build`` writes that source and builds it).

Declared in ``mkdocs.yml`` as ``plugins: [search, ropa]``. It

- reads and checks the register next to ``mkdocs.yml`` (an invalid register stops the build
  with a ``PluginError`` listing every problem, as ``ropa validate`` prints them);
- adds every file of ``source.site_files`` in memory (``File.generated``): nothing is written into
  ``docs_dir``, so ``mkdocs serve`` does not rebuild forever;
- adds our CSS and JS (``generator/assets/``) and the pinned Mermaid script the package
  carries (``resources.vendored_script``) to the site, so the site never asks a CDN for
  anything and a register repository needs no Node.js; as in ``ropa build``'s source, every page
  lists Mermaid's loader (``assets/on-demand/mermaid.js``), which fetches the script on a page
  that draws a diagram;
- names the site after the organisation (``register/organization.yaml``) unless ``mkdocs.yml``
  chose a name of its own (anything but ropa's default title);
- builds the navigation from ``generator/data/nav.yaml`` when ``mkdocs.yml`` has no ``nav``;
- folds accents into the search index (``search_fold``), so "fidelisation" finds
  "fidélisation";
- makes ``mkdocs serve`` watch ``register/`` and ``processes/``, and, when a change leaves the
  register invalid, prints its problems and serves the last valid version of the site (MkDocs
  would otherwise hold every request until the build succeeds again).
"""

from __future__ import annotations

import logging
import sys
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator import vocab
from generator.lint.report import format_summary, format_text
from generator.lint.runner import load_register
from generator.load.layout import ACTIVITIES, PROCESSES
from generator.load.register import Register
from generator.render import i18n
from generator.resources import VENDOR_PREFIX, site_assets
from generator.site import nav as site_nav
from generator.site import source

log = logging.getLogger(f"mkdocs.plugins.{__name__}")



class RopaPluginConfig(Config):  # type: ignore[no-untyped-call]  # MkDocs: untyped __init_subclass__
    root = c.Optional(c.Type(str))
    """The register repository; default: the folder of ``mkdocs.yml``."""
    lang = c.Optional(c.Choice(vocab.LANGUAGES))
    """The site's language; default: ``theme.language`` (``fr`` when it is neither fr nor en)."""
    mermaid = c.Type(bool, default=True)
    """Serve the pinned Mermaid script the package carries."""


def register_problems(reg: Register, lang: str) -> str:
    """The register's problems, exactly as ``ropa validate`` prints them, and its summary."""
    return format_text(reg.diagnostics, lang) + format_summary(reg.diagnostics, len(reg.files), lang)


def site_language(config: MkDocsConfig, option: str | None) -> str:
    if option:
        return option
    theme_lang = str(config.theme.get("language") or "")
    return theme_lang if theme_lang in vocab.LANGUAGES else i18n.DEFAULT_LANG


class RopaPlugin(BasePlugin[RopaPluginConfig]):  # type: ignore[no-untyped-call]  # likewise
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.register: Register | None = None  # set by ``ropa build`` to skip a second read
        self.root = Path(".")
        self.lang = i18n.DEFAULT_LANG
        self.serving = False
        self.last_valid: source.SiteSource | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """``mkdocs serve`` (as ``ropa serve`` runs it) keeps a plugin that has this method from
        one rebuild to the next (MkDocs ≥ 1.4): its site of the last valid register with it."""
        self.serving = command == "serve"

    @event_priority(50)  # before the search plugin, which reads the theme's language
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.root = (base / self.config.root).resolve() if self.config.root else base
        self.lang = site_language(config, self.config.lang)
        localise(config, self.lang)
        try:
            assets = site_assets(vendored=self.config.mermaid)
        except FileNotFoundError as exc:
            raise PluginError(f"ropa: {exc} (or set `mermaid: false` for the ropa plugin)") from None
        for uri, _ in assets:
            if not uri.startswith(VENDOR_PREFIX):  # Mermaid, large, is fetched by its loader
                _append_once(config.extra_css if uri.endswith(".css") else config.extra_javascript, uri)
        return config

    def _source(self, config: MkDocsConfig) -> source.SiteSource:
        """The site's generated source. An invalid register stops the build; while serving, once
        a valid version was served, its source is served again and the problems are printed
        (on stderr, not as MkDocs warnings, which a strict configuration turns into a failure)."""
        reg, self.register = self.register, None  # reuse once: a rebuild reads the files again
        if reg is None or reg.root != self.root:
            reg = load_register(self.root)
        if not reg.ok:
            if not (self.serving and self.last_valid is not None):
                raise PluginError(f"ropa: {i18n.message('site.not_built', self.lang)}\n" + register_problems(reg, self.lang))
            print(f"ropa: {i18n.message('site.kept', self.lang)}\n" + register_problems(reg, self.lang), file=sys.stderr)
            return self.last_valid
        for problem in reg.diagnostics:
            log.info("register warning: %s", problem.text(self.lang))
        src = source.site_files(reg, self.lang, config.site_name, None, vendored=bool(self.config.mermaid))
        if self.serving:
            self.last_valid = src
        return src

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """The generated source (``source.site_files``) added in memory, beside docs/."""
        src = self._source(config)
        config.site_name = src.name
        published = {f.dest_uri: f.src_uri for f in files}
        for path, content in src.files.items():
            if isinstance(content, Path):
                file = File.generated(config, path, abs_src_path=str(content))
            else:
                file = File.generated(config, path, content=content)
            if file.dest_uri in published:  # the same source path, or a/b/index.md for a/b.md
                clash = published[file.dest_uri]
                raise PluginError(f"ropa: {i18n.message('site.page_clash', self.lang, path=f'docs/{clash}')}")
            files.append(file)
        generated = set(src.files)
        if config.nav is None:
            hand_written = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in generated)
            config.nav = site_nav.build(src.generated + hand_written, self.lang)
        # the sheets and process pages are reached from the register's tables, not the menu:
        # on purpose, so MkDocs is not to list them as pages "not included in the nav"
        in_nav = site_nav.listed(config.nav)
        for file in files.documentation_pages():
            if file.src_uri in generated and file.src_uri not in in_nav:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        return files

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return safe_title(output, page)

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        source.fold_search_index(Path(config.site_dir))

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in (self.root / ACTIVITIES.parent, self.root / PROCESSES):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def safe_title(output: str, page: Page) -> str:
    """Re-escape the page's ``<title>``. MkDocs keeps a page's title as HTML (``&lt;`` for a
    ``<`` of the heading) and Material prints it through ``striptags``, which unescapes it: a
    register value such as ``</title><script>`` would become markup. We write it back escaped."""
    if not page.title or (page.meta or {}).get("title"):
        return output
    printed = Markup(page.title).striptags()
    return output.replace(f"<title>{printed}", f"<title>{escape(printed)}", 1)


def localise(config: MkDocsConfig, lang: str) -> None:
    """The theme's language, the palette toggles' names and, when it is ropa's default title,
    the site's name, in the site's language; no English "Made with" line in the footer."""
    config.theme["language"] = lang
    # Material's footer says "Made with Material for MkDocs" in English whatever the language:
    # left out unless mkdocs.yml sets extra.generator itself
    if "generator" not in config.extra:
        config.extra["generator"] = False
    if config.site_name == i18n.t("site.home.title", i18n.DEFAULT_LANG):
        config.site_name = i18n.t("site.home.title", lang)
    for palette in config.theme.get("palette") or []:
        if isinstance(palette, dict) and isinstance(palette.get("toggle"), dict):
            target = "light" if palette.get("scheme") == "slate" else "dark"
            palette["toggle"]["name"] = i18n.t(f"site.palette.to_{target}", lang)


def _append_once(items: list[Any], uri: str) -> None:
    if uri not in [str(item) for item in items]:
        items.append(uri)
