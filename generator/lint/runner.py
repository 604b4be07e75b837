"""The check step: schema validation of each document, then every rule module, in a fixed order.

``load_register`` is the whole front of the pipeline, load then check: what ``ropa validate``,
``ropa build``, ``ropa export`` and the MkDocs plugin call.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator.lint import (
    basis_rules,
    dpia_rules,
    party_rules,
    process_rules,
    register_rules,
    retention_rules,
    review_rules,
    schema,
    transfer_rules,
)
from generator.lint.rules import Diagnostic, sort_key
from generator.load.files import REGISTER_LIMITS
from generator.load.register import Focus, Register, read_focused, read_register
from generator.load.yamlload import Document
from generator.resources import schema_dir

Check = Callable[[Register], Iterable[Diagnostic]]

# The rule modules, in the order their checks run.
RULE_MODULES = (
    register_rules,
    transfer_rules,
    party_rules,
    basis_rules,
    retention_rules,
    process_rules,
    review_rules,
    dpia_rules,
)


def checks() -> tuple[Check, ...]:
    return tuple(fn for module in RULE_MODULES for fn in module.CHECKS)


def across_files() -> frozenset[Check]:
    """The checks that read other files than the one they report on (each module's
    ``ACROSS_FILES``): on a focused register they run on every file, the others on the parsed ones."""
    return frozenset(fn for module in RULE_MODULES for fn in getattr(module, "ACROSS_FILES", ()))


def schema_for(kind: str) -> str | None:
    """The schema a kind of file is checked against, if the installation has it."""
    return kind if (schema_dir() / f"{kind}.schema.json").is_file() else None


def _schema_work(reg: Register, focus: Focus | None) -> list[tuple[Document, str]]:
    """The documents to check against a schema, with the schema's name."""
    work: list[tuple[Document, str]] = []
    if reg.organization is not None:
        work.append((reg.organization, "organization"))
    work.extend((doc, "activity") for doc in reg.activities)
    process_schema = schema_for("process")
    if process_schema is not None:
        work.extend((doc, process_schema) for doc in reg.processes)
    if focus is None:
        return work
    chosen = reg.with_references({doc.path for doc, _ in work if focus(str(doc.path))})
    return [(doc, name) for doc, name in work if doc.path in chosen]


def check(reg: Register, focus: Focus | None = None) -> Register:
    """Add every problem the schemas and the rules find to ``reg.diagnostics``, sorted.

    With ``focus``, only the files it accepts, and what they reference (the organisation, their
    process), are checked against their schema, and the checks of one file at a time run on the
    parsed documents only; the checks across files (``across_files``) see every file, most of
    them as the stand-ins ``read_focused`` made of their cached facts.

    A register over its limits (``files.REGISTER_LIMITS``) was not read whole: it is not checked,
    since what the checks would say of the files not read (a process missing...) is not so.
    """
    if any(d.rule in REGISTER_LIMITS for d in reg.diagnostics):
        reg.diagnostics.sort(key=sort_key)
        return reg
    for doc, schema_name in _schema_work(reg, focus):
        reg.diagnostics.extend(schema.diagnostics(doc, schema_name))
    parsed, across = reg.parsed(), across_files()
    for fn in checks():
        reg.diagnostics.extend(fn(reg if fn in across else parsed))
    reg.diagnostics[:] = _placeholder_echoes_dropped(reg.diagnostics)
    reg.diagnostics.sort(key=sort_key)
    return reg


def _placeholder_echoes_dropped(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A value still holding « À COMPLÉTER » is one problem, reported once as ``placeholder``:
    what the schema and the other rules say of that same value (not in its list, not an email,
    no party of that name, a ref another new sheet has too) is dropped, since writing the real
    value is the fix for all of them, and would only double the count the author works down."""
    marked = {(d.file, d.line, d.column) for d in diagnostics if d.rule == "placeholder"}
    if not marked:
        return diagnostics
    return [d for d in diagnostics if d.rule == "placeholder" or (d.file, d.line, d.column) not in marked]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Reading and checking a register make millions of small dicts, lists and tuples and no
    reference cycles: Python's cyclic garbage collector would walk them again and again for
    nothing (a fifth of a whole run's time at 10,000 activities). Memory is still freed as it
    is let go (reference counting); the collector runs again afterwards, as it was before.

    ``ropa export`` pauses it for its whole run: while the workbook is made, each of its full
    collections walks the register again (six at 10,000 activities, 2.8 s of the export's 4.1 s
    in the collector, 8 % of its CPU time; 0.2 s, 4 %, at 1,000); without them the export at
    10,000 took 10 % less CPU time and 0.7 MiB more memory."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_unchecked(root: Path) -> Register:
    """Every file of the register under ``root``, read as ``load_register`` reads them and not
    checked yet: for ``ropa export``, which checks it (``checked``) beside the export it guards.
    The positions of keys and values are not kept: a file is read again for them when a
    diagnostic asks, only as far as the position asked the first time, to its end the second
    (``Document._place``). A register without a warning reads no file twice; one whose every
    sheet has a warning on its ninth line (all overdue for review) reads nine lines of each
    again (cachegrind, the XLSX of 1,000 sheets all overdue: 13.65 billion instructions,
    15.98 billion when each was read again whole, 12.47 billion without a warning)."""
    with collector_paused():
        return read_register(root, positions=False)


def checked(reg: Register) -> Register:
    """``check`` of a whole register as ``load_register`` runs it (the collector paused)."""
    with collector_paused():
        return check(reg)


def load_register(root: Path, focus: Focus | None = None, *, cache: bool = False) -> Register:
    """Read every file of the register under ``root`` and run every check; with ``focus``, parse
    only what the focused files need (``read_focused``) and check those. ``cache``: a whole run
    also writes the facts of every file for the next focused run (``ropa validate``)."""
    with collector_paused():
        return check(read_focused(root, focus) if focus is not None else read_register(root, cache=cache), focus)
