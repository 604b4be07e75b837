"""The site's builder-neutral source: what ``ropa generate`` writes and the MkDocs plugin serves.

``site_files`` is every file of the site's ``docs_dir`` for a valid register: the generated pages
(``pages.generate``), the hand-written pages of the repository's ``docs/``, the stylesheets and
scripts (``resources.site_assets``: ours and the pinned Mermaid, which only its loader, listed
on every page, fetches, on a page with a diagram) and the downloads
(``export.site_downloads``). ``builder_config`` is a ``mkdocs.yml`` that MkDocs 1.6 with Material
and Zensical both read: the repository's own configuration without its plugins (Zensical runs
none; only ``search`` is kept), with the navigation, the site's name and language, and every
script and stylesheet listed, so nothing in the pages needs our plugin to render. ``write``
puts both in a folder: the same register gives the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import yaml

from generator import export, vocab
from generator.errors import RopaError
from generator.load.register import Register
from generator.model.register import RegisterModel, build
from generator.render import i18n
from generator.render.escape import CONTROLS_AS_SPACES
from generator.resources import VENDOR_PREFIX, site_assets
from generator.site import config_check, pages, search_fold
from generator.site import nav as site_nav
from generator.site.downloads import Downloads

CONFIG_NAME = "mkdocs.yml"
DOCS = "docs"
# Keys of the repository's mkdocs.yml the generated configuration keeps as written.
KEPT = ("site_description", "site_author", "site_url", "copyright", "use_directory_urls", "extra",
        "markdown_extensions", "extra_css", "extra_javascript", "nav", "not_in_nav", "validation")
# Keys that make every reader's browser ask a third-party host (the forge's API).
DROPPED = ("repo_url", "repo_name", "edit_uri")


class SourceError(RopaError):
    """The site source cannot be made (a hand-written page clashes with a generated one...)."""


# --- mkdocs.yml, read and written with its tags (``!!python/name:``, ``!ENV``) kept as text ---


@dataclass(frozen=True)
class Tagged:
    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


def _represent(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda lo, s, n: _tagged(lo, s, n))
_Loader.add_multi_constructor("!", lambda lo, s, n: _tagged(lo, s, n))
_Dumper.add_representer(Tagged, _represent)


def read_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError.of("site.config_unreadable", path=str(path), error=str(exc)) from None
    if not isinstance(data, dict):
        raise SourceError.of("site.config_not_mapping", path=str(path))
    return data


def repository_config(root: Path, site_dir_used: bool = False) -> dict[str, Any]:
    """The repository's ``mkdocs.yml``, refused (``config_check.ConfigRefused``) when it asks for
    what a build must not do; ``site_dir_used``: the site goes to its ``site_dir``."""
    path = root / CONFIG_NAME
    config = read_config(path)
    config_check.check(root, path, config, site_dir_used)
    return config


def dump_config(config: dict[str, Any]) -> str:
    return yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


# --- the site's settings ---


def plugin_options(config: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The options of plugin ``name`` in ``config['plugins']`` ({} when listed bare), else None."""
    for item in config.get("plugins") or []:
        if item == name:
            return {}
        if isinstance(item, dict) and name in item:
            return dict(item[name] or {})
    return None


def site_language(config: dict[str, Any]) -> str:
    """The ropa plugin's ``lang`` option, else the theme's language, else French."""
    option = (plugin_options(config, "ropa") or {}).get("lang")
    if option in vocab.LANGUAGES:
        return str(option)
    theme = config.get("theme")
    theme_lang = str(theme.get("language") or "") if isinstance(theme, dict) else ""
    return theme_lang if theme_lang in vocab.LANGUAGES else i18n.DEFAULT_LANG


_ENTITY_START = re.compile(r"&(?=[#0-9A-Za-z])")


def neutral_text(text: str) -> str:
    """``text`` such that HTML shows it the same whether a theme prints it as it is or escaped
    (both themes do both with ``site_name``): ``<`` and ``>`` become their full-width forms,
    and an ``&`` that could start a character reference is followed by a word joiner (U+2060,
    invisible). ``"`` and ``'`` are harmless outside attributes, escaped inside them. Control
    characters (ESC, BEL, C1), which HTML text cannot hold, become spaces, as in a page's text."""
    text = _ENTITY_START.sub("&\u2060", text.translate(CONTROLS_AS_SPACES))
    return text.replace("<", "\uff1c").replace(">", "\uff1e")



