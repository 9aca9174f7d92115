"""The people of the operating organisation at the stations: join, qualifications, moves and leaving.

Nobody leaves a station with work still in their hands: their open cases (the cases service's, as this
service follows them) and their groups must be handed over first, and the refusal names each one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.activities.domain.commands import JoinStaff, MoveStaff, RecordQualification, StaffLeaves
from services.activities.domain.errors import (
    AlreadyExists,
    NotFoundHere,
    NotTheirManager,
    OpenWorkRemains,
    StaffGone,
    StationsForRole,
)
from services.activities.domain.places import Station, require_open
from shared.contracts import Actor, Role
from shared.contracts.activities import QualificationRecorded, StaffJoined, StaffLeft, StaffMoved, StaffRole
from shared.rules import require_not_future, require_text, unseen

ONE_STATION = (StaffRole.STATION_HEAD, StaffRole.SOCIAL_WORKER)
"""Roles that work at exactly one station; directors and supervisors may cover several."""


@dataclass(frozen=True)
class Staff:
    joined: bool = False
    left: bool = False
    role: StaffRole = StaffRole.SOCIAL_WORKER
    station_ids: tuple[str, ...] = ()


STAFF = Staff()


@dataclass(frozen=True)
class OpenWork:
    """What someone still carries at the stations they would leave: case numbers and group names."""

    cases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


def _require_manager(actor: Actor, station_ids: tuple[str, ...]) -> None:
    """The project director (of every station concerned) or, for their own station, its head."""
    if actor.role not in (Role.PROJECT_DIRECTOR, Role.STATION_HEAD, Role.SYSTEM):
        raise NotTheirManager()
    if not all(actor.may_act_for(s) for s in station_ids):
        raise NotTheirManager()


def _stations(station_ids: tuple[str, ...], role: StaffRole, stations: dict[str, Station]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(station_ids))
    if not chosen or (role in ONE_STATION and len(chosen) != 1):
        raise StationsForRole(role.value, one_only=role in ONE_STATION)
    for station_id in chosen:
        require_open(stations.get(station_id, Station()), station_id, "stationIds")
    return chosen


def join(command: JoinStaff, stations: dict[str, Station], state: Staff) -> list[object]:
    if state.joined and not state.left:
        raise AlreadyExists(f"人员 {command.staff_id}", f"Staff member {command.staff_id}", "staffId")
    chosen = _stations(command.station_ids, command.role, stations)
    _require_manager(command.actor, chosen)
    require_not_future("joinedOn", command.joined_on, command.today)
    return [StaffJoined(staff_id=require_text("staffId", command.staff_id), name=require_text("name", command.name),
                        role=command.role, station_ids=chosen, joined_on=command.joined_on)]


def _current(staff_id: str, state: Staff, actor: Actor) -> Staff:
    if not state.joined or all(unseen(actor, s) for s in state.station_ids):
        raise NotFoundHere("人员", "staff member", staff_id, "staffId")
    if state.left:
        raise StaffGone(staff_id)
    _require_manager(actor, state.station_ids)
    return state


def record_qualification(command: RecordQualification, state: Staff) -> list[object]:
    _current(command.staff_id, state, command.actor)
    require_not_future("obtainedOn", command.obtained_on, command.today)
    return [QualificationRecorded(staff_id=command.staff_id, kind=command.kind, obtained_on=command.obtained_on,
                                  certificate_number=command.certificate_number.strip())]


def _handed_over(work: OpenWork) -> None:
    if work.cases or work.groups:
        raise OpenWorkRemains(list(work.cases), list(work.groups))


def move(command: MoveStaff, stations: dict[str, Station], work: OpenWork, state: Staff) -> list[object]:
    """`work` is what they carry at the stations they leave (those not among the new ones)."""
    staff = _current(command.staff_id, state, command.actor)
    chosen = _stations(command.to_station_ids, staff.role, stations)
    _require_manager(command.actor, chosen)
    require_not_future("movedOn", command.moved_on, command.today)
    _handed_over(work)
    return [StaffMoved(staff_id=command.staff_id, from_station_ids=staff.station_ids, to_station_ids=chosen,
                       moved_on=command.moved_on)]


def leave(command: StaffLeaves, work: OpenWork, state: Staff) -> list[object]:
    staff = _current(command.staff_id, state, command.actor)
    require_not_future("leftOn", command.left_on, command.today)
    _handed_over(work)
    return [StaffLeft(staff_id=command.staff_id, station_ids=staff.station_ids, left_on=command.left_on,
                      reason=require_text("reason", command.reason))]


def evolve(state: Staff, event: object) -> Staff:
    match event:
        case StaffJoined(role=role, station_ids=station_ids):
            return Staff(joined=True, role=role, station_ids=station_ids)
        case StaffMoved(to_station_ids=station_ids):
            return replace(state, station_ids=station_ids)
        case StaffLeft():
            return replace(state, left=True)
    return state


def leaving(state: Staff, to_station_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The stations someone would leave by moving to these (all of them, by leaving)."""
    return tuple(s for s in state.station_ids if s not in to_station_ids)

