"""systemStatus: operators see each consumer's lag and parked events; station staff do not."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from services.reporting.projections import projections
from tests.e2e.graphql import graphql
from tests.support import BUREAU, System, open_case_for, open_station, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

STATUS = "{ systemStatus { consumer state appliedStreamSeq streamLastSeq lagEvents parked { streamId } } }"


async def test_operators_see_each_consumers_lag_and_parked_events(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    await system.read_models_have(opened["position"])

    async def caught_up() -> bool:
        found = (await graphql(http, STATUS, BUREAU))["data"]["systemStatus"]
        return all(c["lagEvents"] == 0 and c["streamLastSeq"] > 0 for c in found if c["consumer"].startswith("report"))

    await wait_until(caught_up, what="reporting's consumers caught up")
    found = {c["consumer"]: c for c in (await graphql(http, STATUS, BUREAU))["data"]["systemStatus"]}
    refused = await graphql(http, STATUS, worker(station_id))

    assert {"reporting_cases", "reporting_activities"} <= set(found)
    assert found["reporting_cases"]["state"] == "active" and found["reporting_cases"]["parked"] == []
    assert found["reporting_cases"]["appliedStreamSeq"] == found["reporting_cases"]["streamLastSeq"] >= 3
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    metrics = (await http.get(f"http://127.0.0.1:{system.reporting.settings.http_port}/metrics")).text
    last = found["reporting_cases"]["streamLastSeq"]
    assert f'hemiao_reporting_stream_last_seq{{source="cases"}} {float(last)}' in metrics
    assert 'hemiao_reporting_lag_events{source="cases"} 0.0' in metrics
    assert 'hemiao_reporting_lag_seconds{source="cases"} 0.0' in metrics
    assert 'hemiao_reporting_parked_events{source="cases"} 0.0' in metrics
    assert "hemiao_reporting_rebuilding 0.0" in metrics and "hemiao_reporting_rebuild_failing 0.0" in metrics


async def test_operators_see_each_read_models_version_and_that_none_is_being_rebuilt(
        system: System, http: httpx.AsyncClient) -> None:
    answer = await graphql(http, "{ readModels { name version builtVersion builtAt rebuilding { phase } lastError } }",
                           BUREAU)
    found = {m["name"]: m for m in answer["data"]["readModels"]}

    assert set(found) == {"places", "cases", "disclosures", "timeline", "work", "street_meetings", "station_months"}
    code = {p.name: p.version for p in projections()}
    assert all(m["version"] == m["builtVersion"] == code[m["name"]] and m["builtAt"] and m["rebuilding"] is None
               and m["lastError"] is None for m in found.values())


RELAYS = """{ systemStatus { consumer source relay { service state unpublishedEvents oldestUnpublishedSeconds
                                                   blockedEventId blockedReason } } }"""


async def test_operators_see_the_relay_feeding_each_consumer_and_what_it_has_not_yet_published(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    first = await open_case_for(system, station_id)
    await system.read_models_have(first["position"])
    caught_up = {c["consumer"]: c for c in (await graphql(http, RELAYS, BUREAU))["data"]["systemStatus"]}
    relay_task = system.cases.tasks[0]  # the relay stops, as if its process hung: commands still commit
    relay_task.cancel()
    await asyncio.gather(relay_task, return_exceptions=True)
    await open_case_for(system, station_id)
    await asyncio.sleep(0.3)  # so that the oldest unpublished event is measurably old

    behind = {c["consumer"]: c for c in (await graphql(http, RELAYS, BUREAU))["data"]["systemStatus"]}

    assert caught_up["reporting_cases"]["source"] == "cases"
    assert caught_up["reporting_cases"]["relay"] == {
        "service": "cases", "state": "active", "unpublishedEvents": 0, "oldestUnpublishedSeconds": 0.0,
        "blockedEventId": None, "blockedReason": None}
    assert caught_up["reporting_activities"]["relay"]["service"] == "activities"
    # a recipient, the case's number and the case: committed, not published, and said so
    assert behind["reporting_cases"]["relay"]["state"] == "stopped"
    assert behind["reporting_cases"]["relay"]["unpublishedEvents"] == 3
    assert behind["reporting_cases"]["relay"]["oldestUnpublishedSeconds"] >= 0.3
    metrics = (await http.get(f"http://127.0.0.1:{system.cases.settings.http_port}/metrics")).text
    assert "hemiao_relay_unpublished_events 3.0" in metrics and "hemiao_relay_blocked 0.0" in metrics
