"""Recipients and transfers (``destinataires.md``): every recipient and every third country,
with the activities concerned."""

from __future__ import annotations

from generator.model import views
from generator.site.pages import Context, builder


@builder
def recipients(ctx: Context) -> dict[str, str]:
    countries = views.transfers_by_country(ctx.reg, ctx.lang)
    return {
        "destinataires.md": ctx.render(
            "site/recipients.md.j2",
            recipients=views.recipients_by_type(ctx.reg),
            countries=views.lenient(countries),
            adequacy={code: views.adequacy(code) for code, _ in countries},
        )
    }
