"""What this service's records may refer to beyond their own stream: a recipient of the cases service (as this
service follows them), and the station's current staff. The handler loads each; these checks decide.

A group at a station serves that station's residents (DOMAIN.md: each street's station serves its street), so a
member's recipient must be one of the group's station, live: not erased, and not a duplicate merged into another
(the member list names the survivor instead, which the refusal gives). A recipient of a station the caller does
not see is refused in the same words as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.activities.domain.errors import (
    LeaderNotCurrentStaff,
    RecipientErased,
    RecipientMerged,
    UnknownRecipient,
)
from services.activities.domain.rules import require_same_station
from services.activities.domain.staff import Staff
from shared.contracts import Actor
from shared.rules import unseen


@dataclass(frozen=True)
class FollowedRecipient:
    """A recipient as the cases stream told this service of them (a moment behind it)."""

    station_id: str
    erased: bool = False
    merged_into: str | None = None


def require_member_recipient(actor: Actor, recipient: FollowedRecipient | None, recipient_id: str | None,
                             station_id: str) -> None:
    """A member's recipient (when one is named) is a live recipient of the group's station. None is one this
    service has not heard of: unknown, or registered an instant ago and not arrived yet (the handler waited a
    little before deciding)."""
    if recipient_id is None:
        return
    if recipient is None or unseen(actor, recipient.station_id):
        raise UnknownRecipient(recipient_id)
    require_same_station(station_id, recipient.station_id, "该服务对象", "recipient", "recipientId")
    if recipient.erased:
        raise RecipientErased(recipient_id)
    if recipient.merged_into is not None:
        raise RecipientMerged(recipient_id, recipient.merged_into)


def require_current_leaders(actor: Actor, leader_ids: tuple[str, ...], staff: dict[str, Staff],
                            station_id: str) -> None:
    """Each leader is staff of the group's station now: joined, not left, and at that station. Someone of a
    station the caller does not see is refused in the words of someone unknown."""
    for leader_id in leader_ids:
        member = staff.get(leader_id, Staff())
        if not member.joined or station_id not in member.station_ids or all(
                unseen(actor, s) for s in member.station_ids):
            raise LeaderNotCurrentStaff(leader_id, left=False)
        if member.left:
            raise LeaderNotCurrentStaff(leader_id, left=True)
