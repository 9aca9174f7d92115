"""findVolunteers: a volunteer of the caller's stations by part of the name, ID number or phone."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import room_for_a_write, with_write
from gateway.volunteer_search.types import FoundVolunteer, FoundVolunteers
from shared.contracts.errors import DomainError


async def find_volunteers(
        info: strawberry.Info[Context, None],
        station_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="One of the caller's stations; omitted, all of them")] = None,
        name: Annotated[str | None, strawberry.argument(description="Part of the name (up to 20 characters)")] = None,
        id_number: Annotated[str | None, strawberry.argument(description="The whole 18-character number")] = None,
        phone: Annotated[str | None, strawberry.argument(description="The phone (at least 7 digits)")] = None,
        purpose: Annotated[str | None, strawberry.argument(
            description="Why the data is needed in clear: station staff only, recorded")] = None,
        consistency_token: ConsistencyToken = None) -> FoundVolunteers:
    """Volunteers matching every criterion given, masked unless a purpose is said; each one shown is recorded in
    their audit (volunteerDataReads) with what was searched by, never the term."""
    try:
        earlier = await room_for_a_write(info.context, consistency_token)  # a search records its audit
    except DomainError as error:
        raise graphql_error(error) from error
    found = await info.context.query("find_volunteers", {"station_id": station_id, "name": name,
                                                         "id_number": id_number, "phone": phone,
                                                         "purpose": purpose}, service="activities")
    token = None
    if "position" in found:
        token = with_write(info.context, earlier, found["position"])
    elif consistency_token:
        token = info.context.tokens.sign(earlier)  # nothing shown, nothing recorded: the client's token goes on
    return FoundVolunteers(volunteers=[FoundVolunteer.from_view(v) for v in found["volunteers"]],
                           consistency_token=token)
