"""The home page (``index.md``): the organisation, its DPO, counts, links to everything."""

from __future__ import annotations

from generator.site.pages import Context, builder


@builder
def home(ctx: Context) -> dict[str, str]:
    org = ctx.model.organisation
    dpo = org.dpo
    company = dpo.company.name if dpo and dpo.company else None
    dpo_name = dpo.person.name(ctx.lang) if dpo and dpo.person else ""
    return {
        "index.md": ctx.render(
            "site/home.md.j2",
            org=org,
            counts=ctx.model.counts(),
            registers=ctx.model.registers(),
            controllers=controllers_by_id(ctx),
            head_name=org.head.line(ctx.lang) if org.head else "",
            dpo_name=f"{dpo_name} ({company})" if company else dpo_name,
            last_update=ctx.model.as_of(),
        )
    }


def controllers_by_id(ctx: Context) -> dict[str, list[str]]:
    return {a.id: ctx.model.controller_names(a) for a in ctx.model.activities}
