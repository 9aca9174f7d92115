"""What a record refers to outside its own stream is real, of the right kind and in scope: a member's recipient,
a group's leaders, a volunteer service's activity."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from functools import reduce

import pytest

from services.activities.application.followed import arrived
from services.activities.domain import groups, outreach, staff, volunteers
from services.activities.domain.commands import ChangeGroupLeaders
from services.activities.domain.errors import (
    LeaderNotCurrentStaff,
    NotFoundHere,
    NotOfThisStation,
    RecipientErased,
    RecipientMerged,
    UnknownRecipient,
)
from services.activities.domain.references import FollowedRecipient
from shared.contracts import Actor, Role
from shared.contracts.activities import ActivityHeld, StaffJoined, StaffLeft, StaffRole
from tests.unit.activities.test_station_work import (
    LEADERS,
    PLANNED,
    PROJECT,
    STATION,
    STATION_ID,
    TODAY,
    WORKER,
    activity,
    fold,
    member,
    plan,
)
from tests.unit.activities.test_volunteers import VOLUNTEER, serve

GROUP = fold(groups.evolve, groups.GROUP, *PLANNED)
DIRECTOR = Actor(subject="pd-1", name="总监", role=Role.PROJECT_DIRECTOR, station_ids=(STATION_ID, "s-wy"))


def joined(station_id: str, *later: object) -> staff.Staff:
    return reduce(staff.evolve, later, staff.evolve(staff.STAFF, StaffJoined(
        staff_id="sw-x", name="社工", role=StaffRole.SOCIAL_WORKER, station_ids=(station_id,),
        joined_on=date(2019, 2, 1))))


# a member's recipient


def test_a_recipient_of_the_groups_station_joins_it_linked() -> None:
    [event] = groups.add_member(member(1, recipient_id="r-1"), FollowedRecipient(station_id=STATION_ID), GROUP)
    assert event.recipient_id == "r-1"  # type: ignore[attr-defined]


def test_a_member_who_is_no_recipient_needs_no_lookup() -> None:
    [event] = groups.add_member(member(1), None, GROUP)
    assert event.recipient_id is None  # type: ignore[attr-defined]


def test_a_recipient_this_service_has_not_heard_of_is_refused_saying_it_may_not_have_arrived_yet() -> None:
    with pytest.raises(UnknownRecipient) as refused:
        groups.add_member(member(1, recipient_id="r-404"), None, GROUP)
    assert refused.value.code == "unknown_recipient" and refused.value.field == "recipientId"
    assert "尚未同步" in refused.value.message.zh and "not have arrived" in refused.value.message.en


def test_another_stations_recipient_is_unknown_to_who_cannot_see_it_and_of_another_station_to_who_can() -> None:
    theirs = FollowedRecipient(station_id="s-wy")
    with pytest.raises(UnknownRecipient):
        groups.add_member(member(1, recipient_id="r-wy"), theirs, GROUP)
    with pytest.raises(NotOfThisStation) as refused:
        groups.add_member(replace(member(1, recipient_id="r-wy"), actor=DIRECTOR), theirs, GROUP)
    assert refused.value.field == "recipientId"


def test_an_erased_recipient_joins_no_group_and_a_merged_duplicate_is_refused_naming_the_survivor() -> None:
    with pytest.raises(RecipientErased):
        groups.add_member(member(1, recipient_id="r-1"), FollowedRecipient(station_id=STATION_ID, erased=True), GROUP)
    with pytest.raises(RecipientMerged) as refused:
        groups.add_member(member(1, recipient_id="r-dup"),
                          FollowedRecipient(station_id=STATION_ID, merged_into="r-1"), GROUP)
    assert "r-1" in refused.value.message.zh and "r-1" in refused.value.message.en


# a group's leaders


@pytest.mark.parametrize(("leader", "left"), [
    (staff.STAFF, False),  # nobody of that id ever joined
    (joined("s-wy"), False),  # another station's
    (joined(STATION_ID, StaffLeft(staff_id="sw-x", station_ids=(STATION_ID,), left_on=date(2026, 1, 5),
                                  reason="调动")), True),
])
def test_a_leader_must_be_current_staff_of_the_groups_station(leader: staff.Staff, left: bool) -> None:
    with pytest.raises(LeaderNotCurrentStaff) as planning:
        groups.plan(plan(leader_ids=("sw-1", "sw-x")), STATION, PROJECT, {**LEADERS, "sw-x": leader}, groups.GROUP)
    assert planning.value.code == "leader_not_current_staff" and planning.value.field == "leaderIds"
    assert ("已离职" in planning.value.message.zh) is left
    with pytest.raises(LeaderNotCurrentStaff):
        groups.change_leaders(ChangeGroupLeaders(actor=WORKER, today=TODAY, group_id="g-1", leader_ids=("sw-x",)),
                              {"sw-x": leader}, GROUP)


# a volunteer service's activity


def test_a_service_at_an_activity_of_the_volunteers_station_is_recorded_with_it() -> None:
    here = outreach.evolve(outreach.RECORDED, ActivityHeld(**{**_held(), "station_id": "s-hsp"}))
    [event] = volunteers.record_service_at(serve(activity_id="a-1"), here, VOLUNTEER)
    assert event.activity_id == "a-1"  # type: ignore[attr-defined]


def test_a_service_at_an_activity_that_does_not_exist_or_is_another_stations_is_refused() -> None:
    with pytest.raises(NotFoundHere) as refused:
        volunteers.record_service_at(serve(activity_id="a-404"), outreach.RECORDED, VOLUNTEER)
    assert refused.value.field == "activityId"
    there = outreach.evolve(outreach.RECORDED, ActivityHeld(**{**_held(), "station_id": "s-wy"}))
    with pytest.raises(NotOfThisStation):
        volunteers.record_service_at(serve(activity_id="a-1"), there, VOLUNTEER)


def _held() -> dict[str, object]:
    [event] = outreach.record_activity(activity(), STATION, PROJECT, outreach.RECORDED)
    return dict(event.__dict__)


# a reference a moment behind


async def test_a_reference_that_arrives_within_the_wait_is_found() -> None:
    looks = []

    async def look() -> str | None:
        looks.append(1)
        return "here" if len(looks) >= 3 else None

    assert await arrived(look, within=2, every=0.01) == "here"
    assert len(looks) == 3


async def test_a_reference_that_never_arrives_is_given_up_on_after_the_bound() -> None:
    async def look() -> None:
        return None

    started = time.monotonic()
    assert await arrived(look, within=0.2, every=0.02) is None
    assert 0.2 <= time.monotonic() - started < 1
