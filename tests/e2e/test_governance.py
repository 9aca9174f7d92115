"""A compound's issue goes from raised to resolved through two joint meetings; an overdue one stands out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from shared.china import china_today
from shared.contracts import Actor
from tests.e2e.graphql import compound_at, graphql, record, recorded
from tests.support import System, open_station, worker

HOLD = """mutation($input: HoldJointMeetingInput!, $t: String) {
  holdJointMeeting(input: $input, consistencyToken: $t) {
    __typename
    ... on HoldJointMeetingPayload { meetingId compoundId raisedIssueIds consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""


async def hold(http: httpx.AsyncClient, actor: Actor, **input_: Any) -> dict[str, Any]:
    """Hold a joint meeting; its payload, which must not be a refusal."""
    answer = await graphql(http, HOLD, actor, input=input_)
    result: dict[str, Any] = answer["data"]["holdJointMeeting"]
    assert result["__typename"] == "HoldJointMeetingPayload", result
    return result


ISSUES = """query($t: String, $asOf: Date) {
  compoundIssues(consistencyToken: $t, asOf: $asOf) { totalCount edges { node { id title status closedOn overdue } } }
  jointMeetings(consistencyToken: $t) { id present }
}"""


async def test_an_issue_goes_from_raised_to_resolved_through_two_meetings(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    compound = await compound_at(system, http, station_id, "绿地公馆")
    await recorded(http, me, "setUpGovernance", "SetUpGovernanceInput", compoundId=compound, stationId=station_id,
                   partyBranch="绿地公馆党支部", ownersCommittee="绿地公馆业委会", propertyCompany="某物业",
                   stakeholders=["POLICE", "GRID_WORKER", "LEGAL_ADVISER"])
    today = china_today()
    never_raised = await record(http, me, "progressIssue", "ProgressIssueInput", compoundId=compound, issueId="i1",
                                status="RESOLVED", note="已修好")
    first = await hold(http, me, compoundId=compound, heldOn=(today - timedelta(days=14)).isoformat(),
                       present=["PARTY_BRANCH", "OWNERS_COMMITTEE", "PROPERTY_COMPANY", "STATION"],
                       agenda=["地库漏水", "外墙瓷砖脱落"], minutes="物业两周内维修地库；瓷砖问题报街道",
                       raiseIssues=[
                           {"title": "地库漏水", "owner": "物业", "dueOn": (today - timedelta(days=1)).isoformat()},
                           {"title": "外墙瓷砖脱落", "owner": "业委会",
                            "dueOn": (today + timedelta(days=30)).isoformat()}])
    leak, tiles = first["raisedIssueIds"]
    await recorded(http, me, "progressIssue", "ProgressIssueInput", compoundId=compound, issueId=leak,
                   status="FOLLOWING", note="社工现场查看，物业已进场")
    before = await hold(http, me, compoundId=compound, heldOn=(today - timedelta(days=2)).isoformat(),
                        present=["OWNERS_COMMITTEE", "STATION"], agenda=["复查"], minutes="复查地库")
    open_before = (await graphql(http, ISSUES, me, t=before["consistencyToken"]))["data"]
    resolved = await hold(http, me, compoundId=compound, heldOn=today.isoformat(),
                          present=["OWNERS_COMMITTEE", "PROPERTY_COMPANY", "STATION"],
                          agenda=["验收地库维修"], minutes="地库维修验收合格",
                          progress=[{"issueId": leak, "status": "RESOLVED", "note": "已修复并验收"}])
    after = (await graphql(http, ISSUES, me, t=resolved["consistencyToken"]))["data"]

    assert (never_raised["__typename"], never_raised["field"]) == ("NotFound", "issueId")
    assert "never raised" in never_raised["messageEn"]
    assert first["compoundId"] == compound and first["meetingId"] not in (before["meetingId"], "")
    assert [leak, tiles] == ["i1", "i2"]  # in the order raised: the FOLLOWING and RESOLVED below went by them
    assert before["raisedIssueIds"] == [] and resolved["raisedIssueIds"] == []
    by_title = {e["node"]["title"]: e["node"] for e in open_before["compoundIssues"]["edges"]}
    assert (by_title["地库漏水"]["status"], by_title["地库漏水"]["overdue"]) == ("FOLLOWING", True)
    assert by_title["外墙瓷砖脱落"]["overdue"] is False
    done = {e["node"]["title"]: e["node"] for e in after["compoundIssues"]["edges"]}["地库漏水"]
    assert (done["status"], done["closedOn"], done["overdue"]) == ("RESOLVED", today.isoformat(), False)
    assert len(after["jointMeetings"]) == 3
