"""A street's social work station (街道社工站)."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry


@strawberry.type(description="街道社工站 A street's social work station")
class Station:
    id: strawberry.ID
    name: str
    code: str
    street_name: str
    district: str
    communities: list[str]
    opened_on: date

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Station:
        return cls(id=strawberry.ID(row["station_id"]), name=row["name"], code=row["code"],
                   street_name=row["street_name"], district=row["district"], communities=list(row["communities"]),
                   opened_on=date.fromisoformat(str(row["opened_on"])))
