"""The rules that once folded every stream of a type (opening a station, awarding a contract, staff moving or
leaving, transferring a worker's cases) decide from lookup tables kept in each append's transaction: they decide as
before, load only the streams that can matter (so their cost does not grow with unrelated stations), rebuild to
what was kept live, and fill at start-up on an installation whose events are older than the tables."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import asyncpg
import pytest

from services.activities.adapters.lookups import TABLES, ActivityLookups
from services.activities.application.handlers import ROUTES as ACTIVITIES_SCANNING
from services.activities.application.handlers import routes as activities_routes
from services.activities.domain.commands import (
    AddCommunity,
    AwardContract,
    ChangeGroupLeaders,
    CloseGroup,
    CloseStation,
    JoinStaff,
    OpenStation,
    PlanGroup,
    RegisterOperator,
    RegisterStreet,
    StaffLeaves,
)
from services.activities.domain.errors import AlreadyExists, ContractOverlaps, OpenWorkRemains
from services.activities.entrypoints import commands as activities_commands
from services.activities.entrypoints import service as activities_service
from services.cases.adapters.lookups import TABLES as CASE_TABLES
from services.cases.adapters.lookups import CaseLookups
from services.cases.application import imports
from services.cases.application.handlers import ROUTES as CASES_SCANNING
from services.cases.domain.commands import TransferCase, TransferWorkerCases
from services.cases.entrypoints import commands as cases_commands
from services.cases.entrypoints import service as cases_service
from shared.application import CommandHandler, Unit
from shared.china import china_today
from shared.contracts import Actor, Role
from shared.contracts.activities import GroupType, StaffRole
from shared.contracts.imports import ImportKind, ImportMode, ImportStarted
from shared.eventstore import EventMetadata, EventStore, StreamAppend
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import CONSUMER_MIGRATIONS, EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import RequestContext
from tests.support import DATA_KEY, Servers, settings_for
from tests.unit.cases.given import HEAD, OTHER_STATION, STATION, STRANGER, open_case, register

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

TODAY = china_today()
BUREAU = Actor(subject="b-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))


def head_of(station_id: str) -> Actor:
    return Actor(subject=f"head-{station_id}", name="站长", role=Role.STATION_HEAD, station_ids=(station_id,))


def worker_of(station_id: str) -> Actor:
    return Actor(subject=f"sw-{station_id}", name="社工", role=Role.SOCIAL_WORKER, station_ids=(station_id,))


class Counting:
    """A store that notes every stream a rule reads: any call naming stream ids (a stream, its snapshot, several
    at once), however the load reads them; appends are not reads."""

    NOT_READS = frozenset({"append", "append_all", "keep", "stream_ids", "idempotent_result", "claimants",
                           "keyed_digest", "search_key"})

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self.streams: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if name in self.NOT_READS or name.startswith("_") or not callable(found):
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            first = args[0] if args else next(iter(kwargs.values()), None)
            named = [first] if isinstance(first, str) else list(first) if isinstance(first, list | tuple) else []
            self.streams.update(s for s in named if isinstance(s, str) and "-" in s)
            return found(*args, **kwargs)

        return counted


@dataclass
class Service:
    pool: asyncpg.Pool
    store: PostgresEventStore
    handlers: dict[type, CommandHandler]

    async def run(self, command: Any, store: EventStore | Counting | None = None) -> dict[str, Any]:
        unit = Unit(store=cast(EventStore, store or self.store),
                    request=RequestContext(actor=command.actor, correlation_id="t"), fingerprint="")
        return (await self.handlers[type(command)](command, unit)).result


@pytest.fixture
async def databases(servers: Servers, namespace: str) -> AsyncIterator[Callable[[str], Any]]:
    pools: list[asyncpg.Pool] = []

    async def pool_of(service: str) -> asyncpg.Pool:
        dsn = servers.postgres.dsn(f"{namespace}_{service}")
        migrations = activities_service.MIGRATIONS if service == "activities" else cases_service.MIGRATIONS
        await migrate(dsn, [EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS, migrations])
        pools.append(await asyncpg.create_pool(dsn, min_size=1, max_size=4))
        return pools[-1]

    try:
        yield pool_of
    finally:
        for pool in pools:
            await pool.close()


def activities(pool: asyncpg.Pool) -> Service:
    """The activities service's commands as it runs them (its endpoints wire the same): the lookups kept by its
    store and read by the rules."""
    store = PostgresEventStore(pool, DATA_KEY)
    return Service(pool, store, activities_handlers(store, pool))


def activities_handlers(store: PostgresEventStore, pool: asyncpg.Pool) -> dict[type, CommandHandler]:
    lookups = ActivityLookups(pool)
    store.keep("lookups", lookups)
    return activities_routes(NoOpenCases(), NoRecipients(), NoneOnRecord(), lookups)


class NoOpenCases:
    async def open_cases(self, worker_id: str, station_ids: tuple[str, ...]) -> list[tuple[str, str, int | None, int]]:
        return []


class NoRecipients:
    async def recipient(self, recipient_id: str) -> None:
        return None


class NoneOnRecord:
    async def like(self, store: EventStore, station_id: str, new: Any) -> list[Any]:
        return []


async def lookup_rows(pool: asyncpg.Pool) -> dict[str, list[tuple[Any, ...]]]:
    return {table: [tuple(row) for row in await pool.fetch(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in [*TABLES, *CASE_TABLES] if await pool.fetchval("SELECT to_regclass($1)", table)}


def code_of(prefix: str, n: int) -> str:
    """A station code (capital letters only) for a number: ("S", 12) is SABC."""
    return prefix + "".join(chr(ord("A") + int(digit)) for digit in f"{n:03d}")


def street(street_id: str) -> RegisterStreet:
    return RegisterStreet(actor=BUREAU, today=TODAY, street_id=street_id, name=f"{street_id}街道", district="天心区")


def station(station_id: str, street_id: str, code: str) -> OpenStation:
    return OpenStation(actor=BUREAU, today=TODAY, station_id=station_id, street_id=street_id, name=f"{code}社工站",
                       code=code, opened_on=date(2019, 1, 15))


def contract(operator_id: str, contract_id: str, *street_ids: str, years: tuple[int, int] = (2020, 2021)
             ) -> AwardContract:
    return AwardContract(actor=BUREAU, today=TODAY, operator_id=operator_id, contract_id=contract_id,
                         street_ids=street_ids, starts_on=date(years[0], 1, 1), ends_on=date(years[1], 12, 31))


def join(staff_id: str, station_id: str) -> JoinStaff:
    return JoinStaff(actor=head_of(station_id), today=TODAY, staff_id=staff_id, name="王社工",
                     role=StaffRole.SOCIAL_WORKER, station_ids=(station_id,), joined_on=date(2019, 2, 1))


def group(group_id: str, station_id: str, *leader_ids: str) -> PlanGroup:
    return PlanGroup(actor=worker_of(station_id), today=TODAY, group_id=group_id, station_id=station_id,
                     name=f"小组{group_id}", type=GroupType.GROWTH, target_population="留守儿童", community="一力社区",
                     community_id=f"c-{station_id}", leader_ids=leader_ids, planned_sessions=6, project_id=None)


def leaves(staff_id: str, station_id: str) -> StaffLeaves:
    return StaffLeaves(actor=head_of(station_id), today=TODAY, staff_id=staff_id, left_on=TODAY, reason="合同期满")


async def a_station_with_a_group(service: Service, n: int) -> None:
    """Station s-n on its own street, with a worker leading an open group: work unrelated to any other."""
    await service.run(street(f"st-{n}"))
    await service.run(AddCommunity(actor=BUREAU, today=TODAY, street_id=f"st-{n}", community_id=f"c-s-{n}",
                                   name="一力社区"))
    await service.run(station(f"s-{n}", f"st-{n}", code_of("S", n)))
    await service.run(join(f"sw-{n}", f"s-{n}"))
    await service.run(group(f"g-{n}", f"s-{n}", f"sw-{n}"))


async def test_the_rules_decide_from_the_lookups_as_they_did_from_every_stream_and_rebuild_to_them(
        databases: Callable[[str], Any], servers: Servers, namespace: str) -> None:
    service = activities(await databases("activities"))
    for n in (1, 2, 3):
        await service.run(street(f"st-{n}"))
    await service.run(station("s-1", "st-1", "HSP"))

    with pytest.raises(AlreadyExists) as same_street:
        await service.run(station("s-2", "st-1", "WY"))
    with pytest.raises(AlreadyExists) as same_code:
        await service.run(station("s-2", "st-2", "HSP"))
    assert (same_street.value.field, same_code.value.field) == ("streetId", "code")
    await service.run(station("s-2", "st-2", "WY"))
    await service.run(CloseStation(actor=BUREAU, today=TODAY, station_id="s-1", closed_on=TODAY, reason="街道合并"))
    with pytest.raises(AlreadyExists):  # a closed station's code stays its own
        await service.run(station("s-3", "st-1", "HSP"))
    await service.run(station("s-3", "st-1", "DT"))  # its street is free again

    for operator in ("o-1", "o-2"):
        await service.run(RegisterOperator(actor=BUREAU, today=TODAY, operator_id=operator, name=f"{operator}社工"))
    await service.run(contract("o-1", "k-1", "st-1"))
    with pytest.raises(ContractOverlaps) as overlapping:
        await service.run(contract("o-2", "k-2", "st-2", "st-1"))
    assert "k-1" in overlapping.value.message.en
    with pytest.raises(AlreadyExists) as same_id:
        await service.run(contract("o-2", "k-1", "st-3"))
    assert same_id.value.field == "contractId"
    await service.run(contract("o-2", "k-2", "st-2", "st-1", years=(2022, 2023)))

    await service.run(AddCommunity(actor=BUREAU, today=TODAY, street_id="st-2", community_id="c-s-2", name="一力社区"))
    for staff_id in ("sw-1", "sw-2"):
        await service.run(join(staff_id, "s-2"))
    await service.run(group("g-1", "s-2", "sw-1"))
    await service.run(group("g-2", "s-2", "sw-1", "sw-2"))
    await service.run(ChangeGroupLeaders(actor=worker_of("s-2"), today=TODAY, group_id="g-2", leader_ids=("sw-2",)))
    with pytest.raises(OpenWorkRemains) as open_work:
        await service.run(leaves("sw-1", "s-2"))
    assert (open_work.value.cases, open_work.value.groups) == ([], ["小组g-1"])
    await service.run(CloseGroup(actor=worker_of("s-2"), today=TODAY, group_id="g-1", closed_on=TODAY,
                                 summary="六节完成"))
    await service.run(leaves("sw-1", "s-2"))

    kept = await lookup_rows(service.pool)
    assert kept["station_lookup"] == [("s-1", "st-1", "HSP", True), ("s-2", "st-2", "WY", False),
                                      ("s-3", "st-1", "DT", False)]
    assert kept["contract_lookup"] == [("o-1", "k-1", ["st-1"]), ("o-2", "k-2", ["st-2", "st-1"])]
    assert kept["group_lookup"] == [("g-1", "s-2", ["sw-1"], False), ("g-2", "s-2", ["sw-2"], True)]

    rebuilt = await activities_commands.reindex(settings_for(servers, namespace, "activities"))

    assert await lookup_rows(service.pool) == kept
    assert rebuilt == {"search_rows": 0, "station_lookup_rows": 3, "contract_lookup_rows": 2, "group_lookup_rows": 2}


async def test_opening_a_station_and_staff_leaving_load_as_many_streams_however_many_stations_there_are(
        databases: Callable[[str], Any]) -> None:
    service = activities(await databases("activities"))
    loaded: dict[int, tuple[int, int]] = {}
    for stations in (2, 12):
        while len(await service.store.stream_ids("station")) < stations:
            await a_station_with_a_group(service, len(await service.store.stream_ids("station")) + 1)
        opening, leaving = Counting(service.store), Counting(service.store)
        await service.run(street(f"new-{stations}"))
        await service.run(station(f"new-{stations}", f"new-{stations}", code_of("N", stations)), opening)
        with pytest.raises(OpenWorkRemains):
            await service.run(leaves("sw-1", "s-1"), leaving)
        loaded[stations] = (len(opening.streams), len(leaving.streams))

    assert loaded[2] == loaded[12]
    assert loaded[12] == (2, 3)  # the street and the new station; the staff member, the station and their group

    scanning = Service(service.pool, service.store, ACTIVITIES_SCANNING)  # the rule as it was: every station
    counted = Counting(service.store)
    await service.run(street("new-scan"))
    await scanning.run(station("new-scan", "new-scan", "NSCAN"), counted)
    assert len(counted.streams) > 12


async def test_a_leaving_workers_cases_are_found_by_the_table_and_it_rebuilds_to_what_was_kept(
        databases: Callable[[str], Any], servers: Servers, namespace: str) -> None:
    pool = await databases("cases")
    store = PostgresEventStore(pool, DATA_KEY)
    service = Service(pool, store, _cases_handlers(store, pool))
    await service.run(register(recipient_id="r-1"))
    await service.run(register(actor=STRANGER, station_id=OTHER_STATION, recipient_id="r-3"))
    for case_id in ("c-1", "c-2", "c-4"):
        await service.run(open_case(case_id=case_id, recipient_id="r-1"))
    await service.run(open_case(actor=STRANGER, case_id="c-3", recipient_id="r-3"))  # sw-1 too, elsewhere
    await service.run(TransferCase(actor=HEAD, today=TODAY, case_id="c-2", to_worker_id="sw-2"))

    for import_id, station_id in (("i-1", STATION), ("i-2", OTHER_STATION), ("i-3", STATION)):
        await store.append_all([StreamAppend(stream_id=f"import-{import_id}", stream_type="import",
                                             expected_version=0, events=[started(import_id, station_id)])],
                               EventMetadata(actor={}, correlation_id="t"), result={})
    listed = await imports.station_imports(store, {"station_id": STATION}, RequestContext(actor=HEAD,
                                           correlation_id="t"), imports_at=CaseLookups(pool))
    assert [i["import_id"] for i in listed["imports"]] == ["i-3", "i-1"]  # newest first, this station's only
    assert listed == await imports.station_imports(store, {"station_id": STATION},  # as the scan answers
                                                   RequestContext(actor=HEAD, correlation_id="t"))

    counted = Counting(store)
    moved = await service.run(TransferWorkerCases(actor=HEAD, today=TODAY, station_id=STATION,
                                                  from_worker_id="sw-1", to_worker_id="sw-3"), counted)

    assert moved == {"transferred_case_ids": ["c-1", "c-4"]}  # in the order they were opened
    assert {s for s in counted.streams if s.startswith("case-")} == {"case-c-1", "case-c-4"}
    kept_imports = (await lookup_rows(pool))["import_lookup"]
    kept = (await lookup_rows(pool))["case_workers"]
    assert kept == [("c-1", STATION, "sw-3", True), ("c-2", STATION, "sw-2", True),
                    ("c-3", OTHER_STATION, "sw-1", True), ("c-4", STATION, "sw-3", True)]

    rebuilt = await cases_commands.reindex(settings_for(servers, namespace, "cases"))

    assert (await lookup_rows(pool))["case_workers"] == kept
    assert (await lookup_rows(pool))["import_lookup"] == kept_imports
    assert (rebuilt["case_workers_rows"], rebuilt["import_lookup_rows"]) == (4, 3)


def started(import_id: str, station_id: str) -> ImportStarted:
    return ImportStarted(import_id=import_id, station_id=station_id, kind=ImportKind.ROSTER,
                         mode=ImportMode.ALL_OR_NOTHING, file_sha256="0" * 64, row_count=1, to_apply=1, skipped=0,
                         categories=(), started_by="head-1", started_on=TODAY)


def _cases_handlers(store: PostgresEventStore, pool: asyncpg.Pool) -> dict[type, CommandHandler]:
    """The cases service's commands as it runs them (its endpoints keep the table with the store)."""
    from services.cases.application.handlers import NoStations, routes, transferring

    lookups = CaseLookups(pool)
    store.keep("lookups", lookups)
    return {**routes(NoStations()), TransferWorkerCases: transferring(lookups)}


