"""`make bench-search`: how fast the cases service finds a recipient, and the activities service a volunteer, by
part of the name, ID number or phone at a station of 5,000 of each, over NATS, against a raw PostgreSQL indexed
lookup of each index in the same run. Starts a private hemiao (as `make run` does), writes bench/SEARCH.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bench import machine
from bench.stack import BenchStack, say
from bench.stats import percentile
from services.activities.adapters.volunteer_index import VolunteerIndex
from services.activities.application.handlers import volunteer_routes
from services.activities.application.volunteer_search import VolunteersOnRecord
from services.activities.domain.commands import RegisterVolunteer
from services.cases.application.handlers import NoStations, routes
from services.cases.application.search import recipient_search_of
from services.cases.domain.commands import RegisterRecipient
from shared.application import Unit
from shared.auth import issue_token
from shared.china import china_today
from shared.config import data_key
from shared.contracts import Actor, Role
from shared.contracts.activities import AgeGroup
from shared.contracts.cases import CategoryMembership, CategorySource, Gender, RecipientCategory
from shared.devstack.demo import SYSTEM
from shared.devstack.embedded import EmbeddedNats
from shared.eventstore.postgres import PostgresEventStore
from shared.id_number import check_character
from shared.kernel.search_terms import TermKey, id_number_term
from shared.natsio import connect
from shared.runtime import RequestContext, ServiceClient

RESULTS = Path(__file__).parent / "SEARCH.md"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅玉春生文荣德福云海燕波晓小立志金凤淑珍"
COMMUNITIES = ("一力社区", "状元坡社区", "青园社区", "桂花坪社区")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--recipients", type=int, default=5000, help="recipients of the station")
    parser.add_argument("--volunteers", type=int, default=5000, help="volunteers of the station")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers while loading them")
    parser.add_argument("--samples", type=int, default=300, help="searches of each kind")
    return parser.parse_args(argv)


def people(count: int, seed: int = 15) -> list[dict[str, Any]]:
    """Generated residents: common surnames and given names (so names repeat, as they do), valid ID numbers, each
    one person's (a volunteer's ID number is unique at registration)."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 75))
        first17 = f"43{n // 1000 + 1:02d}03{born:%Y%m%d}{n % 1000:03d}"
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        found.append({"name": rng.choice(SURNAMES) + given, "birth_year": born.year,
                      "birth_date": born, "id_number": first17 + check_character(first17),
                      "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                      "gender": rng.choice((Gender.FEMALE, Gender.MALE)), "community": rng.choice(COMMUNITIES)})
    return found


async def open_station(client: ServiceClient, token: str) -> str:
    street = await client.call("activities", "register_street", {"name": "检索街道", "district": "天心区"}, token=token)
    for community in COMMUNITIES:
        await client.call("activities", "add_community", {"street_id": street["street_id"], "name": community},
                          token=token)
    station = await client.call("activities", "open_station", {
        "street_id": street["street_id"], "name": "检索街道社工站", "code": "JS", "opened_on": "2019-01-15"},
        token=token)
    return str(station["station_id"])


async def load(dsn: str, station_id: str, residents: list[dict[str, Any]], writers: int) -> float:
    """The residents registered through the cases service's own handler, decider and store (the search index is
    kept by the store in each append, as in the running service); seconds taken."""
    pool = await asyncpg.create_pool(dsn, min_size=writers, max_size=writers)
    try:
        store = PostgresEventStore(pool, data_key())
        recipient_search_of(store, pool)  # the store keeps the index from now on
        register = routes(NoStations())[RegisterRecipient]
        actor = Actor(subject="bench-loader", name="导入", role=Role.SOCIAL_WORKER, station_ids=(station_id,))
        today = china_today()
        work = list(enumerate(residents))
        started = time.monotonic()

        async def writer() -> None:
            while work:
                n, person = work.pop()
                command = RegisterRecipient(
                    actor=actor, today=today, recipient_id=f"bench-{n:05d}", station_id=station_id,
                    name=person["name"], gender=person["gender"], community=person["community"],
                    birth_date=person["birth_date"], id_number=person["id_number"], phone=person["phone"],
                    categories=(CategoryMembership(category=RecipientCategory.ELDERLY_LIVING_ALONE,
                                                   valid_from=today, source=CategorySource.CIVIL_AFFAIRS_LIST),),
                    consent_given_on=today, consent_purpose="建立服务档案")
                request = RequestContext(actor=actor, correlation_id=f"bench-{n}")
                await register(command, Unit(store=store, request=request, fingerprint=""))

        await asyncio.gather(*(writer() for _ in range(writers)))
        return time.monotonic() - started
    finally:
        await pool.close()


async def load_volunteers(dsn: str, station_id: str, residents: list[dict[str, Any]], writers: int) -> float:
    """The residents registered as volunteers through the activities service's own handler (which looks up each
    one's likely duplicates), decider and store, the store keeping the volunteers' index in each append; seconds
    taken."""
    pool = await asyncpg.create_pool(dsn, min_size=writers, max_size=writers)
    try:
        store = PostgresEventStore(pool, data_key())
        index = VolunteerIndex(pool, store.search_key("activities"))
        store.keep("volunteer_search_index", index)
        register = volunteer_routes(VolunteersOnRecord(index))[RegisterVolunteer]
        actor = Actor(subject="bench-loader", name="导入", role=Role.SOCIAL_WORKER, station_ids=(station_id,))
        today = china_today()
        work = list(enumerate(residents))
        started = time.monotonic()

        async def writer() -> None:
            while work:
                n, person = work.pop()
                command = RegisterVolunteer(
                    actor=actor, today=today, volunteer_id=f"bench-v-{n:05d}", station_id=station_id,
                    name=person["name"], gender="女" if person["gender"] == Gender.FEMALE else "男",
                    age_group=AgeGroup.ADULT, birth_date=person["birth_date"], id_number=person["id_number"],
                    contact=person["phone"], residence_area=person["community"], consent_given_on=today,
                    consent_purpose="志愿服务登记")
                request = RequestContext(actor=actor, correlation_id=f"bench-v-{n}")
                await register(command, Unit(store=store, request=request, fingerprint=""))

        await asyncio.gather(*(writer() for _ in range(writers)))
        return time.monotonic() - started
    finally:
        await pool.close()


def name_part(name: str) -> str:
    """What a caller says: the given name of a three-character name (小红 of 叶小红), else the whole name."""
    return name[1:] if len(name) == 3 else name


SEARCHES = {"recipients": ("cases", "find_recipients", "matches"),
            "volunteers": ("activities", "find_volunteers", "volunteers")}
"""Whom a search finds: the service asked, its query, and the key of its answer's list."""


async def searches(client: ServiceClient, token: str, station_id: str, asked: list[dict[str, str]],
                   whom: str = "recipients") -> tuple[list[float], list[int], int]:
    """Each search in turn over NATS: latencies (ms), matches answered, failures."""
    service, query, listed = SEARCHES[whom]
    latencies, answered, failures = [], [], 0
    for body in asked:
        started = time.perf_counter()
        try:
            found = await client.call(service, query, {"station_id": station_id, **body}, token=token)
        except Exception as error:  # counted, and the first said
            failures += 1
            if failures == 1:
                say(f"a search failed: {error!r}")
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        answered.append(len(found[listed]))
    return latencies, answered, failures


ANCHORS = {"recipients": "SELECT recipient_id FROM recipient_search WHERE station_id = $1 AND digest = $2",
           "volunteers": "SELECT volunteer_id FROM volunteer_search_index WHERE station_id = $1 AND digest = $2"}


async def raw_lookups(dsn: str, station_id: str, digests: list[bytes],
                      whom: str = "recipients") -> tuple[list[float], str]:
    """The anchor: one indexed lookup of a digest, straight to PostgreSQL from this process (ms), and its plan."""
    conn = await asyncpg.connect(dsn)
    try:
        query = ANCHORS[whom]
        plan = await conn.fetch("EXPLAIN " + query, station_id, digests[0])
        latencies = []
        for digest in digests:
            started = time.perf_counter()
            await conn.fetch(query, station_id, digest)
            latencies.append((time.perf_counter() - started) * 1000)
        return latencies, plan[0][0].strip()
    finally:
        await conn.close()


def line(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.1f} | {percentile(values, 0.99):.1f} | {max(values, default=float('nan')):.1f}"


async def measured_searches(client: ServiceClient, token: str, station_id: str, picked: list[dict[str, Any]],
                            whom: str) -> dict[str, tuple[list[float], list[int], int]]:
    """The three kinds of search of the residents picked, after a warm-up, each kind's in turn."""
    kinds = {
        "name part (小红 of 叶小红; a two-character name whole)": [{"name": name_part(p["name"])} for p in picked],
        "ID number": [{"id_number": p["id_number"]} for p in picked],
        "phone": [{"phone": p["phone"]} for p in picked],
    }
    await searches(client, token, station_id, [{"name": p["name"]} for p in picked[:20]], whom)  # warm-up
    measured = {}
    for kind, asked in kinds.items():
        measured[kind] = await searches(client, token, station_id, asked, whom)
        say(f"{whom} by {kind}: p50 {percentile(measured[kind][0], 0.5):.1f} ms,"
            f" p99 {percentile(measured[kind][0], 0.99):.1f} ms")
    return measured


async def index_rows(dsn: str, table: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"ANALYZE {table}")
        return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await conn.close()


async def measure(stack: BenchStack, args: argparse.Namespace) -> dict[str, Any]:
    assert stack.postgres is not None
    facts = await machine.facts(stack.dsn("postgres"), stack.postgres.bin_dir, EmbeddedNats.binary())
    os.environ["HEMIAO_VAR_DIR"] = stack.env["HEMIAO_VAR_DIR"]  # the services' data key, made there at start
    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-search")
    try:
        client = ServiceClient(nc, stack.namespace, timeout=30.0)
        station_id = await open_station(client, issue_token(stack.secret, SYSTEM, ttl_seconds=3600))
        worker = Actor(subject="bench-worker", name="社工", role=Role.SOCIAL_WORKER, station_ids=(station_id,))
        token = issue_token(stack.secret, worker, ttl_seconds=3600)
        found: dict[str, Any] = {}
        for whom, count, seed, dsn, table, write_people, service in (
                ("recipients", args.recipients, 15, stack.dsn("hemiao_cases"), "recipient_search", load, "cases"),
                ("volunteers", args.volunteers, 16, stack.dsn("hemiao_activities"), "volunteer_search_index",
                 load_volunteers, "activities")):
            residents = people(count, seed)
            seconds = await write_people(dsn, station_id, residents, args.writers)
            say(f"{len(residents)} {whom} registered through the store in {seconds:.0f} s")
            rows = await index_rows(dsn, table)
            rng = random.Random(2260)
            picked = [rng.choice(residents) for _ in range(args.samples)]
            measured = await measured_searches(client, token, station_id, picked, whom)
            key = TermKey.for_service(data_key(), service)
            anchor, plan = await raw_lookups(dsn, station_id, [key.digest(id_number_term(p["id_number"]))
                                                               for p in picked], whom)
            found[whom] = {"count": len(residents), "load_seconds": seconds, "rows": rows, "measured": measured,
                           "anchor": anchor, "plan": plan}
        return {"facts": facts, "people": found, "samples": args.samples, "writers": args.writers,
                "load_at_end": ", ".join(f"{v:.2f}" for v in os.getloadavg())}
    finally:
        await nc.close()


def _table(result: dict[str, Any]) -> str:
    rows = "\n".join(
        f"| {kind} | {len(latencies)} | {failures} | {line(latencies)} | "
        f"{sum(answered) / max(len(answered), 1):.1f} |"
        for kind, (latencies, answered, failures) in result["measured"].items())
    return f"""| search | answers | failures | p50 | p99 | max | matches per answer |
| --- | --- | --- | --- | --- | --- | --- |
{rows}
| anchor: raw PostgreSQL indexed lookup | {len(result['anchor'])} | 0 | {line(result['anchor'])} | – |

The anchor's plan: `{result['plan']}`."""


def write(result: dict[str, Any], started: datetime) -> None:
    facts = "\n".join(f"- **{k}**: {v}" for k, v in result["facts"].items())
    recipients, volunteers = result["people"]["recipients"], result["people"]["volunteers"]
    worst = max(percentile(latencies, 0.99) for found in (recipients, volunteers)
                for latencies, _, _ in found["measured"].values())
    RESULTS.write_text(f"""# hemiao search bench results

Run at {started:%Y-%m-%d %H:%M:%S} UTC by `make bench-search` (`python -m bench.search`); every number is measured
in that run, none is typed in.

## Machine

{facts}
- **Load average at the end (1, 5, 15 min)**: {result['load_at_end']}

## Method

The bench starts its own embedded PostgreSQL and nats-server and the four processes, as `make run` does, and
opens a station through the activities service.

**Recipients.** It registers {recipients['count']:,} generated residents at the station (common surnames and
given names, so names repeat; each with a valid ID number, a phone and consent) in bulk through the cases
service's own `register_recipient` handler, decider and PostgreSQL event store from the bench process
({result['writers']} writers, {recipients['load_seconds']:.0f} s), the keyed index kept by the store in each
append as in the running service: {recipients['rows']:,} index rows (digests only).

**Volunteers.** Then {volunteers['count']:,} other generated residents as volunteers of the same station,
through the activities service's own `register_volunteer` handler (which looks up each one's likely duplicates
in the index first), decider and store ({volunteers['load_seconds']:.0f} s): {volunteers['rows']:,} rows of
`volunteer_search_index`.

For each, one social worker of the station asks `find_recipients` (`find_volunteers`) over NATS, one search
after another, {result['samples']} times for each kind, for people picked at random: results are answered
masked, and every search, found or not, appends its audit event (RecipientsSearched, VolunteersSearched) before
it answers, so each search here is also a write. The anchor, in the same run: the same number of indexed lookups
of one ID number digest straight to PostgreSQL from the bench process (no NATS, no opening of records, no audit).

## Recipients: a station of {recipients['count']:,} (ms)

{_table(recipients)}

## Volunteers: a station of {volunteers['count']:,} (ms)

{_table(volunteers)}

Target: p99 under 200 ms. Worst p99 of the six: {worst:.1f} ms ({"met" if worst < 200 else "NOT met"}).
A name part answers at most 20 (a one-character given name matches many); each answer opens every record it
confirms (one stream read and one key unwrap each) and appends one audit event.
""")


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = datetime.now(UTC)
    stack = BenchStack()
    say(f"working in {stack.root}")
    try:
        stack.start_servers()
        stack.start_services()
        result = asyncio.run(measure(stack, args))
    finally:
        stack.stop()
    write(result, started)
    say(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
