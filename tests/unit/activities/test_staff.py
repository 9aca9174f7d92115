"""Staff join, gain qualifications, move and leave; nobody leaves a station with open work in hand."""

from __future__ import annotations

from datetime import date
from functools import reduce

import pytest

from services.activities.domain import places, staff
from services.activities.domain.commands import JoinStaff, MoveStaff, RecordQualification, StaffLeaves
from services.activities.domain.errors import (
    NotFoundHere,
    NotTheirManager,
    OpenWorkRemains,
    StaffGone,
    StationsForRole,
)
from shared.contracts import Actor, Role
from shared.contracts.activities import QualificationKind, StaffLeft, StaffMoved, StaffRole, StationOpened
from shared.rules import DateInFuture

TODAY = date(2026, 11, 20)
DIRECTOR = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=("s-hsp", "s-wy"))
HEAD = Actor(subject="head-hsp", name="站长", role=Role.STATION_HEAD, station_ids=("s-hsp",))
WORKER = Actor(subject="sw-2", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-hsp",))
STATIONS = {code: places.evolve_station(places.STATION, StationOpened(
    station_id=code, street_id="st", name=code, code=code.upper()[2:], opened_on=date(2019, 1, 15)))
    for code in ("s-hsp", "s-wy")}
NOTHING_OPEN = staff.OpenWork()


def join(**changes: object) -> JoinStaff:
    fields: dict[str, object] = {"actor": HEAD, "today": TODAY, "staff_id": "sw-hsp-1", "name": "王社工",
                                 "role": StaffRole.SOCIAL_WORKER, "station_ids": ("s-hsp",),
                                 "joined_on": date(2026, 1, 4)}
    return JoinStaff(**{**fields, **changes})  # type: ignore[arg-type]


JOINED = reduce(staff.evolve, staff.join(join(), STATIONS, staff.STAFF), staff.STAFF)


def test_a_station_head_takes_on_a_social_worker_for_their_own_station_only() -> None:
    assert JOINED.station_ids == ("s-hsp",)
    with pytest.raises(NotTheirManager):
        staff.join(join(station_ids=("s-wy",)), STATIONS, staff.STAFF)
    with pytest.raises(NotTheirManager):
        staff.join(join(actor=WORKER), STATIONS, staff.STAFF)


def test_a_social_worker_works_at_one_open_station_a_supervisor_may_cover_several() -> None:
    with pytest.raises(StationsForRole) as refused:
        staff.join(join(actor=DIRECTOR, station_ids=("s-hsp", "s-wy")), STATIONS, staff.STAFF)
    assert refused.value.field == "stationIds" and "exactly one station" in refused.value.message.en
    with pytest.raises(NotFoundHere):
        staff.join(join(actor=DIRECTOR, station_ids=("s-nowhere",)), STATIONS, staff.STAFF)
    [supervisor] = staff.join(join(actor=DIRECTOR, role=StaffRole.EXTERNAL_SUPERVISOR,
                                   station_ids=("s-hsp", "s-wy")), STATIONS, staff.STAFF)
    assert supervisor.station_ids == ("s-hsp", "s-wy")  # type: ignore[attr-defined]


def test_a_qualification_is_kept_with_its_date() -> None:
    command = RecordQualification(actor=HEAD, today=TODAY, staff_id="sw-hsp-1",
                                  kind=QualificationKind.ASSISTANT_SOCIAL_WORKER, obtained_on=date(2023, 6, 1))
    [recorded] = staff.record_qualification(command, JOINED)
    assert recorded.kind == QualificationKind.ASSISTANT_SOCIAL_WORKER  # type: ignore[attr-defined]
    with pytest.raises(DateInFuture):
        staff.record_qualification(RecordQualification(**{**command.__dict__, "obtained_on": date(2027, 1, 1)}),
                                   JOINED)


def leave(**changes: object) -> StaffLeaves:
    fields: dict[str, object] = {"actor": HEAD, "today": TODAY, "staff_id": "sw-hsp-1", "left_on": TODAY,
                                 "reason": "合同期满"}
    return StaffLeaves(**{**fields, **changes})  # type: ignore[arg-type]


def test_nobody_leaves_with_open_cases_or_groups_and_the_refusal_names_each() -> None:
    work = staff.OpenWork(cases=("HSP-2026-0003", "HSP-2026-0007"), groups=("小小手工坊",))

    with pytest.raises(OpenWorkRemains) as refused:
        staff.leave(leave(), work, JOINED)

    assert refused.value.cases == ["HSP-2026-0003", "HSP-2026-0007"] and refused.value.groups == ["小小手工坊"]
    assert "HSP-2026-0003" in refused.value.message.zh and "小小手工坊" in refused.value.message.en
    [left] = staff.leave(leave(), NOTHING_OPEN, JOINED)
    assert left == StaffLeft(staff_id="sw-hsp-1", station_ids=("s-hsp",), left_on=TODAY, reason="合同期满")
    with pytest.raises(StaffGone):
        staff.leave(leave(), NOTHING_OPEN, staff.evolve(JOINED, left))


def test_a_move_hands_over_first_and_only_the_director_moves_across_stations() -> None:
    move = MoveStaff(actor=DIRECTOR, today=TODAY, staff_id="sw-hsp-1", to_station_ids=("s-wy",), moved_on=TODAY)
    assert staff.leaving(JOINED, ("s-wy",)) == ("s-hsp",)
    with pytest.raises(OpenWorkRemains):
        staff.move(move, STATIONS, staff.OpenWork(groups=("长者健康小组",)), JOINED)
    with pytest.raises(NotTheirManager):
        staff.move(MoveStaff(**{**move.__dict__, "actor": HEAD}), STATIONS, NOTHING_OPEN, JOINED)
    [moved] = staff.move(move, STATIONS, NOTHING_OPEN, JOINED)
    assert moved == StaffMoved(staff_id="sw-hsp-1", from_station_ids=("s-hsp",), to_station_ids=("s-wy",),
                               moved_on=TODAY)
