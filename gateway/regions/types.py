"""A region's overview: its children's figures and the region's totals."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import strawberry

from gateway.types.dates import day
from gateway.types.work import Figures


@strawberry.enum(description="A division's level by its GB/T 2260 code: 2 digits a province, 4 a city, 6 a district")
class DivisionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


@strawberry.type(description="One child of the region: a province's city, a city's district, a district's station")
class RegionFigures:
    division: str = strawberry.field(
        description="The child's code: a city's 4 digits, a district's 6, a station's street's 12-digit code")
    name: str = strawberry.field(
        description="A district's name as its streets were registered, a station's name; a city by its code")
    station_id: strawberry.ID | None = strawberry.field(description="The station, when the rows are a district's")
    figures: Figures = strawberry.field(description="The child's figures; its distinct people counted within it")


@strawberry.type(description="省、市、区级总览 A region's children with their figures for the period, and the region's")
class RegionOverview:
    division: str
    level: DivisionLevel
    from_day: date = strawberry.field(name="from")
    to: date = strawberry.field(description="The period's last day")
    until: date = strawberry.field(description="The day after the period")
    regions: list[RegionFigures]
    totals: Figures = strawberry.field(
        description="Sums of the rows, but distinct people are counted once across the whole region")

    @classmethod
    def from_answer(cls, found: dict[str, Any]) -> RegionOverview:
        return cls(division=found["division"], level=DivisionLevel(found["level"]), from_day=day(found["from"]),
                   to=day(found["to"]), until=day(found["until"]),
                   regions=[RegionFigures(division=r["division"], name=r["name"], station_id=r["station_id"] and
                                          strawberry.ID(r["station_id"]), figures=Figures.from_row(r))
                            for r in found["regions"]],
                   totals=Figures.from_row(found["totals"]))
