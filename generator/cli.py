"""The ``ropa`` command line (also ``python -m generator``): argument parsing only.

Each command is a module of ``generator.commands`` with ``add_parser`` and ``run``. Building the
parser imports every command module, so a command module imports at its top only what its
parser needs; what ``run`` needs (the schema validator, the site stack, openpyxl) is imported
inside ``run``, and ``ropa --version`` or ``ropa validate`` stays light (tests/test_cli_imports.py).

The help is in French or English (``generator/data/labels/cli.yaml``): ``--lang`` when the
command line gives it, else the site's language (``theme.language`` of the ``mkdocs.yml`` of
``--root`` or of the current folder), else French.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from generator import __version__, shapes, vocab
from generator.errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, RopaError, UsageError
from generator.load.language import message_language
from generator.render import i18n
from generator.render.escape import terminal
from generator.resources import load_data

__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "UsageError", "main", "root_argument"]

# Command name -> module under generator.commands, in the order --help lists them.
COMMANDS = {
    "validate": "validate",
    "generate": "generate",
    "build": "build",
    "serve": "serve",
    "init": "init",
    "new": "new",
    "diff": "diff",
    "export": "export",
    "rules": "rules",
    "import": "import_",
}

def text(key: str, lang: str, **values: Any) -> str:
    """A help text of ``labels/cli.yaml`` in ``lang``."""
    label = i18n.t(f"cli.{key}", lang)
    return i18n.french_spacing(label.format(**values) if values else label, lang)


def _option(argv: Sequence[str], name: str) -> str | None:
    """The value of ``--name X`` or ``--name=X`` in ``argv`` (the last one), before parsing."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == name and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith(name + "="):
            found = arg.split("=", 1)[1]
    return found


def help_language(argv: Sequence[str]) -> str:
    lang = _option(argv, "--lang")
    if lang in vocab.LANGUAGES:
        return str(lang)
    return message_language(Path(_option(argv, "--root") or "."), lang)


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, text("usage", lang) if prefix is None else prefix)

    return Formatter


def _parser_class(lang: str) -> type[argparse.ArgumentParser]:
    """An ArgumentParser whose error line is in ``lang`` (« ropa new : erreur : ... »)."""

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            self.print_usage(sys.stderr)
            # (the message may quote what was typed: a file name, an id, a revision)
            self.exit(EXIT_USAGE, f"{self.prog}{text('error', lang)}{terminal(i18n.french_spacing(message, lang))}\n")

    return Parser


@contextlib.contextmanager
def _speaking(lang: str) -> Iterator[None]:
    """argparse's own messages (« invalid choice », « unrecognized arguments »...) in ``lang``
    while the command runs: argparse passes each to its module's gettext function ``_``; for
    French it gets the catalogue ``data/argparse_fr.yaml``."""
    catalogue: dict[str, str] = load_data("argparse_fr") if lang == "fr" else {}
    before = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda msgid: catalogue.get(msgid, msgid)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = before  # type: ignore[attr-defined]


def _localise(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    parser._positionals.title = text("positionals", lang)
    parser._optionals.title = text("options", lang)
    parser.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=text("help", lang))
    return parser


def command_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """The parser of ``ropa NAME``, its help and description from ``labels/cli.yaml``."""
    values = {"placeholder": i18n.t("review.placeholder", i18n.DEFAULT_LANG)}  # what ropa writes
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=text(f"{name}.help", lang),
        description=text(f"{name}.description", lang, **values),
        add_help=False,
        formatter_class=_formatter(lang),
    )
    return _localise(parser, lang)


def root_argument(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument(
        "--root", type=Path, default=Path("."), metavar="DIR", help=text("root", lang),
    )


def build_parser(lang: str = i18n.DEFAULT_LANG, only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the command ``only`` alone (a run of one command need
    not import the others)."""
    parser = _localise(
        _parser_class(lang)(
            prog="ropa", description=text("ropa.description", lang), add_help=False,
            formatter_class=_formatter(lang),
        ),
        lang,
    )
    parser.add_argument("--version", action="version", version=f"ropa {__version__}", help=text("version", lang))
    sub = parser.add_subparsers(dest="command", metavar=text("command", lang))
    sub.required = True
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            continue
        importlib.import_module(f"generator.commands.{module}").add_parser(sub, name, lang)
    return parser


class Terminated(BaseException):
    """SIGTERM (a CI cancelling a job, ``docker stop``, ``kill``): raised in the main thread like
    Ctrl-C's ``KeyboardInterrupt``, so that every ``finally`` runs (no staged export, no
    temporary site of ``ropa serve`` left behind) before the exit with 128 + 15."""


STOPPING = threading.Event()
"""Set when SIGTERM arrived: the command is being stopped (``ropa serve``'s server threads may
then meet their sockets closed under them)."""


def _terminate(signum: int, frame: Any) -> None:
    STOPPING.set()
    raise Terminated


@contextlib.contextmanager
def _stopped_cleanly() -> Iterator[None]:
    """SIGTERM becomes ``Terminated`` while a command runs (in the main thread only, where
    Python delivers signals; the previous handler is put back, for a caller such as a test)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    lang = help_language(arguments)
    try:
        with _stopped_cleanly(), _speaking(lang):
            return _main(arguments, lang)
    except KeyboardInterrupt:  # also while the parser is built, before a command runs
        print(i18n.message("cli.interrupted", lang), file=sys.stderr)
        return 130
    except Terminated:
        print(i18n.message("cli.terminated", lang), file=sys.stderr)
        return 128 + signal.SIGTERM


def _main(arguments: list[str], lang: str) -> int:
    first = next((a for a in arguments if not a.startswith("-")), None)
    only = first if first in COMMANDS and not {"-h", "--help", "--version"} & set(arguments[:arguments.index(first)]) else None
    parser = build_parser(lang, only)
    args = parser.parse_args(arguments)
    try:
        os.getcwd()
    except FileNotFoundError:
        parser.error(i18n.message("cli.no_working_directory", lang))
    root = getattr(args, "root", None)
    # ropa import makes a new register: its folder may be new too, in a folder that exists
    new_register = args.command == "import" and root is not None and not root.exists() and root.parent.is_dir()
    if root is not None and not root.is_dir() and not new_register:
        parser.error(i18n.message("cli.no_root", lang, root=root))
    problem = shapes.environment_problem()
    if problem is not None:
        key, name, value = problem
        parser.error(i18n.message(key, lang, name=name, value=value, max=shapes.MAX_EPOCH))
    module = importlib.import_module(f"generator.commands.{COMMANDS[args.command]}")
    try:
        result: int = module.run(args)
        return result
    except UsageError as exc:
        parser.error(exc.text(lang))
    except RopaError as exc:
        for line in exc.lines(lang):
            print(terminal(f"ropa {args.command}: {line}"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(i18n.message("cli.interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if isinstance(exc, OSError) and exc.filename is not None:
            print(f"ropa {args.command}: {_refused(exc, lang)}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(i18n.message("cli.internal", lang, error=terminal(f"{type(exc).__name__}: {exc}")), file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_USAGE  # pragma: no cover - parser.error exits


def _refused(exc: OSError, lang: str) -> str:
    """A file the system refused (disk full, no permission, read-only, deleted meanwhile): its
    path and the system's reason, in the user's words when ``messages.yaml`` has them."""
    from generator.load.layout import display_path

    path = display_path(Path(os.fsdecode(exc.filename)))
    said = i18n.label_file("messages")["cli"]["os_reasons"].get(errno.errorcode.get(exc.errno or 0, ""))
    return i18n.message("cli.os_error", lang, path=path, reason=said[lang] if said else exc.strerror)
