"""Another station's record is not found, for commands as for queries: a refusal tells neither that it exists
nor which station holds it. Every command that names a record answers an id of another station's record
exactly as an id that does not exist, and appends nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from shared.china import china_today
from shared.contracts import Actor, Role
from tests.e2e.graphql import graphql, recorded
from tests.support import System, head, join_staff, open_case_for, open_station, worker

MUTATION = """
mutation($input: %s!) {
  %s(input: $input) { __typename ... on UserError { code field messageZh messageEn } }
}"""

DAY = (china_today() - timedelta(days=1)).isoformat()

CASE_COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("recordCaseSession", "RecordCaseSessionInput", {"heldOn": DAY, "mode": "PHONE", "durationMinutes": 10}),
    ("assessCase", "AssessCaseInput", {"assessedOn": DAY, "riskLevel": "MEDIUM",
                                       "needs": [{"area": "SOCIAL", "description": "缺少社会支持"}]}),
    ("draftServicePlan", "DraftServicePlanInput", {
        "strategies": "定期上门", "goals": [{"description": "建立信任", "measure": "愿意倾诉", "targetDate": DAY}]}),
    ("submitServicePlan", "SubmitServicePlanInput", {}),
    ("approveServicePlan", "DecideServicePlanInput", {"planVersion": 1}),
    ("returnServicePlan", "ReturnServicePlanInput", {"planVersion": 1, "comment": "目标再具体些"}),
    ("evaluateCase", "EvaluateCaseInput", {"evaluatedOn": DAY, "goalResults": [{"goalId": "v1-g1",
                                                                                "result": "ACHIEVED"}]}),
    ("requestCaseClosing", "RequestCaseClosingInput", {"closedOn": DAY, "reason": "目标达成",
                                                       "outcome": "GOALS_MET"}),
    ("approveCaseClosing", "DecideCaseClosingInput", {}),
    ("returnCaseClosing", "ReturnCaseClosingInput", {"comment": "先回访"}),
    ("reopenCase", "ReopenCaseInput", {"reopenedOn": DAY, "reason": "情况反复"}),
    ("transferCase", "TransferCaseInput", {"toWorkerId": "worker-2"}),
    ("referCase", "ReferCaseInput", {"agency": "区医院", "service": "MEDICAL", "reason": "需要康复",
                                     "referredOn": DAY, "consentGiven": True}),
    ("recordReferralFeedback", "RecordReferralFeedbackInput", {
        "referralId": "0f0e0d0c-0b0a-4909-8807-060504030201", "outcome": "ACCEPTED", "feedback": "已接收",
        "receivedOn": DAY}),
    ("acknowledgeUrgentRisk", "AcknowledgeUrgentRiskInput", {"note": "已上门"}),
]
"""Each command on a case: its mutation, input type, and input but the case id."""

RECIPIENT_COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("updateRecipient", "UpdateRecipientInput", {"community": "一力社区"}),
    ("eraseRecipient", "EraseRecipientInput", {"reason": "本人要求删除"}),
    ("openCase", "OpenCaseInput", {"workerId": "worker-1", "intakeSource": "OUTREACH",
                                   "presentingProblem": "长期独自在家", "openedOn": DAY}),
    ("mergeRecipients", "MergeRecipientsInput", {"reason": "重复登记"}),
]
"""Each command on a recipient: its input but the recipient id."""


async def refusal(http: httpx.AsyncClient, actor: Actor, mutation: str, input_type: str,
                  input_: dict[str, Any]) -> dict[str, Any]:
    answer = await graphql(http, MUTATION % (input_type, mutation), actor, input=input_)
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][mutation]
    return result


def missing() -> str:
    return str(uuid.uuid4())


async def test_every_case_and_recipient_command_answers_another_stations_record_as_one_that_does_not_exist(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    theirs = await open_case_for(system, wy, worker(wy, "worker-wy"))
    mine = await open_case_for(system, hsp)
    their_recipient = (await system.cases.store.read_stream(f"case-{theirs['case_id']}"))[0].payload.recipient_id
    my_recipient = (await system.cases.store.read_stream(f"case-{mine['case_id']}"))[0].payload.recipient_id
    supervisor = Actor(subject="sup-1", name="督导", role=Role.SUPERVISOR, station_ids=(hsp,))
    written = await system.events_written()

    for actor in (worker(hsp), head(hsp), supervisor):
        for mutation, input_type, fields in CASE_COMMANDS:
            hidden = await refusal(http, actor, mutation, input_type, {"caseId": theirs["case_id"], **fields})
            absent_id = missing()
            absent = await refusal(http, actor, mutation, input_type, {"caseId": absent_id, **fields})
            assert hidden["__typename"] == "NotFound", (actor.role, mutation, hidden)
            assert hidden == {**absent, "messageZh": absent["messageZh"].replace(absent_id, theirs["case_id"]),
                              "messageEn": absent["messageEn"].replace(absent_id, theirs["case_id"])}, mutation
        for mutation, input_type, fields in RECIPIENT_COMMANDS:
            extra = {"duplicateId": my_recipient} if mutation == "mergeRecipients" else {}
            hidden = await refusal(http, actor, mutation, input_type,
                                   {"recipientId": their_recipient, **extra, **fields})
            absent_id = missing()
            absent = await refusal(http, actor, mutation, input_type, {"recipientId": absent_id, **extra, **fields})
            assert hidden["__typename"] == "NotFound", (actor.role, mutation, hidden)
            assert hidden == {**absent, "messageZh": absent["messageZh"].replace(absent_id, their_recipient),
                              "messageEn": absent["messageEn"].replace(absent_id, their_recipient)}, mutation
        merged_hidden = await refusal(http, actor, "mergeRecipients", "MergeRecipientsInput", {
            "recipientId": my_recipient, "duplicateId": their_recipient, "reason": "重复登记"})
        absent_id = missing()
        merged_absent = await refusal(http, actor, "mergeRecipients", "MergeRecipientsInput", {
            "recipientId": my_recipient, "duplicateId": absent_id, "reason": "重复登记"})
        assert merged_hidden == {**merged_absent,
                                 "messageZh": merged_absent["messageZh"].replace(absent_id, their_recipient),
                                 "messageEn": merged_absent["messageEn"].replace(absent_id, their_recipient)}
        assert "WY" not in str(merged_hidden) and wy not in str(merged_hidden)

    assert await system.events_written() == written


async def test_every_command_on_a_groups_volunteers_or_organisations_record_answers_another_stations_as_absent(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    them, their_head = worker(wy, "worker-wy"), head(wy)
    await join_staff(system, wy, them)
    group = await recorded(http, them, "planGroup", "PlanGroupInput", stationId=wy, name="长者健康小组",
                           type="SUPPORT", targetPopulation="独居老人", community="一力社区", leaderIds=[them.subject],
                           plannedSessions=4)
    project = await recorded(http, them, "startProject", "StartProjectInput", stationId=wy, name="小巷汇爱",
                             aims="邻里互助", targetPopulation="独居老人", communities=["一力社区"], startsOn=DAY,
                             endsOn=DAY,
                             planned={"groups": 1, "groupSessions": 4, "activities": 1, "personTimes": 40})
    volunteer = await recorded(http, them, "registerVolunteer", "RegisterVolunteerInput", stationId=wy,
                               name="刘某某", gender="female", ageGroup="ADULT", birthYear=1990)
    team = await recorded(http, them, "formVolunteerTeam", "FormVolunteerTeamInput", stationId=wy, name="邻里守望队",
                          kind="COMMUNITY")
    organisation = await recorded(http, them, "registerOrganisation", "RegisterOrganisationInput", stationId=wy,
                                  name="夕阳红舞蹈队", community="一力社区", type="CULTURE_SPORT", leader="张某",
                                  members=12, foundedOn=DAY)
    resource = await recorded(http, them, "mapResource", "MapResourceInput", stationId=wy, kind="VENUE",
                              name="党群服务中心", offers="活动室")
    supervision = await recorded(http, their_head, "recordSupervision", "RecordSupervisionInput", stationId=wy,
                                 supervisorId="head-1", supervisorKind="INTERNAL", staffIds=["worker-wy"],
                                 heldOn=DAY, hours=2, topics=["个案评估"],
                                 actions=[{"description": "补充记录", "owner": "worker-wy", "dueOn": DAY}])
    my_volunteer = await recorded(http, worker(hsp), "registerVolunteer", "RegisterVolunteerInput", stationId=hsp,
                                  name="王某某", gender="male", ageGroup="ADULT", birthYear=1985)
    commands: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("addGroupMember", "AddGroupMemberInput", "groupId", group, {"name": "周某"}),
        ("recordVolunteerService", "RecordVolunteerServiceInput", "volunteerId", volunteer, {
            "servedOn": DAY, "place": "社区", "content": "探访", "hours": 2, "organisingUnit": "社工站",
            "personInCharge": "王某"}),
        ("designateVolunteerLeader", "DesignateVolunteerLeaderInput", "volunteerId", volunteer, {}),
        ("joinVolunteerTeam", "JoinVolunteerTeamInput", "teamId", team, {"volunteerId": my_volunteer}),
        ("recordOrganisationMilestone", "RecordOrganisationMilestoneInput", "organisationId", organisation,
         {"milestone": "LEADER_FOUND", "reachedOn": DAY}),
        ("useResource", "UseResourceInput", "resourceId", resource, {"projectId": missing()}),
        ("followUpSupervisionAction", "FollowUpSupervisionActionInput", "supervisionId", supervision,
         {"actionId": "a1", "done": True}),
        ("planGroup", "PlanGroupInput", "projectId", project, {
            "stationId": hsp, "name": "小小手工坊", "type": "GROWTH", "targetPopulation": "留守儿童",
            "community": "一力社区", "leaderIds": ["worker-1"], "plannedSessions": 6}),
    ]
    written = await system.events_written()

    for actor in (worker(hsp), head(hsp)):
        for mutation, input_type, field, theirs, fields in commands:
            hidden = await refusal(http, actor, mutation, input_type, {field: theirs, **fields})
            absent_id = missing()
            absent = await refusal(http, actor, mutation, input_type, {field: absent_id, **fields})
            assert hidden["__typename"] == "NotFound", (mutation, hidden)
            assert hidden == {**absent, "messageZh": absent["messageZh"].replace(absent_id, theirs),
                              "messageEn": absent["messageEn"].replace(absent_id, theirs)}, mutation

    assert await system.events_written() == written
