"""Checks of the process models: each ``processes/<id>.yaml`` alone (ids, references, a flow
that can run), then each (activity, process) pair an activity's ``process`` key makes (the
personal data the operations touch against the data the activity declares).

The runner runs its checks after those of ``generator.lint.register_rules``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from generator.lint.register_rules import party_ref
from generator.lint.rules import Arg, Diagnostic, either, phrase
from generator.load.register import Register
from generator.load.yamlload import Document
from generator.model.process import Element, ProcessModel, declared_items, emissions, process_models, triggers
from generator.shapes import items

_KINDS = {"actors": "actor", "events": "event", "results": "result", "operations": "operation"}
"""Element kinds of a process model → the singular naming them in the pieces of ``labels/lint.yaml``."""
_PARTY_KINDS = ("controller", "joint_controller", "processor", "recipient")


def _models(reg: Register) -> Iterator[tuple[Document, ProcessModel]]:
    yield from process_models(reg).values()


def _what(element: Element) -> Arg:
    """« l'opération 'x' » / "operation 'x'"."""
    return phrase(f"what-{_KINDS[element.kind]}", id=element.id)


def _kind(kind: str, form: str) -> Arg:
    """An element kind as a bare noun (``kind``), with "a" (``a``) or with "the" (``the``)."""
    return phrase(f"{form}-{_KINDS[kind]}")


def _line(doc: Document, path: tuple[Any, ...]) -> int:
    return doc.locate(path)[0]


def _hint(name: str, known: Any) -> Arg:
    close = difflib.get_close_matches(name, list(known), n=1)
    return phrase("hint-did-you-mean-aside", name=close[0]) if close else ""


def process_ids(reg: Register) -> Iterator[Diagnostic]:
    for doc, model in _models(reg):
        ident = model.data.get("id")
        if isinstance(ident, str) and ident and ident != doc.path.stem:
            yield doc.diagnostic(("id",), "id-mismatch", id=ident, file=doc.path.name,
                                 why=phrase("why-process-file-name"), stem=doc.path.stem)
        for first, again in model.duplicates:
            yield doc.diagnostic((*again.path, "id"), "duplicate-process-id", id=again.id,
                                 first=_kind(first.kind, "the"), first_line=_line(doc, (*first.path, "id")))


def _reference(
    doc: Document, model: ProcessModel, path: tuple[Any, ...], ref: Any, kinds: tuple[str, ...], what: Arg
) -> Iterator[Diagnostic]:
    """An error unless ``ref`` names an element of one of ``kinds``."""
    if not isinstance(ref, str):
        return
    target = model.element(ref)
    if target is not None and target.kind in kinds:
        return
    known = [i for k in kinds for i in getattr(model, k)]
    problem: Arg
    if target is not None:
        advice: Arg = ""
        if target.kind == "results" and "events" in kinds:
            advice = phrase("advice-result-ends")
        problem = phrase("ref-wrong-kind", kind=_kind(target.kind, "the"), line=_line(doc, target.path),
                         wanted=either([_kind(k, "a") for k in kinds]), advice=advice)
    else:
        problem = phrase("ref-unknown", wanted=either([_kind(k, "kind") for k in kinds]), hint=_hint(ref, known),
                         known=", ".join(known) or phrase("none"))
    yield doc.diagnostic(path, "unknown-process-reference", what=what, ref=ref, problem=problem)


def process_references(reg: Register) -> Iterator[Diagnostic]:
    for doc, model in _models(reg):
        for element in [*model.events.values(), *model.results.values(), *model.operations.values()]:
            yield from _reference(doc, model, (*element.path, "actor"), element.data.get("actor"),
                                  ("actors",), phrase("ref-actor", element=_what(element)))
        for op in model.operations.values():
            for i, ref in enumerate(items(op.data.get("triggers"))):
                yield from _reference(doc, model, (*op.path, "triggers", i), ref, ("events",),
                                      phrase("ref-trigger", element=_what(op)))
            for i, _rule, to in emissions(op):
                yield from _reference(doc, model, (*op.path, "emissions", i, "to"), to,
                                      ("events", "results"), phrase("ref-target", element=_what(op)))
        for actor in model.actors.values():
            yield from _actor_organisation(reg, doc, actor)


