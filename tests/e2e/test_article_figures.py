"""The figures the source article reports, read straight off GraphQL: a group's indirect reach, organisations'
activities, publicity by kind and level, volunteer hours by where they come from, a project's progress in a period
and over all time, and a dashboard over any range of days."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.contracts import Actor
from tests.clock import STORY, STORY_MONTH, STORY_YEAR_END, story_day
from tests.e2e.graphql import graphql, record, recorded
from tests.support import BUREAU, System, join_staff, open_station, worker

pytestmark = pytest.mark.clock(STORY)

DASHBOARD = """
query($station: ID!, $month: String, $year: Int, $from: Date, $to: Date) {
  stationDashboard(stationId: $station, month: $month, year: $year, from: $from, to: $to) {
    period { from to } month year
    inPeriod { FIGURES }
    thisMonth { FIGURES }
    projects { name progress { activities personTimesDirect }
               progressAllTime { activities groups groupSessions organisationActivities personTimesDirect
                                 personTimesIndirect }
               progressInPeriod { activities groups groupSessions organisationActivities personTimesDirect
                                  personTimesIndirect } }
    publicityByLevel { level count }
    publicityInPeriod { kind level count audience withAudience }
  }
}"""

FIGURES = """personTimesDirect personTimesIndirect groupPersonTimes groupIndirectPersonTimes activityPersonTimes
             activities organisationActivities organisationPersonTimes groupSessions volunteerServiceHours
             activityVolunteerHoursEstimate volunteerHours"""

DISTRICT = """
query($month: String, $year: Int, $from: Date, $to: Date) {
  districtOverview(month: $month, year: $year, from: $from, to: $to) {
    from to until totals { FIGURES } publicityInPeriod { kind level count audience withAudience }
  }
}"""

PERSON_TIMES = """query($station: ID!, $month: String) {
  personTimes(stationId: $station, month: $month) { projectId kind reach count } }"""


async def dashboard(http: httpx.AsyncClient, actor: Actor, station_id: str, **period: Any) -> dict[str, Any]:
    answer = await graphql(http, DASHBOARD.replace("FIGURES", FIGURES), actor, station=station_id, **period)
    assert "errors" not in answer, answer
    found: dict[str, Any] = answer["data"]["stationDashboard"]
    return found


async def district(http: httpx.AsyncClient, **period: Any) -> dict[str, Any]:
    answer = await graphql(http, DISTRICT.replace("FIGURES", FIGURES), BUREAU, **period)
    assert "errors" not in answer, answer
    found: dict[str, Any] = answer["data"]["districtOverview"]
    return found


async def start_project(http: httpx.AsyncClient, me: Actor, station_id: str, starts_on: str = "2026-03-01") -> str:
    return await recorded(http, me, "startProject", "StartProjectInput", stationId=station_id, name="童心童乐童成长",
                          aims="陪伴留守儿童成长", targetPopulation="留守儿童", communities=["一力社区"],
                          startsOn=starts_on, endsOn=STORY_YEAR_END,
                          planned={"groups": 1, "groupSessions": 6, "activities": 2, "personTimes": 600})


async def activity(http: httpx.AsyncClient, me: Actor, station_id: str, held_on: str, participants: int,
                   **more: Any) -> str:
    return await recorded(http, me, "recordActivity", "RecordActivityInput", stationId=station_id,
                          community="一力社区", title=f"社区活动 {held_on}", kind="FESTIVAL", heldOn=held_on,
                          place="一力社区广场", directParticipants=participants, **more)


async def test_a_group_session_with_300_indirect_beneficiaries_adds_300_indirect_person_times_and_no_activity(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    await join_staff(system, station_id, me)
    project_id = await start_project(http, me, station_id)
    group_id = await recorded(http, me, "planGroup", "PlanGroupInput", stationId=station_id, projectId=project_id,
                              name="四点半课堂", type="GROWTH", targetPopulation="留守儿童", community="一力社区",
                              leaderIds=[me.subject], plannedSessions=6)
    members = [await recorded(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name=f"组员{n}")
               for n in (1, 2)]
    await recorded(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=group_id,
                   heldOn=story_day(12), durationMinutes=90, place="一力社区活动室", theme="家校共育",
                   presentMemberIds=members, walkIns=1, indirectBeneficiaries=300,
                   indirectBasis="组员家长，约 300 人收到课堂通讯")
    no_basis = await record(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=group_id,
                            heldOn=story_day(13), durationMinutes=90, place="一力社区活动室", theme="第二节",
                            presentMemberIds=members, indirectBeneficiaries=50)
    await system.read_models_have_everything()

    found = await dashboard(http, me, station_id, month=STORY_MONTH)
    rows = (await graphql(http, PERSON_TIMES, me, station=station_id, month=STORY_MONTH))["data"]["personTimes"]
    groups = (await graphql(http, """query($station: ID!) { groups(stationId: $station) { edges { node {
        sessionsHeld personTimes indirectBeneficiaries sessions { attendance indirectBeneficiaries indirectBasis }
        } } } }""", me, station=station_id))["data"]["groups"]["edges"]

    assert (no_basis["code"], no_basis["field"]) == ("invalid_input", "indirectBasis")
    assert "估算依据" in no_basis["messageZh"] and "estimated" in no_basis["messageEn"]
    month = found["inPeriod"]
    assert {k: month[k] for k in ("personTimesDirect", "personTimesIndirect", "groupPersonTimes",
                                  "groupIndirectPersonTimes", "activities", "activityPersonTimes",
                                  "groupSessions")} == {
        "personTimesDirect": 3, "personTimesIndirect": 300, "groupPersonTimes": 3, "groupIndirectPersonTimes": 300,
        "activities": 0, "activityPersonTimes": 0, "groupSessions": 1}
    assert found["thisMonth"] == month
    assert sorted((r["kind"], r["reach"], r["count"]) for r in rows) == [("GROUP", "DIRECT", 3),
                                                                        ("GROUP", "INDIRECT", 300)]
    [project] = found["projects"]
    assert project["progressAllTime"]["personTimesIndirect"] == 300
    assert project["progressAllTime"]["personTimesDirect"] == 3
    assert groups == [{"node": {"sessionsHeld": 1, "personTimes": 3, "indirectBeneficiaries": 300, "sessions": [
        {"attendance": 3, "indirectBeneficiaries": 300, "indirectBasis": "组员家长，约 300 人收到课堂通讯"}]}}]


async def test_an_organisations_activity_with_40_participants_in_a_project_adds_40_person_times_to_the_station_and_the_project(  # noqa: E501
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    project_id = await start_project(http, me, station_id)
    organisation = await recorded(http, me, "registerOrganisation", "RegisterOrganisationInput",
                                  stationId=station_id, name="一力风采魅妈文艺队", community="一力社区",
                                  type="CULTURE_SPORT", leader="张某", members=18, foundedOn="2026-03-01")
    await recorded(http, me, "recordOrganisationActivity", "RecordOrganisationActivityInput",
                   organisationId=organisation, heldOn=story_day(10), content="亲子共读汇报演出", participants=40,
                   projectId=project_id)
    await recorded(http, me, "recordOrganisationActivity", "RecordOrganisationActivityInput",
                   organisationId=organisation, heldOn=story_day(11), content="广场舞排练", participants=12)
    await system.read_models_have_everything()

    found = await dashboard(http, me, station_id, month=STORY_MONTH)
    rows = (await graphql(http, PERSON_TIMES, me, station=station_id, month=STORY_MONTH))["data"]["personTimes"]
    totals = (await district(http, month=STORY_MONTH))["totals"]

    month = found["inPeriod"]
    assert {k: month[k] for k in ("organisationActivities", "organisationPersonTimes", "personTimesDirect",
                                  "activities", "activityPersonTimes")} == {
        "organisationActivities": 2, "organisationPersonTimes": 52, "personTimesDirect": 52, "activities": 0,
        "activityPersonTimes": 0}
    [project] = found["projects"]
    progress = {"activities": 0, "groups": 0, "groupSessions": 0, "organisationActivities": 1,
                "personTimesDirect": 40, "personTimesIndirect": 0}
    assert project["progressAllTime"] == progress and project["progressInPeriod"] == progress
    assert rows == [{"projectId": None, "kind": "ORGANISATION", "reach": "DIRECT", "count": 12},
                    {"projectId": project_id, "kind": "ORGANISATION", "reach": "DIRECT", "count": 40}]
    assert totals["organisationPersonTimes"] == 52 and totals["personTimesDirect"] == 52


async def test_publicity_is_counted_by_kind_and_level_with_the_audience_summed(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    for kind, level, audience, day in (("NEWS", "DISTRICT", 100, 3), ("NEWS", "DISTRICT", 50, 9),
                                       ("FORUM", "DISTRICT", 30, 14), ("NEWS", "CITY", None, 20)):
        await recorded(http, me, "recordPublicity", "RecordPublicityInput", stationId=station_id, kind=kind,
                       title=f"{kind} {day}", outlet="天心区融媒体中心", level=level, publishedOn=story_day(day),
                       audience=audience)
    await recorded(http, me, "recordPublicity", "RecordPublicityInput", stationId=station_id, kind="NEWS",
                   title="去年的报道", outlet="长沙晚报", level="DISTRICT", publishedOn="2025-06-01", audience=999)
    await system.read_models_have_everything()

    found = await dashboard(http, me, station_id, month=STORY_MONTH)
    overview = await district(http, month=STORY_MONTH)

    expected = [{"kind": "FORUM", "level": "DISTRICT", "count": 1, "audience": 30, "withAudience": 1},
                {"kind": "NEWS", "level": "CITY", "count": 1, "audience": 0, "withAudience": 0},
                {"kind": "NEWS", "level": "DISTRICT", "count": 2, "audience": 150, "withAudience": 2}]
    assert found["publicityInPeriod"] == expected
    assert overview["publicityInPeriod"] == expected
    assert found["publicityByLevel"] == [{"level": "CITY", "count": 1}, {"level": "DISTRICT", "count": 3}]


async def test_volunteer_hours_from_service_records_and_an_activitys_estimate_are_two_named_figures(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    activity_id = await activity(http, me, station_id, story_day(15), 40, volunteers=6, volunteerHours=18)
    volunteer_id = await recorded(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id,
                                  name="周某", gender="male", ageGroup="ELDERLY", birthYear=1950)
    await recorded(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", volunteerId=volunteer_id,
                   servedOn=story_day(16), place="一力社区", content="陪伴老人", hours=3.5,
                   organisingUnit="黑石铺街道社工站", personInCharge="王社工")
    await system.read_models_have_everything()

    month = (await dashboard(http, me, station_id, month=STORY_MONTH))["inPeriod"]
    [found] = [e["node"] for e in (await graphql(http, """query($station: ID!) { activities(stationId: $station) {
        edges { node { activityId volunteerHours volunteerHoursEstimate } } } }""", me,
        station=station_id))["data"]["activities"]["edges"]]

    assert (month["volunteerServiceHours"], month["activityVolunteerHoursEstimate"]) == (3.5, 18.0)
    assert month["volunteerHours"] == 3.5  # deprecated: it always was the service records' hours
    assert found == {"activityId": activity_id, "volunteerHours": 18.0, "volunteerHoursEstimate": 18.0}


async def test_a_projects_progress_is_given_for_the_period_asked_and_for_all_time(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    project_id = await start_project(http, me, station_id, starts_on="2025-03-01")
    await activity(http, me, station_id, "2025-06-01", 40, projectId=project_id)
    await activity(http, me, station_id, story_day(5), 20, projectId=project_id)
    await system.read_models_have_everything()

    november = await dashboard(http, me, station_id, month=STORY_MONTH)
    last_year = await dashboard(http, me, station_id, year=2025)

    [this_month] = november["projects"]
    assert this_month["progressInPeriod"]["activities"] == 1
    assert this_month["progressInPeriod"]["personTimesDirect"] == 20
    assert this_month["progressAllTime"]["activities"] == 2
    assert this_month["progressAllTime"]["personTimesDirect"] == 60
    assert this_month["progress"] == {"activities": 2, "personTimesDirect": 60}  # deprecated: all time, as before
    [in_2025] = last_year["projects"]
    assert in_2025["progressInPeriod"]["personTimesDirect"] == 40
    assert in_2025["progressAllTime"]["personTimesDirect"] == 60
    assert last_year["period"] == {"from": "2025-01-01", "to": "2025-12-31"}


async def test_a_dashboard_from_2019_to_the_end_of_the_story_month_sums_all_years_in_one_query(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    for held_on, participants in (("2019-06-01", 10), ("2023-05-01", 20), (story_day(5), 30)):
        await activity(http, me, station_id, held_on, participants)
    await system.read_models_have_everything()
    since_2019 = {"from": "2019-01-01", "to": story_day(30)}

    found = await dashboard(http, me, station_id, **since_2019)
    overview = await district(http, **since_2019)
    to_today = await dashboard(http, me, station_id, **{"from": "2019-01-01"})
    only_2023 = await dashboard(http, me, station_id, year=2023)

    assert found["period"] == since_2019
    assert (found["inPeriod"]["activities"], found["inPeriod"]["activityPersonTimes"]) == (3, 60)
    assert (found["month"], found["thisMonth"]["activityPersonTimes"]) == (STORY_MONTH, 30)
    assert (overview["from"], overview["to"]) == ("2019-01-01", story_day(30))
    assert overview["totals"]["activityPersonTimes"] == 60
    assert to_today["period"] == {"from": "2019-01-01", "to": STORY[:10]}
    assert to_today["inPeriod"]["activityPersonTimes"] == 60
    assert only_2023["inPeriod"]["activityPersonTimes"] == 20


REFUSED = [
    ({"from": story_day(20), "to": story_day(10)}, "to", "早于开始日期", "before from"),
    ({"from": "2014-12-31", "to": story_day(10)}, "from", "还没有社工站", "no stations yet"),
    ({"from": story_day(29)}, "from", "还没有开始", "has not begun"),
    ({"from": "2015-01-01", "to": "2025-01-01"}, "to", "最长 10 年", "at most 10 years"),
    ({"to": story_day(10)}, "from", "也须给开始日期", "needs `from`"),
    ({"month": STORY_MONTH, "from": story_day(1)}, "from", "只能给", "one of them"),
    ({"year": int(STORY_MONTH[:4]) - 1, "month": STORY_MONTH}, "year", "不在年份", "is not in year"),
]
"""A period that cannot be counted, the argument named, and words of each message."""


async def test_a_period_that_cannot_be_counted_is_refused_naming_the_argument_in_both_languages(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    asked = ((DASHBOARD.replace("FIGURES", FIGURES), worker(station_id), {"station": station_id}),
             (DISTRICT.replace("FIGURES", FIGURES), BUREAU, {}))
    for period, field, words_zh, words_en in REFUSED:
        for query, actor, variables in asked:
            answer = await graphql(http, query, actor, **variables, **period)
            [error] = answer["errors"]
            assert (error["extensions"]["code"], error["extensions"]["field"]) == ("invalid_input", field), period
            assert words_zh in error["extensions"]["messageZh"], (period, error)
            assert words_en in error["extensions"]["messageEn"], (period, error)
    ten_years = await dashboard(http, worker(station_id), station_id, **{"from": "2015-01-01", "to": "2024-12-31"})
    assert ten_years["period"] == {"from": "2015-01-01", "to": "2024-12-31"}
