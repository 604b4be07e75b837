"""The one Jinja environment factory: the site's pages (``generator/site/pages.py``) and the
scaffold's YAML files (``generator/scaffold``) each pass their own loader, delimiters, filters
and globals; what they share (no HTML autoescape, strict undefined, whitespace control, the
trailing newline kept) is set here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def environment(
    folder: Path,
    *,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals: Mapping[str, Any] | None = None,
    finalize: Callable[[Any], Any] | None = None,
    delimiters: Mapping[str, str] | None = None,
) -> jinja2.Environment:
    """An environment loading templates from ``folder``. Escaping is the caller's: the site
    escapes for Markdown in ``finalize``, the scaffold for YAML in a filter. ``delimiters``
    are Jinja's ``variable_start_string`` ... ``comment_end_string`` options."""
    import jinja2  # the template engine, imported when a page or file is first rendered

    options: dict[str, Any] = dict(delimiters or {})
    if finalize is not None:
        options["finalize"] = finalize
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    return env
