"""Imports applied in the cases service: each roster row as the recipient's own command, in batches, resumable.

A row's person is found by ID number (the keyed hash the store claims unique values by); found at the station,
their categories are reconciled with the roster (`imports.reconciled`), and a row that changes nothing appends
nothing; not found, they are registered, with a recipient id derived from the import and the number, so that a
retried row registers no one twice. Every row's command carries an idempotency key of the import id and that
keyed hash: a batch retried after a crash (its rows applied, its ImportBatchApplied not) replays them.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid
from dataclasses import replace
from typing import Any, Protocol

from services.cases.application.handlers import RECIPIENT, Stations, recipient_stream
from services.cases.domain import imports, recipient
from services.cases.domain.commands import RegisterRecipient, UpdateRecipient
from services.cases.domain.errors import IdNumberAtOtherStation
from services.cases.domain.imports import ApplyImportRows, FinishImport, Import, RosterRow, StartImport, Tally
from services.cases.domain.stations import FollowedStation
from shared.application import (
    CONFLICT_ATTEMPTS,
    MAX_BACKOFF_SECONDS,
    CommandConflict,
    CommandHandler,
    Decider,
    Unit,
    execute,
    load,
)
from shared.contracts.cases import CategoryMembership
from shared.contracts.errors import DomainError
from shared.contracts.imports import RowRefused
from shared.eventstore import AppendResult, ConcurrencyConflict, EventStore, StreamAppend, ValueAlreadyRegistered
from shared.rules import require_station
from shared.runtime import RequestContext

IMPORT = Decider(stream_type="import", initial_state=imports.INITIAL, evolve=imports.evolve)
_IDS = uuid.UUID("0f1d6c1e-4b8a-4f55-9a53-3f0c2b7e9d10")
"""The namespace of the recipient ids an import gives (uuid5 of the import id and the number's keyed hash)."""


def import_stream(import_id: str) -> str:
    return f"import-{import_id}"


def _row_unit(unit: Unit, import_id: str, what: str) -> Unit:
    key = f"import-{import_id}-{what}"[:128]
    return replace(unit, request=replace(unit.request, idempotency_key=key),
                   fingerprint=hashlib.sha256(key.encode()).hexdigest())


async def start_import(command: StartImport, unit: Unit) -> AppendResult:
    return await execute(unit, IMPORT, import_stream(command.import_id), lambda state: imports.start(command, state),
                         {"import_id": command.import_id})


class ImportsAt(Protocol):
    """A station's import streams, oldest first: the running service's from a table kept with each append
    (services/cases/adapters/lookups.py). It may answer other stations' too (each is checked), never fewer."""

    async def imports_at(self, store: EventStore, station_id: str) -> list[str]: ...


class EveryImport:
    """Every import stream: a scan, for a store without the table (the in-memory one)."""

    async def imports_at(self, store: EventStore, station_id: str) -> list[str]:
        return await store.stream_ids(IMPORT.stream_type)


EVERY_IMPORT: ImportsAt = EveryImport()


def import_routes(stations: Stations, imports_at: ImportsAt = EVERY_IMPORT) -> dict[type, CommandHandler]:
    """The import's commands; a row's registration looks up the station as registering does, finishing a roster
    the station's earlier imports (`imports_at`)."""

    async def apply_import_rows(command: ApplyImportRows, unit: Unit) -> AppendResult:
        """The batch's rows and its ImportBatchApplied in one transaction (a crash leaves none of it); should
        someone else take one of its ID numbers meanwhile, the rows are applied one by one instead."""
        stream = import_stream(command.import_id)
        for attempt in range(CONFLICT_ATTEMPTS):
            state, version = await load(unit.store, IMPORT, stream)
            if imports.already_applied(command, state):
                return AppendResult(stream_id=stream, version=version, result=_progress(command.import_id, state))
            station = await stations.station(state.station_id)
            appends, tally, problems = await _decide_rows(command, state, station, unit.store)
            appends.append(StreamAppend(stream_id=stream, stream_type=IMPORT.stream_type, expected_version=version,
                                        events=imports.batch_applied(command, state, tally)))
            try:
                done = await unit.store.append_all(appends, unit.metadata(), result={"import_id": command.import_id})
            except ConcurrencyConflict:
                await asyncio.sleep(random.uniform(0, min(0.005 * 2**attempt, MAX_BACKOFF_SECONDS)))
                continue
            except ValueAlreadyRegistered:
                return await one_by_one(command, unit)
            after = IMPORT.fold([*(e.payload for e in await unit.store.read_stream(stream))])
            return replace(done, result={**_progress(command.import_id, after), "problems": problems})
        raise CommandConflict(stream)

    async def one_by_one(command: ApplyImportRows, unit: Unit) -> AppendResult:
        """Each row as its own command, with its own idempotency key; then the batch's ImportBatchApplied."""
        stream = import_stream(command.import_id)
        state, _ = await load(unit.store, IMPORT, stream)
        station = await stations.station(state.station_id)
        tally, problems = Tally(), []
        for row in command.rows:
            try:
                outcome, recipient_id = await apply_row(row, command, state, station, unit)
            except DomainError as refused:
                tally, problem = _refused(tally, row, refused)
                problems.append(problem)
                continue
            tally = _counted(tally, outcome, recipient_id)
        done = await execute(unit, IMPORT, stream, lambda s: imports.batch_applied(command, s, tally),
                             {"import_id": command.import_id})
        after, _ = await load(unit.store, IMPORT, stream)
        return replace(done, result={**_progress(command.import_id, after), "problems": problems})

    async def finish_import(command: FinishImport, unit: Unit) -> AppendResult:
        stream = import_stream(command.import_id)
        state, _ = await load(unit.store, IMPORT, stream)
        ended = 0
        if imports.require_finishable(command, state) and imports.ends_categories(state):
            ended = await _end_leavers(command, state, unit, imports_at)
        done = await execute(unit, IMPORT, stream, lambda s: imports.finish(command, s, ended),
                             {"import_id": command.import_id})
        after, _ = await load(unit.store, IMPORT, stream)
        return replace(done, result=_progress(command.import_id, after))

    return {StartImport: start_import, ApplyImportRows: apply_import_rows, FinishImport: finish_import}


def _new_recipient_id(store: EventStore, import_id: str, id_number: str) -> str:
    return str(uuid.uuid5(_IDS, f"{import_id}:{store.keyed_digest('id_number', id_number)}"))


def _registration(command: ApplyImportRows, row: RosterRow, recipient_id: str, station_id: str) -> RegisterRecipient:
    return RegisterRecipient(
        actor=command.actor, today=command.today, recipient_id=recipient_id, station_id=station_id, name=row.name,
        gender=row.gender, community=row.community, birth_date=row.birth_date,
        categories=tuple(CategoryMembership(category=c.category, valid_from=c.valid_from,
                                            source=imports.ROSTER_SOURCE) for c in row.categories),
        id_number=row.id_number, phone=row.phone, address=row.address, consent_given_on=command.today,
        consent_purpose=imports.ROSTER_BASIS)


def _decided(command: ApplyImportRows, row: RosterRow, state: Import, station: FollowedStation | None,
             recipient_id: str, person: recipient.Recipient, found: bool) -> tuple[str, list[object]]:
    """What the row comes to for the person (registered, updated, unchanged), by the recipient's own deciders."""
    if not found:
        return "registered", recipient.register_at(_registration(command, row, recipient_id, state.station_id),
                                                   station, person)
    if person.station_id != state.station_id:
        raise IdNumberAtOtherStation()
    categories = imports.reconciled(person.memberships, row.categories, state.categories)
    if categories is None:
        return "unchanged", []
    return "updated", recipient.update(UpdateRecipient(actor=command.actor, today=command.today,
                                                       recipient_id=recipient_id, categories=categories), person)


async def _decide_rows(command: ApplyImportRows, state: Import, station: FollowedStation | None,
                       store: EventStore) -> tuple[list[StreamAppend], Tally, list[dict[str, Any]]]:
    """Every row of the batch decided against its person's state, read at once: the appends, the tally and the
    refused rows' problems."""
    owners = await store.claimants("id_number", [row.id_number for row in command.rows])
    ids = {row.row: owners.get(row.id_number) or _new_recipient_id(store, command.import_id, row.id_number)
           for row in command.rows}
    histories = await store.read_streams([recipient_stream(i) for i in ids.values()])
    appends: list[StreamAppend] = []
    tally, problems = Tally(), []
    for row in command.rows:
        history = histories[recipient_stream(ids[row.row])]
        try:
            outcome, events = _decided(command, row, state, station, ids[row.row],
                                       RECIPIENT.fold([e.payload for e in history]), row.id_number in owners)
        except DomainError as refused:
            tally, problem = _refused(tally, row, refused)
            problems.append(problem)
            continue
        if events:
            appends.append(StreamAppend(stream_id=recipient_stream(ids[row.row]), stream_type=RECIPIENT.stream_type,
                                        expected_version=len(history), events=events))
        tally = _counted(tally, outcome, ids[row.row])
    return appends, tally, problems


def _refused(tally: Tally, row: RosterRow, refused: DomainError) -> tuple[Tally, dict[str, Any]]:
    return (replace(tally, refused=(*tally.refused, RowRefused(row=row.row, code=refused.code, field=refused.field))),
            {"row": row.row, **refused.as_dict()})


def _counted(tally: Tally, outcome: str, recipient_id: str) -> Tally:
    return replace(tally, recipient_ids=(*tally.recipient_ids, recipient_id), **{outcome: getattr(tally, outcome) + 1})


async def apply_row(row: RosterRow, command: ApplyImportRows, state: Import, station: FollowedStation | None,
                    unit: Unit) -> tuple[str, str]:
    """One row as its own command, its idempotency key the import id and the number's keyed hash: the row's
    outcome and the recipient it is."""
    each = _row_unit(unit, command.import_id, unit.store.keyed_digest("id_number", row.id_number)[:48])
    owner = (await unit.store.claimants("id_number", [row.id_number])).get(row.id_number)
    recipient_id = owner or _new_recipient_id(unit.store, command.import_id, row.id_number)
    outcome = "unchanged"

    def decide(person: recipient.Recipient) -> list[object]:
        nonlocal outcome
        outcome, events = _decided(command, row, state, station, recipient_id, person, owner is not None)
        return events

    done = await execute(each, RECIPIENT, recipient_stream(recipient_id), decide, {"recipient_id": recipient_id})
    return (outcome if not done.replayed else "updated" if owner else "registered"), recipient_id


async def _update_categories(unit: Unit, command: ApplyImportRows | FinishImport, recipient_id: str,
                             categories: tuple[CategoryMembership, ...]) -> AppendResult:
    update = UpdateRecipient(actor=command.actor, today=command.today, recipient_id=recipient_id,
                             categories=categories)
    return await execute(unit, RECIPIENT, recipient_stream(recipient_id), lambda s: recipient.update(update, s),
                         {"recipient_id": recipient_id, "outcome": "updated"})


async def _end_leavers(command: FinishImport, state: Import, unit: Unit, imports_at: ImportsAt) -> int:
    """The people of the station's earlier rosters of these categories who are not on this one: their
    civil-affairs categories of the roster's end."""
    earlier: set[str] = set()
    for stream_id in await imports_at.imports_at(unit.store, state.station_id):
        other, _ = await load(unit.store, IMPORT, stream_id)
        if (stream_id != import_stream(command.import_id) and other.finished and other.station_id == state.station_id
                and set(other.categories) & set(state.categories)):
            earlier |= other.recipient_ids
    ended = 0
    for recipient_id in sorted(earlier - state.recipient_ids):
        person, _ = await load(unit.store, RECIPIENT, recipient_stream(recipient_id))
        if person.erased or person.merged_into is not None or person.station_id != state.station_id:
            continue
        categories = imports.reconciled(person.memberships, (), state.categories)
        if categories is not None:
            await _update_categories(_row_unit(unit, command.import_id, f"end-{recipient_id}"), command,
                                     recipient_id, categories)
            ended += 1
    return ended


def _progress(import_id: str, state: Import) -> dict[str, Any]:
    """What an import's status shows: no personal data, only counts and refused rows' numbers and codes."""
    return {"import_id": import_id, "station_id": state.station_id, "kind": str(state.kind), "mode": str(state.mode),
            "file_sha256": state.file_sha256, "row_count": state.row_count, "to_apply": state.to_apply,
            "skipped": state.skipped, "rows_done": state.rows_done, "registered": state.registered,
            "updated": state.updated, "unchanged": state.unchanged, "ended": state.ended,
            "refused": [{"row": r.row, "code": r.code, "field": r.field} for r in state.refused],
            "status": "finished" if state.finished else "in_progress"}


async def import_status(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """One import's progress, for a caller of its station."""
    import_id = str(body["import_id"])
    state, _ = await load(store, IMPORT, import_stream(import_id))
    imports.require_found(import_id, state, request.actor)
    return _progress(import_id, state)


async def station_imports(store: EventStore, body: dict[str, Any], request: RequestContext,
                          imports_at: ImportsAt = EVERY_IMPORT) -> dict[str, Any]:
    """A station's imports, newest first, finished or not."""
    station_id = str(body["station_id"])
    require_station(request.actor, station_id)
    found = []
    for stream_id in reversed(await imports_at.imports_at(store, station_id)):
        state, _ = await load(store, IMPORT, stream_id)
        if state.station_id == station_id:
            found.append(_progress(stream_id.removeprefix("import-"), state))
    return {"imports": found}
