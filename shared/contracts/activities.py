"""Events published by the activities service (subjects `hemiao.events.activities.*`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.contracts.registry import event


class CommunityKind(StrEnum):
    COMMUNITY = "community"  # 社区
    VILLAGE = "village"  # 村


@event(service="activities", aggregate="street", name="registered")
@dataclass(frozen=True, kw_only=True)
class StreetRegistered:
    """A street (街道) of a district was registered."""

    street_id: str
    name: str
    district: str


@event(service="activities", aggregate="street", name="community_added")
@dataclass(frozen=True, kw_only=True)
class CommunityAdded:
    """A community (社区) or village (村) was added to a street."""

    street_id: str
    community_id: str
    name: str
    kind: CommunityKind


@event(service="activities", aggregate="station", name="opened")
@dataclass(frozen=True, kw_only=True)
class StationOpened:
    """A street's social work station (街道社工站) was opened."""

    station_id: str
    street_id: str
    name: str
    code: str
    opened_on: date
