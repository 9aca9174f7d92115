"""The import aggregate: a roster's categories reconciled with a person's, and batches applied in order, once."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import imports
from services.cases.domain.errors import ImportBatchOutOfOrder, ImportNotDone, ImportNotFound
from services.cases.domain.imports import ApplyImportRows, FinishImport, RosterCategory, RosterRow, StartImport, Tally
from shared.contracts.cases import CategoryMembership, CategorySource, Gender, RecipientCategory
from shared.contracts.imports import ImportBatchApplied, ImportKind, ImportMode, ImportStarted
from tests.unit.cases.given import STATION, STRANGER, TODAY, WORKER

pytestmark = pytest.mark.dateless
LOW_INCOME, ALONE, DISABLED = (RecipientCategory.SUBSISTENCE_ALLOWANCE, RecipientCategory.ELDERLY_LIVING_ALONE,
                               RecipientCategory.DISABLED)
SINCE = date(2024, 3, 1)


def roster_member(category: RecipientCategory, source: CategorySource = CategorySource.CIVIL_AFFAIRS_LIST,
                  since: date = date(2023, 1, 1)) -> CategoryMembership:
    return CategoryMembership(category=category, valid_from=since, source=source)


def test_a_category_the_roster_no_longer_lists_ends_and_a_new_one_begins_from_the_rosters_date() -> None:
    current = (roster_member(LOW_INCOME), roster_member(ALONE))

    listed = [RosterCategory(category=c, valid_from=SINCE) for c in (LOW_INCOME, DISABLED)]

    after = imports.reconciled(current, listed, (LOW_INCOME, ALONE, DISABLED))

    assert after == (roster_member(LOW_INCOME), roster_member(DISABLED, since=SINCE))


def test_a_person_listed_as_before_changes_nothing() -> None:
    current = (roster_member(LOW_INCOME),)

    assert imports.reconciled(current, [RosterCategory(category=LOW_INCOME, valid_from=SINCE)], (LOW_INCOME,)) is None


def test_what_the_station_learned_otherwise_or_of_categories_the_roster_does_not_cover_stays() -> None:
    current = (roster_member(ALONE, source=CategorySource.VISIT), roster_member(DISABLED))

    after = imports.reconciled(current, [RosterCategory(category=LOW_INCOME, valid_from=SINCE)], (LOW_INCOME, ALONE))

    assert after == (*current, roster_member(LOW_INCOME, since=SINCE))


def started(to_apply: int = 300) -> imports.Import:
    [event] = imports.start(StartImport(actor=WORKER, today=TODAY, import_id="i-1", station_id=STATION,
                                        kind=ImportKind.ROSTER, mode=ImportMode.ALL_OR_NOTHING, file_sha256="ab" * 32,
                                        row_count=to_apply, to_apply=to_apply, categories=(LOW_INCOME,)),
                            imports.INITIAL)
    assert isinstance(event, ImportStarted) and event.started_by == WORKER.subject
    return imports.evolve(imports.INITIAL, event)


def batch(first_row: int, rows: int = 100, actor: object = WORKER) -> ApplyImportRows:
    row = RosterRow(row=2, name="王某", gender=Gender.FEMALE, id_number="x", birth_date=date(1950, 1, 1),
                    community="一力社区", categories=(RosterCategory(category=LOW_INCOME, valid_from=SINCE),))
    return ApplyImportRows(actor=actor, today=TODAY, import_id="i-1", first_row=first_row,  # type: ignore[arg-type]
                           rows=(row,) * rows)


def test_batches_apply_in_order_a_retried_one_is_answered_again_and_a_gap_is_refused() -> None:
    state = started()
    [applied] = imports.batch_applied(batch(0), state, Tally(registered=100))
    state = imports.evolve(state, applied)

    assert isinstance(applied, ImportBatchApplied) and (state.rows_done, state.registered) == (100, 100)
    assert imports.batch_applied(batch(0), state, Tally()) == []  # its answer was lost: nothing again
    with pytest.raises(ImportBatchOutOfOrder):
        imports.batch_applied(batch(200), state, Tally())
    with pytest.raises(ImportNotDone):
        imports.finish(FinishImport(actor=WORKER, today=TODAY, import_id="i-1"), state, 0)


def test_another_stations_import_is_not_found() -> None:
    with pytest.raises(ImportNotFound):
        imports.batch_applied(batch(0, actor=STRANGER), started(), Tally())
