"""The import aggregate: a file's rows applied in batches, resumable, and what a roster row changes for a person.

An import holds no personal data (see `shared.contracts.imports`): its rows travel in the commands, are applied
as the recipients' own commands (`RegisterRecipient`, `UpdateRecipient`, through their deciders), and only counts
and row numbers are recorded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, ClassVar

from annotated_types import MaxLen

from services.cases.domain.errors import (
    ImportAlreadyFinished,
    ImportAlreadyStarted,
    ImportBatchOutOfOrder,
    ImportNotDone,
    ImportNotFound,
)
from services.cases.domain.rules import require_editor, require_range, unseen
from shared.contracts import Actor
from shared.contracts.cases import CategoryMembership, CategorySource, Gender, RecipientCategory
from shared.contracts.fields import MANY, Code, PersonName, Place
from shared.contracts.imports import (
    ImportBatchApplied,
    ImportFinished,
    ImportKind,
    ImportMode,
    ImportStarted,
    RowRefused,
)

ROSTER_SOURCE = CategorySource.CIVIL_AFFAIRS_LIST
ROSTER_BASIS = ("民政部门移交的救助对象名单：为履行法定职责所必需（《个人信息保护法》第十三条第一款第三项）"
                " / A roster handed over by civil affairs: needed to perform a statutory duty (PIPL art. 13(1)(3))")
"""The basis a roster's ID numbers, phones and addresses are recorded on, in the consent's place: the station does
not ask each listed person, the civil-affairs office hands their data over for its duty of care."""
MAX_BATCH_ROWS = 250
"""Rows a batch may hold: 250 checked rows are about 100 kB, a tenth of NATS's default message size."""


@dataclass(frozen=True, kw_only=True)
class StartImport:
    """Begin importing a checked file: its digest, how many rows it had and how many are to be applied."""

    new_id: ClassVar[str] = "import_id"

    actor: Actor
    today: date
    import_id: str
    station_id: str
    kind: ImportKind
    mode: ImportMode
    file_sha256: Annotated[str, MaxLen(64)]
    row_count: int
    to_apply: int
    skipped: int = 0
    categories: Annotated[tuple[RecipientCategory, ...], MANY] = ()


@dataclass(frozen=True, kw_only=True)
class RosterCategory:
    category: RecipientCategory
    valid_from: date


@dataclass(frozen=True, kw_only=True)
class RosterRow:
    """One checked roster row (see `shared.imports.roster`): a person by ID number, and their categories."""

    row: int
    name: PersonName
    gender: Gender
    id_number: Code
    birth_date: date
    community: Place
    categories: Annotated[tuple[RosterCategory, ...], MANY]
    phone: Code | None = None
    address: Place | None = None


@dataclass(frozen=True, kw_only=True)
class ApplyImportRows:
    """Apply the next batch of rows: `first_row` is how many were applied before it (a retried batch already
    applied is answered again, not applied twice)."""

    actor: Actor
    today: date
    import_id: str
    first_row: int
    rows: Annotated[tuple[RosterRow, ...], MaxLen(MAX_BATCH_ROWS)]


@dataclass(frozen=True, kw_only=True)
class FinishImport:
    """Close the import once every row is applied: a roster ends the categories of those who left it."""

    actor: Actor
    today: date
    import_id: str


@dataclass(frozen=True)
class Import:
    started: bool = False
    station_id: str = ""
    kind: ImportKind = ImportKind.ROSTER
    mode: ImportMode = ImportMode.ALL_OR_NOTHING
    file_sha256: str = ""
    row_count: int = 0
    to_apply: int = 0
    skipped: int = 0
    categories: tuple[RecipientCategory, ...] = ()
    rows_done: int = 0
    registered: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: tuple[RowRefused, ...] = ()
    recipient_ids: frozenset[str] = frozenset()
    finished: bool = False
    ended: int = 0


INITIAL = Import()


@dataclass(frozen=True)
class Tally:
    """What a batch's rows came to, as the handler applied them one by one."""

    registered: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: tuple[RowRefused, ...] = ()
    recipient_ids: tuple[str, ...] = ()


