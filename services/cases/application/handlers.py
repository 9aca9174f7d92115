"""Command handlers of the cases service: load, one domain call, append."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from services.cases.domain import case, recipient
from services.cases.domain.commands import (
    AcknowledgeUrgentRisk,
    ApproveCaseClosing,
    ApproveServicePlan,
    AssessCase,
    DraftServicePlan,
    EraseRecipient,
    EvaluateCase,
    MergeRecipients,
    OpenCase,
    RecordCaseSession,
    RecordReferralFeedback,
    ReferCase,
    RegisterRecipient,
    ReopenCase,
    RequestCaseClosing,
    ReturnCaseClosing,
    ReturnServicePlan,
    SubmitServicePlan,
    TransferCase,
    TransferWorkerCases,
    UpdateRecipient,
)
from services.cases.domain.stations import FollowedStation
from shared.application import (
    CONFLICT_ATTEMPTS,
    CommandConflict,
    CommandHandler,
    Decider,
    Unit,
    execute,
    execute_across,
    execute_telling,
    load,
)
from shared.contracts.cases import ServicePlanDrafted
from shared.eventstore import AppendResult, EventStore
from shared.runtime import RequestContext

RECIPIENT = Decider(stream_type="recipient", initial_state=recipient.INITIAL, evolve=recipient.evolve)
CASE = Decider(stream_type="case", initial_state=case.INITIAL, evolve=case.evolve)
CASE_REGISTER = Decider(stream_type="case_register", initial_state=0, evolve=lambda numbered, _: numbered + 1,
                        hot=True)
"""A station's case register for a year: its state is how many numbers it has given. Hot: every opening at the
station writes it, so openings in one process queue for it (shared.application.Decider.hot)."""


def recipient_stream(recipient_id: str) -> str:
    return f"recipient-{recipient_id}"


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


class Stations(Protocol):
    """The activities service's stations, as this service follows them (a moment behind)."""

    async def station(self, station_id: str) -> FollowedStation | None:
        """The station, or None if this service has not heard of it."""

    async def communities(self, station_id: str) -> list[dict[str, str | None]]:
        """The communities of the station's street (`community_id`, `name`, `division_code`); none if unknown."""


class NoStations:
    """Knows of no station: the cases service run alone (as some tests run it) refuses no intake for its station,
    and keeps a community as the text it was given."""

    async def station(self, station_id: str) -> FollowedStation | None:
        return None

    async def communities(self, station_id: str) -> list[dict[str, str | None]]:
        return []


class IntakeHints(Protocol):
    """What intake warns of, from this service's search index (application.search)."""

    async def potential_matches(self, command: RegisterRecipient, request: RequestContext) -> list[dict[str, Any]]:
        """The station's records the new one probably duplicates, likeliest first."""

    async def open_case_warnings(self, recipient_id: str) -> list[dict[str, Any]]:
        """A warning for each case of the recipient still open."""


class NoHints:
    """Warns of nothing: a store without the search index (the in-memory one)."""

    async def potential_matches(self, command: RegisterRecipient, request: RequestContext) -> list[dict[str, Any]]:
        return []

    async def open_case_warnings(self, recipient_id: str) -> list[dict[str, Any]]:
        return []


async def merge_recipients(command: MergeRecipients, unit: Unit) -> AppendResult:
    """The duplicate's stream and the survivor's, in one transaction; the survivor's is the one to wait on."""
    return await execute_across(
        unit, [(RECIPIENT, recipient_stream(command.duplicate_id)),
               (RECIPIENT, recipient_stream(command.recipient_id))],
        lambda states: recipient.merge(command, states[1], states[0]),
        {"recipient_id": command.recipient_id, "duplicate_id": command.duplicate_id})


