"""A command goes over NATS to a service, into PostgreSQL, through the relay and JetStream, into a read model."""

from __future__ import annotations

import pytest

from shared.contracts.errors import DomainError
from tests.support import System, open_case_for, open_station, stream_messages, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


async def test_an_opened_case_reaches_the_stream_and_the_read_model(system: System) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)

    await system.read_models_have(opened["position"])

    row = await system.reporting.pool.fetchrow("SELECT * FROM cases WHERE case_id = $1", opened["case_id"])
    assert row["station_id"] == station_id
    assert row["status"] == "open"
    messages = await stream_messages(system.nc, system.namespace, "cases")
    assert [m["headers"]["ce-type"] for m in messages] == ["cn.hemiao.cases.recipient_registered.v3",
                                                          "cn.hemiao.cases.case_register_number_assigned.v1",
                                                          "cn.hemiao.cases.case_opened.v1"]
    assert messages[1]["data"] == {"station_id": station_id, "year": messages[2]["data"]["opened_on"][:4] and
                                   int(messages[2]["data"]["opened_on"][:4]), "number": 1,
                                   "case_id": opened["case_id"]}
    opened_message = messages[2]
    assert opened_message["headers"]["Nats-Msg-Id"] == opened_message["headers"]["ce-id"]
    assert opened_message["headers"]["ce-subject"] == f"case-{opened['case_id']}"
    assert opened_message["headers"]["ce-source"] == "/hemiao/cases"
    assert opened_message["data"]["case_id"] == opened["case_id"]


async def test_a_refused_command_appends_nothing(system: System) -> None:
    station_id = await open_station(system)
    other_station = await open_station(system, "WY")

    with pytest.raises(DomainError) as refused:
        await system.call("cases", "register_recipient",
                          {"station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1968,
                           "community": "一力社区"}, worker(other_station))

    assert refused.value.code == "forbidden"
    assert refused.value.field == "stationId"
    assert await system.cases.pool.fetchval("SELECT count(*) FROM events") == 0


async def test_the_same_idempotency_key_returns_the_first_answer_and_appends_once(system: System) -> None:
    station_id = await open_station(system)
    payload = {"station_id": station_id, "name": "周某", "gender": "female", "birth_year": 1941,
               "community": "一力社区", "categories": [
                   {"category": "elderly_living_alone", "valid_from": "2026-01-01", "source": "civil_affairs_list"}]}

    first = await system.call("cases", "register_recipient", payload, worker(station_id), idempotency_key="k-1")
    again = await system.call("cases", "register_recipient", payload, worker(station_id), idempotency_key="k-1")

    assert again == first
    assert await system.cases.pool.fetchval("SELECT count(*) FROM events") == 1
    with pytest.raises(DomainError) as reused:
        await system.call("cases", "register_recipient", {**payload, "name": "另一个人"}, worker(station_id),
                          idempotency_key="k-1")
    assert reused.value.code == "idempotency_key_reused"
