"""一督二会 over GraphQL: a month with a supervision and one meeting shows the missing online meeting."""

from __future__ import annotations

import httpx

from shared.contracts import Actor, Role
from tests.clock import STORY_MONTH, story_day
from tests.e2e.graphql import graphql, record, recorded
from tests.support import BUREAU, System, open_station, worker

COMPLIANCE = """query($month: String!, $t: String) {
  monthlyCompliance(month: $month, consistencyToken: $t) {
    station { code } supervisions offlineMeetings onlineMeetings missing compliant
  }
  supervisions(consistencyToken: $t) { totalCount edges { node { topics actions { id owner doneOn } } } }
  projectMeetings(consistencyToken: $t) { totalCount edges { node { mode stationIds } } }
}"""


async def test_a_month_with_a_supervision_and_one_meeting_shows_the_missing_online_meeting(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    supervisor = Actor(subject="sup-ext-1", name="外部督导", role=Role.SUPERVISOR, station_ids=(hsp,))
    director = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(hsp, wy))
    supervision_id = await recorded(
        http, supervisor, "recordSupervision", "RecordSupervisionInput", stationId=hsp, supervisorId="sup-ext-1",
        supervisorKind="EXTERNAL", staffIds=["sw-hsp-1"], heldOn=story_day(3), hours=2, topics=["个案评估"],
        casesReviewed=2, actions=[{"description": "补充预估记录", "owner": "sw-hsp-1", "dueOn": story_day(10)}])
    await recorded(http, worker(hsp), "followUpSupervisionAction", "FollowUpSupervisionActionInput",
                   supervisionId=supervision_id, actionId="a1", done=True, note="已补充")
    # 31 October 23:30 in Changsha: October's meeting, however it is written.
    await recorded(http, director, "recordProjectMeeting", "RecordProjectMeetingInput", stationIds=[hsp, wy],
                   mode="ONLINE", startsAt="2026-10-31T15:30:00Z", attendees=["dir-1", "head-hsp", "head-wy"])
    last = await record(http, director, "recordProjectMeeting", "RecordProjectMeetingInput", stationIds=[hsp, wy],
                        mode="OFFLINE", startsAt=f"{story_day(12)}T19:30:00+08:00", attendees=["dir-1", "head-hsp"],
                        decisions=["十二月完成年度总结"])
    refused = await record(http, worker(hsp), "recordSupervision", "RecordSupervisionInput", stationId=hsp,
                           supervisorId="sw-hsp-1", supervisorKind="INTERNAL", staffIds=["sw-hsp-1"],
                           heldOn=story_day(4), hours=1, topics=["自我督导"])

    by_bureau = await record(http, BUREAU, "recordProjectMeeting", "RecordProjectMeetingInput", stationIds=[hsp],
                             mode="ONLINE", startsAt=f"{story_day(20)}T12:00:00Z", attendees=["bureau-1"])
    found = (await graphql(http, COMPLIANCE, BUREAU, month=STORY_MONTH, t=last["consistencyToken"]))["data"]
    october = (await graphql(http, COMPLIANCE, BUREAU, month="2026-10",
                             t=last["consistencyToken"]))["data"]["monthlyCompliance"]

    assert found["monthlyCompliance"] == [
        {"station": {"code": "HSP"}, "supervisions": 1, "offlineMeetings": 1, "onlineMeetings": 0,
         "missing": ["ONLINE_MEETING"], "compliant": False},
        {"station": {"code": "WY"}, "supervisions": 0, "offlineMeetings": 1, "onlineMeetings": 0,
         "missing": ["SUPERVISION", "ONLINE_MEETING"], "compliant": False}]
    assert [(s["station"]["code"], s["onlineMeetings"]) for s in october] == [("HSP", 1), ("WY", 1)]
    [action] = found["supervisions"]["edges"][0]["node"]["actions"]
    assert (action["id"], action["owner"]) == ("a1", "sw-hsp-1") and action["doneOn"] is not None
    assert found["projectMeetings"]["totalCount"] == 2
    assert (refused["__typename"], refused["code"]) == ("Forbidden", "forbidden")
    assert by_bureau["__typename"] == "Forbidden", "the bureau reads; it cannot make a station compliant"
