"""Projects, targets, groups, activities, publicity and surveys: every rule, given / when / then."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import reduce
from typing import Any

import pytest

from services.activities.domain import groups, outreach, places, projects, resources, staff
from services.activities.domain.commands import (
    AddGroupMember,
    ChangeGroupLeaders,
    ChangeGroupPhase,
    CloseGroup,
    MapResource,
    PlanGroup,
    RecordActivity,
    RecordGroupFeedback,
    RecordGroupSession,
    RecordPublicity,
    RecordSurvey,
    SetStationTargets,
    StartProject,
    UseResource,
)
from services.activities.domain.errors import (
    AlreadyAMember,
    AlreadyExists,
    BasisMissing,
    EndsBeforeStart,
    GroupIsClosed,
    MoreThanHandedOut,
    NoSessionYet,
    NotAMember,
    NotFoundHere,
    NotOfThisStation,
    OnlyTheBureau,
    OutsideProject,
    PhaseOrder,
    ReadOnlyRole,
    UsedByWhat,
)
from services.activities.domain.references import FollowedRecipient
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    ActivityHeld,
    ActivityKind,
    GroupPhase,
    GroupSessionHeld,
    GroupType,
    PlannedOutputs,
    ProjectStarted,
    PublicityKind,
    PublicityLevel,
    ResourceKind,
    StaffJoined,
    StaffRole,
    StationOpened,
    SurveyMethod,
)
from shared.rules import DateInFuture, NotYourStation, OutOfRange

TODAY = date(2026, 11, 20)
STATION_ID = "s-hsp"
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=(STATION_ID,))
STRANGER = Actor(subject="sw-9", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-wy",))
SUPERVISOR = Actor(subject="sup-1", name="督导", role=Role.SUPERVISOR, station_ids=(STATION_ID,))
BUREAU = Actor(subject="b-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))
STATION = places.evolve_station(places.STATION, StationOpened(station_id=STATION_ID, street_id="st", name="站",
                                                              code="HSP", opened_on=date(2019, 1, 15)))


def fold(evolve: Any, initial: Any, *events: object) -> Any:
    return reduce(evolve, events, initial)


def start(**changes: Any) -> StartProject:
    fields = {"actor": WORKER, "today": TODAY, "project_id": "p-1", "station_id": STATION_ID,
              "name": "童心童乐童成长", "aims": "陪伴留守儿童成长", "target_population": "留守儿童",
              "communities": ("一力社区", "披塘村", "一力社区"), "starts_on": date(2026, 3, 1),
              "ends_on": date(2026, 12, 31), "planned": PlannedOutputs(groups=6, group_sessions=36, activities=4,
                                                                     person_times=600)}
    return StartProject(**{**fields, **changes})


[STARTED] = projects.start(start(), STATION, projects.PROJECT)
PROJECT = fold(projects.evolve, projects.PROJECT, STARTED)


def plan(**changes: Any) -> PlanGroup:
    fields = {"actor": WORKER, "today": TODAY, "group_id": "g-1", "station_id": STATION_ID, "name": "小小手工坊",
              "type": GroupType.GROWTH, "target_population": "留守儿童", "community": "一力社区",
              "leader_ids": ("sw-1",), "planned_sessions": 6, "project_id": "p-1"}
    return PlanGroup(**{**fields, **changes})


LEADERS = {s: staff.evolve(staff.STAFF, StaffJoined(staff_id=s, name="社工", role=StaffRole.SOCIAL_WORKER,
                                                   station_ids=(STATION_ID,), joined_on=date(2019, 2, 1)))
           for s in ("sw-1", "sw-2")}
"""The station's current staff, who lead its groups."""
PLANNED = groups.plan(plan(), STATION, PROJECT, LEADERS, groups.GROUP)


def member(n: int, recipient_id: str | None = None) -> AddGroupMember:
    return AddGroupMember(actor=WORKER, today=TODAY, group_id="g-1", member_id=f"m-{n}", name=f"组员{n}",
                          recipient_id=recipient_id)


def with_members(count: int) -> groups.Group:
    state = fold(groups.evolve, groups.GROUP, *PLANNED)
    for n in range(1, count + 1):
        state = fold(groups.evolve, state, *groups.add_member(member(n), None, state))
    return state


