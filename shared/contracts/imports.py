"""The import aggregate's events (stream `import-<id>` in the cases store): an import's progress, no personal data.

What a file said is never in these events: only its digest, how many rows it had, and per batch how many rows
were registered, updated, left unchanged or refused (by row number and error code). The recipients' own events
carry what was imported, sealed as every recipient's are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.contracts.cases import RecipientCategory
from shared.contracts.registry import event


class ImportKind(StrEnum):
    ROSTER = "roster"  # 民政名单: recipients and their categories
    STAFF = "staff"  # 人员名单: the station's staff (applied in the activities service; no import stream)
    VOLUNTEER = "volunteer"  # 志愿者名单 (全国志愿服务信息系统's export): applied in the activities service
    PLACES = "places"  # 社区与小区: a street's communities and compounds, by the bureau (activities service)


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"  # refused whole if any row has a problem
    ROW_BY_ROW = "row_by_row"  # the rows without problems, the others reported


@dataclass(frozen=True, kw_only=True)
class RowRefused:
    """A row the cases service refused on commit: its spreadsheet row number and the refusal's code and field."""

    row: int
    code: str
    field: str | None = None


@event(service="cases", aggregate="import", name="started")
@dataclass(frozen=True, kw_only=True)
class ImportStarted:
    """An import of a file began: `to_apply` of its `row_count` rows are to be applied (the others had problems
    and are skipped, row by row), in batches."""

    import_id: str
    station_id: str
    kind: ImportKind
    mode: ImportMode
    file_sha256: str
    row_count: int
    to_apply: int
    skipped: int
    categories: tuple[RecipientCategory, ...]
    """The categories the roster covers: someone on an earlier roster of these who is not on this one has left."""
    started_by: str
    started_on: date


@event(service="cases", aggregate="import", name="batch_applied")
@dataclass(frozen=True, kw_only=True)
class ImportBatchApplied:
    """The rows up to `rows_done` (of those to apply) were applied: the counts are this batch's."""

    import_id: str
    station_id: str
    rows_done: int
    registered: int
    updated: int
    unchanged: int
    refused: tuple[RowRefused, ...]
    recipient_ids: tuple[str, ...]
    """The recipients this batch's rows are (registered, updated or unchanged): the roster's people."""


@event(service="cases", aggregate="import", name="finished")
@dataclass(frozen=True, kw_only=True)
class ImportFinished:
    """Every row was applied; `ended` recipients of earlier rosters of these categories, not on this one, had those
    categories ended (none when some row was refused: a refused row may be someone still on the list)."""

    import_id: str
    station_id: str
    finished_on: date
    ended: int
    ending_skipped: bool
