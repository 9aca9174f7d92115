"""Late entries (补录) keep the day things happened: a team's forming, a member's joining, a leader's designation,
an issue's resolution, an organisation's change of status, a supervision's follow-up and a resource's use each take
their own day, default today, never in the future, never before the facts they depend on."""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from typing import Any

import pytest

from services.activities.domain import governance, organisations, places, projects, resources, supervision, volunteers
from services.activities.domain.commands import (
    ActionInput,
    ChangeOrganisationStatus,
    DesignateVolunteerLeader,
    FollowUpSupervisionAction,
    FormVolunteerTeam,
    HoldJointMeeting,
    IssueUpdate,
    JoinVolunteerTeam,
    MapResource,
    NewIssue,
    ProgressIssue,
    RecordSupervision,
    RegisterOrganisation,
    RegisterVolunteer,
    SetUpGovernance,
    UseResource,
)
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    AgeGroup,
    CompoundAdded,
    IssueProgressed,
    IssueStatus,
    OrganisationStatus,
    OrganisationStatusChanged,
    OrganisationType,
    PlannedOutputs,
    ProjectStarted,
    ResourceKind,
    ResourceUsed,
    Stakeholder,
    StationOpened,
    StreetRegistered,
    SupervisionActionFollowedUp,
    SupervisorKind,
    TeamKind,
    VolunteerJoinedTeam,
    VolunteerLeaderDesignated,
    VolunteerTeamFormed,
)
from shared.rules import DateBeforeFact, DateInFuture

TODAY = date(2026, 6, 26)
"""The day the worker types it all in; everything happened earlier in the month."""
DAY = {n: TODAY.replace(day=n) for n in range(1, 27)}
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))
STATION = places.evolve_station(places.STATION, StationOpened(station_id="s-1", street_id="st", name="站", code="S1",
                                                              opened_on=DAY[2]))


def _fold(evolve: Any, initial: Any, events: list[object]) -> Any:
    return reduce(evolve, events, initial)


VOLUNTEER = _fold(volunteers.evolve, volunteers.VOLUNTEER, volunteers.register(RegisterVolunteer(
    actor=WORKER, today=DAY[5], volunteer_id="v-1", station_id="s-1", name="刘某某", gender="female",
    age_group=AgeGroup.ADULT, birth_year=1990), STATION, volunteers.VOLUNTEER))
"""Registered on day 5."""


def form(**changes: Any) -> FormVolunteerTeam:
    fields = {"actor": WORKER, "today": TODAY, "team_id": "t-1", "station_id": "s-1", "name": "青园助老队",
              "kind": TeamKind.COMMUNITY}
    return FormVolunteerTeam(**{**fields, **changes})


TEAM = _fold(volunteers.evolve_team, volunteers.TEAM, volunteers.form_team(form(formed_on=DAY[8]), STATION,
                                                                             volunteers.TEAM))
"""Formed on day 8."""


def test_a_team_formed_weeks_before_it_is_entered_keeps_its_day_and_today_is_the_default() -> None:
    [late] = volunteers.form_team(form(formed_on=DAY[3]), STATION, volunteers.TEAM)
    [now] = volunteers.form_team(form(), STATION, volunteers.TEAM)
    assert isinstance(late, VolunteerTeamFormed) and late.formed_on == DAY[3]
    assert isinstance(now, VolunteerTeamFormed) and now.formed_on == TODAY


@pytest.mark.parametrize(("day", "error", "message"), [
    (TODAY + timedelta(days=1), DateInFuture, "formedOn cannot be in the future"),
    (DAY[1], DateBeforeFact, "is before the station's opening"),
])
def test_a_team_is_not_formed_in_the_future_nor_before_its_station_opened(day: date, error: type[Exception],
                                                                           message: str) -> None:
    with pytest.raises(error) as refused:
        volunteers.form_team(form(formed_on=day), STATION, volunteers.TEAM)
    assert message in str(refused.value.message.en) and refused.value.field == "formedOn"  # type: ignore[attr-defined]


def join(day: date | None) -> JoinVolunteerTeam:
    return JoinVolunteerTeam(actor=WORKER, today=TODAY, team_id="t-1", volunteer_id="v-1", joined_on=day)


def test_joining_a_team_keeps_its_day() -> None:
    [joined] = volunteers.join_team(join(DAY[10]), VOLUNTEER, TEAM)
    assert isinstance(joined, VolunteerJoinedTeam) and joined.joined_on == DAY[10]
    [today] = volunteers.join_team(join(None), VOLUNTEER, TEAM)
    assert isinstance(today, VolunteerJoinedTeam) and today.joined_on == TODAY


