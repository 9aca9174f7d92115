"""findRecipients: a recipient found by part of the name, ID number or phone, at the caller's stations.

The cases service looks the terms' keyed digests up in its index and confirms them against the opened records.
Names come masked unless a purpose is given (then in full, for station staff); every search, found or not, is
recorded (recipientSearches), and the recipients shown unmasked in the audit of sensitive reads; the answer's
consistencyToken reads both back. Another station named is refused (forbidden)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import room_for_a_write, with_write
from gateway.types.matches import RecipientMatch
from shared.contracts.errors import DomainError

SearchToken = Annotated[str | None, strawberry.argument(
    description="The client's latest consistencyToken, merged into each match's consistencyToken with the audit "
                "rows the search records (a write); the search itself reads the index as it is: nothing waits")]


async def find_recipients(
        info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
        name: Annotated[str | None, strawberry.argument(description="Part of the name: 小红 finds 叶小红")] = None,
        id_number: Annotated[str | None, strawberry.argument(description="The whole 18-character number")] = None,
        phone: Annotated[str | None, strawberry.argument(description="The phone (its last 11 digits)")] = None,
        purpose: Annotated[str | None, strawberry.argument(
            description="Why: names answered in full, and the search audited with it")] = None,
        consistency_token: SearchToken = None) -> list[RecipientMatch]:
    try:
        earlier = await room_for_a_write(info.context, consistency_token)  # every search records an audit
    except DomainError as error:
        raise graphql_error(error) from error
    found = await info.context.query("find_recipients", {
        "station_id": station_id, "name": name, "id_number": id_number, "phone": phone, "purpose": purpose},
        service="cases")
    token = with_write(info.context, earlier, found["position"]) if "position" in found else None
    return [RecipientMatch.from_answer(m, token) for m in found["matches"]]
