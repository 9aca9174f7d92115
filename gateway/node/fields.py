"""The raw id a Node type keeps beside its global `id`: the UUID (or subject) the services and older clients know."""

from __future__ import annotations

from typing import Any

import strawberry


def raw_id_field(what: str) -> Any:
    """A field answering the object's raw id (`caseId` on Case): mutations' answers and other objects' fields
    (`Case.stationId`) name objects by it, and every argument takes it as well as the global id."""

    def resolve(root: Any) -> strawberry.ID:
        return strawberry.ID(str(root.id))

    return strawberry.field(resolver=resolve, description=f"The {what}'s raw id, as mutations answer it"
                                                          " (`id` is its global id)")
