"""One record sheet per activity (``activites/<id>.md``, ``activities/<id>.md`` in English), in
the CNIL « fiche de registre » order."""

from __future__ import annotations

from generator.model.activity import Activity
from generator.model.actors import Actor, ActorSlot, actors
from generator.site import history
from generator.site.pages import Context, builder, sheet_path


def shown_actors(slots: list[ActorSlot]) -> list[tuple[str, Actor]]:
    """``(label key, Actor)`` for each actor of the sheet: the empty slots left out."""
    return [(slot.label_key, actor) for slot in slots for actor in slot.actors]


def sheet_page(ctx: Context, activity: Activity, histories: dict[str, history.SheetHistory]) -> str:
    """The record sheet of ``activity`` (``site/sheet.md.j2``); ``histories`` as
    ``history.sheet_histories`` gives them."""
    return ctx.render(
        "site/sheet.md.j2",
        a=activity,
        processor=activity.processor_record,
        actors=shown_actors(actors(ctx.model, activity, ctx.lang)),
        controllers=ctx.model.controller_names(activity),
        transfers=activity.transfers or (),
        process=ctx.model.processes.get(activity.process or ""),
        history=histories.get(activity.id),
    )


@builder
def sheets(ctx: Context) -> dict[str, str]:
    histories = history.sheet_histories(ctx.reg)
    return {sheet_path(activity, ctx.lang): sheet_page(ctx, activity, histories) for activity in ctx.model.activities}
