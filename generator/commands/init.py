"""``ropa init DIR``: a new register repository that validates and builds out of the box.

The site's configuration (``mkdocs.yml``, the contribution guide) is this project's own, copied
with its language, description and comments in the register's language (``site_config``), so a
new register is built exactly like CentreCall's (the site takes its name from
the organisation, see the site plugin; the Mermaid script comes with the package: no Node.js);
the schemas are copied so the editor lines resolve; the register, the README, the pre-commit and
CI files come from ``generator/scaffold/init/``. Everything is prepared in memory and written
into a fresh folder (normal permissions: the umask decides) that is moved into place last: a
failure never leaves half a repository. When the folder is not already inside a git
repository, one is created with the branch ``main``, which the README and CI name.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__, paths, scaffold, shapes, vocab
from generator.cli import EXIT_OK, UsageError, command_parser, text
from generator.load.language import message_language
from generator.load.layout import display_path
from generator.render import i18n
from generator.resources import PACKAGE_DIR, schema_dir

if TYPE_CHECKING:
    import importlib.metadata

DISTRIBUTION = "ropa-register"
"""ropa's name on the package index (``ropa`` there is an unrelated project); the command is ``ropa``."""
BRANCH = "main"

# Files of this project a new register shares, found in the package (wheel) or the checkout.
PROJECT_FILES = ("mkdocs.yml", "docs/contribuer.md")
# The contributors' guide of an English register (the project's own is French).
CONTRIBUTING_EN = scaffold.SCAFFOLD_DIR / "init" / "contribuer.en.md"
SITE_LANGUAGE_LINE = "\n  language: fr "

# Target path -> template under generator/scaffold/init/; ``{name}`` is a name of
# ``data/paths.yaml`` in the register's language (``gestion-clientele``, ``customer-management``).
TEMPLATES = {
    "register/organization.yaml": "init/organization.yaml.j2",
    "register/activities/{example_sheet}.yaml": "init/activity-example.yaml.j2",  # data/paths.yaml
    "README.md": "init/README.md.j2",
    ".gitignore": "init/gitignore.j2",
    ".pre-commit-config.yaml": "init/pre-commit-config.yaml.j2",
    ".github/workflows/register.yml": "init/github-workflow.yml.j2",
    ".gitlab-ci.yml": "init/gitlab-ci.yml.j2",
}
EMPTY_FOLDERS = ("processes",)


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("dir", type=Path, metavar="DIR", help=text("init.dir", lang))
    p.add_argument("--lang", choices=vocab.LANGUAGES, help=text("init.lang", lang))
    p.add_argument("--name", default=None, help=text("init.name", lang, placeholder=scaffold.placeholder()))
    p.add_argument(
        "--package",
        default=None,
        metavar="SPEC",
        help=text("init.package", lang, default=f"{DISTRIBUTION}=={__version__}"),
    )
    p.add_argument(
        "--local-hook",
        action="store_true",
        help=text("init.local_hook", lang),
    )


def project_file(name: str) -> Path:
    """A file of this project: bundled in the package when installed, else in the checkout."""
    for candidate in (scaffold.SCAFFOLD_DIR / "project" / name, PACKAGE_DIR.parent / name):
        if candidate.is_file():
            return candidate
    raise UsageError.of("init.incomplete_install", name=name)


def _metadata() -> importlib.metadata.Distribution | None:
    import importlib.metadata  # 0.1 s of imports: only when ropa init asks who it is

    try:
        return importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return None