def session(**changes: Any) -> RecordGroupSession:
    fields = {"actor": WORKER, "today": TODAY, "group_id": "g-1", "session_id": "gs-1",
              "held_on": date(2026, 11, 1), "duration_minutes": 90, "place": "一力社区活动室", "theme": "认识你我",
              "present_member_ids": ("m-1", "m-2"), "walk_ins": 1}
    return RecordGroupSession(**{**fields, **changes})


# projects and targets

def test_a_project_is_started_with_its_communities_once_each_and_its_planned_outputs() -> None:
    assert isinstance(STARTED, ProjectStarted)
    assert STARTED.communities == ("一力社区", "披塘村")
    assert STARTED.planned.person_times == 600


@pytest.mark.parametrize(("changes", "error"), [
    ({"ends_on": date(2026, 2, 1)}, EndsBeforeStart),
    ({"actor": STRANGER}, NotYourStation),
    ({"actor": SUPERVISOR}, ReadOnlyRole),
    ({"planned": PlannedOutputs(groups=-1)}, OutOfRange),
])
def test_a_project_that_cannot_be_right_is_refused(changes: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        projects.start(start(**changes), STATION, projects.PROJECT)


def test_only_the_bureau_sets_a_stations_targets_for_a_year() -> None:
    command = SetStationTargets(actor=BUREAU, today=TODAY, station_id=STATION_ID, year=2026, projects=2)
    [targets] = projects.set_targets(command, STATION)
    assert (targets.year, targets.projects, targets.set_by) == (2026, 2, "b-1")
    with pytest.raises(OnlyTheBureau):
        projects.set_targets(SetStationTargets(actor=WORKER, today=TODAY, station_id=STATION_ID, year=2026), STATION)
    with pytest.raises(NotFoundHere):
        projects.set_targets(command, places.STATION)


# groups

def test_a_group_belongs_to_a_project_of_its_own_station() -> None:
    other = fold(projects.evolve, projects.PROJECT, *projects.start(
        start(project_id="p-2", station_id="s-wy", actor=STRANGER), STATION, projects.PROJECT))
    director = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(STATION_ID, "s-wy"))
    with pytest.raises(NotOfThisStation):
        groups.plan(plan(actor=director), STATION, other, LEADERS, groups.GROUP)
    with pytest.raises(NotFoundHere) as hidden:
        groups.plan(plan(), STATION, other, LEADERS, groups.GROUP)
    with pytest.raises(NotFoundHere) as missing:
        groups.plan(plan(), STATION, projects.PROJECT, LEADERS, groups.GROUP)
    assert hidden.value.as_dict() == missing.value.as_dict(), "a project the worker cannot see is not found"
    with pytest.raises(OutOfRange):
        groups.plan(plan(planned_sessions=0), STATION, PROJECT, LEADERS, groups.GROUP)


def test_a_session_is_numbered_and_signed_in_from_the_member_list_plus_walk_ins() -> None:
    state = with_members(3)

    [held] = groups.decide(session(present_member_ids=("m-1", "m-2", "m-1")), state)

    assert isinstance(held, GroupSessionHeld)
    assert (held.number, held.present_member_ids, held.walk_ins, held.expected) == (1, ("m-1", "m-2"), 1, 3)
    after = fold(groups.evolve, state, held)
    assert after.phase == GroupPhase.WORKING
    [second] = groups.decide(session(session_id="gs-2"), after)
    assert isinstance(second, GroupSessionHeld) and second.number == 2


def test_attendance_cannot_exceed_the_members_plus_walk_ins() -> None:
    state = with_members(2)
    with pytest.raises(NotAMember) as refused:
        groups.decide(session(present_member_ids=("m-1", "m-7")), state)
    assert refused.value.field == "presentMemberIds"
    with pytest.raises(OutOfRange):
        groups.decide(session(expected=3), state)
    with pytest.raises(OutOfRange):
        groups.decide(session(walk_ins=-1), state)


def test_a_session_is_not_dated_in_the_future() -> None:
    with pytest.raises(DateInFuture):
        groups.decide(session(held_on=date(2026, 11, 21)), with_members(2))


def test_no_session_on_a_closed_group() -> None:
    state = with_members(2)
    closed = fold(groups.evolve, state, *groups.decide(
        CloseGroup(actor=WORKER, today=TODAY, group_id="g-1", closed_on=TODAY, summary="六节完成"), state))
    with pytest.raises(GroupIsClosed):
        groups.decide(session(), closed)


