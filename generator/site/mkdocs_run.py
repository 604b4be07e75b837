"""Running MkDocs for ``ropa build`` and ``ropa serve``: configuration, language, logging."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.cli import UsageError
from generator.lint.report import format_summary, format_text
from generator.lint.runner import load_register
from generator.load.language import message_language
from generator.load.register import Register
from generator.render import i18n

CONFIG_NAME = "mkdocs.yml"


def config_file(root: Path) -> Path:
    path = root / CONFIG_NAME
    if not path.is_file():
        raise UsageError.of("site.no_config", path=str(path))
    return path


def checked_register(root: Path, command: str, lang: str | None = None) -> Register | None:
    """The register at ``root`` if it has no error, its warnings printed (stderr, as ``ropa
    export`` prints them: the site is built all the same; ``ropa serve``'s plugin logs them at
    each build); else ``None``, its problems printed
    as ``ropa validate`` prints them (stdout, summary on stderr), in ``lang`` (default: the
    site's language)."""
    reg = load_register(root)
    if reg.ok:
        if reg.diagnostics and command != "serve":  # (serve: the plugin logs them at each build)
            sys.stderr.write(format_text(reg.diagnostics, message_language(root, lang)))
        return reg
    lang = message_language(root, lang)
    sys.stdout.write(format_text(reg.diagnostics, lang))
    sys.stderr.write(format_summary(reg.diagnostics, len(reg.files), lang))
    sys.stderr.write(f"ropa {command}: {i18n.message('site.not_built', lang)}\n")
    return None


def load(root: Path, lang: str | None = None, **overrides: Any) -> Any:
    """The MkDocs configuration of the register at ``root``, in ``lang`` when given."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file(root)), **overrides)
    if lang:
        config.theme["language"] = lang
    return config


def load_file(path: Path, **overrides: Any) -> Any:
    """The MkDocs configuration in the file at ``path``."""
    from mkdocs.config import load_config

    return load_config(config_file=str(path), **overrides)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}-  {record.getMessage()}"


@contextmanager
def mkdocs_logging(level: int = logging.WARNING) -> Iterator[None]:
    """MkDocs' messages on stderr, as the ``mkdocs`` command shows them."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    handler.setLevel(level)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, previous or level))
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
