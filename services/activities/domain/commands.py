"""What users ask the activities service to do (places and stations, for now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from shared.contracts import Actor
from shared.contracts.activities import CommunityKind


@dataclass(frozen=True, kw_only=True)
class RegisterStreet:
    """Register a street (街道) of the district."""

    new_id: ClassVar[str] = "street_id"

    actor: Actor
    today: date
    street_id: str
    name: str
    district: str


@dataclass(frozen=True, kw_only=True)
class AddCommunity:
    """Add a community (社区) or village (村) to a street."""

    new_id: ClassVar[str] = "community_id"

    actor: Actor
    today: date
    street_id: str
    community_id: str
    name: str
    kind: CommunityKind = CommunityKind.COMMUNITY


@dataclass(frozen=True, kw_only=True)
class OpenStation:
    """Open a street's social work station."""

    new_id: ClassVar[str] = "station_id"

    actor: Actor
    today: date
    station_id: str
    street_id: str
    name: str
    code: str
    opened_on: date
