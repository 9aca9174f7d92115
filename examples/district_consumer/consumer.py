"""A district system's own copy of hemiao's person-times (人次), per station and month, in SQLite.

A reference consumer for docs/integration.md, written as a district integrator would write it: it uses
nothing of hemiao's code, only nats-py, the `cloudevents` SDK and sqlite3.

    python -m examples.district_consumer.consumer --nats nats://127.0.0.1:4222 --namespace hemiao \\
        --db person_times.sqlite [--durable district-person-times] [--since 2026-11-01T00:00:00+08:00] \\
        [--until-idle 5]

What it does, and why:
- One durable pull consumer of its own on each stream (`HEMIAO_CASES`, `HEMIAO_ACTIVITIES`), named by
  `--durable`, with explicit acks: the server remembers how far it got, and nothing it has not acked is lost.
- It starts from the first event (`DeliverPolicy.ALL`) or, with `--since`, from a time
  (`DeliverPolicy.BY_START_TIME`). A durable keeps its start once made: to replay, use a new durable name
  (or delete the old one) and a new SQLite file.
- Each message is applied in one SQLite transaction that also records its `ce-id` (dedup) and the stream
  sequence (its checkpoint); only after that commit is the message acked. A crash in between redelivers
  it, and the `ce-id` already recorded makes the second delivery a no-op.
- Versions: `ce-type` ends in `.v<n>`. The versions this code knows are handled; any other version of a
  type it reads is logged, counted and skipped (acked, so it does not block the stream), as are bad
  messages. Types it does not read are acked and counted.
- Order holds within a stream, not across the two: nothing here depends on one stream's events coming
  before the other's.

Person-times, as hemiao's reporting counts them (services/reporting/migrations/0009_station_work.sql):
- case sessions (`cn.hemiao.cases.case_session_recorded.v1`): `participants`, kind `case`, reach `direct`;
- group sessions (`cn.hemiao.activities.group_session_held.v1`): members present plus walk-ins, `group`,
  `direct`; v2 adds `indirect_beneficiaries` (`group`, `indirect`, when above 0);
- activities (`cn.hemiao.activities.activity_held.v1`): `direct_participants` (`activity`, `direct`) and
  `indirect_beneficiaries` (`activity`, `indirect`); v2 adds `community_id`, which these figures do not need;
- organisations' own activities (`cn.hemiao.activities.organisation_activity_held.v1`): `participants`
  (`organisation`, `direct`).
The month is that of `held_on`, the day the work was done, not the day it was recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import nats
import nats.errors
from cloudevents.core.bindings.http import HTTPMessage, from_binary_event
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

log = logging.getLogger("district_consumer")

SERVICES = ("cases", "activities")

SCHEMA = """
CREATE TABLE IF NOT EXISTS person_times (
    station_id TEXT NOT NULL, month TEXT NOT NULL, kind TEXT NOT NULL, reach TEXT NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (station_id, month, kind, reach));
