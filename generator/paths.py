"""The names ropa gives what it publishes, in the language of what it publishes
(``data/paths.yaml``): the site's page paths and folders, its download folder, the exports'
file names and ``ropa init``'s example sheet. A French site and French exports keep the names
they always had (``activites/<id>.md``, ``registre-<slug>.xlsx``); an English one has English
names (``activities/<id>.md``, ``register-<slug>.xlsx``)."""

from __future__ import annotations

import functools

from generator.resources import load_data
from generator.vocab import DEFAULT_LANG, LANGUAGES


@functools.cache
def names(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Every name of ``data/paths.yaml`` in ``lang`` (French for a language ropa does not speak)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    return {key: str(entry[lang]) for key, entry in load_data("paths").items()}


def name(key: str, lang: str = DEFAULT_LANG) -> str:
    """``name("register", "en")`` → ``register``."""
    return names(lang)[key]


def page(key: str, lang: str = DEFAULT_LANG) -> str:
    """The path of a page of the site: ``page("register", "en")`` → ``register.md``."""
    return f"{names(lang)[key]}.md"


def fill(pattern: str, lang: str = DEFAULT_LANG) -> str:
    """A path or pattern that names pages by key (``{sheets}/*.md``, ``{register}.md``), in ``lang``."""
    return pattern.format_map(names(lang))


def every(key: str) -> tuple[str, ...]:
    """The name ``key`` in every language, French first, each once: what ropa recognises
    whatever the language (``registre``, ``register``)."""
    return tuple(dict.fromkeys(names(lang)[key] for lang in LANGUAGES))
