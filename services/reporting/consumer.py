"""Durable pull consumers: each batch of events and the checkpoint commit in one transaction.

A crash before the commit leaves nothing applied (the batch is redelivered);
a crash after it but before the acks leaves the checkpoint ahead, and the
redelivered events at or below it are passed over. So no event counts twice.
On a failed batch the messages are nak'd: JetStream hands out redeliveries
before new messages, so the stream's order is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.reporting.projections import Projector, ReceivedEvent
from shared.cancellation import stop_if_cancelled
from shared.config import stream_name
from shared.contracts import decode_event
from shared.election import leadership

log = logging.getLogger(__name__)


@dataclass
class ConsumerStats:
    """What /metrics and /readyz say of one consumer."""

    source: str
    state: str = "starting"
    applied: int = 0
    last_stream_seq: int = 0
    failures: int = 0


def received(msg: Msg) -> ReceivedEvent:
    headers = msg.headers or {}
    type_name = headers["hemiao-event-type"]
    return ReceivedEvent(type=type_name, payload=decode_event(type_name, json.loads(msg.data)),
                         stream_id=headers["hemiao-stream-id"], version=int(headers["hemiao-stream-version"]),
                         event_id=headers["Nats-Msg-Id"], stream_seq=msg.metadata.sequence.stream,
                         recorded_at=datetime.fromisoformat(headers["ce-time"]), actor=headers.get("hemiao-actor", ""))


async def apply_event(conn: asyncpg.Connection, event: ReceivedEvent, table: dict[str, list[Projector]]) -> bool:
    """Apply one event unless its stream already has it; True when applied."""
    applied_version = await conn.fetchval(
        "SELECT version FROM applied_versions WHERE stream_id = $1 FOR UPDATE", event.stream_id)
    if applied_version is not None and event.version <= applied_version:
        return False
    if applied_version is not None and event.version != applied_version + 1:
        log.error("stream %s jumps from version %s to %s", event.stream_id, applied_version, event.version)
    for projector in table.get(event.type, []):
        await projector(conn, event)
    await conn.execute(
        "INSERT INTO applied_versions (stream_id, version) VALUES ($1, $2)"
        " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version", event.stream_id, event.version)
    return True


class StreamConsumer:
    """Applies one source stream to the read models, as the only active consumer of it."""

    def __init__(self, pool: asyncpg.Pool, dsn: str, js: JetStreamContext, *, namespace: str, source: str,
                 table: dict[str, list[Projector]], batch_size: int = 256, poll_seconds: float = 1.0,
                 ack_wait_seconds: float = 30.0) -> None:
        self._pool = pool
        self._dsn = dsn
        self._js = js
        self._namespace = namespace
        self._table = table
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.ack_wait_seconds = ack_wait_seconds
        self.name = f"reporting_{source}"
        self.stats = ConsumerStats(source=source)

    async def run(self) -> None:
        while True:
            try:
                await self._run_as_leader()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                stop_if_cancelled()
                self.stats.state = "recovering"
                self.stats.failures += 1
                log.warning("consumer %s: %r; starting again", self.name, error)
                await asyncio.sleep(1.0)

    async def _run_as_leader(self) -> None:
        def standing_by() -> None:
            self.stats.state = "standby"

        async with leadership(self._dsn, self.name, self.poll_seconds, standing_by):
            await self._pool.execute("INSERT INTO consumer_checkpoints (consumer) VALUES ($1)"
                                     " ON CONFLICT DO NOTHING", self.name)
            self.stats.last_stream_seq = await self._pool.fetchval(
                "SELECT stream_seq FROM consumer_checkpoints WHERE consumer = $1", self.name)
            stream = stream_name(self._namespace, self.stats.source)
            subscription = await self._js.pull_subscribe(
                f"{self._namespace}.events.{self.stats.source}.>", durable=self.name, stream=stream,
                config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
                                      ack_wait=self.ack_wait_seconds, max_ack_pending=self.batch_size * 4))
            self.stats.state = "active"
            try:
                while True:
                    try:
                        messages = await subscription.fetch(self.batch_size, timeout=self.poll_seconds)
                    except TimeoutError:
                        stop_if_cancelled()
                        continue
                    await self._apply_batch(messages)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.shield(subscription.unsubscribe())

    async def _apply_batch(self, messages: list[Msg]) -> None:
        try:
            applied, checkpoint = await self._commit(messages)
        except BaseException:
            for msg in messages:
                with contextlib.suppress(Exception):
                    await msg.nak()
            raise
        await self._acknowledge(messages)
        self.stats.applied += applied
        self.stats.last_stream_seq = checkpoint

    async def _commit(self, messages: list[Msg]) -> tuple[int, int]:
        """Apply the batch and move the checkpoint in one transaction; returns (applied, checkpoint)."""
        async with self._pool.acquire() as conn, conn.transaction():
            checkpoint: int = await conn.fetchval(
                "SELECT stream_seq FROM consumer_checkpoints WHERE consumer = $1 FOR UPDATE", self.name)
            applied = 0
            for msg in messages:
                event = received(msg)
                if event.stream_seq <= checkpoint:
                    continue
                applied += await apply_event(conn, event, self._table)
                checkpoint = event.stream_seq
            await conn.execute(
                "UPDATE consumer_checkpoints SET stream_seq = $2, applied = applied + $3, updated_at = now(),"
                " last_event_at = $4 WHERE consumer = $1", self.name, checkpoint, applied, datetime.now(UTC))
        return applied, checkpoint

    async def _acknowledge(self, messages: list[Msg]) -> None:
        for msg in messages:
            await msg.ack()
