"""The GraphQL types of imports: a row's problem, a preview, an import's progress."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry

from shared.contracts.imports import ImportKind, ImportMode

strawberry.enum(ImportKind, description="ROSTER: 民政名单 (recipients and their categories); STAFF: 人员名单;"
                                        " VOLUNTEER: 志愿者名单 (the national volunteer system's export); PLACES:"
                                        " a street's communities and compounds (the bureau)")
strawberry.enum(ImportMode, description="ALL_OR_NOTHING refuses a file with any row's problem; ROW_BY_ROW applies "
                                        "the rows without problems and reports the others")


@strawberry.enum(description="IN_PROGRESS: stopped or still running (commit the same file to resume); FINISHED")
class ImportState(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


@strawberry.type(description="What is wrong with one value of one row: the spreadsheet's row number (the header is"
                             " row 1), the column's header, the value masked (ID numbers and phones never in full)")
class ImportRowProblem:
    row: int
    column: str
    value: str
    code: str
    message_zh: str
    message_en: str

    @classmethod
    def from_dict(cls, p: dict[str, Any]) -> ImportRowProblem:
        return cls(row=p["row"], column=p["column"], value=p["value"], code=p["code"], message_zh=p["message_zh"],
                   message_en=p["message_en"])


@strawberry.type(description="A dry run: every row checked, nothing written")
class PreviewImportPayload:
    row_count: int
    valid_rows: int
    rows_with_problems: int
    problems: list[ImportRowProblem]


@strawberry.type(description="A row the cases service refused on commit, by its row number and refusal code")
class ImportRowRefused:
    row: int
    code: str
    field: str | None


@strawberry.type(description="An import's progress: rowsDone of toApply rows applied (the rows of the file without"
                             " problems), and what they came to")
class ImportStatus:
    id: strawberry.ID
    station_id: strawberry.ID
    kind: ImportKind
    mode: ImportMode
    status: ImportState
    row_count: int
    to_apply: int
    skipped: int = strawberry.field(description="Rows not applied for their problems (row by row)")
    rows_done: int
    registered: int
    updated: int
    unchanged: int
    ended: int = strawberry.field(description="People of earlier rosters not on this one: their categories ended")
    refused: list[ImportRowRefused]

    @classmethod
    def from_dict(cls, s: dict[str, Any]) -> ImportStatus:
        return cls(id=strawberry.ID(s["import_id"]), station_id=strawberry.ID(s["station_id"]),
                   kind=ImportKind(s["kind"]), mode=ImportMode(s["mode"]), status=ImportState(s["status"]),
                   row_count=s["row_count"], to_apply=s["to_apply"], skipped=s["skipped"], rows_done=s["rows_done"],
                   registered=s["registered"], updated=s["updated"], unchanged=s["unchanged"], ended=s["ended"],
                   refused=[ImportRowRefused(row=r["row"], code=r["code"], field=r["field"]) for r in s["refused"]])


@strawberry.type(description="The import as far as it went, and every row's problem (checked, and refused on commit)")
class CommitImportPayload:
    import_: ImportStatus = strawberry.field(name="import")
    problems: list[ImportRowProblem]
    already_imported: bool = strawberry.field(description="This very file was imported before: nothing was applied")
