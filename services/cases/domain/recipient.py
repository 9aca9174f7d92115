"""The recipient aggregate: a resident the station serves."""

from __future__ import annotations

from dataclasses import dataclass

from services.cases.domain.commands import RegisterRecipient
from services.cases.domain.errors import RecipientAlreadyRegistered
from services.cases.domain.rules import require_range, require_station, require_text
from shared.contracts.cases import RecipientRegistered


@dataclass(frozen=True)
class Recipient:
    """What deciding needs to know of a recipient."""

    registered: bool = False
    station_id: str = ""


INITIAL = Recipient()


def decide(command: RegisterRecipient, state: Recipient) -> list[object]:
    if state.registered:
        raise RecipientAlreadyRegistered(command.recipient_id)
    require_station(command.actor, command.station_id)
    require_range("birthYear", command.birth_year, 1900, command.today.year)
    return [RecipientRegistered(
        recipient_id=command.recipient_id, station_id=command.station_id,
        name=require_text("name", command.name), gender=command.gender, birth_year=command.birth_year,
        community=require_text("community", command.community), categories=tuple(dict.fromkeys(command.categories)),
    )]


def evolve(state: Recipient, event: object) -> Recipient:
    match event:
        case RecipientRegistered(station_id=station_id):
            return Recipient(registered=True, station_id=station_id)
    return state
