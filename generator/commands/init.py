"""``ropa init DIR``: a new register repository that validates and builds out of the box.

The site's configuration (``mkdocs.yml``, ``package.json`` and its lock file, the contribution
guide) is this project's own, copied as it is (only the site's name changes), so a new register
is built exactly like CentreCall's; the schemas are copied so the editor lines resolve; the
register, the README, the pre-commit and CI files come from ``generator/scaffold/init/``.
Everything is prepared in memory and written into a fresh folder that is moved into place last:
a failure never leaves half a repository.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from generator import __version__, scaffold, shapes
from generator.cli import EXIT_OK, UsageError
from generator.load.layout import display_path
from generator.resources import PACKAGE_DIR, schema_dir

DEFAULT_NAME = "Organisme exemple"

# Files of this project a new register shares, found in the package (wheel) or the checkout.
PROJECT_FILES = ("mkdocs.yml", "package.json", "package-lock.json", "docs/contribuer.md")

# Target path -> template under generator/scaffold/init/.
TEMPLATES = {
    "register/organization.yaml": "init/organization.yaml.j2",
    "register/activities/gestion-clientele.yaml": "init/activity-example.yaml.j2",
    "README.md": "init/README.md.j2",
    ".gitignore": "init/gitignore.j2",
    ".pre-commit-config.yaml": "init/pre-commit-config.yaml.j2",
    ".github/workflows/register.yml": "init/github-workflow.yml.j2",
    ".gitlab-ci.yml": "init/gitlab-ci.yml.j2",
}
EMPTY_FOLDERS = ("processes",)


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        name,
        help="create a new register repository",
        description="Write a new register repository into DIR (which must be empty or absent): "
        "the organisation and an example activity, the schemas for the editor, mkdocs.yml and "
        "package.json for the site, a README, a pre-commit hook and CI for GitHub and GitLab. "
        "It validates and builds as it is; then replace the example values with yours.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="the folder to create (empty or absent)")
    p.add_argument("--name", default=DEFAULT_NAME, help=f"the organisation's name (default: {DEFAULT_NAME})")
    p.add_argument(
        "--package",
        default=None,
        metavar="SPEC",
        help="the pip requirement CI and pre-commit install ropa with (default: where this "
        "ropa was installed from when it came from git, else ropa==VERSION)",
    )


def project_file(name: str) -> Path:
    """A file of this project: bundled in the package when installed, else in the checkout."""
    for candidate in (scaffold.SCAFFOLD_DIR / "project" / name, PACKAGE_DIR.parent / name):
        if candidate.is_file():
            return candidate
    raise UsageError(f"this ropa installation lacks {name}: reinstall ropa")


def default_package() -> str:
    """How CI should install this very ropa: its git URL and commit when it came from git
    (PEP 610 ``direct_url.json``), else its version."""
    try:
        raw = importlib.metadata.distribution("ropa").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        raw = None
    info = json.loads(raw) if raw else {}
    vcs = info.get("vcs_info") if isinstance(info, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id") and info.get("url"):
        return f"ropa @ {vcs['vcs']}+{info['url']}@{vcs['commit_id']}"
    return f"ropa=={__version__}"


def site_config(text: str, name: str) -> str:
    """The project's mkdocs.yml with the new register's site name."""
    title = f"Registre des activités de traitement — {name}"
    return re.sub(r"(?m)^site_name:.*$", lambda _: f"site_name: {scaffold.yaml_string(title)}", text, count=1)


def files(name: str, package: str) -> dict[str, bytes]:
    """Every file of the new repository, by path."""
    out: dict[str, bytes] = {}
    for rel in PROJECT_FILES:
        out[rel] = project_file(rel).read_bytes()
    out["mkdocs.yml"] = site_config(out["mkdocs.yml"].decode("utf-8"), name).encode("utf-8")
    for path in sorted(schema_dir().glob("*.schema.json")):
        out[f"schema/{path.name}"] = path.read_bytes()
    values = {"name": name, "package": package, "today": shapes.today().isoformat()}
    for target, template in TEMPLATES.items():
        out[target] = scaffold.render(template, **values).encode("utf-8")
    for folder in EMPTY_FOLDERS:
        out[f"{folder}/.gitkeep"] = b""
    return out


def check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{display_path(target)} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(
            f"{display_path(target)} is not empty: ropa init writes a new repository "
            "into an empty or absent folder"
        )


def write(target: Path, content: dict[str, bytes]) -> None:
    """Write everything into a staging folder beside ``target``, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    try:
        for rel, data in content.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():
            for child in staging.iterdir():
                child.rename(target / child.name)
            staging.rmdir()
        else:
            staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    target: Path = args.dir.resolve()
    name = " ".join(str(args.name).split())
    if not name:
        raise UsageError("--name must not be empty")
    check_target(target)
    content = files(name, args.package or default_package())
    write(target, content)
    shown = display_path(target)
    print(
        f"created the register repository {shown} ({len(content)} files).\n"
        "Next: replace the example values of register/organization.yaml and of the example activity, then\n"
        f"  cd {shown} && git init && ropa validate\n"
        "  npm ci && ropa build      # the site, into site/",
        file=sys.stderr,
    )
    return EXIT_OK
