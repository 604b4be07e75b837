"""The consolidated register (``registre.md``): CNIL tab 2 « Liste des traitements », as the
controller register (30(1)) and the processor register (30(2)); sorted and filtered in the
browser by ``assets/ropa.js``."""

from __future__ import annotations

from generator.site.home import controllers_by_id
from generator.site.pages import Context, builder


@builder
def register_table(ctx: Context) -> dict[str, str]:
    return {
        "registre.md": ctx.render(
            "site/register.md.j2",
            registers=ctx.model.registers(),
            controllers=controllers_by_id(ctx),
        )
    }
