"""The organisation (``organisation.md``): CNIL tab 2 header blocks (head, representative,
DPO) and the parties the activities name."""

from __future__ import annotations

from generator import paths
from generator.model.activity import Activity
from generator.model.organisation import Party
from generator.site.pages import Context, builder


def parties_with_activities(ctx: Context) -> list[tuple[Party, list[Activity]]]:
    """Each party with the activities that name it (controller, processor, joint controller,
    recipient or transfer recipient)."""
    return [(party, [a for a in ctx.model.activities if party_id in a.party_ids()])
            for party_id, party in ctx.model.parties.items()]


@builder
def organisation(ctx: Context) -> dict[str, str]:
    org = ctx.model.organisation
    parties = parties_with_activities(ctx)
    return {
        paths.page("organisation", ctx.lang): ctx.render(
            "site/organisation.md.j2",
            org=org,
            head_address=(org.head.address if org.head else None) or org.address,
            parties=parties,
            contacts={p.id: p.contact.line(ctx.lang) for p, _ in parties if p.contact},
        )
    }
