"""Supervision sessions and project meetings: who records them, what they need, and follow-up of actions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.activities.domain import places, supervision
from services.activities.domain.commands import (
    ActionInput,
    FollowUpSupervisionAction,
    RecordProjectMeeting,
    RecordSupervision,
)
from services.activities.domain.errors import (
    ActionAlreadyDone,
    DateBeforeThe,
    NaiveTime,
    NotASupervisor,
    NotFoundHere,
)
from shared.contracts import Actor, Role
from shared.contracts.activities import MeetingMode, StationOpened, SupervisionHeld, SupervisorKind
from shared.rules import BlankField, DateInFuture, NotYourStation, OutOfRange

TODAY = date(2026, 11, 20)
SUPERVISOR = Actor(subject="sup-ext-1", name="外部督导", role=Role.SUPERVISOR, station_ids=("s-hsp",))
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-hsp",))
DIRECTOR = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=("s-hsp", "s-wy"))
STATIONS = {s: places.evolve_station(places.STATION, StationOpened(station_id=s, street_id=f"st-{s}", name=s,
                                                                   code=s[2:].upper(), opened_on=date(2019, 1, 15)))
            for s in ("s-hsp", "s-wy")}


def supervise(**changes: Any) -> RecordSupervision:
    fields = {"actor": SUPERVISOR, "today": TODAY, "supervision_id": "sv-1", "station_id": "s-hsp",
              "supervisor_id": "sup-ext-1", "supervisor_kind": SupervisorKind.EXTERNAL, "staff_ids": ("sw-1",),
              "held_on": date(2026, 11, 3), "hours": 2, "topics": ("个案评估",), "cases_reviewed": 2,
              "actions": (ActionInput(description="补充预估记录", owner="sw-1", due_on=date(2026, 11, 10)),)}
    return RecordSupervision(**{**fields, **changes})


def test_a_supervision_records_its_agreed_actions_numbered_and_follows_each_up_once() -> None:
    [held] = supervision.record(supervise(), STATIONS["s-hsp"], supervision.SUPERVISION)
    assert isinstance(held, SupervisionHeld) and [a.action_id for a in held.actions] == ["a1"]
    state = supervision.evolve(supervision.SUPERVISION, held)
    follow = FollowUpSupervisionAction(actor=WORKER, today=TODAY, supervision_id="sv-1", action_id="a1", done=True)
    done = supervision.evolve(state, supervision.follow_up(follow, state)[0])
    with pytest.raises(ActionAlreadyDone):
        supervision.follow_up(follow, done)
    with pytest.raises(NotFoundHere):
        supervision.follow_up(FollowUpSupervisionAction(**{**follow.__dict__, "action_id": "a9"}), state)


@pytest.mark.parametrize(("changes", "error"), [
    ({"actor": WORKER}, NotASupervisor),
    ({"hours": 0}, OutOfRange),
    ({"hours": 13}, OutOfRange),
    ({"held_on": date(2026, 11, 21)}, DateInFuture),
    ({"topics": (" ",)}, BlankField),
    ({"actions": (ActionInput(description="x", owner="sw-1", due_on=date(2026, 11, 1)),)}, DateBeforeThe),
])
def test_a_supervision_that_cannot_be_right_is_refused(changes: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        supervision.record(supervise(**changes), STATIONS["s-hsp"], supervision.SUPERVISION)


def meeting(**changes: Any) -> RecordProjectMeeting:
    fields = {"actor": DIRECTOR, "today": TODAY, "meeting_id": "m-1", "station_ids": ("s-hsp", "s-wy"),
              "mode": MeetingMode.ONLINE, "starts_at": datetime(2026, 11, 12, 11, 30, tzinfo=UTC),
              "attendees": ("dir-1", "head-hsp", "head-wy"), "decisions": ("十二月完成年度总结",)}
    return RecordProjectMeeting(**{**fields, **changes})


def test_a_project_meeting_covers_the_stations_its_recorder_may_act_for_and_knows_its_time_zone() -> None:
    [held] = supervision.record_meeting(meeting(), STATIONS, supervision.MEETING)
    assert held.station_ids == ("s-hsp", "s-wy")  # type: ignore[attr-defined]
    with pytest.raises(NotYourStation):
        supervision.record_meeting(meeting(actor=WORKER), STATIONS, supervision.MEETING)
    with pytest.raises(NaiveTime):
        supervision.record_meeting(meeting(starts_at=datetime(2026, 11, 12, 19, 30)), STATIONS, supervision.MEETING)
    with pytest.raises(DateInFuture):  # 20 November 17:00 UTC is already 21 November in Changsha
        supervision.record_meeting(meeting(starts_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC)), STATIONS,
                                   supervision.MEETING)
