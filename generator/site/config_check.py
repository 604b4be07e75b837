"""What ``ropa build``, ``ropa generate`` and ``ropa serve`` refuse in the repository's ``mkdocs.yml``.

The site is built from the register repository alone and asks no other host for anything:

- every folder the build reads (``docs_dir``, ``theme.custom_dir``, the ``base_path`` of a
  Markdown extension such as ``pymdownx.snippets``) and the ``site_dir`` it replaces resolve
  inside the repository (the files of those folders too: ``inside_files``);
- no stylesheet, script, logo or favicon on another host, no analytics, no snippet downloaded;
- no YAML tag that runs Python (``!!python/object/apply:...``): only ``!!python/name:`` of the
  Markdown packages the site uses, such as ``pymdownx.superfences.fence_code_format``;
- no ``!relative`` (it would name a folder of the generated source) nor ``INHERIT`` (not
  followed, its settings would be silently lost);
- no ``!ENV``, in any key: MkDocs would copy an environment variable of the machine that builds
  (a CI token, a password) into the configuration, and every key of it may reach a page
  (``site_name``, ``copyright``, ``extra`` are printed; a theme override can print any key), so
  a pull request could publish the builder's secrets; the value is written in the file instead;
- no Markdown extension but those of Python-Markdown (its own short names: ``toc``, ``tables``...),
  ``pymdownx`` and ``material``: Python-Markdown imports an extension by its dotted name, so
  any other name makes the build import a module (one of the repository's, from the folder it
  runs in, or any installed one);
- no ``hooks`` (Python files of the repository that MkDocs runs), no plugin but ``search`` and
  ``ropa`` (``ropa build`` runs no other; ``ropa serve`` would, through MkDocs reading the
  file itself), and no ``watch`` folder outside the repository. ``ropa serve`` runs this same
  check (``source.repository_config``) before MkDocs reads the file.

Each problem names ``mkdocs.yml``, the line and the field. ``rebased`` gives the configuration
the generated source needs: the custom theme folder copied under ``overrides/`` and every
``base_path`` resolved against the repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.errors import RopaError
from generator.load.files import inside
from generator.render import i18n

OVERRIDES = "overrides"
"""The generated source's copy of ``theme.custom_dir``."""
PYTHON_NAMES = ("pymdownx.", "markdown.", "material.")
"""The modules whose functions ``!!python/name:`` may name (fence formats, slugifiers...)."""
EXTENSION_PACKAGES = ("markdown.", "pymdownx.", "material.")
"""The packages whose Markdown extensions ``markdown_extensions`` may name by dotted name."""
PLUGINS = ("search", "ropa")
"""The MkDocs plugins the site may list: ``ropa build`` keeps ``search`` and runs ``ropa`` itself."""
BASE_PATH_EXTENSIONS = ("pymdownx.snippets", "pymdownx.b64")
"""Markdown extensions that read files under their ``base_path`` (default: the current folder)."""
CDN_THEMES = ("mkdocs", "readthedocs")
"""MkDocs' own themes: they fetch highlight.js from a public CDN on every page."""


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    key: str
    values: dict[str, object]

    def text(self, path: str, lang: str) -> str:
        return i18n.message("site.config_problem", lang, path=path, line=self.line, field=self.field,
                            reason=i18n.message(f"site.config.{self.key}", lang, **self.values))


