"""Read models, one module each: plain functions from an event to the rows it changes.

`PROJECTORS` maps an event's type name to the functions that apply it; the
consumer runs them inside the transaction that also moves its checkpoint.
"""

from __future__ import annotations

from shared.consumer import Projector, ReceivedEvent

__all__ = ["Projector", "ReceivedEvent", "projectors"]


def projectors() -> dict[str, list[Projector]]:
    from services.reporting.projections import cases, disclosures, places, timeline, work

    table: dict[str, list[Projector]] = {}
    for module in (places, cases, disclosures, timeline, work):
        for type_name, projector in module.PROJECTORS.items():
            table.setdefault(type_name, []).append(projector)
    return table
