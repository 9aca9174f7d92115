"""Relay's Global Object Identification: every Node type read through its own query is refetched by its global id
with node(id:) and nodes(ids:), the same fields; another station's ids answer null as the single-object queries
do; a malformed, wrong-type or overlong request is refused, coded, in both languages; and every argument takes a
global id as well as the raw id."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
import websockets

from gateway.node.fetchers import FETCHERS
from gateway.node.ids import NODE_TYPES, global_id
from gateway.schema import schema
from shared.china import china_today
from shared.contracts import Actor, Role
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import graphql, record
from tests.support import BUREAU, System, head, join_staff, open_case_for, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # refetching by id holds on any day; its dates are only data

DAY = (china_today() - timedelta(days=1)).isoformat()
MONTH_START = china_today().replace(day=1).isoformat()

FIELDS = {
    "Station": "stationId name code",
    "Compound": "compoundId name community",
    "Street": "streetId name divisionCode",
    "Community": "communityId name divisionCode",
    "Case": "caseId status stationId",
    "Recipient": "recipientId community masked",
    "Project": "projectId name",
    "Group": "groupId name phase",
    "Activity": "activityId title",
    "PublicityItem": "itemId title",
    "Survey": "surveyId title",
    "StaffMember": "staffId name role",
    "Resource": "resourceId name",
    "Supervision": "supervisionId topics",
    "ProjectMeeting": "meetingId mode",
    "Volunteer": "volunteerId registeredOn",
    "VolunteerTeam": "teamId name",
    "Organisation": "organisationId name",
    "CompoundIssue": "issueId compoundId title",
    "JointMeeting": "meetingId minutes",
    "WorkReport": "stationId kind periodStart",
    "Operator": "operatorId name",
    "StreetMeeting": "meetingId title",
}
"""What is compared for each Node type (besides __typename and id)."""


def selection(type_name: str) -> str:
    return f"__typename id {FIELDS[type_name]}"


def edges(field: str, type_name: str, args: str = "") -> str:
    return f"{field}{args} {{ edges {{ node {{ {selection(type_name)} }} }} }}"


READ = f"""query($case: ID!, $recipient: ID!, $project: ID!, $group: ID!, $volunteer: ID!, $station: ID!,
               $monthStart: Date!) {{
  stations {{ {selection("Station")} compounds {{ {selection("Compound")} }}
              communityPlaces {{ {selection("Community")} }} }}
  streets {{ {selection("Street")} }}
  operators {{ {selection("Operator")} }}
  case(id: $case) {{ {selection("Case")} }}
  recipient(id: $recipient) {{ {selection("Recipient")} }}
  project(id: $project) {{ {selection("Project")} }}
  group(id: $group) {{ {selection("Group")} }}
  volunteer(id: $volunteer) {{ {selection("Volunteer")} }}
  {edges("activities", "Activity")}
  {edges("publicity", "PublicityItem")}
  {edges("surveys", "Survey")}
  {edges("staff", "StaffMember")}
  {edges("resources", "Resource")}
  {edges("supervisions", "Supervision")}
  {edges("projectMeetings", "ProjectMeeting")}
  {edges("organisations", "Organisation")}
  {edges("compoundIssues", "CompoundIssue")}
  {edges("streetMeetings", "StreetMeeting")}
  volunteerTeams {{ {selection("VolunteerTeam")} }}
  jointMeetings {{ {selection("JointMeeting")} }}
  workReport(stationId: $station, kind: MONTHLY, periodStart: $monthStart) {{ {selection("WorkReport")} }}
}}"""
"""Each Node type through the query a front end reads it by today."""

FRAGMENTS = " ".join(f"... on {t} {{ {FIELDS[t]} }}" for t in FIELDS)
NODE = f"query($id: ID!) {{ node(id: $id) {{ __typename id {FRAGMENTS} }} }}"
NODES = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ __typename id {FRAGMENTS} }} }}"


@asynccontextmanager
async def subscribed(http: httpx.AsyncClient, actor: Actor, query: str, **variables: Any) -> AsyncIterator[Any]:
    """A graphql-transport-ws client: the token in connection_init, then one subscription with variables."""
    url = str(http.base_url).replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token_for(actor)}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": query, "variables": variables}}))
        await asyncio.sleep(0.3)  # the gateway's NATS subscription is in place
        yield ws


HOLD = """mutation($input: HoldJointMeetingInput!) {
  holdJointMeeting(input: $input) {
    __typename
    ... on HoldJointMeetingPayload { meetingId raisedIssueIds }
    ... on UserError { code field messageZh messageEn }
  }
}"""


async def seed(system: System, http: httpx.AsyncClient, code: str) -> tuple[str, dict[str, str]]:
    """A station with one record of every Node type; its id and the raw ids the single-object queries take."""
    station_id = await open_station(system, code)
    me, lead = head(station_id), head(station_id)
    leader = worker(station_id, f"lead-{code}")  # a staff id is taken once across the district
    await join_staff(system, station_id, leader)
    director = Actor(subject=f"dir-{code}", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(station_id,))
    case = await open_case_for(system, station_id)
    recipient_id = (await system.cases.store.read_stream(f"case-{case['case_id']}"))[0].payload.recipient_id
    street_id = (await system.activities.store.read_stream(f"station-{station_id}"))[0].payload.street_id
    community = (await system.activities.store.read_stream(f"street-{street_id}"))[1].payload.community_id
    answers: dict[str, dict[str, Any]] = {}

    async def write(actor: Actor, mutation: str, input_type: str, **input_: Any) -> str:
        answers[mutation] = await record(http, actor, mutation, input_type, **input_)
        assert answers[mutation]["__typename"] == "StationWorkRecorded", (mutation, answers[mutation])
        return str(answers[mutation]["id"])

    operator = await write(BUREAU, "registerOperator", "RegisterOperatorInput", name=f"{code}培源社工")
    await write(BUREAU, "awardContract", "AwardContractInput", operatorId=operator, streetIds=[street_id],
                startsOn=DAY, endsOn=DAY)
    compound = await write(BUREAU, "addCompound", "AddCompoundInput", streetId=street_id,
                           communityId=community, name=f"{code}绿地公馆")
    await write(me, "setUpGovernance", "SetUpGovernanceInput", compoundId=compound,
                stationId=station_id, partyBranch="党支部", ownersCommittee="业委会", propertyCompany="某物业",
                stakeholders=["POLICE"])
    held = await graphql(http, HOLD, me, input={
        "compoundId": compound, "heldOn": DAY, "present": ["OWNERS_COMMITTEE", "STATION"], "agenda": ["地库漏水"],
        "minutes": "物业两周内维修", "raiseIssues": [{"title": "地库漏水", "owner": "物业", "dueOn": DAY}]})
    assert held["data"]["holdJointMeeting"]["__typename"] == "HoldJointMeetingPayload", held
    project = await write(me, "startProject", "StartProjectInput", stationId=station_id, name="小巷汇爱",
                          aims="邻里互助", targetPopulation="独居老人", communities=["一力社区"], startsOn=DAY,
                          endsOn=DAY)
    group = await write(me, "planGroup", "PlanGroupInput", stationId=station_id, name="长者健康小组",
                        type="SUPPORT", targetPopulation="独居老人", community="一力社区", leaderIds=[leader.subject],
                        plannedSessions=4)
    await write(me, "recordActivity", "RecordActivityInput", stationId=station_id, community="一力社区",
                title="中秋", kind="FESTIVAL", heldOn=DAY, place="广场", directParticipants=10)
    await write(me, "recordPublicity", "RecordPublicityInput", stationId=station_id, kind="NEWS",
                title="亲子手工日", outlet="融媒体中心", level="DISTRICT", publishedOn=DAY)
    await write(me, "recordSurvey", "RecordSurveyInput", stationId=station_id, title="居民需求调研",
                method="QUESTIONNAIRE", startsOn=DAY, endsOn=DAY, distributed=50)
    await write(lead, "joinStaff", "JoinStaffInput", staffId=f"sw-{code}-2", name="李社工",
                role="SOCIAL_WORKER", stationIds=[station_id], joinedOn=DAY)
    await write(me, "mapResource", "MapResourceInput", stationId=station_id, kind="VENUE",
                name="党群服务中心", offers="活动室")
    await write(lead, "recordSupervision", "RecordSupervisionInput", stationId=station_id,
                supervisorId=lead.subject, supervisorKind="INTERNAL", staffIds=[f"sw-{code}-2"], heldOn=DAY,
                hours=2, topics=["个案评估"])
    await write(director, "recordProjectMeeting", "RecordProjectMeetingInput",
                stationIds=[station_id], mode="OFFLINE", startsAt=f"{DAY}T19:30:00+08:00", attendees=[director.subject])
    volunteer = await write(me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id,
                            name="刘某某", gender="female", ageGroup="ADULT", birthYear=1990)
    await write(me, "formVolunteerTeam", "FormVolunteerTeamInput", stationId=station_id, name="邻里守望队",
                kind="COMMUNITY")
    organisation = await write(me, "registerOrganisation", "RegisterOrganisationInput", stationId=station_id,
                               name="夕阳红舞蹈队", community="一力社区", type="CULTURE_SPORT", leader="张某",
                               members=12, foundedOn=DAY)
    await write(me, "holdStreetMeeting", "HoldStreetMeetingInput", stationId=station_id, title="黑石聚力会沙龙",
                organisationIds=[organisation], agenda=["活动交流"], minutes="各组织交流本月活动", heldOn=DAY)
    await write(me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id, kind="MONTHLY",
                periodStart=MONTH_START, narrative="本月走访")
    for answer in answers.values():
        for position in TOKENS.open(answer["consistencyToken"]):
            await system.read_models_have(position)
    return station_id, {"case": case["case_id"], "recipient": recipient_id, "project": project, "group": group,
                        "volunteer": volunteer, "station": station_id, "monthStart": MONTH_START}


async def read_every_type(http: httpx.AsyncClient, actor: Actor, ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The one object of each Node type the station holds, as its own query answers it."""
    found = await graphql(http, READ, actor, **ids)
    assert "errors" not in found, found
    data = found["data"]
    station = next(s for s in data["stations"] if s["stationId"] == ids["station"])
    compounds = station.pop("compounds")
    communities = station.pop("communityPlaces")
    lists = ("activities", "publicity", "surveys", "staff", "resources", "supervisions", "projectMeetings",
             "organisations", "compoundIssues", "streetMeetings")
    objects = [station, *compounds, *communities, *data["streets"], *data["operators"], data["case"],
               data["recipient"], data["project"], data["group"],
               data["volunteer"], *data["volunteerTeams"], *data["jointMeetings"], data["workReport"],
               *(e["node"] for name in lists for e in data[name]["edges"])]
    by_type: dict[str, dict[str, Any]] = {}
    for found_object in objects:
        if found_object["__typename"] == "StaffMember" and not found_object["staffId"].startswith("sw-"):
            continue
        assert found_object["__typename"] not in by_type, found_object
        by_type[found_object["__typename"]] = found_object
    assert set(by_type) == set(FIELDS)
    return by_type


