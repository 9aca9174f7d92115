"""Read models, one module each: plain functions from an event to the rows it changes.

Each module's `PROJECTION` names the tables it owns, maps an event's type name to the function that
applies it (`PROJECTORS`), and carries a version: raise it when a change alters what the tables would
hold for past events, and reporting rebuilds that projection (see `services/reporting/rebuild.py`).
The consumer runs them inside the transaction that also moves its checkpoint. Where events come in numbers
(sessions, sign-ins, service hours, the timeline), a module also gives `batch_handlers`: the same writes for a
run of consecutive events of a type in one statement per table (`shared.consumer.Projection`).
"""

from __future__ import annotations

from shared.consumer import BatchProjector, Projection, Projector, ReceivedEvent

__all__ = ["BatchProjector", "Projection", "Projector", "ReceivedEvent", "projections"]


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
