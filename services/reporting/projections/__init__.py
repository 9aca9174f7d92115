"""Read models, one module each: plain functions from an event to the rows it changes.

Each module's `PROJECTION` names the tables it owns, maps an event's type name to the function that
applies it (`PROJECTORS`), and carries a version: raise it when a change alters what the tables would
hold for past events, and reporting rebuilds that projection (see `services/reporting/rebuild.py`).
The consumer runs them inside the transaction that also moves its checkpoint. Where events come in numbers
(sessions, sign-ins, service hours, the timeline), a module also gives `batch_handlers`: the same writes for a
run of events of a type in one statement per table (`shared.consumer.Projection`); `statements` makes both
handlers of a type from one list of statements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from shared.consumer import BatchProjector, Projection, Projector, ReceivedEvent

__all__ = ["BatchProjector", "Projection", "Projector", "ReceivedEvent", "columns", "projections", "statements"]

Arguments = Callable[[ReceivedEvent], Sequence[Any]]
"""A statement's arguments, from the event it applies."""


def columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows as columns: the arrays of one `INSERT ... SELECT * FROM unnest($1::type[], ...)` (a statement for
    a run's rows, rather than a statement a row)."""
    return [[row[n] for row in rows] for n in range(width)]


def statements(*made: tuple[str, Arguments]) -> tuple[Projector, BatchProjector]:
    """The per-event handler and the batch handler of a type whose events each run the same statements, each with
    its arguments from the event: one event runs them in turn; a run of events runs each statement once for all of
    them, in their order (asyncpg's executemany: one round trip), then the next. That is the same as one event
    after the other when no statement reads or writes a table an earlier statement of the list writes (two
    statements on two tables, say), which is the condition for using it."""

    async def one(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        for sql, arguments in made:
            await conn.execute(sql, *arguments(event))

    async def many(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
        for sql, arguments in made:
            await conn.executemany(sql, [arguments(event) for event in events])

    return one, many


def projections() -> list[Projection]:
    """Every projection of reporting, in the order they apply an event."""
    from services.reporting.projections import (
        cases,
        disclosures,
        places,
        station_months,
        street_meetings,
        timeline,
        work,
    )

    return [module.PROJECTION for module in (places, cases, disclosures, timeline, work, street_meetings,
                                             station_months)]
