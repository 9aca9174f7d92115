"""Late entries (补录) as a worker makes them: work done last month, typed in on the story's day, counts in the
month it happened, and the case's timeline shows both the day it happened and when it was recorded, and by whom."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.china import CHINA
from shared.contracts import Actor
from tests.clock import STORY, STORY_MONTH
from tests.e2e.graphql import change, compound_at, graphql, record, recorded
from tests.support import System, head, join_staff, open_case_for, open_station, worker

pytestmark = pytest.mark.clock(STORY)

LAST_MONTH_START = (date.fromisoformat(f"{STORY_MONTH}-01") - timedelta(days=1)).replace(day=1)
LAST_MONTH = LAST_MONTH_START.strftime("%Y-%m")
"""The month before the story's: the work happened then and is entered on the story's day."""
ENTERED_ON = datetime.fromisoformat(STORY).date()


def last_month(day: int) -> str:
    return LAST_MONTH_START.replace(day=day).isoformat()


DASHBOARD = """query($s: ID!, $m: String!, $t: String) {
  stationDashboard(stationId: $s, month: $m, consistencyToken: $t) {
    thisMonth { plansApproved volunteerTeamsFormed volunteerLeadersDesignated issuesResolved }
  }
}"""


async def month_figures(http: httpx.AsyncClient, actor: Actor, station_id: str, month: str,
                        token: str) -> dict[str, int]:
    answer = await graphql(http, DASHBOARD, actor, s=station_id, m=month, t=token)
    figures: dict[str, int] = answer["data"]["stationDashboard"]["thisMonth"]
    return figures


TIMELINE = """query($id: ID!, $t: String) {
  case(id: $id, consistencyToken: $t) { timeline { version eventType happenedOn recordedAt actor } }
}"""


async def step(http: httpx.AsyncClient, actor: Actor, mutation: str, input_type: str, **input_: Any) -> str:
    changed = await change(http, actor, mutation, input_type, **input_)
    assert changed["__typename"] == "CaseChanged", (mutation, changed)
    return str(changed["consistencyToken"])


async def test_a_case_worked_last_month_and_entered_today_keeps_its_days_and_no_plan_follows_its_evaluation(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me, boss = worker(station_id), head(station_id)
    case_id = (await open_case_for(system, station_id, opened_on=date.fromisoformat(last_month(2))))["case_id"]
    target = (ENTERED_ON + timedelta(days=90)).isoformat()
    await step(http, me, "assessCase", "AssessCaseInput", caseId=case_id, assessedOn=last_month(3),
               riskLevel="MEDIUM", needs=[{"area": "SOCIAL", "description": "缺少社会支持"}])
    too_soon = await change(http, me, "draftServicePlan", "DraftServicePlanInput", caseId=case_id,
                            draftedOn=last_month(2), strategies="定期上门",
                            goals=[{"description": "建立信任", "measure": "愿意倾诉", "targetDate": target}])
    await step(http, me, "draftServicePlan", "DraftServicePlanInput", caseId=case_id, draftedOn=last_month(4),
               strategies="定期上门", goals=[{"description": "建立信任", "measure": "愿意倾诉", "targetDate": target}])
    await step(http, me, "submitServicePlan", "SubmitServicePlanInput", caseId=case_id, submittedOn=last_month(4))
    future = await change(http, boss, "approveServicePlan", "DecideServicePlanInput", caseId=case_id, planVersion=1,
                          approvedOn=(ENTERED_ON + timedelta(days=1)).isoformat())
    await step(http, boss, "approveServicePlan", "DecideServicePlanInput", caseId=case_id, planVersion=1,
               approvedOn=last_month(6))
    before_approval = await change(http, me, "evaluateCase", "EvaluateCaseInput", caseId=case_id,
                                   evaluatedOn=last_month(5), goalResults=[{"goalId": "v1-g1", "result": "ACHIEVED"}])
    await step(http, me, "evaluateCase", "EvaluateCaseInput", caseId=case_id, evaluatedOn=last_month(20),
               goalResults=[{"goalId": "v1-g1", "result": "ACHIEVED"}])
    visit = await graphql(http, """mutation($input: RecordCaseSessionInput!) { recordCaseSession(input: $input) {
        ... on RecordCaseSessionPayload { consistencyToken } } }""", me, input={
        "caseId": case_id, "heldOn": last_month(10), "mode": "HOME_VISIT", "durationMinutes": 45})
    token = visit["data"]["recordCaseSession"]["consistencyToken"]  # the visit, entered after the evaluation

    timeline = (await graphql(http, TIMELINE, boss, id=case_id, t=token))["data"]["case"]["timeline"]
    then = await month_figures(http, boss, station_id, LAST_MONTH, token)
    now = await month_figures(http, boss, station_id, STORY_MONTH, token)

    assert (too_soon["code"], too_soon["field"]) == ("invalid_input", "draftedOn")
    assert "预估日期" in too_soon["messageZh"] and "the assessment" in too_soon["messageEn"]
    assert (future["code"], future["field"]) == ("invalid_input", "approvedOn")
    assert (before_approval["code"], before_approval["field"]) == ("invalid_input", "evaluatedOn")
    assert "the approval of plan version 1" in before_approval["messageEn"]
    assert [(t["eventType"], t["happenedOn"], t["actor"]) for t in timeline] == [
        ("CaseOpened", last_month(2), me.subject),
        ("CaseAssessed", last_month(3), me.subject),
        ("ServicePlanDrafted", last_month(4), me.subject),
        ("ServicePlanSubmitted", last_month(4), me.subject),
        ("ServicePlanApproved", last_month(6), boss.subject),
        ("CaseSessionRecorded", last_month(10), me.subject),  # entered last, in the order it happened
        ("CaseEvaluated", last_month(20), me.subject)]
    assert [t["version"] for t in timeline] == [1, 2, 3, 4, 5, 7, 6]
    assert {datetime.fromisoformat(t["recordedAt"]).astimezone(CHINA).date() for t in timeline} == {ENTERED_ON}
    assert then["plansApproved"] == 1 and now["plansApproved"] == 0


async def test_a_team_formed_last_month_and_entered_today_counts_last_month_and_nobody_joins_before_registering(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    volunteer_id = await recorded(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id,
                                  name="刘某某", gender="female", ageGroup="ADULT", birthYear=1990)
    future = await record(http, me, "formVolunteerTeam", "FormVolunteerTeamInput", stationId=station_id,
                          name="青园助老队", kind="COMMUNITY", formedOn=(ENTERED_ON + timedelta(days=1)).isoformat())
    team_id = await recorded(http, me, "formVolunteerTeam", "FormVolunteerTeamInput", stationId=station_id,
                             name="青园助老队", kind="COMMUNITY", formedOn=last_month(3))
    too_early = await record(http, me, "joinVolunteerTeam", "JoinVolunteerTeamInput", teamId=team_id,
                             volunteerId=volunteer_id, joinedOn=last_month(5))
    early_leader = await record(http, me, "designateVolunteerLeader", "DesignateVolunteerLeaderInput",
                                volunteerId=volunteer_id, designatedOn=last_month(5))
    await recorded(http, me, "joinVolunteerTeam", "JoinVolunteerTeamInput", teamId=team_id, volunteerId=volunteer_id)
    last = await record(http, me, "designateVolunteerLeader", "DesignateVolunteerLeaderInput",
                        volunteerId=volunteer_id)

    then = await month_figures(http, me, station_id, LAST_MONTH, last["consistencyToken"])
    now = await month_figures(http, me, station_id, STORY_MONTH, last["consistencyToken"])

    assert (future["code"], future["field"]) == ("invalid_input", "formedOn")
    assert "将来" in future["messageZh"]
    assert (too_early["code"], too_early["field"]) == ("invalid_input", "joinedOn")
    assert "the volunteer's registration" in too_early["messageEn"] and "志愿者注册日期" in too_early["messageZh"]
    assert (early_leader["code"], early_leader["field"]) == ("invalid_input", "designatedOn")
    assert (then["volunteerTeamsFormed"], then["volunteerLeadersDesignated"]) == (1, 0)
    assert (now["volunteerTeamsFormed"], now["volunteerLeadersDesignated"]) == (0, 1)


async def test_an_issue_resolved_last_month_and_entered_today_counts_as_resolved_last_month(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    compound = await compound_at(system, http, station_id, "绿地公馆")
    await recorded(http, me, "setUpGovernance", "SetUpGovernanceInput", compoundId=compound, stationId=station_id,
                   ownersCommittee="绿地公馆业委会", stakeholders=["POLICE"])
    meeting = await graphql(http, """mutation($input: HoldJointMeetingInput!) { holdJointMeeting(input: $input) {
        ... on HoldJointMeetingPayload { raisedIssueIds } } }""", me, input={
        "compoundId": compound, "heldOn": last_month(4), "present": ["OWNERS_COMMITTEE", "STATION"],
        "agenda": ["地库漏水"], "minutes": "物业两周内维修",
        "raiseIssues": [{"title": "地库漏水", "owner": "物业", "dueOn": last_month(18)}]})
    [leak] = meeting["data"]["holdJointMeeting"]["raisedIssueIds"]
    before_raised = await record(http, me, "progressIssue", "ProgressIssueInput", compoundId=compound, issueId=leak,
                                 status="RESOLVED", note="已修复", progressedOn=last_month(3))
    resolved = await record(http, me, "progressIssue", "ProgressIssueInput", compoundId=compound, issueId=leak,
                            status="RESOLVED", note="已修复并验收", progressedOn=last_month(15))

    then = await month_figures(http, me, station_id, LAST_MONTH, resolved["consistencyToken"])
    now = await month_figures(http, me, station_id, STORY_MONTH, resolved["consistencyToken"])

    assert (before_raised["code"], before_raised["field"]) == ("invalid_input", "progressedOn")
    assert "提出或上次跟进" in before_raised["messageZh"]
    assert (then["issuesResolved"], now["issuesResolved"]) == (1, 0)


async def test_a_groups_late_entries_keep_their_days_and_none_comes_before_the_group_or_the_member(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    await join_staff(system, station_id, me)
    group_id = await recorded(http, me, "planGroup", "PlanGroupInput", stationId=station_id, name="四点半课堂",
                              type="GROWTH", targetPopulation="留守儿童", community="一力社区",
                              leaderIds=[me.subject], plannedSessions=6, plannedOn=last_month(4))
    before_group = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="叶某",
                                joinedOn=last_month(3))
    member_id = await recorded(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="叶某",
                               joinedOn=last_month(6))
    before_member = await record(http, me, "recordGroupFeedback", "RecordGroupFeedbackInput", groupId=group_id,
                                 memberId=member_id, satisfaction=5, recordedOn=last_month(5))
    await recorded(http, me, "recordGroupFeedback", "RecordGroupFeedbackInput", groupId=group_id,
                   memberId=member_id, satisfaction=5, recordedOn=last_month(20))
    future = await record(http, me, "changeGroupPhase", "ChangeGroupPhaseInput", groupId=group_id, phase="FORMING",
                          changedOn=(ENTERED_ON + timedelta(days=1)).isoformat())
    await recorded(http, me, "changeGroupPhase", "ChangeGroupPhaseInput", groupId=group_id, phase="FORMING",
                   changedOn=last_month(7))
    behind = await record(http, me, "changeGroupLeaders", "ChangeGroupLeadersInput", groupId=group_id,
                          leaderIds=[me.subject], changedOn=last_month(6))

    assert (before_group["code"], before_group["field"]) == ("invalid_input", "joinedOn")
    assert "小组策划日期" in before_group["messageZh"] and "the day the group was planned" in before_group["messageEn"]
    assert (before_member["code"], before_member["field"]) == ("invalid_input", "recordedOn")
    assert "the day the member joined" in before_member["messageEn"]
    assert (future["code"], future["field"]) == ("invalid_input", "changedOn") and "将来" in future["messageZh"]
    assert (behind["code"], behind["field"]) == ("invalid_input", "changedOn")
    assert "the group's last change" in behind["messageEn"]
