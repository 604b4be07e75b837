"""``ropa serve``: a live preview of the site that rebuilds when a register file changes."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from generator.cli import EXIT_OK, EXIT_PROBLEMS, STOPPING, command_parser, root_argument, text


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    root_argument(p, lang)
    p.add_argument("--dev-addr", metavar="IP:PORT", default="127.0.0.1:8000",
                   help=text("serve.dev_addr", lang))


def run(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    from generator.site import config_check, mkdocs_run, source

    root = args.root.resolve()
    config_file = mkdocs_run.config_file(root)
    if mkdocs_run.checked_register(root, "serve") is None:
        return EXIT_PROBLEMS
    # what ropa build refuses, refused before MkDocs reads the configuration (and docs/) itself
    config = source.repository_config(root)
    list(config_check.inside_files((root / str(config.get("docs_dir") or source.DOCS)).resolve(), root))
    previous = threading.excepthook
    threading.excepthook = _quiet_when_stopping(previous)
    try:
        with mkdocs_run.mkdocs_logging(logging.INFO):
            serve(config_file=str(config_file), livereload=True, dev_addr=args.dev_addr)
    except MkDocsException as exc:
        print(f"ropa serve: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        threading.excepthook = previous
    return EXIT_OK


def _quiet_when_stopping(previous: Callable[[threading.ExceptHookArgs], Any]) -> Callable[[threading.ExceptHookArgs], Any]:
    """A server thread that meets its socket closed while SIGTERM stops ``ropa serve`` (selectors'
    « Invalid file descriptor: -1 ») ends without a traceback; any other error is shown."""

    def hook(failure: threading.ExceptHookArgs) -> Any:
        if STOPPING.is_set() and failure.exc_type is not None and issubclass(failure.exc_type, (OSError, ValueError)):
            return None
        return previous(failure)

    return hook