def _vcs_origin() -> tuple[str, str, str] | None:
    """(vcs, url, commit) when this ropa was installed from a git URL (PEP 610 ``direct_url.json``)."""
    dist = _metadata()
    raw = dist.read_text("direct_url.json") if dist is not None else None
    info = json.loads(raw) if raw else {}
    vcs = info.get("vcs_info") if isinstance(info, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id") and info.get("url"):
        return str(vcs["vcs"]), str(info["url"]), str(vcs["commit_id"])
    return None


def default_package() -> str:
    """How CI should install this very ropa: its git URL and commit when it came from git,
    else its pinned version from the package index."""
    origin = _vcs_origin()
    if origin is not None:
        vcs, url, commit = origin
        return f"{DISTRIBUTION} @ {vcs}+{url}@{commit}"
    return f"{DISTRIBUTION}=={__version__}"


def project_repository() -> str:
    """ropa's own repository (``[project.urls] Repository`` of pyproject.toml), where
    pre-commit finds the hook (``.pre-commit-hooks.yaml``)."""
    dist = _metadata()
    entries: list[str] = list(dist.metadata.get_all("Project-URL") or []) if dist is not None else []
    for entry in entries:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "repository":
            return url.strip()
    raise UsageError.of("init.no_repository")


def hook_source() -> tuple[str, str]:
    """The pre-commit ``repo`` and ``rev`` of this very ropa: the git URL and commit it was
    installed from, else the project's repository at the tag of this version."""
    origin = _vcs_origin()
    if origin is not None and origin[0] == "git":
        return origin[1], origin[2]
    return project_repository(), f"v{__version__}"


def files(name: str, package: str, local_hook: bool = False, lang: str = i18n.DEFAULT_LANG) -> dict[str, bytes]:
    """Every file of the new repository, by path; ``lang`` is the language of its site (and of
    its contributors' guide)."""
    out: dict[str, bytes] = {}
    for rel in PROJECT_FILES:
        out[rel] = project_file(rel).read_bytes()
    out["mkdocs.yml"] = site_config(out["mkdocs.yml"].decode("utf-8"), lang).encode("utf-8")
    if lang != "fr":  # the English guide, at an English address (docs/contributing.md)
        del out["docs/contribuer.md"]
        out[f"docs/{paths.name('guide', lang)}.md"] = CONTRIBUTING_EN.read_bytes()
    for path in sorted(schema_dir().glob("*.schema.json")):
        out[f"schema/{path.name}"] = path.read_bytes()
    repo, rev = ("local", "") if local_hook else hook_source()
    values = {
        "name": name,
        "package": package,
        "today": shapes.today().isoformat(),
        "hook_repo": repo,
        "hook_rev": rev,
        "local_hook": local_hook,
        "branch": BRANCH,
        "example_sheet": paths.name("example_sheet", lang),
        "site_artifact": f"{paths.name('register', lang)}-site",
        # the exports' default names, the register's language first (generator/export)
        "export_stems": sorted(paths.every("export"), key=lambda stem: stem != paths.name("export", lang)),
    }
    for target, template in TEMPLATES.items():
        out[paths.fill(target, lang)] = scaffold.render(template, lang, **values).encode("utf-8")
    for folder in EMPTY_FOLDERS:
        out[f"{folder}/.gitkeep"] = b""
    return out


def site_config(config: str, lang: str) -> str:
    """This project's mkdocs.yml for a register in ``lang``: its ``theme.language``, its
    description and its comments (English in the project) in that language
    (``scaffold.mkdocs_comments`` of data/labels/scaffold.yaml)."""
    if SITE_LANGUAGE_LINE not in config:  # pragma: no cover - the project's own mkdocs.yml
        raise UsageError.of("init.incomplete_install", name="mkdocs.yml")
    config = config.replace(SITE_LANGUAGE_LINE, f"\n  language: {lang} ", 1)
    description = "site_description: "
    config = config.replace(description + i18n.t("scaffold.mkdocs_description", "fr"),
                            description + i18n.t("scaffold.mkdocs_description", lang), 1)
    said = {entry["en"]: entry[lang] for entry in i18n.label_file("scaffold")["mkdocs_comments"].values()}
    lines = config.split("\n")
    out: list[str] = []
    while lines:
        line = lines.pop(0)
        indent, hash_, comment = line.partition("# ")
        if hash_ and not indent.strip():  # a block of whole-line comments
            block = [comment]
            while lines and lines[0].startswith(indent + "# "):
                block.append(lines.pop(0)[len(indent) + 2:])
            text = said.get("\n".join(block), "\n".join(block))
            out.extend(f"{indent}# {part}" for part in text.split("\n"))
        elif hash_ and indent.endswith(" ") and comment in said:  # the comment after a value
            out.append(f"{indent}# {said[comment]}")
        else:
            out.append(line)
    return "\n".join(out)


def check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError.of("init.not_a_folder", path=display_path(target))
    if target.is_dir() and any(target.iterdir()):
        raise UsageError.of("init.not_empty", path=display_path(target))


def write(target: Path, content: dict[str, bytes]) -> None:
    """Write everything into a staging folder beside ``target``, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # mkdir, not tempfile.mkdtemp: the folder gets the umask's permissions, not 0700
    staging = target.parent / f".{target.name}.init-{secrets.token_hex(6)}"
    staging.mkdir()
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


def _inside_git(folder: Path) -> bool:
    probe = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
        capture_output=True, text=True, check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == "true"


def git_init(target: Path, lang: str) -> str:
    """Make ``target`` a git repository on branch ``main``, unless it is inside one already;
    what happened, for the user."""
    if shutil.which("git") is None:
        return i18n.message("init.git_missing", lang, branch=BRANCH)
    if _inside_git(target.parent):
        return i18n.message("init.git_joined", lang)
    subprocess.run(["git", "init", "-q", str(target)], capture_output=True, text=True, check=True)
    # `git init -b` needs git 2.28; this works with every git, before the first commit
    subprocess.run(
        ["git", "-C", str(target), "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"],
        capture_output=True, text=True, check=True,
    )
    return i18n.message("init.git_new", lang, branch=BRANCH)


def run(args: argparse.Namespace) -> int:
    target: Path = args.dir.resolve()
    lang = message_language(Path("."), args.lang)
    name = scaffold.placeholder(lang) if args.name is None else " ".join(str(args.name).split())
    if not name:
        raise UsageError.of("init.empty_name")
    check_target(target)
    content = files(name, args.package or default_package(), local_hook=args.local_hook, lang=lang)
    write(target, content)
    how = git_init(target, lang)
    shown = display_path(target)
    count = sum(
        line.count(scaffold.placeholder(lang))
        for rel, data in content.items() if rel.startswith("register/")
        for line in data.decode("utf-8").splitlines() if not line.lstrip().startswith("#")
    )
    print(i18n.message("init.created", lang, path=shown, count=len(content), how=how, placeholders=count,
                       placeholder=scaffold.placeholder(lang)), file=sys.stderr)
    return EXIT_OK
