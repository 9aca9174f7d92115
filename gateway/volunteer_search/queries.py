"""findVolunteers: a volunteer of the caller's stations found by part of the name, ID number or phone.

The activities service looks the terms' keyed digests up in its index and confirms them against the opened
registrations. ID numbers and contacts come masked unless a purpose is given (then in clear, for station staff);
every search, found or not, is recorded (volunteerSearches), and the volunteers shown unmasked in their audit of
reads; each match's consistencyToken reads both back (as findRecipients does for recipients)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import room_for_a_write, with_write
from gateway.volunteer_search.types import VolunteerMatch
from shared.contracts.errors import DomainError

SearchToken = Annotated[str | None, strawberry.argument(
    description="The client's latest consistencyToken, merged into each match's consistencyToken with the audit "
                "rows the search records (a write); the search itself reads the index as it is: nothing waits")]


async def find_volunteers(
        info: strawberry.Info[Context, None],
        station_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="One of the caller's stations; omitted, all of them")] = None,
        name: Annotated[str | None, strawberry.argument(description="Part of the name: 晓兰 finds 叶晓兰")] = None,
        id_number: Annotated[str | None, strawberry.argument(description="The whole 18-character number")] = None,
        phone: Annotated[str | None, strawberry.argument(description="The phone (its last 11 digits)")] = None,
        purpose: Annotated[str | None, strawberry.argument(
            description="Why: ID numbers, contacts and birth dates answered in clear, and the search audited with "
                        "it")] = None,
        consistency_token: SearchToken = None) -> list[VolunteerMatch]:
    try:
        earlier = await room_for_a_write(info.context, consistency_token)  # every search records an audit
    except DomainError as error:
        raise graphql_error(error) from error
    found = await info.context.query("find_volunteers", {
        "station_id": station_id, "name": name, "id_number": id_number, "phone": phone, "purpose": purpose},
        service="activities")
    token = with_write(info.context, earlier, found["position"]) if "position" in found else None
    return [VolunteerMatch.from_answer(v, token) for v in found["volunteers"]]