async def test_a_service_starting_on_events_older_than_its_lookups_fills_them_before_taking_commands(
        databases: Callable[[str], Any], servers: Servers, namespace: str) -> None:
    activities_pool, cases_pool = await databases("activities"), await databases("cases")
    old_activities = Service(activities_pool, PostgresEventStore(activities_pool, DATA_KEY), ACTIVITIES_SCANNING)
    old_cases = Service(cases_pool, PostgresEventStore(cases_pool, DATA_KEY), CASES_SCANNING)
    for n in (1, 2):  # written as a release before the lookups wrote them: events, no rows
        await a_station_with_a_group(old_activities, n)
    await old_activities.run(RegisterOperator(actor=BUREAU, today=TODAY, operator_id="o-1", name="社工机构"))
    await old_activities.run(contract("o-1", "k-1", "st-1", "st-2"))
    await old_cases.run(register(recipient_id="r-1"))
    await old_cases.run(open_case(case_id="c-1", recipient_id="r-1"))
    assert await lookup_rows(activities_pool) == {table: [] for table in TABLES}
    assert await lookup_rows(cases_pool) == {"case_workers": [], "import_lookup": []}

    filled = await activities_service.filled(settings_for(servers, namespace, "activities"))
    cases_filled = await cases_service.filled(settings_for(servers, namespace, "cases"))

    assert filled == {"station_lookup": 2, "contract_lookup": 1, "group_lookup": 2}
    assert cases_filled == {"case_workers": 1}
    assert (await lookup_rows(cases_pool))["case_workers"] == [("c-1", STATION, "sw-1", True)]
    rows = await lookup_rows(activities_pool)
    assert rows["station_lookup"] == [("s-1", "st-1", "SAAB", False), ("s-2", "st-2", "SAAC", False)]
    service = activities(activities_pool)  # and the rules read them at once
    await service.run(street("st-9"))
    with pytest.raises(AlreadyExists) as taken:
        await service.run(station("s-9", "st-9", "SAAC"))
    assert taken.value.field == "code"
    with pytest.raises(OpenWorkRemains):
        await service.run(leaves("sw-1", "s-1"))
    assert await activities_service.filled(settings_for(servers, namespace, "activities")) == {}  # once only
    assert await cases_service.filled(settings_for(servers, namespace, "cases")) == {}