def intake_routes(stations: Stations, hints: IntakeHints | None = None) -> dict[type, CommandHandler]:
    """Registering a recipient and opening a case look up their station, as this service follows it. Both still
    succeed when they warn: registering answers the records it probably duplicates (potential_matches), opening a
    case the recipient's cases still open (warnings), found before the append and kept with its answer."""
    hinting = hints or NoHints()

    async def register_recipient(command: RegisterRecipient, unit: Unit) -> AppendResult:
        station = await stations.station(command.station_id)
        communities = await stations.communities(command.station_id)
        matches = await hinting.potential_matches(command, unit.request)
        return await execute(unit, RECIPIENT, recipient_stream(command.recipient_id),
                             lambda state: recipient.register_at(command, station, state, communities),
                             {"recipient_id": command.recipient_id, "potential_matches": matches})

    async def update_recipient(command: UpdateRecipient, unit: Unit) -> AppendResult:
        """A new community is resolved against the communities of the recipient's station's street."""
        registered, _ = await load(unit.store, RECIPIENT, recipient_stream(command.recipient_id))
        named = registered.registered and (command.community is not None or command.community_id is not None)
        communities = await stations.communities(registered.station_id) if named else []
        return await execute(unit, RECIPIENT, recipient_stream(command.recipient_id),
                             lambda state: recipient.update(command, state, communities),
                             {"recipient_id": command.recipient_id})

    async def open_case(command: OpenCase, unit: Unit) -> AppendResult:
        """The case and the next number of its station's register for the year, in one transaction: two cases
        opened at once conflict on the register, and the second is decided again with the next number."""
        registered, _ = await load(unit.store, RECIPIENT, recipient_stream(command.recipient_id))
        station = await stations.station(registered.station_id) if registered.registered else None
        register = case.register_stream(registered.station_id, command.opened_on.year)
        warnings = await hinting.open_case_warnings(command.recipient_id) if registered.registered else []
        return await execute_across(
            unit, [(CASE_REGISTER, register), (CASE, case_stream(command.case_id))],
            lambda states: case.open_case_at(command, station, registered, states[0], states[1]),
            {"case_id": command.case_id, "warnings": [w for w in warnings if w["case_id"] != command.case_id]})

    return {RegisterRecipient: register_recipient, UpdateRecipient: update_recipient, OpenCase: open_case}


async def merged_into(store: EventStore, recipient_id: str) -> dict[str, recipient.Recipient]:
    """Every record merged into the recipient, and into those, however deep, with their states."""
    found: dict[str, recipient.Recipient] = {}
    state, _ = await load(store, RECIPIENT, recipient_stream(recipient_id))
    waiting = list(state.duplicates)
    while waiting:
        duplicate_id = waiting.pop()
        if duplicate_id not in found and duplicate_id != recipient_id:
            found[duplicate_id], _ = await load(store, RECIPIENT, recipient_stream(duplicate_id))
            waiting.extend(found[duplicate_id].duplicates)
    return found


def _erasing(command: EraseRecipient, ids: list[str]) -> Callable[[list[recipient.Recipient]], list[list[object]]]:
    """The decision over the duplicates' states (in the order of `ids`) and the recipient's, last."""
    def decide(states: list[recipient.Recipient]) -> list[list[object]]:
        if {d for state in states for d in state.duplicates} - {*ids, command.recipient_id}:
            raise _MergedMeanwhile
        theirs, its = recipient.erase_with_duplicates(command, states[-1], dict(zip(ids, states[:-1], strict=True)))
        return [*theirs, its]
    return decide


async def erase_recipient(command: EraseRecipient, unit: Unit) -> AppendResult:
    """The recipient and every record merged into them, erased in one transaction (each erasure deletes that
    record's key): the duplicates' streams first, the recipient's last (the one to wait on). A merge committed
    between finding the duplicates and appending changes a stream of the append, so it conflicts, and one found
    on the retry sends us to find the duplicates again."""
    for _ in range(CONFLICT_ATTEMPTS):
        ids = list(await merged_into(unit.store, command.recipient_id))
        try:
            return await execute_across(
                unit, [*((RECIPIENT, recipient_stream(i)) for i in ids),
                       (RECIPIENT, recipient_stream(command.recipient_id))],
                _erasing(command, ids), {"recipient_id": command.recipient_id, "erased_duplicate_ids": ids})
        except _MergedMeanwhile:
            continue
    raise CommandConflict(recipient_stream(command.recipient_id))


