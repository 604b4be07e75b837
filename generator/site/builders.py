"""The site builders ``ropa build --builder`` runs on the generated source (``site.source``).

Each builds ``<source>/mkdocs.yml`` into ``<source>/site`` in strict mode (a warning fails the
build) and returns that folder, or ``None`` after printing why it failed. MkDocs runs in this
process; Zensical as its own command (``python -m zensical build``), from the source folder,
where it also keeps its cache.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.errors import RopaError
from generator.render import i18n
from generator.site import source


class BuilderMissing(RopaError):
    """The chosen builder is not installed."""


@dataclass(frozen=True)
class Builder:
    name: str
    module: str
    install: str

    def check(self) -> None:
        if importlib.util.find_spec(self.module) is None:
            raise BuilderMissing.of("build.builder_missing", name=self.name, install=self.install)

    def build(self, work: Path, lang: str) -> Path | None:
        site = work / "site"
        ok = _mkdocs(work / source.CONFIG_NAME) if self.name == "mkdocs" else _zensical(work, lang)
        if not ok:
            return None
        source.fold_search_index(site)
        return site


def _mkdocs(config_file: Path) -> bool:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    from generator.site import mkdocs_run

    try:
        with mkdocs_run.mkdocs_logging():
            build(mkdocs_run.load_file(config_file, strict=True))
    except MkDocsException as exc:
        print(f"ropa build: {exc}", file=sys.stderr)
        return False
    return True


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TRACEBACK = "Traceback (most recent call last):"


def zensical_output(output: str) -> str:
    """Zensical's messages for a log: without colours (it writes them to pipes too) and with
    its traceback, when it stops (``--strict``), cut down to the reason."""
    output = _ANSI.sub("", output)
    head, found, tail = output.partition(_TRACEBACK)
    if found:
        reason = (tail.strip().splitlines() or [""])[-1]
        head += f"zensical: {reason.partition(': ')[2] or reason}\n"
    return head


def _zensical(work: Path, lang: str) -> bool:
    done = subprocess.run(
        # -P: the working directory (the generated source) is not on its path, only its files
        [sys.executable, "-P", "-m", "zensical", "build", "--strict", "--config-file", source.CONFIG_NAME],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        errors="replace", check=False,
    )
    sys.stderr.write(zensical_output(done.stdout))
    if done.returncode != 0:
        print(f"ropa build: {i18n.message('build.zensical_failed', lang, code=done.returncode)}", file=sys.stderr)
        return False
    return True


BUILDERS = {
    "mkdocs": Builder("mkdocs", "mkdocs", "pip install mkdocs mkdocs-material"),
    "zensical": Builder("zensical", "zensical", "pip install 'ropa-register[zensical]'"),
}
