"""The organisation (``organisation.md``): CNIL tab 2 header blocks (head, representative,
DPO) and the parties the activities name."""

from __future__ import annotations

from typing import Any

from generator.model import views
from generator.site.pages import Context, builder


def parties_with_activities(ctx: Context) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each party with the activities that name it (controller, processor, joint controller,
    recipient or transfer recipient)."""
    out = []
    for party_id, party in ctx.reg.parties().items():
        uses = [a for a in views.ordered_activities(ctx.reg) if party_id in views.party_ids(a)]
        out.append((party, uses))
    return out


@builder
def organisation(ctx: Context) -> dict[str, str]:
    org = ctx.reg.org
    head = org.get("head") if isinstance(org.get("head"), dict) else {}
    parties = parties_with_activities(ctx)
    return {
        "organisation.md": ctx.render(
            "site/organisation.md.j2",
            org=views.lenient(org),
            head_address=views.lenient(head.get("address") or org.get("address") or {}),
            parties=views.lenient(parties),
            contacts={p.get("id"): views.person_line(p.get("contact"), ctx.lang) for p, _ in parties},
        )
    }