def test_a_recipient_joins_a_group_once_and_feedback_comes_from_members() -> None:
    state = with_members(1)
    theirs = FollowedRecipient(station_id=STATION_ID)
    joined = fold(groups.evolve, state, *groups.add_member(member(2, recipient_id="r-1"), theirs, state))
    with pytest.raises(AlreadyAMember):
        groups.add_member(member(3, recipient_id="r-1"), theirs, joined)
    feedback = RecordGroupFeedback(actor=WORKER, today=TODAY, group_id="g-1", feedback_id="f-1", member_id="m-9",
                                   satisfaction=5)
    with pytest.raises(NotAMember):
        groups.decide(feedback, joined)
    with pytest.raises(OutOfRange):
        groups.decide(RecordGroupFeedback(**{**feedback.__dict__, "member_id": "m-1", "satisfaction": 6}), joined)


def test_a_groups_phase_only_moves_forward() -> None:
    state = with_members(1)
    forming = fold(groups.evolve, state, *groups.decide(
        ChangeGroupPhase(actor=WORKER, today=TODAY, group_id="g-1", phase=GroupPhase.FORMING), state))
    with pytest.raises(PhaseOrder):
        groups.decide(ChangeGroupPhase(actor=WORKER, today=TODAY, group_id="g-1", phase=GroupPhase.PREPARATION),
                      forming)
    with pytest.raises(PhaseOrder):
        groups.decide(ChangeGroupPhase(actor=WORKER, today=TODAY, group_id="g-1", phase=GroupPhase.CLOSED), forming)


# activities, publicity, surveys

def activity(**changes: Any) -> RecordActivity:
    fields = {"actor": WORKER, "today": TODAY, "activity_id": "a-1", "station_id": STATION_ID, "community": "一力社区",
              "title": "中秋游园会", "kind": ActivityKind.FESTIVAL, "held_on": date(2026, 9, 25), "place": "社区广场",
              "direct_participants": 120, "indirect_beneficiaries": 300, "indirect_basis": "参与家庭平均 2.5 人",
              "project_id": "p-1"}
    return RecordActivity(**{**fields, **changes})


def test_an_activity_counts_direct_participants_and_indirect_beneficiaries_on_a_stated_basis() -> None:
    [held] = outreach.record_activity(activity(), STATION, PROJECT, outreach.RECORDED)
    assert isinstance(held, ActivityHeld) and (held.direct_participants, held.indirect_beneficiaries) == (120, 300)
    with pytest.raises(BasisMissing):
        outreach.record_activity(activity(indirect_basis=" "), STATION, PROJECT, outreach.RECORDED)
    with pytest.raises(DateInFuture):
        outreach.record_activity(activity(held_on=date(2026, 12, 1)), STATION, PROJECT, outreach.RECORDED)


def test_publicity_reports_an_activity_of_its_own_station() -> None:
    command = RecordPublicity(actor=WORKER, today=TODAY, item_id="n-1", station_id=STATION_ID,
                              kind=PublicityKind.NEWS, title="黑石铺社工站中秋游园", outlet="天心区融媒体",
                              level=PublicityLevel.DISTRICT, published_on=date(2026, 9, 26), activity_id="a-9")
    elsewhere = outreach.Recorded(recorded=True, station_id="s-wy")
    director = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(STATION_ID, "s-wy"))
    with pytest.raises(NotOfThisStation):
        outreach.record_publicity(replace(command, actor=director), STATION, None, elsewhere, outreach.RECORDED)
    with pytest.raises(NotFoundHere) as hidden:
        outreach.record_publicity(command, STATION, None, elsewhere, outreach.RECORDED)
    with pytest.raises(NotFoundHere) as missing:
        outreach.record_publicity(command, STATION, None, outreach.RECORDED, outreach.RECORDED)
    assert hidden.value.as_dict() == missing.value.as_dict(), "an activity the worker cannot see is not found"


def test_a_survey_returns_no_more_questionnaires_than_it_handed_out() -> None:
    command = RecordSurvey(actor=WORKER, today=TODAY, survey_id="sv-1", station_id=STATION_ID, title="需求调研",
                           method=SurveyMethod.QUESTIONNAIRE, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31),
                           distributed=500, returned=487)
    [conducted] = outreach.record_survey(command, STATION, outreach.RECORDED)
    assert conducted.returned == 487  # type: ignore[attr-defined]
    with pytest.raises(MoreThanHandedOut):
        outreach.record_survey(RecordSurvey(**{**command.__dict__, "returned": 501}), STATION, outreach.RECORDED)


