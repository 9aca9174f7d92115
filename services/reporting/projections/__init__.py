"""Read models, one module each: plain functions from an event to the rows it changes.

Each module's `PROJECTION` names the tables it owns, maps an event's type name to the function that
applies it (`PROJECTORS`), and carries a version: raise it when a change alters what the tables would
hold for past events, and reporting rebuilds that projection (see `services/reporting/rebuild.py`).
The consumer runs them inside the transaction that also moves its checkpoint.
"""

from __future__ import annotations

from shared.consumer import Projection, Projector, ReceivedEvent

__all__ = ["Projection", "Projector", "ReceivedEvent", "projections"]


def projections() -> list[Projection]:
    """Every projection of reporting, in the order they apply an event."""
    from services.reporting.projections import cases, disclosures, places, street_meetings, timeline, work

    return [module.PROJECTION for module in (places, cases, disclosures, timeline, work, street_meetings)]
