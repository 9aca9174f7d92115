"""importTemplate, previewImport, commitImport, importStatus and imports: the caller's token, the cases service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from gateway.context import Context
from gateway.imports.types import CommitImportPayload, ImportRowProblem, ImportStatus, PreviewImportPayload
from gateway.mutations.export import ExportReady, ExportResult
from gateway.types.errors import result_union, user_error
from shared.china import china_today
from shared.contracts.errors import DomainError, InvalidInput, Message, NotFound
from shared.contracts.imports import ImportKind, ImportMode
from shared.imports import commit as importing
from shared.imports.errors import ImportFileRefused
from shared.imports.files import MAX_FILE_BYTES
from shared.imports.template import TEMPLATES
from shared.rules import BlankField, NotYourStation

PreviewImportResult = result_union("PreviewImportResult", PreviewImportPayload)
CommitImportResult = result_union("CommitImportResult", CommitImportPayload)
_QUERIES = ("import_status", "imports", "communities")


async def _content(file: Upload) -> bytes:
    """The upload's bytes, in memory (a larger one is refused before it is read whole)."""
    if not callable(getattr(file, "read", None)):  # a value written into the query, not a file the request carried
        raise ImportFileRefused("请以 multipart 请求上传文件（GraphQL multipart request spec），不能写在查询里",
                                "send the file in a multipart request (the GraphQL multipart request spec), not as"
                                " a value in the query")
    try:
        content: bytes = await file.read(MAX_FILE_BYTES + 1)  # type: ignore[attr-defined]
    finally:
        await file.close()  # type: ignore[attr-defined]
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileRefused(f"文件大于 {MAX_FILE_BYTES // (1024 * 1024)} MB",
                                f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return content


async def _communities(info: strawberry.Info[Context, None], station_id: str) -> dict[str, str]:
    """The station's street's communities, as the caller's stations query answers them."""
    found = await info.context.query("stations", {}, typed=True)
    station = next((s for s in found["stations"] if s["station_id"] == station_id), None)
    if station is None or not info.context.actor().may_act_for(station_id):
        raise NotYourStation(station_id)
    found = await info.context.query("communities", {"station_id": station_id}, typed=True)
    return importing.communities_of(found["communities"])


def _caller(info: strawberry.Info[Context, None]) -> importing.Call:
    async def call(service: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        if endpoint in _QUERIES:
            return await info.context.query(endpoint, body, service=service, typed=True)
        return await info.context.command(service, endpoint, body, None)
    return call


async def import_template(info: strawberry.Info[Context, None],
                          kind: ImportKind = ImportKind.ROSTER) -> ExportResult:  # type: ignore[valid-type]
    """The XLSX template of an import: headers in row 1, an example row, a sheet of each column's rules."""
    assert info.context.exports is not None
    filename, content = TEMPLATES[kind.value]
    url, expires = await info.context.exports.keep(filename, content())
    return ExportReady(url=url, filename=filename, expires_at=datetime.fromtimestamp(expires, UTC))


async def _street(info: strawberry.Info[Context, None], station_id: strawberry.ID | None,
                  street_id: strawberry.ID | None) -> tuple[str, str | None]:
    """The street a places file is for (`streetId`, or the station's street) and its division code; the bureau
    alone adds places (the activities service refuses anyone else)."""
    if street_id is None and station_id is not None:
        found = await info.context.query("stations", {}, typed=True)
        station = next((s for s in found["stations"] if s["station_id"] == str(station_id)), None)
        if station is None:
            raise NotYourStation(str(station_id))
        street_id = strawberry.ID(station["street_id"])
    if street_id is None:
        raise InvalidInput(Message(zh="导入社区与小区须指定街道（streetId）或社工站（stationId）",
                                   en="A places import names its street (streetId) or a station (stationId)"),
                           field="streetId")
    streets = (await info.context.query("streets", {}, typed=True))["streets"]
    street = next((s for s in streets if s["street_id"] == str(street_id)), None)
    if street is None:
        raise NotFound(Message(zh=f"找不到街道 {street_id}", en=f"No street {street_id}"), field="streetId")
    return str(street_id), street.get("division_code")


def _require_station(station_id: strawberry.ID | None) -> str:
    if station_id is None:
        raise BlankField("stationId")
    return str(station_id)


async def preview_import(info: strawberry.Info[Context, None], kind: ImportKind, file: Upload,
                         station_id: strawberry.ID | None = None,
                         street_id: strawberry.ID | None = None) -> PreviewImportResult:  # type: ignore[valid-type]
    """A dry run: every row's problems (row, column, masked value, what is wrong); nothing is written. A places
    file is for `streetId` (or the station's street); every other kind for `stationId`."""
    try:
        if kind == ImportKind.PLACES:
            _, street_code = await _street(info, station_id, street_id)
            checked = importing.check(kind.value, await _content(file), china_today(), None, street_code)
        else:
            communities = await _communities(info, _require_station(station_id))
            checked = importing.check(kind.value, await _content(file), china_today(), communities)
    except DomainError as error:
        return user_error(error)
    return PreviewImportPayload(row_count=checked.row_count, valid_rows=len(checked.rows),
                         rows_with_problems=checked.rows_with_problems,
                         problems=[ImportRowProblem.from_dict(p.as_dict()) for p in checked.problems])


async def commit_import(info: strawberry.Info[Context, None], kind: ImportKind, file: Upload,
                        station_id: strawberry.ID | None = None, mode: ImportMode = ImportMode.ALL_OR_NOTHING,
                        import_id: strawberry.ID | None = None,
                        street_id: strawberry.ID | None = None) -> CommitImportResult:  # type: ignore[valid-type]
    """Apply the file's rows in batches through the services' own commands; the same file again resumes
    an unfinished import (or, finished, changes nothing). A places file is for `streetId` (or the station's
    street), by the bureau."""
    try:
        if kind == ImportKind.PLACES:
            street, street_code = await _street(info, station_id, street_id)
            done = await importing.commit(_caller(info), kind.value, street, await _content(file), mode,
                                          china_today(), None, street_code=street_code)
        else:
            communities = await _communities(info, _require_station(station_id))
            done = await importing.commit(_caller(info), kind.value, str(station_id), await _content(file), mode,
                                          china_today(), communities, import_id and str(import_id))
    except DomainError as error:
        return user_error(error)
    return CommitImportPayload(import_=ImportStatus.from_dict(done),
                               problems=[ImportRowProblem.from_dict(p) for p in done["problems"]],
                               already_imported=bool(done["already_imported"]))


async def import_status(info: strawberry.Info[Context, None], import_id: strawberry.ID) -> ImportStatus:
    """An import's progress, while it runs or after it stopped half-way."""
    return ImportStatus.from_dict(await info.context.query("import_status", {"import_id": str(import_id)},
                                                           service="cases"))


async def imports(info: strawberry.Info[Context, None], station_id: strawberry.ID) -> list[ImportStatus]:
    """A station's imports, newest first."""
    found = await info.context.query("imports", {"station_id": str(station_id)}, service="cases")
    return [ImportStatus.from_dict(s) for s in found["imports"]]
