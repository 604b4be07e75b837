"""The ``ropa`` command line (also ``python -m generator``): argument parsing only."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Sequence

from generator import __version__

# Command name -> module under generator.commands, in the order --help lists them.
COMMANDS = {
    "validate": "validate",
    "build": "build",
    "serve": "serve",
    "init": "init",
    "new": "new",
    "diff": "diff",
    "export": "export",
    "import": "import_",
}

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A command used wrongly: printed as ``ropa: error: ...`` with exit code 2."""


def root_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", type=Path, default=Path("."), metavar="DIR",
        help="the register repository (default: the current directory)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ropa",
        description="The GDPR Article 30 record of processing activities, kept as YAML: "
        "validate it, build its site, export it.",
    )
    parser.add_argument("--version", action="version", version=f"ropa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in COMMANDS.items():
        importlib.import_module(f"generator.commands.{module}").add_parser(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    root = getattr(args, "root", None)
    if root is not None and not root.is_dir():
        parser.error(f"--root {root}: no such directory")
    module = importlib.import_module(f"generator.commands.{COMMANDS[args.command]}")
    try:
        result: int = module.run(args)
        return result
    except UsageError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        print("ropa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last net: a message, never a traceback
        print(
            f"ropa: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in ropa; please report it with the command you ran.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return EXIT_USAGE  # pragma: no cover - parser.error exits