class ConfigRefused(RopaError):
    """The repository's ``mkdocs.yml`` asks for something a build must not do."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        super().__init__(path)
        self.path, self.problems = path, problems

    def text(self, lang: str) -> str:
        return self.lines(lang)[0]

    def lines(self, lang: str) -> list[str]:
        return [p.text(self.path, lang) for p in self.problems]


class FileOutside(RopaError):
    """A file of a folder the site copies resolves outside the repository."""


def _resolved(root: Path, value: Any) -> Path:
    return (root / str(value)).resolve()


def _third_party(value: Any) -> bool:
    url = urlsplit(str(value).strip())
    return bool((url.scheme and len(url.scheme) > 1) or url.netloc)  # C: is a drive, not a scheme


def _key_node(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    found: yaml.Node | None = None
    if isinstance(node, yaml.MappingNode):
        found = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        found = node.value[key]
    return found


class _Checker:
    def __init__(self, root: Path, tree: yaml.Node | None) -> None:
        self.root, self.tree, self.problems = root, tree, list[Problem]()

    def line(self, *path: str | int) -> int:
        node, found = self.tree, self.tree
        for key in path:
            node = _key_node(node, key)
            if node is None:
                break
            found = node
        return found.start_mark.line + 1 if found is not None else 1

    def add(self, path: tuple[str | int, ...], key: str, **values: object) -> None:
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        self.problems.append(Problem(self.line(*path), field, key, values))

    def folder(self, path: tuple[str | int, ...], value: Any, key: str = "outside") -> None:
        if value is not None and not isinstance(value, bool) and not inside(_resolved(self.root, value), self.root):
            self.add(path, key, value=value)


@cache
def markdown_short_names() -> frozenset[str]:
    """The short names of Python-Markdown's own extensions (``toc``, ``tables``...), as its
    package declares them (entry points of ``markdown.extensions`` from the ``Markdown``
    distribution): the installed library says which they are, no list is kept here."""
    return frozenset(e.name for e in entry_points(group="markdown.extensions")
                     if e.dist is not None and e.dist.name.lower() == "markdown")


def extension_allowed(name: str) -> bool:
    """Whether ``markdown_extensions`` may name ``name`` (``module`` or ``module:Class``)."""
    return name in markdown_short_names() or name.startswith(EXTENSION_PACKAGES)


def _plugins(config: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The plugins listed (a list of names or of one-key mappings, or a mapping), with their path."""
    listed = config.get("plugins") or []
    if isinstance(listed, dict):
        yield from ((("plugins", str(name)), str(name)) for name in listed)
        return
    for i, item in enumerate(listed if isinstance(listed, list) else [listed]):
        for name in (item if isinstance(item, dict) else [item]):
            yield ("plugins", i), str(name)


