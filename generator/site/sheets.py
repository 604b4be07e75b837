"""One record sheet per activity (``activites/<id>.md``), in the CNIL « fiche de registre » order."""

from __future__ import annotations

from generator.model import views
from generator.site import history
from generator.site.pages import Context, builder


@builder
def sheets(ctx: Context) -> dict[str, str]:
    processes = ctx.reg.process_data()
    histories = history.sheet_histories(ctx.reg)
    out = {}
    for activity in views.ordered_activities(ctx.reg):
        out[views.sheet_path(activity)] = ctx.render(
            "site/sheet.md.j2",
            a=views.lenient(activity),
            processor=views.is_processor_record(activity),
            actors=views.actors(ctx.reg, activity, ctx.lang),
            controllers=views.controller_names(ctx.reg, activity),
            transfers=views.lenient(views.transfers(ctx.reg, activity)),
            process=views.lenient(processes.get(str(activity.get("process")))),
            history=histories.get(str(activity.get("id"))),
        )
    return out