def start(command: StartImport, state: Import) -> list[object]:
    if state.started:
        raise ImportAlreadyStarted(command.import_id)
    require_editor(command.actor, command.station_id)
    require_range("rowCount", command.row_count, 0, 20_000)
    require_range("toApply", command.to_apply, 0, command.row_count)
    return [ImportStarted(import_id=command.import_id, station_id=command.station_id, kind=command.kind,
                          mode=command.mode, file_sha256=command.file_sha256, row_count=command.row_count,
                          to_apply=command.to_apply, skipped=command.skipped, categories=command.categories,
                          started_by=command.actor.subject, started_on=command.today)]


def require_found(import_id: str, state: Import, actor: Actor) -> None:
    if not state.started or unseen(actor, state.station_id):
        raise ImportNotFound(import_id)


def already_applied(command: ApplyImportRows, state: Import) -> bool:
    """True for a batch applied before (a retry whose answer was lost); refused when it is not the next one."""
    require_found(command.import_id, state, command.actor)
    require_editor(command.actor, state.station_id, field="importId")
    require_range("rows", len(command.rows), 1, MAX_BATCH_ROWS)
    if state.finished:
        raise ImportAlreadyFinished(command.import_id)
    if command.first_row < state.rows_done and command.first_row + len(command.rows) <= state.rows_done:
        return True
    if command.first_row != state.rows_done or state.rows_done + len(command.rows) > state.to_apply:
        raise ImportBatchOutOfOrder(command.import_id, command.first_row, state.rows_done)
    return False


def batch_applied(command: ApplyImportRows, state: Import, tally: Tally) -> list[object]:
    if already_applied(command, state):
        return []
    return [ImportBatchApplied(import_id=command.import_id, station_id=state.station_id,
                               rows_done=command.first_row + len(command.rows), registered=tally.registered,
                               updated=tally.updated, unchanged=tally.unchanged, refused=tally.refused,
                               recipient_ids=tally.recipient_ids)]


def require_finishable(command: FinishImport, state: Import) -> bool:
    """False when it finished before (nothing to do again)."""
    require_found(command.import_id, state, command.actor)
    require_editor(command.actor, state.station_id, field="importId")
    if state.finished:
        return False
    if state.rows_done < state.to_apply:
        raise ImportNotDone(command.import_id, state.rows_done, state.to_apply)
    return True


def ends_categories(state: Import) -> bool:
    """A roster with a row skipped or refused ends no one's category: that row may be someone still on the list."""
    return state.kind == ImportKind.ROSTER and state.skipped == 0 and not state.refused


def finish(command: FinishImport, state: Import, ended: int) -> list[object]:
    if not require_finishable(command, state):
        return []
    return [ImportFinished(import_id=command.import_id, station_id=state.station_id, finished_on=command.today,
                           ended=ended, ending_skipped=not ends_categories(state))]


def reconciled(current: Sequence[CategoryMembership], listed: Sequence[RosterCategory],
               covered: Sequence[RecipientCategory]) -> tuple[CategoryMembership, ...] | None:
    """A person's categories once a roster covering `covered` lists them in `listed`: a civil-affairs category of
    the roster's that it no longer lists ends, a listed one they are not in begins (from the roster's date); one
    they are already in stays as recorded. None when nothing changes."""
    listed_categories = {c.category for c in listed}
    kept = [m for m in current
            if not (m.source == ROSTER_SOURCE and m.category in covered and m.category not in listed_categories)]
    have = {m.category for m in kept}
    added = [CategoryMembership(category=c.category, valid_from=c.valid_from, source=ROSTER_SOURCE)
             for c in listed if c.category not in have]
    result = (*kept, *added)
    return None if result == tuple(current) else result


def evolve(state: Import, event: object) -> Import:
    match event:
        case ImportStarted() as e:
            return Import(started=True, station_id=e.station_id, kind=e.kind, mode=e.mode,
                          file_sha256=e.file_sha256, row_count=e.row_count, to_apply=e.to_apply, skipped=e.skipped,
                          categories=e.categories)
        case ImportBatchApplied() as e:
            return replace(state, rows_done=e.rows_done, registered=state.registered + e.registered,
                           updated=state.updated + e.updated, unchanged=state.unchanged + e.unchanged,
                           refused=(*state.refused, *e.refused),
                           recipient_ids=state.recipient_ids | frozenset(e.recipient_ids))
        case ImportFinished() as e:
            return replace(state, finished=True, ended=e.ended)
    return state