def _extensions(config: dict[str, Any]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for i, item in enumerate(config.get("markdown_extensions") or []):
        if isinstance(item, dict):
            for name, options in item.items():
                yield i, str(name), options if isinstance(options, dict) else {}
        else:
            yield i, str(item), {}


def _base_paths(options: dict[str, Any]) -> list[Any]:
    value = options.get("base_path", ".")
    return list(value) if isinstance(value, list) else [value]


def _tags(node: yaml.Node, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    tag = node.tag or ""
    if tag in ("!relative", "!ENV") or (tag.startswith("tag:yaml.org,2002:python/") and not (
            tag.startswith("tag:yaml.org,2002:python/name:") and tag.split(":", 3)[-1].startswith(PYTHON_NAMES))):
        yield path, tag.replace("tag:yaml.org,2002:", "!!")
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _tags(v, (*path, str(k.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            yield from _tags(v, (*path, i))


def problems(root: Path, text: str, config: dict[str, Any], site_dir_used: bool = True) -> list[Problem]:
    """What ``mkdocs.yml`` (its ``text``, read as ``config``) of the repository at ``root`` asks
    that a build must not do; ``site_dir_used``: the site goes to its ``site_dir``."""
    from generator.site.source import _Loader

    root = root.resolve()
    check = _Checker(root, yaml.compose(text, Loader=_Loader))
    if check.tree is not None:
        for path, tag in _tags(check.tree, ()):
            check.add(path, {"!relative": "relative", "!ENV": "env"}.get(tag, "python"), tag=tag)
    if "INHERIT" in config:
        check.add(("INHERIT",), "inherit")
    check.folder(("docs_dir",), config.get("docs_dir"))
    if site_dir_used:
        check.folder(("site_dir",), config.get("site_dir"), "site_dir_outside")
    theme = config.get("theme")
    theme = theme if isinstance(theme, dict) else {"name": theme}
    check.folder(("theme", "custom_dir"), theme.get("custom_dir"))
    if theme.get("custom_dir") and inside(_resolved(root, theme["custom_dir"]), root) \
            and not _resolved(root, theme["custom_dir"]).is_dir():
        check.add(("theme", "custom_dir"), "missing", value=theme["custom_dir"])
    if str(theme.get("name")) in CDN_THEMES:
        check.add(("theme", "name"), "cdn_theme", name=theme.get("name"))
    for field in ("logo", "favicon"):
        if theme.get(field) is not None and _third_party(theme[field]):
            check.add(("theme", field), "third_party", value=theme[field])
    for field in ("extra_css", "extra_javascript"):
        for i, item in enumerate(config.get(field) or []):
            uri = item.get("path") if isinstance(item, dict) else item
            if _third_party(uri):
                check.add((field, i), "third_party", value=uri)
    extra = config.get("extra")
    if isinstance(extra, dict) and extra.get("analytics"):
        check.add(("extra", "analytics"), "analytics")
    if config.get("hooks"):
        check.add(("hooks",), "hooks")
    for path, name in _plugins(config):
        if name not in PLUGINS:
            check.add(path, "plugin", name=name)
    watched = config.get("watch") or []
    for i, value in enumerate(watched if isinstance(watched, list) else [watched]):
        check.folder(("watch", i), value, "watch_outside")
    for i, name, options in _extensions(config):
        if not extension_allowed(name):
            check.add(("markdown_extensions", i), "extension", name=name)
        if name in BASE_PATH_EXTENSIONS:
            for value in _base_paths(options):
                check.folder(("markdown_extensions", i, name, "base_path"), value)
            if options.get("url_download"):
                check.add(("markdown_extensions", i, name, "url_download"), "url_download")
    return sorted(check.problems, key=lambda p: p.line)


def check(root: Path, path: Path, config: dict[str, Any], site_dir_used: bool = True) -> None:
    """``problems``, raised as one ``ConfigRefused`` when there is any."""
    found = problems(root, path.read_text(encoding="utf-8"), config, site_dir_used)
    if found:
        raise ConfigRefused(path.name, found)


def inside_files(folder: Path, root: Path) -> Iterator[tuple[str, Path]]:
    """The files under ``folder`` (relative POSIX path, path), sorted; a file or a folder (a link)
    that resolves outside the repository ``root`` is refused, never read (``FileOutside``: MkDocs
    follows links to folders). Links to folders of the repository are not followed."""
    real_root = root.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if (path.is_symlink() or name in filenames) and not inside(path.resolve(), real_root):
                raise FileOutside.of("site.file_outside", path=path.relative_to(root).as_posix())
            if name in filenames and path.is_file():
                found.append(path)
    for file in sorted(found):
        yield file.relative_to(folder).as_posix(), file


def rebased(config: dict[str, Any], root: Path) -> dict[str, Any]:
    """``config`` as the generated source needs it: ``theme.custom_dir`` is its ``overrides/``
    folder, and each ``base_path`` of a Markdown extension the folder of the repository it names."""
    out = dict(config)
    theme = out.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        out["theme"] = {**theme, "custom_dir": OVERRIDES}
    extensions = []
    for item in out.get("markdown_extensions") or []:
        if isinstance(item, str) and item in BASE_PATH_EXTENSIONS:
            item = {item: {}}
        if isinstance(item, dict):
            item = {name: _rebased_options(name, options or {}, root) if name in BASE_PATH_EXTENSIONS else options
                    for name, options in item.items()}
        extensions.append(item)
    if extensions:
        out["markdown_extensions"] = extensions
    return out


def _rebased_options(name: str, options: dict[str, Any], root: Path) -> dict[str, Any]:
    paths = [str(_resolved(root, p)) for p in _base_paths(options)]
    listed = isinstance(options.get("base_path"), list) or name == "pymdownx.snippets"  # b64 takes one
    return {**options, "base_path": paths if listed else paths[0]}


def excluded(config: dict[str, Any]) -> Callable[[str], bool]:
    """Whether a file of ``docs_dir`` (relative POSIX path) is left out of the site, as MkDocs
    leaves it out of a build: its defaults (``.*``, ``/templates/``), ``exclude_docs`` and
    ``draft_docs`` (gitignore patterns)."""
    from pathspec.gitignore import GitIgnoreSpec

    lines = [".*", "/templates/"]
    for key in ("exclude_docs", "draft_docs"):
        if isinstance(config.get(key), str):
            lines += config[key].splitlines()
    return GitIgnoreSpec.from_lines(lines).match_file


def custom_dir(config: dict[str, Any], root: Path) -> Path | None:
    """The repository's ``theme.custom_dir`` (checked inside it), if any."""
    theme = config.get("theme")
    value = theme.get("custom_dir") if isinstance(theme, dict) else None
    return _resolved(root, value) if value else None
