"""Recipients and transfers (``destinataires.md``, ``recipients.md`` in English): every
recipient and every third country, with the activities concerned."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator import paths, vocab
from generator.model.activity import Activity, Transfer
from generator.model.organisation import Party
from generator.model.register import RegisterModel
from generator.site.pages import Context, builder


@dataclass
class Recipient:
    """A recipient across the register, with the activities that disclose data to it."""

    type: str
    name: str
    party: Party | None
    uses: list[tuple[Activity, str]] = field(default_factory=list)  # (activity, details)


def recipients_by_type(model: RegisterModel) -> list[tuple[str, list[Recipient]]]:
    grouped: dict[tuple[str, str], Recipient] = {}
    for activity in model.activities:
        for entry in activity.recipients or ():
            the_party = model.parties.get(entry.party) if entry.party else None
            name = the_party.name if the_party else str(entry.name)
            key = (entry.type, entry.party or name.casefold())
            recipient = grouped.setdefault(key, Recipient(entry.type, name, the_party))
            recipient.uses.append((activity, entry.details or ""))
    out: dict[str, list[Recipient]] = {}
    for recipient in grouped.values():
        out.setdefault(recipient.type, []).append(recipient)
    return sorted(((k, sorted(v, key=lambda r: r.name.casefold())) for k, v in out.items()),
                  key=lambda kv: vocab.order("recipient_type", kv[0]))


def transfers_by_country(model: RegisterModel, lang: str) -> list[tuple[str, list[tuple[Activity, Transfer]]]]:
    """For each third country (sorted by its name in ``lang``): (activity, transfer)."""
    out: dict[str, list[tuple[Activity, Transfer]]] = {}
    for activity in model.activities:
        for transfer in activity.transfers or ():
            out.setdefault(transfer.destination, []).append((activity, transfer))
    return sorted(out.items(), key=lambda kv: vocab.destination_name(kv[0], lang))


def adequacy(country: str) -> str:
    """``full``, ``partial`` (a decision limited in scope, e.g. the US Data Privacy Framework)
    or ``none``: the European Commission's adequacy decision for ``country``."""
    scope = vocab.adequacy_scope(country)
    return "full" if scope == "whole" else scope


@builder
def recipients(ctx: Context) -> dict[str, str]:
    countries = transfers_by_country(ctx.model, ctx.lang)
    return {
        paths.page("recipients", ctx.lang): ctx.render(
            "site/recipients.md.j2",
            recipients=recipients_by_type(ctx.model),
            countries=countries,
            adequacy={code: adequacy(code) for code, _ in countries},
        )
    }
