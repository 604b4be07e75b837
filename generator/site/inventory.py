"""The data inventory (``inventaire.md``): which activities process which category of data
and which sensitive data, with their retentions side by side."""

from __future__ import annotations

from generator.pages import Context, builder
from generator.site import views


@builder
def inventory(ctx: Context) -> dict[str, str]:
    return {
        "inventaire.md": ctx.render(
            "site/inventory.md.j2",
            categories=views.lenient(views.by_category(ctx.reg, "data_categories", "data_category")),
            sensitive=views.lenient(views.by_category(ctx.reg, "sensitive_data", "sensitive_category")),
        )
    }
