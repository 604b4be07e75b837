"""Where the package's schemas, data files and templates are, installed or in a checkout."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# The scripts the site serves that come from npm packages (pinned by package-lock.json): the
# wheel carries them in ``generator/vendor/`` (hatch_build.py); a checkout has them in
# ``node_modules/`` once ``make setup`` ran ``npm ci``. A register repository needs neither npm
# nor node_modules.
VENDOR_DIR = PACKAGE_DIR / "vendor"
VENDORED_SCRIPTS = {"mermaid.min.js": Path("node_modules") / "mermaid" / "dist" / "mermaid.min.js"}


def vendored_script(name: str) -> Path:
    """A script of ``VENDORED_SCRIPTS``: from the installed package, else from the checkout."""
    for candidate in (VENDOR_DIR / name, PACKAGE_DIR.parent / VENDORED_SCRIPTS[name]):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"this ropa installation lacks the {name} script the site serves: reinstall ropa "
        "(in a checkout of ropa itself, run `make setup`, which runs `npm ci`)"
    )


ASSETS_DIR = PACKAGE_DIR / "assets"
# The loader of each vendored script (``generator/assets/on-demand/``): a small script of ours,
# listed on every page, that fetches the large one only on a page that needs it.
ON_DEMAND_DIR = ASSETS_DIR / "on-demand"
LOADERS = {"mermaid.min.js": "mermaid.js"}

# Where the site serves its files: the package's own CSS and JS (``generator/assets/``, every
# ``*.css`` and ``*.js`` there, by name) under ``assets/ropa/``, the vendored scripts under
# ``assets/javascripts/`` and their loaders under ``assets/ropa/on-demand/``. ``site_assets`` is
# the one list the MkDocs plugin and ``ropa generate`` both read: a new stylesheet or script goes
# into ``generator/assets/`` (or ``VENDORED_SCRIPTS``, with its loader in ``LOADERS``).
ASSET_PREFIX = "assets/ropa/"
VENDOR_PREFIX = "assets/javascripts/"
ON_DEMAND_PREFIX = ASSET_PREFIX + "on-demand/"


def site_assets(vendored: bool = True) -> list[tuple[str, Path]]:
    """``(site path, file)`` of every stylesheet and script the site serves, in the order the
    pages load them: our CSS, the vendored scripts (Mermaid) and their loaders (both left out
    when not ``vendored``), then our JS. A vendored script (under ``VENDOR_PREFIX``) is served,
    not listed in the pages: its loader, listed, fetches it where a page needs it."""
    own = sorted(p for p in ASSETS_DIR.iterdir() if p.suffix in (".css", ".js"))
    scripts = sorted(VENDORED_SCRIPTS) if vendored else []
    return ([(ASSET_PREFIX + p.name, p) for p in own if p.suffix == ".css"]
            + [(VENDOR_PREFIX + name, vendored_script(name)) for name in scripts]
            + [(ON_DEMAND_PREFIX + LOADERS[name], ON_DEMAND_DIR / LOADERS[name]) for name in scripts]
            + [(ASSET_PREFIX + p.name, p) for p in own if p.suffix == ".js"])


def schema_dir() -> Path:
    """The JSON Schemas: inside the package when installed (the wheel carries ``schema/`` as
    ``generator/schema``), else the ``schema/`` folder beside the package in a checkout."""
    for candidate in (PACKAGE_DIR / "schema", PACKAGE_DIR.parent / "schema"):
        if (candidate / "activity.schema.json").is_file():
            return candidate
    raise FileNotFoundError("the ropa JSON Schemas are missing from this installation")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema by short name: ``activity``, ``organization``, ``process``, ``common``, ..."""
    with open(schema_dir() / f"{name}.schema.json", encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@functools.cache
def load_data(name: str) -> Any:
    """A YAML data file of the package (``vocabularies``, ``labels/cnil``, ``adequacy``, ...),
    read with the register's own loader (YAML 1.2 scalars: ``no`` stays a string)."""
    from generator.load.yamlload import load

    path = DATA_DIR / f"{name}.yaml"
    return load(path, str(path)).data
