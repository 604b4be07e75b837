"""Checks of the process models: each ``processes/<id>.yaml`` alone (ids, references, a flow
that can run), then each (activity, process) pair an activity's ``process`` key makes (the
personal data the operations touch against the data the activity declares).

Imported at the bottom of ``generator.lint.register_rules``, so its checks run after the activity checks.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator

from generator import vocab
from generator.lint.diagnostics import Diagnostic
from generator.lint.register_rules import party_ref
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.model.process import Element, ProcessModel, declared_items, emissions, process_models, triggers
from generator.render import mermaid
from generator.shapes import items

MERMAID_MAX_TEXT = 50_000
"""Mermaid's default ``maxTextSize``: a longer diagram source is drawn as an error message."""

_ARTICLES = {"actors": "actor", "events": "event", "results": "result", "operations": "operation"}
_PARTY_KINDS = ("controller", "joint_controller", "processor", "recipient")


def _models(reg: Register) -> Iterator[tuple[Document, ProcessModel]]:
    yield from process_models(reg).values()


def _what(element: Element) -> str:
    return f"{_ARTICLES[element.kind]} '{element.id}'"


def _line(doc: Document, path: tuple[Any, ...]) -> int:
    return doc.locate(path)[0]


def _hint(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def process_ids(reg: Register) -> Iterator[Diagnostic]:
    for doc, model in _models(reg):
        ident = model.data.get("id")
        if isinstance(ident, str) and ident and ident != doc.path.stem:
            yield doc.diagnostic(
                ("id",), "id-mismatch",
                f"id '{ident}' differs from the file name '{doc.path.name}': activities reference a "
                f"process by its file name; rename the file to '{ident}.yaml' or set id: {doc.path.stem}",
            )
        for first, again in model.duplicates:
            yield doc.diagnostic(
                again.path + ("id",), "duplicate-process-id",
                f"id '{again.id}' is already used by the {_ARTICLES[first.kind]} at line "
                f"{_line(doc, first.path + ('id',))}; actors, events, results and operations "
                "share one set of ids",
            )


def _reference(
    doc: Document, model: ProcessModel, path: tuple[Any, ...], ref: Any, kinds: tuple[str, ...], what: str
) -> Iterator[Diagnostic]:
    """An error unless ``ref`` names an element of one of ``kinds``."""
    if not isinstance(ref, str):
        return
    target = model.element(ref)
    if target is not None and target.kind in kinds:
        return
    wanted = " or ".join(_ARTICLES[k] for k in kinds)
    known = [i for k in kinds for i in getattr(model, k)]
    if target is not None:
        message = f"{what} '{ref}' is the {_ARTICLES[target.kind]} at line {_line(doc, target.path)}, not a {wanted}"
        if target.kind == "results" and "events" in kinds:
            message += ": a result ends the process; make it an event to trigger an operation"
    else:
        message = (f"{what} '{ref}' is no {wanted} of this process{_hint(ref, known)} "
                   f"(known: {', '.join(known) or 'none'})")
    yield doc.diagnostic(path, "unknown-process-reference", message)


def process_references(reg: Register) -> Iterator[Diagnostic]:
    for doc, model in _models(reg):
        for element in [*model.events.values(), *model.results.values(), *model.operations.values()]:
            yield from _reference(doc, model, element.path + ("actor",), element.data.get("actor"),
                                  ("actors",), f"{_what(element)}: actor")
        for op in model.operations.values():
            for i, ref in enumerate(items(op.data.get("triggers"))):
                yield from _reference(doc, model, op.path + ("triggers", i), ref, ("events",),
                                      f"{_what(op)}: triggering event")
            for i, _rule, to in emissions(op):
                yield from _reference(doc, model, op.path + ("emissions", i, "to"), to,
                                      ("events", "results"), f"{_what(op)}: emission rule target")
        for actor in model.actors.values():
            yield from _actor_organisation(reg, doc, actor)


def _actor_organisation(reg: Register, doc: Document, actor: Element) -> Iterator[Diagnostic]:
    party, kind = actor.data.get("party"), actor.data.get("kind")
    if party is not None:
        yield from party_ref(reg, doc, actor.path + ("party",), party, _PARTY_KINDS, f"{_what(actor)}: party")
        if kind == "internal":
            yield doc.diagnostic(
                actor.path + ("party",), "internal-actor-party",
                f"{_what(actor)} is internal, so it belongs to the organisation that keeps the register; "
                "'party' names another organisation: make the actor external or remove 'party'",
                severity="warning",
            )
    elif kind == "external" and not actor.data.get("organisation"):
        yield doc.diagnostic(
            actor.path, "external-actor-organisation",
            f"{_what(actor)} is external but names no organisation: add 'party' (a party of "
            "register/organization.yaml) or 'organisation'", severity="warning", key=True,
        )


def process_flow(reg: Register) -> Iterator[Diagnostic]:
    for doc, model in _models(reg):
        yield from _events_flow(doc, model)
        yield from _results_and_actors_used(doc, model)
        reachable = model.reachable_operations()
        for op in model.operations.values():
            if op.id not in reachable and triggers(op):
                yield doc.diagnostic(
                    op.path + ("triggers",), "unreachable-operation",
                    f"{_what(op)} can never run: no chain of emission rules leads from a time or "
                    "external event to its triggering events"
                    + (" (with 'and', all of them are needed)" if op.data.get("synchronisation") == "and" else ""),
                )
            yield from _emission_conditions(doc, op)


def _events_flow(doc: Document, model: ProcessModel) -> Iterator[Diagnostic]:
    for event in model.events.values():
        kind = event.data.get("kind")
        emitters = model.emitted_by(event.id)
        if kind == "internal" and not emitters:
            yield doc.diagnostic(
                event.path + ("kind",), "event-never-emitted",
                f"{_what(event)} is internal but no emission rule leads to it, so it never happens: "
                "add an emission rule with to: " + event.id + ", or make it a time or external event",
            )
        elif kind in ("time", "external") and emitters:
            yield doc.diagnostic(
                event.path + ("kind",), "start-event-emitted",
                f"{_what(event)} is {'an' if kind == 'external' else 'a'} {kind} event, yet operation '{emitters[0].id}' emits it: "
                "an event an operation emits is internal", severity="warning",
            )
        if not model.triggered_by(event.id):
            yield doc.diagnostic(
                event.path, "event-triggers-nothing",
                f"{_what(event)} triggers no operation: list it under an operation's triggers, "
                "or make it a result", severity="warning", key=True,
            )


def _results_and_actors_used(doc: Document, model: ProcessModel) -> Iterator[Diagnostic]:
    for result in model.results.values():
        if not model.emitted_by(result.id):
            yield doc.diagnostic(
                result.path, "result-never-emitted",
                f"{_what(result)} is the target of no emission rule: no operation produces it",
                severity="warning", key=True,
            )
    used = {str(e.data.get("actor")) for kind in ("events", "results", "operations") for e in getattr(model, kind).values()}
    for actor in model.actors.values():
        if actor.id not in used:
            yield doc.diagnostic(
                actor.path, "actor-unused",
                f"{_what(actor)} carries out no operation and no event or result stands in its lane",
                severity="warning", key=True,
            )


def _emission_conditions(doc: Document, op: Element) -> Iterator[Diagnostic]:
    rules = list(emissions(op))
    if len(rules) < 2:
        return
    for i, rule, _to in rules:
        if not rule.get("condition"):
            yield doc.diagnostic(
                op.path + ("emissions", i), "emission-without-condition",
                f"{_what(op)} has {len(rules)} emission rules: each needs a condition saying when "
                "it applies (« Sinon » for the remaining case)", severity="warning", key=True,
            )


def process_diagram_fits(reg: Register) -> Iterator[Diagnostic]:
    org_name = str(reg.org.get("name") or "")
    for doc, model in _models(reg):
        size = max(len(mermaid.process_flowchart(model, lang, org_name=org_name, parties=reg.parties()))
                   for lang in vocab.LANGUAGES)
        if size > MERMAID_MAX_TEXT:
            yield doc.diagnostic(
                ("operations",), "process-diagram-too-large",
                f"the diagram of this process is {size} characters long, over Mermaid's limit of "
                f"{MERMAID_MAX_TEXT}: the site would show an error instead of it; split the process "
                f"into smaller ones ({len(model.operations)} operations here)",
                severity="warning", key=True,
            )


# -- (activity, process) pairs --------------------------------------------------------------------


def _pairs(reg: Register) -> Iterator[tuple[Document, Document, ProcessModel]]:
    models = {doc.path.stem: (doc, model) for doc, model in _models(reg)}
    for activity in reg.activities:
        if isinstance(activity.data, dict) and str(activity.data.get("process")) in models:
            doc, model = models[activity.data["process"]]
            yield activity, doc, model


def process_is_linked(reg: Register) -> Iterator[Diagnostic]:
    linked = {doc.path.stem for _, doc, _ in _pairs(reg)}
    for doc, _model in _models(reg):
        if doc.path.stem not in linked:
            yield doc.diagnostic(
                ("id",), "process-not-linked",
                f"no activity links to this process: add 'process: {doc.path.stem}' to the activity "
                "(register/activities/*.yaml) it describes, so its data can be checked",
                severity="warning", key=True,
            )


def process_data_declared(reg: Register) -> Iterator[Diagnostic]:
    for activity, doc, model in _pairs(reg):
        declared = declared_items(activity.data)
        where = f"{activity.display} (process: line {_line(activity, ('process',))})"
        for use in model.data_uses():
            if use.item not in declared:
                yield doc.diagnostic(
                    use.path + ("item",), "undeclared-data-item",
                    f"{_what(use.operation)} touches '{use.item}', which activity "
                    f"'{activity.data.get('id', activity.path.stem)}' of {where} does not declare"
                    f"{_hint(use.item, declared)}: add it to the 'items' of one of its data categories "
                    f"(data_categories: line {activity.locate(('data_categories',), key=True)[0]})",
                )
        yield from _untouched(activity, doc, model, declared)
        yield from _operations_declared(activity, doc, model)


def _untouched(
    activity: Document, doc: Document, model: ProcessModel, declared: dict[str, tuple[Any, ...]]
) -> Iterator[Diagnostic]:
    touched = set(model.items())
    for item, path in declared.items():
        if item not in touched:
            yield activity.diagnostic(
                path, "data-item-untouched",
                f"data item '{item}' is declared, but no operation of process '{model.id or doc.path.stem}' "
                f"({doc.display}) touches it: remove it, or add it to the operation that uses it",
                severity="warning",
            )
    for section in ("data_categories", "sensitive_data"):
        for i, entry in enumerate(items(activity.data.get(section))):
            if isinstance(entry, dict) and not entry.get("items"):
                yield activity.diagnostic(
                    (section, i), "data-category-without-items",
                    f"{section}[{i}] ({entry.get('category')}) lists no 'items', so process "
                    f"'{doc.path.stem}' ({doc.display}) cannot show which operation touches it: "
                    "list its data items", severity="warning", key=True,
                )


def _operations_declared(activity: Document, doc: Document, model: ProcessModel) -> Iterator[Diagnostic]:
    """A processor record lists the operations it performs (Art. 30(2)(b)): the process should
    perform none it does not list."""
    declared = activity.data.get("processing_operations")
    if not isinstance(declared, list):
        return
    reported: set[str] = set()
    for use in model.data_uses():
        for name in use.operations:
            if name not in declared and name not in reported:
                reported.add(name)
                yield activity.diagnostic(
                    ("processing_operations",), "operation-not-declared",
                    f"process '{doc.path.stem}' performs '{name}' ({_what(use.operation)}, {doc.display} "
                    f"line {_line(doc, use.path)}), which processing_operations does not list "
                    "(Art. 30(2)(b))", severity="warning", key=True,
                )


# The checks of this module, in the order they run.
CHECKS = (
    process_ids,
    process_references,
    process_flow,
    process_diagram_fits,
    process_is_linked,
    process_data_declared,
)