@pytest.mark.parametrize(("day", "error", "message"), [
    (TODAY + timedelta(days=1), DateInFuture, "joinedOn cannot be in the future"),
    (DAY[7], DateBeforeFact, "is before the team's forming"),
])
def test_nobody_joins_a_team_in_the_future_or_before_it_was_formed(day: date, error: type[Exception],
                                                                    message: str) -> None:
    with pytest.raises(error) as refused:
        volunteers.join_team(join(day), VOLUNTEER, TEAM)
    assert message in refused.value.message.en  # type: ignore[attr-defined]


def test_nobody_joins_a_team_before_they_registered() -> None:
    early_team = _fold(volunteers.evolve_team, volunteers.TEAM,
                       volunteers.form_team(form(formed_on=DAY[3]), STATION, volunteers.TEAM))
    with pytest.raises(DateBeforeFact) as refused:
        volunteers.join_team(join(DAY[4]), VOLUNTEER, early_team)
    assert refused.value.field == "joinedOn" and "the volunteer's registration" in refused.value.message.en


def designate(day: date | None) -> DesignateVolunteerLeader:
    return DesignateVolunteerLeader(actor=WORKER, today=TODAY, volunteer_id="v-1", designated_on=day)


def test_a_leader_is_designated_on_their_day_not_in_the_future_nor_before_they_registered() -> None:
    [designated] = volunteers.designate_leader(designate(DAY[12]), VOLUNTEER)
    assert isinstance(designated, VolunteerLeaderDesignated) and designated.designated_on == DAY[12]
    with pytest.raises(DateInFuture):
        volunteers.designate_leader(designate(TODAY + timedelta(days=1)), VOLUNTEER)
    with pytest.raises(DateBeforeFact) as refused:
        volunteers.designate_leader(designate(DAY[4]), VOLUNTEER)
    assert refused.value.field == "designatedOn"
    assert refused.value.message.zh == f"designatedOn（{DAY[4]}）早于志愿者注册日期（{DAY[5]}）"


STREET = reduce(places.evolve_street, [StreetRegistered(street_id="st", name="桂花坪街道", district="天心区"),
                                       CompoundAdded(street_id="st", community_id="c-1", compound_id="cp-1",
                                                     name="绿地公馆")], places.STREET)
GOVERNED = _fold(governance.evolve, governance.GOVERNANCE, governance.set_up(SetUpGovernance(
    actor=WORKER, today=TODAY, compound_id="cp-1", station_id="s-1", stakeholders=(Stakeholder.POLICE,)),
    STATION, STREET, governance.GOVERNANCE))
RAISED = _fold(governance.evolve, GOVERNED, governance.hold_meeting(HoldJointMeeting(
    actor=WORKER, today=TODAY, compound_id="cp-1", meeting_id="m-1", held_on=DAY[9],
    present=(Stakeholder.OWNERS_COMMITTEE,), agenda=("地库漏水",), minutes="物业承诺维修",
    raise_issues=(NewIssue(title="地库漏水", owner="物业", due_on=DAY[20]),)), GOVERNED))
"""Issue i1 raised at the meeting of day 9."""


def progress(day: date | None, status: IssueStatus = IssueStatus.RESOLVED) -> ProgressIssue:
    return ProgressIssue(actor=WORKER, today=TODAY, compound_id="cp-1", issue_id="i1", status=status,
                         note="已修复并验收", progressed_on=day)


def test_an_issue_resolved_days_before_it_is_entered_is_resolved_on_that_day() -> None:
    [resolved] = governance.progress(progress(DAY[15]), RAISED)
    assert isinstance(resolved, IssueProgressed) and resolved.progressed_on == DAY[15]
    [today] = governance.progress(progress(None), RAISED)
    assert isinstance(today, IssueProgressed) and today.progressed_on == TODAY


def test_an_issue_is_not_resolved_in_the_future_nor_before_it_was_raised_or_last_followed_up() -> None:
    with pytest.raises(DateInFuture):
        governance.progress(progress(TODAY + timedelta(days=1)), RAISED)
    with pytest.raises(DateBeforeFact) as before_raised:
        governance.progress(progress(DAY[8]), RAISED)
    assert before_raised.value.field == "progressedOn"
    followed = _fold(governance.evolve, RAISED, governance.progress(progress(DAY[14], IssueStatus.FOLLOWING), RAISED))
    with pytest.raises(DateBeforeFact) as before_follow_up:
        governance.progress(progress(DAY[12]), followed)
    assert "last followed up" in before_follow_up.value.message.en
    with pytest.raises(DateBeforeFact):
        governance.hold_meeting(HoldJointMeeting(
            actor=WORKER, today=TODAY, compound_id="cp-1", meeting_id="m-2", held_on=DAY[13],
            present=(Stakeholder.OWNERS_COMMITTEE,), agenda=("回顾",), minutes="已修复",
            progress=(IssueUpdate(issue_id="i1", status=IssueStatus.RESOLVED),)), followed)


