"""Command handlers of the activities service."""

from __future__ import annotations

from services.activities.domain import places
from services.activities.domain.commands import AddCommunity, OpenStation, RegisterStreet
from shared.application import CommandHandler, Decider, Unit, execute, load
from shared.eventstore import AppendResult

STREET = Decider(stream_type="street", initial_state=places.STREET, evolve=places.evolve_street)
STATION = Decider(stream_type="station", initial_state=places.STATION, evolve=places.evolve_station)


async def register_street(command: RegisterStreet, unit: Unit) -> AppendResult:
    return await execute(unit, STREET, f"street-{command.street_id}",
                         lambda state: places.decide_street(command, state), {"street_id": command.street_id})


async def add_community(command: AddCommunity, unit: Unit) -> AppendResult:
    return await execute(unit, STREET, f"street-{command.street_id}",
                         lambda state: places.decide_street(command, state),
                         {"street_id": command.street_id, "community_id": command.community_id})


async def open_station(command: OpenStation, unit: Unit) -> AppendResult:
    street, _ = await load(unit.store, STREET, f"street-{command.street_id}")
    return await execute(unit, STATION, f"station-{command.station_id}",
                         lambda state: places.open_station(command, street, state), {"station_id": command.station_id})


ROUTES: dict[type, CommandHandler] = {
    RegisterStreet: register_street,
    AddCommunity: add_community,
    OpenStation: open_station,
}
