"""me: who the token says the caller is."""

from __future__ import annotations

import strawberry

from gateway.context import Context


@strawberry.type(description="The caller, as the verified token says")
class Me:
    subject: str
    name: str
    role: str
    station_ids: list[strawberry.ID]
    division: str | None = strawberry.field(
        description="The GB/T 2260 code the token is bounded by (its stations are those under it); null: none")


async def me(info: strawberry.Info[Context, None]) -> Me:
    actor = info.context.actor()
    return Me(subject=actor.subject, name=actor.name, role=actor.role.value,
              station_ids=[strawberry.ID(s) for s in actor.station_ids], division=actor.division)