CREATE TABLE IF NOT EXISTS processed_events (ce_id TEXT PRIMARY KEY, stream TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (stream TEXT PRIMARY KEY, seq INTEGER NOT NULL);
"""

Rows = Iterator[tuple[str, str, str, str, int]]
"""(station_id, month, kind, reach, count) to add."""


def case_session(data: dict[str, Any]) -> Rows:
    yield data["station_id"], data["held_on"][:7], "case", "direct", int(data["participants"])


def group_session(data: dict[str, Any]) -> Rows:
    attendance = len(data["present_member_ids"]) + int(data["walk_ins"])
    yield data["station_id"], data["held_on"][:7], "group", "direct", attendance


def group_session_v2(data: dict[str, Any]) -> Rows:
    yield from group_session(data)
    if int(data["indirect_beneficiaries"]):  # most sessions reach nobody beyond the room: no row of 0
        yield data["station_id"], data["held_on"][:7], "group", "indirect", int(data["indirect_beneficiaries"])


def organisation_activity(data: dict[str, Any]) -> Rows:
    yield data["station_id"], data["held_on"][:7], "organisation", "direct", int(data["participants"])


def activity(data: dict[str, Any]) -> Rows:
    month = data["held_on"][:7]
    yield data["station_id"], month, "activity", "direct", int(data["direct_participants"])
    yield data["station_id"], month, "activity", "indirect", int(data["indirect_beneficiaries"])


HANDLERS: dict[str, dict[int, Callable[[dict[str, Any]], Rows]]] = {
    "cn.hemiao.cases.case_session_recorded": {1: case_session},
    "cn.hemiao.activities.group_session_held": {1: group_session, 2: group_session_v2},
    "cn.hemiao.activities.activity_held": {1: activity, 2: activity},  # v2 adds the community's id, not read here
    "cn.hemiao.activities.organisation_activity_held": {1: organisation_activity},
}
"""The types this consumer reads, by version. A new version is either added here (with its own function, or
an upcaster to the one already known) or skipped and counted until someone does."""


@dataclass
class Tally:
    applied: int = 0
    duplicates: int = 0
    unknown_versions: int = 0
    ignored: int = 0
    bad: int = 0
    by_stream: dict[str, int] = field(default_factory=dict)


def type_and_version(ce_type: str) -> tuple[str, int]:
    base, _, version = ce_type.rpartition(".v")
    if not base or not version.isdigit():
        raise ValueError(f"ce-type {ce_type!r} has no .v<n> suffix")
    return base, int(version)


class PersonTimes:
    """The SQLite mirror: apply one message, exactly once by its ce-id."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)
        self.tally = Tally()

    def close(self) -> None:
        self.db.close()

    def apply(self, stream: str, seq: int, headers: dict[str, str], body: bytes) -> None:
        """Decode, dedup, count and checkpoint in one transaction; raises only if SQLite itself fails."""
        try:
            event = from_binary_event(HTTPMessage(headers=headers, body=body))
            ce_id = str(event.get_id())
            base, version = type_and_version(str(event.get_type()))
            data = event.get_data()
        except Exception as error:  # a bad message never stops the consumer
            self.tally.bad += 1
            log.warning("bad message %s #%s skipped: %s", stream, seq, error)
            return
        with self.db:  # one transaction: the figures, the ce-id and the checkpoint, or none of them
            if self.db.execute("SELECT 1 FROM processed_events WHERE ce_id = ?", (ce_id,)).fetchone():
                self.tally.duplicates += 1
                return
            handler = HANDLERS.get(base, {}).get(version)
            if base not in HANDLERS:
                self.tally.ignored += 1
            elif handler is None:
                self.tally.unknown_versions += 1
                log.warning("event %s is %s v%s, a version this consumer does not know: skipped", ce_id, base,
                            version)
            else:
                try:
                    rows = list(handler(data if isinstance(data, dict) else json.loads(data or b"null")))
                except Exception as error:
                    self.tally.bad += 1
                    log.warning("event %s (%s v%s) could not be read, skipped: %r", ce_id, base, version, error)
                    rows = []
                else:
                    self.tally.applied += 1
                self.db.executemany(
                    "INSERT INTO person_times VALUES (?, ?, ?, ?, ?) ON CONFLICT (station_id, month, kind, reach)"
                    " DO UPDATE SET count = count + excluded.count", rows)
            self.db.execute("INSERT INTO processed_events VALUES (?, ?, ?)", (ce_id, stream, seq))
            self.db.execute("INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT (stream)"
                            " DO UPDATE SET seq = max(seq, excluded.seq)", (stream, seq))
        self.tally.by_stream[stream] = self.tally.by_stream.get(stream, 0) + 1

    def figures(self) -> dict[tuple[str, str, str, str], int]:
        return {(s, m, k, r): c for s, m, k, r, c in self.db.execute("SELECT * FROM person_times")}


async def consume(nats_url: str, namespace: str, db_path: str, *, durable: str = "district-person-times",
                  since: datetime | None = None, until_idle: float | None = None, batch: int = 100,
                  fetch_timeout: float = 2.0) -> Tally:
    """Follow both streams into the SQLite file; with `until_idle`, return once no stream has had a message
    for that many seconds (otherwise run until cancelled)."""
    mirror = PersonTimes(db_path)
    nc = await nats.connect(nats_url, name=f"district-consumer:{durable}", connect_timeout=5,
                            max_reconnect_attempts=-1)
    try:
        js = nc.jetstream(timeout=10)
        config = ConsumerConfig(
            durable_name=durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=30, max_ack_pending=batch * 2,
            deliver_policy=DeliverPolicy.ALL if since is None else DeliverPolicy.BY_START_TIME,
            opt_start_time=since)
        subscriptions = []
        for service in SERVICES:
            stream = f"{namespace}_{service}".upper().replace("-", "_")
            subscriptions.append((stream, await js.pull_subscribe(f"{namespace}.events.{service}.>", durable=durable,
                                                                  stream=stream, config=config)))
        idle_since = asyncio.get_running_loop().time()
        while True:
            got = 0
            for stream, subscription in subscriptions:  # per stream in order; the streams interleave freely
                try:
                    messages: list[Msg] = await subscription.fetch(batch, timeout=fetch_timeout)
                except (nats.errors.TimeoutError, TimeoutError):  # nothing new in this stream within the timeout
                    continue
                for msg in messages:
                    mirror.apply(stream, msg.metadata.sequence.stream, dict(msg.headers or {}), msg.data)
                    await msg.ack()  # only after the commit in apply
                got += len(messages)
            now = asyncio.get_running_loop().time()
            if got:
                idle_since = now
            elif until_idle is not None and now - idle_since >= until_idle:
                return mirror.tally
    finally:
        mirror.close()
        with contextlib.suppress(Exception):
            await nc.flush(timeout=5)  # the last acks
        await nc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Mirror hemiao's person-times per station and month into SQLite.")
    parser.add_argument("--nats", default="nats://127.0.0.1:4222")
    parser.add_argument("--namespace", default="hemiao")
    parser.add_argument("--db", default="person_times.sqlite")
    parser.add_argument("--durable", default="district-person-times")
    parser.add_argument("--since", type=datetime.fromisoformat, help="start from this instant (with its offset)")
    parser.add_argument("--until-idle", type=float, help="exit after this many seconds without a new message")
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    tally = asyncio.run(consume(args.nats, args.namespace, args.db, durable=args.durable, since=args.since,
                                until_idle=args.until_idle, batch=args.batch))
    log.info("done: %s", tally)


if __name__ == "__main__":
    main()
