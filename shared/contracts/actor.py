"""Who acts: the verified caller, carried with every command and recorded with every event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of DESIGN.md, from the provincial department down to a station's social worker."""

    PROVINCIAL_DEPARTMENT = "provincial_department"
    CITY_BUREAU = "city_bureau"
    DISTRICT_BUREAU = "district_bureau"
    PROJECT_DIRECTOR = "project_director"
    SUPERVISOR = "supervisor"
    STATION_HEAD = "station_head"
    SOCIAL_WORKER = "social_worker"
    SYSTEM = "system"


ALL_STATIONS = "*"
"""A token's station list that covers every station of the district (or of the token's division)."""

DISTRICT_WIDE = frozenset({Role.DISTRICT_BUREAU, Role.SYSTEM})
"""The roles whose tokens may cover every station of the installation. A project director runs the stations of
one operating organisation, and the district may contract several: their token lists those stations, as a
station's staff and supervisors list theirs."""

REGIONAL = frozenset({Role.CITY_BUREAU, Role.PROVINCIAL_DEPARTMENT})
"""The roles above a district (市民政局, 省民政厅): they read the stations under their division and write nothing."""

COVERS_EVERY_STATION = DISTRICT_WIDE | REGIONAL
"""The roles whose token may say "*": every station, or every station under the token's division."""

DIVISION_DIGITS: dict[Role, int] = {Role.PROVINCIAL_DEPARTMENT: 2, Role.CITY_BUREAU: 4, Role.DISTRICT_BUREAU: 6}
"""The GB/T 2260 prefix a role's division claim is: a province's 2 digits (43 湖南省), a city's 4 (4301 长沙市),
a district's 6 (430103 天心区). The regional roles must carry one; the district bureau may."""

LEVELS = {2: "province", 4: "city", 6: "district"}
"""A division's level by its length."""

_DIVISION = re.compile(r"[1-9]\d(\d\d){0,2}")


def division_problem(code: str, digits: int | None = None) -> tuple[str, str] | None:
    """What is wrong with a division code (GB/T 2260: 2 digits of a province, 4 of a city, 6 of a district), in
    Chinese and English, when `digits` are the length expected; None if nothing."""
    if not _DIVISION.fullmatch(code):
        return ("应为 2 位（省）、4 位（市）或 6 位（区县）数字的行政区划代码（GB/T 2260），如 43、4301、430103",
                "must be a GB/T 2260 code of 2 (province), 4 (city) or 6 digits (district), e.g. 43, 4301, 430103")
    if len(code) > 2 and code.endswith("00"):
        return "的市或区县位不能为 00（去掉末尾的 00 即为上一级的代码）", \
            "cannot end in 00 (without the trailing 00 it is the code of the level above)"
    if digits is not None and len(code) != digits:
        return f"应为 {digits} 位数字（{LEVELS[digits]}）", f"must have {digits} digits (a {LEVELS[digits]})"
    return None


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The caller of a command or query, as its verified token says.

    `division` (a GB/T 2260 prefix) bounds a token's stations to those whose street's district code begins
    with it. Only a service that keeps the places can tell which stations those are: reporting resolves it
    (`station_ids` then lists them instead of "*"), and until then a divisioned actor covers no station
    (never every one), so a service that cannot resolve it fails closed."""

    subject: str
    name: str
    role: Role
    station_ids: tuple[str, ...]
    division: str | None = None

    def may_act_for(self, station_id: str) -> bool:
        """True when the caller's scope covers the station."""
        return self.sees_every_station or station_id in self.station_ids

    @property
    def sees_every_station(self) -> bool:
        """A district-wide role whose token covers every station ("*" is nothing for any other role, nor for a
        token bounded by a division)."""
        return ALL_STATIONS in self.station_ids and self.role in DISTRICT_WIDE and self.division is None

    @property
    def reads_only(self) -> bool:
        """The regional roles read the stations under them and never write."""
        return self.role in REGIONAL

    def covers_division(self, code: str | None) -> bool:
        """True when a place's code (a district's 6 digits, a 12-digit statistical code, or a division's prefix)
        is within the caller's division; every code is when the token has none."""
        return self.division is None or (code is not None and code.startswith(self.division))

    def as_metadata(self) -> dict[str, object]:
        answer: dict[str, object] = {"subject": self.subject, "name": self.name, "role": self.role.value,
                                     "station_ids": list(self.station_ids)}
        if self.division is not None:
            answer["division"] = self.division
        return answer