def site_name(configured: str, reg: Register, lang: str) -> str:
    """The site's name: ``mkdocs.yml``'s own when it set one on purpose; when it kept ropa's
    default title (in either language: what ``ropa init`` writes), that title in ``lang``
    followed by the organisation's name (``neutral_text``: register text), as the XLSX export
    titles its workbook."""
    defaults = {i18n.t("site.home.title", code) for code in vocab.LANGUAGES}
    org = " ".join(str(reg.org.get("name") or "").split())
    if configured not in defaults:
        return configured
    if not org:
        return i18n.t("site.home.title", lang)
    return i18n.t("export.workbook.title", lang).format(org=neutral_text(org))


def localised_theme(theme: Any, lang: str) -> dict[str, Any]:
    """The theme of ``mkdocs.yml`` in the site's language, with the palette toggles' names in
    that language and no web font (``font: false``: the system fonts, no request to a font host)."""
    out: dict[str, Any] = dict(theme) if isinstance(theme, dict) else {"name": str(theme or "material")}
    out["language"] = lang
    out["font"] = False
    palettes = []
    for palette in out.get("palette") or []:
        if isinstance(palette, dict) and isinstance(palette.get("toggle"), dict):
            target = "light" if palette.get("scheme") == "slate" else "dark"
            palette = {**palette, "toggle": {**palette["toggle"], "name": i18n.t(f"site.palette.to_{target}", lang)}}
        palettes.append(palette)
    if palettes:
        out["palette"] = palettes
    return out


# --- the files ---

HOME = "index.md"  # the home page: the themes title it with the site's name
_HEADING = re.compile(r"^# (.+)$", re.M)
_MD_ESCAPE = re.compile(r"\\(.)")


def with_title(page: str) -> str:
    """The page with its heading's text as the ``title`` of its front matter, escaped for HTML.

    Without it both themes print the page's ``<title>`` from the heading through ``striptags``,
    which unescapes it: a register value such as ``</title><script>`` would become markup. A
    ``title`` of the front matter is printed as it is: escaped here, it stays text (in the
    ``<title>``, the navigation and the search results alike)."""
    body, front = page, ""
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end != -1:
            front, body = page[4:end + 1], page[end + 5:]
    heading = _HEADING.search(body)
    if heading is None or re.search(r"(?m)^title:", front):
        return page
    # the heading's line breaks (``<br>``, the only tag ``escape.md`` writes) are spaces in a title
    text = re.sub(r"\s*<br>\s*", " ", heading.group(1))
    title = escape(_MD_ESCAPE.sub(r"\1", text).strip(), quote=False)
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{front}---\n{body}"


Content = bytes | Path  # bytes, or the file to copy


def destination(path: str) -> str:
    """Where a file of ``docs_dir`` is published with directory URLs: ``a/b.md``, ``a/b/index.md``
    and ``a/b/README.md`` are all the page ``a/b/``; any other file its own path."""
    if not path.endswith(".md"):
        return path
    parent, _, name = path[:-3].rpartition("/")
    page = parent if name in ("index", "README") else f"{parent}/{name}".lstrip("/")
    return f"{page}/".lstrip("/") or "/"


@dataclass
class SiteSource:
    """A register's site as files under ``docs_dir`` and what the configuration needs."""

    lang: str
    name: str
    files: dict[str, Content] = field(default_factory=dict)
    generated: list[str] = field(default_factory=list)  # the generated pages, in page order
    hand_written: list[str] = field(default_factory=list)  # the pages of docs/, by path
    styles: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    theme_files: dict[str, Path] = field(default_factory=dict)  # theme.custom_dir's, by path

    def nav(self) -> list[site_nav.NavItem]:
        return site_nav.build(self.generated + self.hand_written, self.lang)


def site_files(reg: Register, lang: str, configured_name: str, docs_dir: Path | None,
               model: RegisterModel | None = None, vendored: bool = True,
               downloads: Downloads | None = None, root: Path | None = None,
               excluded: Callable[[str], bool] | None = None) -> SiteSource:
    """The site of ``reg`` (a valid register): generated pages, ``docs_dir``'s files, assets
    and downloads. A hand-written page with the path of a generated one is refused. With
    ``downloads``, the downloads are made beside (``site.downloads``) and the source holds empty
    files at their paths. With ``root``, a file of ``docs_dir`` that leads out of the repository
    ``root`` is refused (``config_check.inside_files``); a file ``excluded`` says MkDocs leaves
    out (``exclude_docs``, ``draft_docs``) is not part of the site."""
    model = model if model is not None else build(reg)  # once: the pages and the downloads read it
    made = downloads.start(reg, lang, model) if downloads is not None else None  # before the pages
    src = SiteSource(lang, site_name(configured_name, reg, lang))
    for path, text in pages.generate(reg, lang, model=model).items():
        src.files[path] = (text if path == HOME else with_title(text)).encode("utf-8")
        src.generated.append(path)
    if docs_dir is not None and docs_dir.is_dir():
        taken = {destination(path) for path in src.files}
        for rel, file in config_check.inside_files(docs_dir, root if root is not None else docs_dir):
            if excluded is not None and excluded(rel):
                continue
            if rel in src.files or destination(rel) in taken:  # a/b/index.md would replace a/b.md
                raise SourceError.of("site.page_clash", path=f"{docs_dir.name}/{rel}")
            src.files[rel] = file
            if file.suffix == ".md":
                src.hand_written.append(rel)
    add_assets(src, vendored)
    if made is None:
        made = export.site_downloads(reg, lang, register_model=model)
    for path, data in made.items():  # the register page links them
        src.files[path] = data
    return src


