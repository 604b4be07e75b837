"""The register's language: ``theme.language`` of the ``mkdocs.yml`` at its root, read without
MkDocs (the file is only composed, so its ``!!python/name:`` tags cost nothing), French when
the file, the key or a known language is missing. Messages of ``ropa validate``, ``ropa build``
and ``ropa export`` use it unless ``--lang`` says otherwise."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.render.i18n import DEFAULT_LANG
from generator.vocab import LANGUAGES

CONFIG_NAME = "mkdocs.yml"

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
                return v
    return None


def register_language(root: Path) -> str:
    """``fr`` or ``en``: the site's language of the register at ``root``."""
    try:
        with open(root / CONFIG_NAME, encoding="utf-8") as fh:
            node = yaml.compose(fh, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return DEFAULT_LANG
    language = _child(_child(node, "theme"), "language")
    value = language.value if isinstance(language, yaml.ScalarNode) else ""
    return value if value in LANGUAGES else DEFAULT_LANG


def message_language(root: Path, option: str | None) -> str:
    """``--lang`` when given, else the register's language."""
    return option if option in LANGUAGES else register_language(root)
