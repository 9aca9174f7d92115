"""HEMIAO_STREAM_REPLICAS on a three-node JetStream cluster: a stream is made with that many copies, and one made
earlier with one copy is raised to three in place, its messages kept."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from nats.js.errors import NoStreamResponseError

from shared.natsio import ensure_event_stream
from tests.cluster.harness import Cluster

pytestmark = pytest.mark.dateless  # no dates at all


async def test_a_stream_is_made_r3_and_an_r1_stream_is_raised_to_r3_with_its_messages(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="hemiao-replicas-")))
    cluster.start_nats()
    try:
        nc = await cluster.connect()
        js = nc.jetstream()
        monkeypatch.delenv("HEMIAO_STREAM_REPLICAS", raising=False)
        old = await ensure_event_stream(js, "early", "cases")  # before the setting: one copy
        for n in range(10):
            for _ in range(50):  # a new stream of a cluster takes a moment to elect its leader
                try:
                    await js.publish("early.events.cases.case.opened", f"{n}".encode(),
                                     headers={"Nats-Msg-Id": f"m-{n}"})
                    break
                except NoStreamResponseError:
                    await asyncio.sleep(0.1)
        assert (await js.stream_info(old)).config.num_replicas == 1

        monkeypatch.setenv("HEMIAO_STREAM_REPLICAS", "3")
        new = await ensure_event_stream(js, "fresh", "cases")
        raised = await ensure_event_stream(js, "early", "cases")  # a service starting with the setting
        assert raised == old

        for name in (new, raised):
            for _ in range(100):  # the new replicas catch up with the leader
                info = await js.stream_info(name)
                if info.cluster and len(info.cluster.replicas or []) == 2 and all(
                        r.current for r in info.cluster.replicas or []):
                    break
                await asyncio.sleep(0.1)
            assert info.config.num_replicas == 3
            assert info.cluster is not None and info.cluster.leader is not None
            assert {r.name for r in info.cluster.replicas or []} | {info.cluster.leader} == {
                "nats-1", "nats-2", "nats-3"}
        assert (await js.stream_info(raised)).state.messages == 10  # nothing lost, nothing deleted
        assert (await js.stream_info(raised)).config.subjects == ["early.events.cases.>"]
        await ensure_event_stream(js, "early", "cases")  # at the count already: left alone
        monkeypatch.setenv("HEMIAO_STREAM_REPLICAS", "7")
        with pytest.raises(ValueError, match="HEMIAO_STREAM_REPLICAS must be from 1 to 5"):
            await ensure_event_stream(js, "early", "cases")
        await nc.close()
    finally:
        cluster.stop()