def test_every_node_type_has_a_fetch_and_implements_node_in_the_schema() -> None:
    implementing = {t.name for t in schema._schema.type_map.values()
                    if getattr(t, "interfaces", None) and any(i.name == "Node" for i in t.interfaces)}

    assert implementing == set(NODE_TYPES) == set(FETCHERS) == set(FIELDS)


def test_one_uuid_under_two_types_gives_two_global_ids() -> None:
    raw = str(uuid.uuid4())

    ids = {global_id(type_name, raw) for type_name in NODE_TYPES}

    assert len(ids) == len(NODE_TYPES) and raw not in ids


async def test_every_node_type_is_refetched_by_its_global_id_with_the_same_fields(
        system: System, http: httpx.AsyncClient) -> None:
    station_id, ids = await seed(system, http, "HSP")
    me = head(station_id)
    read = await read_every_type(http, me, ids)

    one_by_one = {t: (await graphql(http, NODE, me, id=o["id"]))["data"]["node"] for t, o in read.items()}
    together = (await graphql(http, NODES, me, ids=[o["id"] for o in read.values()]))["data"]["nodes"]

    assert one_by_one == read
    assert together == list(read.values())
    assert len({o["id"] for o in read.values()}) == len(read)
    assert read["Case"]["id"] == global_id("Case", ids["case"]) and read["Case"]["caseId"] == ids["case"]


