"""Which aggregates a rule across many of one type needs, found without folding every stream of the type.

Three rules once read every stream of a type: opening a station (one open station per street, each code once),
awarding a contract (a contract id once, a street under one contract at a time) and moving or leaving staff (the
open groups they lead). They now ask `Lookups` for the few streams that can matter and load only those; the
deciders get the same aggregates as before less the ones that cannot change the answer, and still decide.

The running service answers from tables kept in each append's transaction (services/activities/adapters/
lookups.py); `EVERY_STREAM` answers every stream of the type, for a store that keeps no derived rows (the
in-memory one of the unit tests), as the rules did before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared.eventstore import EventStore


class Lookups(Protocol):
    """Stream ids a rule loads; a lookup may answer more than needed (the decider checks each), never fewer."""

    async def stations_sharing(self, store: EventStore, street_id: str, code: str) -> list[str]:
        """The stations of the street and those with the code (any, closed or not)."""

    async def operators_holding(self, store: EventStore, contract_id: str, street_ids: Sequence[str]) -> list[str]:
        """The operators with a contract of that id or one on any of the streets."""

    async def groups_led(self, store: EventStore, staff_id: str, station_ids: Sequence[str]) -> list[str]:
        """The open groups at the stations the staff member leads, in the order they were planned."""


class EveryStream:
    """Every stream of the type: a scan, for a store without the lookup tables."""

    async def stations_sharing(self, store: EventStore, street_id: str, code: str) -> list[str]:
        return await store.stream_ids("station")

    async def operators_holding(self, store: EventStore, contract_id: str, street_ids: Sequence[str]) -> list[str]:
        return await store.stream_ids("operator")

    async def groups_led(self, store: EventStore, staff_id: str, station_ids: Sequence[str]) -> list[str]:
        return await store.stream_ids("group")


EVERY_STREAM: Lookups = EveryStream()