# the resource map

def test_a_resource_is_used_by_exactly_one_project_or_activity_of_its_own_station() -> None:
    mapped = resources.map_resource(MapResource(actor=WORKER, today=TODAY, resource_id="res-1", station_id=STATION_ID,
                                                kind=ResourceKind.VENUE, name="党群服务中心", offers="活动室",
                                                contact="0731-0000"), STATION, resources.RESOURCE)
    state = fold(resources.evolve, resources.RESOURCE, *mapped)
    use = UseResource(actor=WORKER, today=TODAY, resource_id="res-1", project_id="p-1")

    [used] = resources.use(use, state, PROJECT, None)

    assert (used.project_id, used.activity_id) == ("p-1", None)  # type: ignore[attr-defined]
    with pytest.raises(UsedByWhat):
        resources.use(UseResource(actor=WORKER, today=TODAY, resource_id="res-1"), state, None, None)
    elsewhere = outreach.Recorded(recorded=True, station_id="s-wy")
    with pytest.raises(NotFoundHere, match="a-9"):
        resources.use(UseResource(actor=WORKER, today=TODAY, resource_id="res-1", activity_id="a-9"), state, None,
                      elsewhere)
    director = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(STATION_ID, "s-wy"))
    with pytest.raises(NotOfThisStation):
        resources.use(UseResource(actor=director, today=TODAY, resource_id="res-1", activity_id="a-9"), state,
                      None, elsewhere)
    with pytest.raises(NotFoundHere):
        resources.use(use, resources.RESOURCE, PROJECT, None)


# ids a caller may give are taken once; a group is handed over; dates stay within what they belong to

def test_a_session_or_feedback_id_is_taken_once_and_a_member_gives_one_form_each() -> None:
    state = with_members(2)
    held = fold(groups.evolve, state, *groups.decide(session(), state))
    with pytest.raises(AlreadyExists) as repeated:
        groups.decide(session(), held)
    assert repeated.value.field == "sessionId"
    form = RecordGroupFeedback(actor=WORKER, today=TODAY, group_id="g-1", feedback_id="f-1", member_id="m-1",
                               satisfaction=5)
    given = fold(groups.evolve, held, *groups.decide(form, held))
    with pytest.raises(AlreadyExists):
        groups.decide(RecordGroupFeedback(**{**form.__dict__, "feedback_id": "f-2"}), given)
    with pytest.raises(AlreadyExists):
        groups.decide(RecordGroupFeedback(**{**form.__dict__, "member_id": "m-2"}), given)
    groups.decide(RecordGroupFeedback(**{**form.__dict__, "feedback_id": "f-3", "session_number": 1}), given)
    with pytest.raises(NoSessionYet):
        groups.decide(RecordGroupFeedback(**{**form.__dict__, "session_number": 1}), state)


def test_a_group_is_handed_to_other_leaders_and_planned_on_a_day_not_in_the_future() -> None:
    state = with_members(1)
    assert groups.led_by(state, "sw-1", (STATION_ID,))
    handed = fold(groups.evolve, state, *groups.change_leaders(
        ChangeGroupLeaders(actor=WORKER, today=TODAY, group_id="g-1", leader_ids=("sw-2",)), LEADERS, state))
    assert not groups.led_by(handed, "sw-1", (STATION_ID,)) and groups.led_by(handed, "sw-2", (STATION_ID,))
    [planned] = groups.plan(plan(planned_on=date(2026, 7, 1)), STATION, PROJECT, LEADERS, groups.GROUP)
    assert planned.planned_on == date(2026, 7, 1)  # type: ignore[attr-defined]
    with pytest.raises(DateInFuture):
        groups.plan(plan(planned_on=date(2026, 12, 1)), STATION, PROJECT, LEADERS, groups.GROUP)


def test_a_projects_activity_falls_within_the_projects_period() -> None:
    with pytest.raises(OutsideProject) as refused:
        outreach.record_activity(activity(held_on=date(2026, 2, 1)), STATION, PROJECT, outreach.RECORDED)
    assert refused.value.field == "heldOn"
