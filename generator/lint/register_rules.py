"""Checks beyond the schema: what one file cannot say about itself, and what the law implies.

Each check is a function that takes the ``Register`` and yields ``Diagnostic``s; ``CHECKS``
lists them in the order they run. Checks read the data defensively: a file that failed its
schema is still checked as far as its shape allows, so every problem is reported in one run.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from generator import shapes, vocab
from generator.lint.rules import Arg, Diagnostic, article_text, either, phrase
from generator.load.layout import PROCESSES, windows_device
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.shapes import dicts, parse_date, text


def _activities(reg: Register) -> Iterator[tuple[Document, dict[str, Any]]]:
    for doc in reg.activities:
        if isinstance(doc.data, dict):
            yield doc, doc.data


def file_name_is_id(reg: Register) -> Iterator[Diagnostic]:
    for doc, data in _activities(reg):
        ident = text(data.get("id"))
        if ident is not None and ident != doc.path.stem:
            yield doc.diagnostic(("id",), "id-mismatch", id=ident, file=doc.path.name, why="", stem=doc.path.stem)


def file_names_windows_can_hold(reg: Register) -> Iterator[Diagnostic]:
    for doc in (*reg.activities, *reg.processes):
        if windows_device(doc.path.stem):
            at = ("id",) if isinstance(doc.data, dict) and "id" in doc.data else ()
            yield doc.diagnostic(at, "file-name-windows-device", file=doc.path.name, stem=doc.path.stem)


def unique_ids_and_refs(reg: Register) -> Iterator[Diagnostic]:
    # A file whose id is its own name owns that id: a copy that kept the id gets the error.
    owners_first = sorted(_activities(reg), key=lambda item: item[1].get("id") != item[0].path.stem)
    for key, rule in (("id", "duplicate-id"), ("ref", "duplicate-ref")):
        # (the first's line is looked up only for a duplicate: a register read without its
        # positions reads a file again for them)
        first: dict[str, Document] = {}
        for doc, data in owners_first if key == "id" else _activities(reg):
            value = data.get(key)
            if not isinstance(value, (str, int)):
                continue
            value, same = str(value), shapes.identity(value)  # « RT-01 » is « rt-01 » is « ＲＴ-01 »
            if same in first:
                other = first[same]
                yield doc.diagnostic((key,), rule, value=value, other=other.display, other_line=other.locate((key,))[0])
            else:
                first[same] = doc
    org = reg.organization
    if org is not None:
        seen: dict[str, int] = {}
        for i, party in dicts(reg.org.get("parties")):
            pid = text(party.get("id"))
            if pid is None:
                continue
            if pid in seen:
                first_line = org.locate(("parties", seen[pid], "id"))[0]
                yield org.diagnostic(("parties", i, "id"), "duplicate-party", id=pid, first_line=first_line)
            else:
                seen[pid] = i


def party_ref(
    reg: Register, doc: Document, path: tuple[Any, ...], ref: Any, kinds: tuple[str, ...], what: Arg
) -> Iterator[Diagnostic]:
    if not isinstance(ref, str) or reg.organization is None or not isinstance(reg.organization.data, dict):
        return  # without a readable organization.yaml, its own error says it all: no cascade
    party = reg.parties().get(ref)
    org_file = reg.organization.display if reg.organization else "register/organization.yaml"
    if party is None:
        known: Arg = ", ".join(sorted(reg.parties())) or phrase("none-f")
        close = difflib.get_close_matches(ref, list(reg.parties()), n=1)
        hint = (phrase("hint-did-you-mean", name=close[0]) if close
                else phrase("hint-declare-party", org_file=org_file, ref=ref, kind=kinds[0]))
        yield doc.diagnostic(path, "unknown-party", what=what, ref=ref, org_file=org_file, known=known, hint=hint)
    elif party.get("kind") not in kinds and party.get("kind") in vocab.vocabularies()["party_kind"]:
        # (a kind outside the vocabulary is reported once, on organization.yaml, by its schema)
        yield doc.diagnostic(path, "party-kind", what=what, ref=ref, org_file=org_file,
                             kind=str(party.get("kind")), expected=either(list(kinds)))


def references_resolve(reg: Register) -> Iterator[Diagnostic]:
    process_ids = {d.path.stem for d in reg.processes}
    # a process file that exists but could not be read has its own error: no unknown-process too
    process_folder = reg.root / PROCESSES
    existing = process_ids | {path.stem for path in reg.paths if path.parent == process_folder}
    for doc, data in _activities(reg):
        yield from party_ref(reg, doc, ("controller",), data.get("controller"), ("controller",),
                             phrase("party-controller"))
        items = data.get("joint_controllers")
        if isinstance(items, list):
            for i, ref in enumerate(items):
                yield from party_ref(reg, doc, ("joint_controllers", i), ref, ("joint_controller",),
                                     phrase("party-joint-controller"))
        for _, path, ref, _ in shapes.processor_entries(data.get("processors")):
            yield from party_ref(reg, doc, path, ref, ("processor",), phrase("party-processor"))
        for i, rec in dicts(data.get("recipients")):
            if "party" in rec:
                yield from party_ref(
                    reg, doc, ("recipients", i, "party"), rec.get("party"),
                    ("controller", "joint_controller", "processor", "recipient"), phrase("party-recipient"),
                )
        process = text(data.get("process"))
        if process is not None and process not in existing:
            known_processes: Arg = ", ".join(sorted(process_ids)) or phrase("none")
            yield doc.diagnostic(("process",), "unknown-process", process=process, known=known_processes)


def dates_are_consistent(reg: Register) -> Iterator[Diagnostic]:
    today = shapes.today()
    for doc, data in _activities(reg):
        created, updated = parse_date(data.get("created")), parse_date(data.get("updated"))
        if created and updated and updated < created:
            yield doc.diagnostic(("updated",), "updated-before-created",
                                 updated=updated.isoformat(), created=created.isoformat())
        for key in ("created", "updated", "last_reviewed"):
            value = parse_date(data.get(key))
            if value and value > today:
                yield doc.diagnostic((key,), "date-in-future", field=key, value=value.isoformat())




def security_measures_are_described(reg: Register) -> Iterator[Diagnostic]:
    """Art. 30(1)(g) and 30(2)(d) ask for the security measures "where possible": an empty or
    absent list is a warning (the schema checks the shape of those given)."""
    for doc, data in _activities(reg):
        measures = data.get("security_measures")
        if "role" not in data or (measures is not None and measures != []):
            continue
        article = article_text("30(2)(d)" if data.get("role") == "processor" else "30(1)(g)")
        at = ("security_measures",) if "security_measures" in data else ()
        yield doc.diagnostic(at, "security-measures-missing", key=True, article=article)


# The checks of this module, in the order they run.
CHECKS = (
    file_name_is_id,
    file_names_windows_can_hold,
    unique_ids_and_refs,
    references_resolve,
    dates_are_consistent,
    security_measures_are_described,
)

# The checks that read other activities than the one they report on. With a focus (a pre-commit
# hook) they run on every activity, most of them stand-ins holding only what ``generator.load.facts``
# keeps (id, ref and their lines); the other checks run on the parsed files, with every process
# file present by name (and the activities linking a focused process parsed). A check added here
# that reads more of other files needs those facts added there.
ACROSS_FILES = (unique_ids_and_refs,)