def _actor_organisation(reg: Register, doc: Document, actor: Element) -> Iterator[Diagnostic]:
    party, kind = actor.data.get("party"), actor.data.get("kind")
    if party is not None:
        yield from party_ref(reg, doc, (*actor.path, "party"), party, _PARTY_KINDS,
                             phrase("party-actor", element=_what(actor)))
        if kind == "internal":
            yield doc.diagnostic((*actor.path, "party"), "internal-actor-party", what=_what(actor))
    elif kind == "external" and not actor.data.get("organisation"):
        yield doc.diagnostic(actor.path, "external-actor-organisation", key=True, what=_what(actor))


def process_flow(reg: Register) -> Iterator[Diagnostic]:
    for doc, model in _models(reg):
        yield from _events_flow(doc, model)
        yield from _results_and_actors_used(doc, model)
        reachable = model.reachable_operations()
        for op in model.operations.values():
            if op.id not in reachable and triggers(op):
                needed: Arg = phrase("all-needed") if op.data.get("synchronisation") == "and" else ""
                yield doc.diagnostic((*op.path, "triggers"), "unreachable-operation", what=_what(op), all=needed)
            yield from _emission_conditions(doc, op)


def _events_flow(doc: Document, model: ProcessModel) -> Iterator[Diagnostic]:
    for event in model.events.values():
        kind = event.data.get("kind")
        emitters = model.emitted_by(event.id)
        if kind == "internal" and not emitters:
            yield doc.diagnostic((*event.path, "kind"), "event-never-emitted", what=_what(event), id=event.id)
        elif kind in ("time", "external") and emitters:
            yield doc.diagnostic((*event.path, "kind"), "start-event-emitted", what=_what(event),
                                 kind=phrase(f"event-{kind}"), operation=emitters[0].id)
        if not model.triggered_by(event.id):
            yield doc.diagnostic(event.path, "event-triggers-nothing", key=True, what=_what(event))


def _results_and_actors_used(doc: Document, model: ProcessModel) -> Iterator[Diagnostic]:
    for result in model.results.values():
        if not model.emitted_by(result.id):
            yield doc.diagnostic(result.path, "result-never-emitted", key=True, what=_what(result))
    used = {str(e.data.get("actor")) for kind in ("events", "results", "operations") for e in getattr(model, kind).values()}
    for actor in model.actors.values():
        if actor.id not in used:
            yield doc.diagnostic(actor.path, "actor-unused", key=True, what=_what(actor))


def _emission_conditions(doc: Document, op: Element) -> Iterator[Diagnostic]:
    rules = list(emissions(op))
    if len(rules) < 2:
        return
    for i, rule, _to in rules:
        if not rule.get("condition"):
            yield doc.diagnostic((*op.path, "emissions", i), "emission-without-condition", key=True,
                                 what=_what(op), count=len(rules))


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
            yield doc.diagnostic(("id",), "process-not-linked", key=True, id=doc.path.stem)


def process_data_declared(reg: Register) -> Iterator[Diagnostic]:
    for activity, doc, model in _pairs(reg):
        declared = declared_items(activity.data)
        for use in model.data_uses():
            if use.item not in declared:
                yield doc.diagnostic(
                    (*use.path, "item"), "undeclared-data-item",
                    what=_what(use.operation), item=use.item,
                    activity=str(activity.data.get("id", activity.path.stem)), activity_file=activity.display,
                    process_line=_line(activity, ("process",)), hint=_hint(use.item, declared),
                    categories_line=activity.locate(("data_categories",), key=True)[0],
                )
        yield from _untouched(activity, doc, model, declared)
        yield from _operations_declared(activity, doc, model)


def _untouched(
    activity: Document, doc: Document, model: ProcessModel, declared: dict[str, tuple[Any, ...]]
) -> Iterator[Diagnostic]:
    touched = set(model.items())
    for item, path in declared.items():
        if item not in touched:
            yield activity.diagnostic(path, "data-item-untouched", item=item,
                                      process=str(model.id or doc.path.stem), process_file=doc.display)
    for section in ("data_categories", "sensitive_data"):
        for i, entry in enumerate(items(activity.data.get(section))):
            if isinstance(entry, dict) and not entry.get("items"):
                yield activity.diagnostic((section, i), "data-category-without-items", key=True,
                                          section=section, index=i, category=str(entry.get("category")),
                                          process=doc.path.stem, process_file=doc.display)


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
                yield activity.diagnostic(("processing_operations",), "operation-not-declared", key=True,
                                          process=doc.path.stem, operation=str(name), what=_what(use.operation),
                                          process_file=doc.display, line=_line(doc, use.path))


# The checks of this module, in the order they run.
CHECKS = (
    process_ids,
    process_references,
    process_flow,
    process_is_linked,
    process_data_declared,
)