def add_assets(src: SiteSource, vendored: bool = True) -> None:
    """The site's stylesheets and scripts (``resources.site_assets``) served by ``src`` and listed
    on every page, but for the vendored scripts: served only, their loaders fetch them where a
    page needs them (Mermaid, large, only on a page with a diagram)."""
    for uri, file in site_assets(vendored):
        src.files[uri] = file
        if uri.endswith(".css"):
            src.styles.append(uri)
        elif not uri.startswith(VENDOR_PREFIX):
            src.scripts.append(uri)


def builder_config(config: dict[str, Any], src: SiteSource, site_dir: str = "site") -> dict[str, Any]:
    """The ``mkdocs.yml`` of the generated source, from the repository's ``config``."""
    out: dict[str, Any] = {"site_name": src.name}
    out.update({k: config[k] for k in KEPT if k in config and k not in ("extra_css", "extra_javascript", "nav")})
    out["docs_dir"] = DOCS
    out["site_dir"] = site_dir
    out["theme"] = localised_theme(config.get("theme"), src.lang)
    search = plugin_options(config, "search")
    out["plugins"] = [{"search": search} if search else "search"]
    out["extra_css"] = _merged(config.get("extra_css"), src.styles)
    out["extra_javascript"] = _merged(config.get("extra_javascript"), src.scripts)
    out["nav"] = config["nav"] if config.get("nav") else src.nav()
    return out


def _merged(configured: Any, ours: list[str]) -> list[Any]:
    items = list(configured or [])
    return items + [uri for uri in ours if uri not in [str(i) for i in items]]


def write(out: Path, src: SiteSource, config: dict[str, Any], site_dir: str = "site") -> None:
    """Write ``src`` under ``out/docs`` and its configuration as ``out/mkdocs.yml``."""
    docs = out / DOCS
    for rel, content in sorted(src.files.items()):
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
        os.utime(target, (0, 0))  # the same tree for the same register, file times included
    for rel, file in sorted(src.theme_files.items()):
        target = out / config_check.OVERRIDES / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
        os.utime(target, (0, 0))
    (out / CONFIG_NAME).write_text(dump_config(builder_config(config, src, site_dir)), encoding="utf-8")


def fold_search_index(site: Path) -> bool:
    """Fold accents in the MkDocs search index of a built site (``search_fold``); False when the
    site has none (Zensical's search folds accents itself)."""
    path = site / "search" / "search_index.json"
    if not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(search_fold.fold_index(index), ensure_ascii=False), encoding="utf-8")
    return True


def generate(root: Path, reg: Register, out: Path, lang: str | None = None, site_dir: str = "site",
             downloads: Downloads | None = None) -> SiteSource:
    """The whole source of the site of the repository at ``root`` (its ``mkdocs.yml``, ``docs/``
    and register ``reg``, valid) written into ``out``, an empty folder, in ``lang`` (default:
    the site's language); the downloads made by ``downloads`` when given (``site_files``)."""
    config = repository_config(root)
    if lang:
        theme = config.get("theme")
        config["theme"] = {**(theme if isinstance(theme, dict) else {"name": str(theme or "material")}), "language": lang}
    docs_dir = (root / str(config.get("docs_dir") or DOCS)).resolve()
    src = site_files(reg, site_language(config), str(config.get("site_name") or ""), docs_dir, downloads=downloads,
                     root=root, excluded=config_check.excluded(config))
    theme_dir = config_check.custom_dir(config, root)
    if theme_dir is not None:
        src.theme_files = dict(config_check.inside_files(theme_dir, root))
    write(out, src, config_check.rebased(config, root), site_dir)
    return src
