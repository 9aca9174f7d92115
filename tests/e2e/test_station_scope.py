"""A station named outright is the caller's own or refused: every query that takes a `stationId` answers
another station's with `forbidden` (not an empty list), and a station role's token cannot claim every station."""

from __future__ import annotations

import httpx
import pytest

from shared.auth import issue_token
from shared.contracts import Actor, Role
from shared.contracts.errors import DomainError
from tests.clock import STORY_MONTH
from tests.e2e.graphql import graphql
from tests.support import BUREAU, SECRET, System, head, open_station, worker

MONTH = STORY_MONTH

QUERIES = {
    "recipients": "recipients(stationId: $s) { totalCount }",
    "sensitiveDataReads": "sensitiveDataReads(stationId: $s) { __typename }",
    "recipientSearches": "recipientSearches(stationId: $s) { __typename }",
    "volunteerSearches": "volunteerSearches(stationId: $s) { __typename }",
    "findRecipients": 'findRecipients(stationId: $s, name: "叶") { __typename }',
    "findVolunteers": 'findVolunteers(stationId: $s, name: "叶") { __typename }',
    "cases": "cases(stationId: $s) { totalCount }",
    "personTimes": "personTimes(stationId: $s) { count }",
    "projects": "projects(stationId: $s) { totalCount }",
    "groups": "groups(stationId: $s) { totalCount }",
    "activities": "activities(stationId: $s) { totalCount }",
    "publicity": "publicity(stationId: $s) { totalCount }",
    "surveys": "surveys(stationId: $s) { totalCount }",
    "staff": "staff(stationId: $s) { totalCount }",
    "resources": "resources(stationId: $s) { totalCount }",
    "supervisions": "supervisions(stationId: $s) { totalCount }",
    "projectMeetings": "projectMeetings(stationId: $s) { totalCount }",
    "volunteers": "volunteers(stationId: $s) { totalCount }",
    "volunteerTeams": "volunteerTeams(stationId: $s) { __typename }",
    "organisations": "organisations(stationId: $s) { totalCount }",
    "organisationCounts": "organisationCounts(stationId: $s) { __typename }",
    "compoundIssues": "compoundIssues(stationId: $s) { totalCount }",
    "jointMeetings": "jointMeetings(stationId: $s) { __typename }",
    "streetMeetings": "streetMeetings(stationId: $s) { totalCount }",
    "monthlyCompliance": f'monthlyCompliance(stationId: $s, month: "{MONTH}") {{ __typename }}',
    "caseBreakdown": "caseBreakdown(stationId: $s) { __typename }",
    "caseload": "caseload(stationId: $s) { __typename }",
    "overdue": "overdue(stationId: $s) { __typename }",
    "stationMonth": f'stationMonth(stationId: $s, month: "{MONTH}") {{ month }}',
    "stationDashboard": f'stationDashboard(stationId: $s, month: "{MONTH}") {{ month }}',
}
"""Every query that takes a station, with the least it can be asked for."""

AUDITS = {"sensitiveDataReads", "recipientSearches", "volunteerSearches"}
"""Queries the station's head asks but its workers and supervisors may not, whichever station."""


async def ask(http: httpx.AsyncClient, actor: Actor, name: str, station_id: str) -> dict[str, object]:
    return await graphql(http, f"query($s: ID!) {{ {QUERIES[name]} }}", actor, s=station_id)


async def test_every_query_naming_a_station_outside_the_callers_is_refused_and_their_own_is_answered(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    supervisor = Actor(subject="sup-1", name="督导", role=Role.SUPERVISOR, station_ids=(hsp,))

    for actor in (worker(hsp), head(hsp), supervisor):
        for name in (n for n in QUERIES if n not in AUDITS or actor.role == Role.STATION_HEAD):
            refused = await ask(http, actor, name, wy)
            own = await ask(http, actor, name, hsp)
            assert refused["data"] is None, (name, refused)
            errors = refused["errors"]
            assert isinstance(errors, list) and len(errors) == 1, (name, refused)
            assert errors[0]["extensions"]["code"] == "forbidden", (name, refused)
            assert errors[0]["extensions"]["field"] == "stationId", (name, refused)
            assert "errors" not in own, (actor.role, name, own)
    for name in QUERIES:
        assert "errors" not in await ask(http, BUREAU, name, wy), name


async def test_a_station_roles_token_claiming_every_station_is_refused_by_the_gateway_and_the_services(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    wide = Actor(subject="head-1", name="站长", role=Role.STATION_HEAD, station_ids=("*",))
    token = issue_token(SECRET, wide)
    before = await system.events_written()

    listed = await graphql(http, "{ stations { id } }", bearer=token)
    recorded = (await graphql(http, """mutation($input: RegisterRecipientInput!) { registerRecipient(input: $input)
        { __typename ... on UserError { code field messageZh messageEn } } }""", bearer=token, input={
        "stationId": station_id, "name": "叶某", "gender": "MALE", "birthYear": 1968, "community": "一力社区"}))
    with pytest.raises(DomainError) as direct:
        await system.client.call("cases", "register_recipient", {
            "station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区"},
            token=token)

    assert listed["data"] is None, listed
    refusals = [listed["errors"][0]["extensions"], recorded["data"]["registerRecipient"]]
    assert [(r["code"], r["field"]) for r in refusals] == [("invalid_token", "Authorization")] * 2, refusals
    assert all("令牌的站点范围无效" in r["messageZh"] and "station scope" in r["messageEn"] for r in refusals)
    assert direct.value.code == "invalid_token" and "令牌的站点范围无效" in direct.value.message.zh
    assert await system.events_written() == before