class _MergedMeanwhile(Exception):
    """A record was merged into the recipient (or a duplicate) after the duplicates were found: find them again."""


async def record_case_session(command: RecordCaseSession, unit: Unit) -> AppendResult:
    return await execute(unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
                         {"case_id": command.case_id, "session_id": command.session_id})


async def on_case(command: case.CaseCommand, unit: Unit) -> AppendResult:
    """Any command the case decides alone; it answers the case id and the case's new version."""
    return await execute(unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
                         {"case_id": command.case_id})


async def draft_service_plan(command: DraftServicePlan, unit: Unit) -> AppendResult:
    """The plan, answering its version and its goals' ids (decided with it), which approval and evaluation name."""
    return await execute_telling(
        unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
        {"case_id": command.case_id},
        lambda events: next(({"plan_version": e.plan_version, "goal_ids": [g.goal_id for g in e.goals]}
                             for e in events if isinstance(e, ServicePlanDrafted)), {}))


class WorkersCases(Protocol):
    """The case streams a worker's transfer loads: the running service's from a table kept with each append
    (services/cases/adapters/lookups.py). It may answer more than the worker's open cases at the station
    (each is checked), never fewer, oldest first."""

    async def open_cases_of(self, store: EventStore, station_id: str, worker_id: str) -> list[str]: ...


class EveryCase:
    """Every case stream: a scan, for a store without the table (the in-memory one)."""

    async def open_cases_of(self, store: EventStore, station_id: str, worker_id: str) -> list[str]:
        return await store.stream_ids("case")


def transferring(cases: WorkersCases) -> CommandHandler:
    """`TransferWorkerCases`, loading the case streams `cases` names."""

    async def transfer_worker_cases(command: TransferWorkerCases, unit: Unit) -> AppendResult:
        """Each open case of the worker at the station, transferred one by one (each case is its own stream)."""
        case.require_transfer(command.actor, command.station_id)
        each = replace(unit, request=replace(unit.request, idempotency_key=None))  # a key per case would replay
        moved: list[str] = []
        last: AppendResult | None = None
        for stream_id in await cases.open_cases_of(unit.store, command.station_id, command.from_worker_id):
            state, _ = await load(unit.store, CASE, stream_id)
            if (state.station_id == command.station_id and state.worker_id == command.from_worker_id
                    and not state.closed):
                one = TransferCase(actor=command.actor, today=command.today,
                                   case_id=stream_id.removeprefix("case-"), to_worker_id=command.to_worker_id)
                last = await on_case(one, each)
                moved.append(one.case_id)
        # The relay publishes in commit order and reporting applies in that order: the last transfer's
        # position stands for all of them in a consistency token.
        position = last or AppendResult(stream_id=f"worker-{command.from_worker_id}", version=0)
        return replace(position, result={"transferred_case_ids": moved})

    return transfer_worker_cases


transfer_worker_cases = transferring(EveryCase())


async def refer_case(command: ReferCase, unit: Unit) -> AppendResult:
    return await execute(unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
                         {"case_id": command.case_id, "referral_id": command.referral_id})


_ALONE: dict[type, CommandHandler] = {
    MergeRecipients: merge_recipients,
    AcknowledgeUrgentRisk: on_case,
    EraseRecipient: erase_recipient,
    RecordCaseSession: record_case_session,
    EvaluateCase: on_case,
    RequestCaseClosing: on_case,
    ApproveCaseClosing: on_case,
    ReturnCaseClosing: on_case,
    ReopenCase: on_case,
    TransferCase: on_case,
    ReferCase: refer_case,
    RecordReferralFeedback: on_case,
    TransferWorkerCases: transfer_worker_cases,
    AssessCase: on_case,
    DraftServicePlan: draft_service_plan,
    SubmitServicePlan: on_case,
    ApproveServicePlan: on_case,
    ReturnServicePlan: on_case,
}


def routes(stations: Stations, hints: IntakeHints | None = None) -> dict[type, CommandHandler]:
    return {**_ALONE, **intake_routes(stations, hints)}


ROUTES = routes(NoStations())
"""Every command, knowing of no station (the running service passes the stations it follows to `routes`)."""
