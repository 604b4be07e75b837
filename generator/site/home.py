"""The home page (``index.md``): the organisation, its DPO, counts, links to everything."""

from __future__ import annotations

from generator.model import views
from generator.site.pages import Context, builder


@builder
def home(ctx: Context) -> dict[str, str]:
    org = ctx.reg.org
    dates = [str(a.get("updated")) for a in ctx.reg.activity_data() if a.get("updated")]
    dpo = org.get("dpo") or {}
    company = (dpo.get("company") or {}).get("name") if isinstance(dpo.get("company"), dict) else None
    dpo_name = views.person_name(dpo.get("person"), ctx.lang)
    return {
        "index.md": ctx.render(
            "site/home.md.j2",
            org=views.lenient(org),
            counts=views.counts(ctx.reg),
            registers=[(k, views.lenient(v)) for k, v in views.registers(ctx.reg)],
            controllers=controllers_by_id(ctx),
            head_name=views.person_line(org.get("head"), ctx.lang),
            dpo_name=f"{dpo_name} ({company})" if company else dpo_name,
            last_update=max(dates) if dates else None,
        )
    }


def controllers_by_id(ctx: Context) -> dict[str, list[str]]:
    return {str(a.get("id")): views.controller_names(ctx.reg, a) for a in ctx.reg.activity_data()}