async def test_another_stations_ids_answer_null_as_the_single_object_queries_do(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, _ = await seed(system, http, "HSP")
    wy, their_ids = await seed(system, http, "WY")
    theirs = await read_every_type(http, head(wy), their_ids)
    me = head(hsp)

    single = await graphql(http, """query($case: ID!, $group: ID!, $project: ID!, $volunteer: ID!, $recipient: ID!) {
      case(id: $case) { id } group(id: $group) { id } project(id: $project) { id } volunteer(id: $volunteer) { id }
      recipient(id: $recipient) { id } }""", me, case=theirs["Case"]["id"], group=theirs["Group"]["id"],
                           project=theirs["Project"]["id"], volunteer=theirs["Volunteer"]["id"],
                           recipient=theirs["Recipient"]["id"])
    one_by_one = {t: await graphql(http, NODE, me, id=o["id"]) for t, o in theirs.items()}
    together = await graphql(http, NODES, me, ids=[o["id"] for o in theirs.values()])

    assert single == {"data": dict.fromkeys(("case", "group", "project", "volunteer", "recipient"))}
    assert one_by_one == {type_name: {"data": {"node": None}} for type_name in theirs}
    assert together == {"data": {"nodes": [None] * len(theirs)}}


async def test_arguments_take_a_global_id_or_the_raw_id_and_refuse_one_of_another_type(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = head(station_id)
    await join_staff(system, station_id, me)
    case = await open_case_for(system, station_id)
    station_global = global_id("Station", station_id)
    group = await record(http, me, "planGroup", "PlanGroupInput", stationId=station_global, name="长者健康小组",
                         type="SUPPORT", targetPopulation="独居老人", community="一力社区", leaderIds=[me.subject],
                         plannedSessions=4)
    group_global = global_id("Group", group["id"])
    session = await record(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=group_global,
                           heldOn=DAY, durationMinutes=60, place="活动室", theme="相识", walkIns=2)
    for position in TOKENS.open(session["consistencyToken"]):
        await system.read_models_have(position)
    case_global = global_id("Case", case["case_id"])
    by_global = await graphql(http, "query($id: ID!, $s: ID!) { group(id: $id) { groupId sessionsHeld }"
                                    " groups(stationId: $s) { totalCount } }", me, id=group_global, s=station_global)
    by_raw = await graphql(http, "query($id: ID!, $s: ID!) { group(id: $id) { groupId sessionsHeld }"
                                 " groups(stationId: $s) { totalCount } }", me, id=group["id"], s=station_id)
    written = await system.events_written()
    wrong_mutation = await record(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=case_global,
                                  heldOn=DAY, durationMinutes=60, place="活动室", theme="相识")
    wrong_query = await graphql(http, "query($id: ID!) { group(id: $id) { id } }", me, id=case_global)

    assert group["__typename"] == session["__typename"] == "StationWorkRecorded"
    assert by_global == by_raw == {"data": {"group": {"groupId": group["id"], "sessionsHeld": 1},
                                            "groups": {"totalCount": 1}}}
    assert (wrong_mutation["__typename"], wrong_mutation["code"], wrong_mutation["field"]) == (
        "InvalidInput", "invalid_input", "groupId")
    assert "Case" in wrong_mutation["messageZh"] and "not of a Case" in wrong_mutation["messageEn"]
    assert await system.events_written() == written
    refused = wrong_query["errors"][0]["extensions"]
    assert wrong_query["data"] == {"group": None}
    assert (refused["code"], refused["field"]) == ("invalid_input", "groupId") and "Group" in refused["messageZh"]


@pytest.mark.parametrize(("ids", "field"), [
    (["not-a-global-id"], "ids.0"),
    ([global_id("Case", str(uuid.uuid4())), "Q2FzZQ=="], "ids.1"),  # "Case" with no raw id
    ([global_id("Nonsense", str(uuid.uuid4()))], "ids.0"),
])
async def test_a_malformed_id_is_refused_coded_in_both_languages(
        system: System, http: httpx.AsyncClient, ids: list[str], field: str) -> None:
    station_id = await open_station(system)

    alone = await graphql(http, NODE, head(station_id), id=ids[-1])
    listed = await graphql(http, NODES, head(station_id), ids=ids)

    for answer, named in ((alone, "id"), (listed, field)):
        error = answer["errors"][0]["extensions"]
        assert answer["data"] is None or answer["data"] == {"node": None}
        assert (error["code"], error["field"]) == ("invalid_input", named)
        assert "全局 id" in error["messageZh"] and "global id" in error["messageEn"]


async def test_more_than_100_ids_are_refused_coded_in_both_languages(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    mine = global_id("Station", station_id)

    at_most = await graphql(http, NODES, head(station_id), ids=[mine] * 100)
    over = await graphql(http, NODES, head(station_id), ids=[mine] * 101)

    assert "errors" not in at_most and len(at_most["data"]["nodes"]) == 100
    assert at_most["data"]["nodes"][0]["stationId"] == station_id
    error = over["errors"][0]["extensions"]
    assert (error["code"], error["field"]) == ("invalid_input", "ids")
    assert "100" in error["messageZh"] and "at most 100" in error["messageEn"]


async def test_a_subscription_takes_a_stations_global_id_and_refuses_one_of_another_type(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = head(station_id)
    case = await open_case_for(system, station_id)
    feed = "subscription($s: ID) { stationFeed(stationId: $s) { eventType stationId } }"

    async with subscribed(http, me, feed, s=global_id("Station", station_id)) as mine, \
            subscribed(http, me, feed, s=global_id("Case", case["case_id"])) as wrong:
        await record(http, me, "recordActivity", "RecordActivityInput", stationId=station_id, community="一力社区",
                     title="中秋", kind="FESTIVAL", heldOn=DAY, place="广场", directParticipants=10)
        # the recipient's and the case's own events (written before the feed began) may still be on their way to
        # the stream: read past them, at most ten
        feed_items: list[dict[str, str]] = []
        while len(feed_items) < 10 and (not feed_items or feed_items[-1]["eventType"] != "ActivityHeld"):
            item = json.loads(await asyncio.wait_for(mine.recv(), timeout=10))
            feed_items.append(item["payload"]["data"]["stationFeed"])
        refused = json.loads(await asyncio.wait_for(wrong.recv(), timeout=10))

    assert feed_items[-1] == {"eventType": "ActivityHeld", "stationId": station_id}
    assert all(item["stationId"] == station_id for item in feed_items)
    assert all(item["eventType"] != "ActivityHeld" for item in feed_items[:-1])
    error = (refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"])[0]["extensions"]
    assert (error["code"], error["field"]) == ("invalid_input", "stationId")
    assert "Case" in error["messageZh"] and "not of a Case" in error["messageEn"]