ORGANISATION = _fold(organisations.evolve, organisations.ORGANISATION, organisations.register(RegisterOrganisation(
    actor=WORKER, today=TODAY, organisation_id="o-1", station_id="s-1", name="文艺队", community="一力社区",
    type=OrganisationType.CULTURE_SPORT, leader="张某", members=18, founded_on=DAY[6]), STATION,
    organisations.ORGANISATION))


def test_an_organisations_status_changes_on_its_day_never_before_its_founding() -> None:
    change = ChangeOrganisationStatus(actor=WORKER, today=TODAY, organisation_id="o-1",
                                      status=OrganisationStatus.DISSOLVED, reason="骨干外出务工", changed_on=DAY[20])
    [changed] = organisations.change_status(change, ORGANISATION)
    assert isinstance(changed, OrganisationStatusChanged) and changed.changed_on == DAY[20]
    with pytest.raises(DateBeforeFact):
        organisations.change_status(ChangeOrganisationStatus(**{**change.__dict__, "changed_on": DAY[5]}),
                                    ORGANISATION)
    with pytest.raises(DateInFuture):
        organisations.change_status(ChangeOrganisationStatus(
            **{**change.__dict__, "changed_on": TODAY + timedelta(days=1)}), ORGANISATION)


SUPERVISED = _fold(supervision.evolve, supervision.SUPERVISION, supervision.record(RecordSupervision(
    actor=Actor(subject="sup-1", name="督导", role=Role.SUPERVISOR, station_ids=("s-1",)), today=TODAY,
    supervision_id="sv-1", station_id="s-1", supervisor_id="sup-1", supervisor_kind=SupervisorKind.EXTERNAL,
    staff_ids=("sw-1",), held_on=DAY[10], hours=2, topics=("个案评估",),
    actions=(ActionInput(description="补充预估记录", owner="sw-1", due_on=DAY[17]),)), STATION,
    supervision.SUPERVISION))


def test_a_supervision_action_is_followed_up_on_its_day_never_before_the_supervision() -> None:
    follow = FollowUpSupervisionAction(actor=WORKER, today=TODAY, supervision_id="sv-1", action_id="a1", done=True,
                                       followed_up_on=DAY[16])
    [done] = supervision.follow_up(follow, SUPERVISED)
    assert isinstance(done, SupervisionActionFollowedUp) and done.followed_up_on == DAY[16]
    with pytest.raises(DateBeforeFact):
        supervision.follow_up(FollowUpSupervisionAction(**{**follow.__dict__, "followed_up_on": DAY[9]}), SUPERVISED)


def test_a_resource_is_used_on_its_day_never_before_the_project_started() -> None:
    resource = _fold(resources.evolve, resources.RESOURCE, resources.map_resource(MapResource(
        actor=WORKER, today=TODAY, resource_id="res-1", station_id="s-1", kind=ResourceKind.VENUE, name="党群服务中心",
        offers="活动室"), STATION, resources.RESOURCE))
    project = projects.evolve(projects.PROJECT, ProjectStarted(
        project_id="p-1", station_id="s-1", name="长者关爱", aims="减少孤独", target_population="独居老人",
        communities=("一力社区",), starts_on=DAY[10], ends_on=DAY[26] + timedelta(days=180),
        planned=PlannedOutputs(activities=4)))
    use = UseResource(actor=WORKER, today=TODAY, resource_id="res-1", project_id="p-1", used_on=DAY[12])
    [used] = resources.use(use, resource, project, None)
    assert isinstance(used, ResourceUsed) and used.used_on == DAY[12]
    with pytest.raises(DateBeforeFact) as refused:
        resources.use(UseResource(**{**use.__dict__, "used_on": DAY[9]}), resource, project, None)
    assert refused.value.field == "usedOn" and "the project's start" in refused.value.message.en
    with pytest.raises(DateInFuture):
        resources.use(UseResource(**{**use.__dict__, "used_on": TODAY + timedelta(days=1)}), resource, project, None)
