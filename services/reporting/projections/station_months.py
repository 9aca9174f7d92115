"""Which station's months an event changed, for the figures summed ahead (migration 0032).

The sums (`station_day_figures`, `station_month_figures`, `station_month_people`) are recounted from the fact
tables by the queries (`services/reporting/queries/station_figures.py`), never folded from events here: a running
total kept from events would have to know, for each of some seventy event types, every figure it moves, and a
merge or a member linked to a recipient changes who was served months ago. This projection only marks, in the
same transaction as the facts, which (station, month) to recount:
- an event that only adds a record dated on a day (a session, an activity, a service...) marks that day's month
  at its station;
- any other marks every month of the stations it names (`station_id`, `station_ids` and the like) and, for a
  recipient, the stations of their cases and groups.

A mark is a row a (station, month) and call: a run of events marks each of its (station, month) once, which is
what its events one by one would say (marks are read as a set); a rebuild or a bulk load leaves many a station,
and the first query after it recounts each station's whole history once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg

from services.reporting.projections import (
    BatchProjector,
    Projection,
    Projector,
    ReceivedEvent,
    cases,
    disclosures,
    places,
    street_meetings,
    timeline,
    work,
)

EVERY_MONTH = date(1, 1, 1)
"""The month of a mark that stands for every month of the station."""

DATED: dict[str, str] = {
    "CaseSessionRecorded": "held_on",
    "GroupSessionHeld": "held_on",
    "ActivityHeld": "held_on",
    "VolunteerServiceRecorded": "served_on",
    "OrganisationActivityHeld": "held_on",
    "PublicityPublished": "published_on",
    "TrainingHeld": "held_on",
    "StreetMeetingHeld": "held_on",
    "SupervisionHeld": "held_on",
    "VolunteerRegistered": "registered_on",
    "SurveyConducted": "starts_on",
}
"""Events that add one new record dated on a day, changing only that day's figures at their station: only its
month is recounted. Every other event (a closing, a merge, a member joining...) has the station's every month
recounted: what it moves is not for this module to know."""

_STATIONS = ("station_id",)
_STATION_LISTS = ("station_ids", "from_station_ids", "to_station_ids")
_RECIPIENTS = ("recipient_id", "into_recipient_id")
RECIPIENT_EVENTS = frozenset({"RecipientMergedInto", "RecipientErased", "RecipientUpdated"})
"""A recipient's events change who their sessions and sign-ins count as, wherever those were recorded."""


def marks_of(event: ReceivedEvent) -> tuple[set[str], date]:
    """The stations an event names and the month it changed there (EVERY_MONTH: all of them)."""
    payload = event.payload
    stations = {str(v) for name in _STATIONS if (v := getattr(payload, name, None))}
    for name in _STATION_LISTS:
        stations.update(str(v) for v in getattr(payload, name, None) or ())
    day = getattr(payload, DATED[event.type], None) if event.type in DATED else None
    return stations, day.replace(day=1) if isinstance(day, date) else EVERY_MONTH


def _recipients(events: Sequence[ReceivedEvent]) -> list[str]:
    return sorted({str(v) for e in events if e.type in RECIPIENT_EVENTS for name in _RECIPIENTS
                   if (v := getattr(e.payload, name, None))})


_RECIPIENTS_STATIONS = (
    "SELECT station_id FROM cases WHERE recipient_id = ANY($1::text[])"
    " UNION SELECT g.station_id FROM group_members m JOIN groups g USING (group_id)"
    " WHERE m.recipient_id = ANY($1::text[])")


async def mark_all(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """One statement for a run of events: their marks, each (station, month) once (a mark says only that the month
    is to be recounted: the rows of a transaction are a set, as its events one by one would leave them)."""
    marks: dict[tuple[str, date], None] = {}
    for event in events:
        stations, month = marks_of(event)
        marks.update(((station, month), None) for station in sorted(stations))
        recipients = _recipients([event])
        if recipients:
            marks.update(((r["station_id"], EVERY_MONTH), None)
                         for r in await conn.fetch(_RECIPIENTS_STATIONS, recipients))
    if not marks:
        return
    await conn.execute(
        # new rows, even where the same mark is there: a recount that takes the one there may have read the facts
        # before this transaction's commit; this one stays for the next
        "INSERT INTO station_months_stale (station_id, month) SELECT * FROM unnest($1::text[], $2::date[])",
        [s for s, _ in marks], [m for _, m in marks])


async def mark(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    await mark_all(conn, [event])


def _types() -> list[str]:
    """Every event type reporting's other projections apply: what can change a fact table."""
    modules: list[Any] = [places, cases, disclosures, timeline, work, street_meetings]
    return sorted({name for module in modules for name in module.PROJECTION.handlers})


TYPES = _types()
PROJECTORS: dict[str, Projector] = dict.fromkeys(TYPES, mark)
BATCH_PROJECTORS: dict[str, BatchProjector] = dict.fromkeys(TYPES, mark_all)

PROJECTION = Projection(name="station_months", version=2, tables=(  # 2: station_year_people (0033)
    "station_day_figures", "station_month_figures", "station_month_people", "station_year_people",
    "station_months_stale", "station_months_basis"), handlers=PROJECTORS, batch_handlers=BATCH_PROJECTORS)
