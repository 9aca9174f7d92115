"""Who acts: the verified caller, carried with every command and recorded with every event."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of DESIGN.md, from the district bureau down to a station's social worker."""

    DISTRICT_BUREAU = "district_bureau"
    PROJECT_DIRECTOR = "project_director"
    SUPERVISOR = "supervisor"
    STATION_HEAD = "station_head"
    SOCIAL_WORKER = "social_worker"
    SYSTEM = "system"


ALL_STATIONS = "*"
"""A token's station list that covers every station of the district."""

DISTRICT_WIDE = frozenset({Role.DISTRICT_BUREAU, Role.SYSTEM})
"""The only roles whose tokens may cover every station. A project director runs the stations of one operating
organisation, and the district may contract several: their token lists those stations, as a station's staff
and supervisors list theirs."""


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The caller of a command or query, as its verified token says."""

    subject: str
    name: str
    role: Role
    station_ids: tuple[str, ...]

    def may_act_for(self, station_id: str) -> bool:
        """True when the caller's scope covers the station."""
        return self.sees_every_station or station_id in self.station_ids

    @property
    def sees_every_station(self) -> bool:
        """A district-wide role whose token covers every station ("*" is nothing for any other role)."""
        return ALL_STATIONS in self.station_ids and self.role in DISTRICT_WIDE

    def as_metadata(self) -> dict[str, object]:
        return {"subject": self.subject, "name": self.name, "role": self.role.value,
                "station_ids": list(self.station_ids)}
