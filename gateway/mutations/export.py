"""The export mutations: a report as XLSX or CSV, made of the caller's own GraphQL answers, behind a short-lived
signed download link (see gateway/exports)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import strawberry
from graphql import GraphQLError

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.exports import reports
from gateway.exports.tables import csv_bytes, xlsx
from gateway.types.enums import CaseStatus
from gateway.types.errors import result_union, user_error
from shared.contracts.errors import DomainError


@strawberry.enum(description="XLSX for Excel/WPS (headers, widths, number formats, totals); CSV is UTF-8 with BOM")
class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@strawberry.type(description="The file is ready: download it from `url` (relative to the gateway; signed, no token"
                             " needed) before it expires")
class ExportReady:
    url: str
    filename: str
    expires_at: datetime


ExportResult = result_union("ExportResult", ExportReady)
Month = Annotated[str, strawberry.argument(description="YYYY-MM")]


async def _export(info: strawberry.Info[Context, None], making: Awaitable[reports.Report],
                  format: ExportFormat) -> ExportResult:  # type: ignore[valid-type]
    """The report kept for download (a CSV holds its first table), or the refusal of one of its queries."""
    try:
        report = await making
    except DomainError as error:
        return user_error(error)
    except GraphQLError as error:  # a query resolver's refusal, raised for a query: answered in kind here
        if isinstance(error.__cause__, DomainError):
            return user_error(error.__cause__)
        raise
    content = xlsx(report.tables) if format == ExportFormat.XLSX else csv_bytes(report.tables[0])
    filename = f"{report.name}.{format.value}".replace("/", "-")
    assert info.context.exports is not None
    url, expires = await info.context.exports.keep(filename, content)
    return ExportReady(url=url, filename=filename, expires_at=datetime.fromtimestamp(expires, UTC))


async def export_station_month(info: strawberry.Info[Context, None], station_id: strawberry.ID, month: Month,
                               format: ExportFormat = ExportFormat.XLSX,
                               consistency_token: ConsistencyToken = None) -> ExportResult:  # type: ignore[valid-type]
    """The same figures `stationDashboard` answers, for the caller's own station scope."""
    return await _export(info, reports.station_month(info, str(station_id), month, consistency_token), format)


async def export_district_month(info: strawberry.Info[Context, None], month: Month,
                                format: ExportFormat = ExportFormat.XLSX,
                                consistency_token: ConsistencyToken = None) -> ExportResult:  # type: ignore[valid-type]
    """The district's month, one row per station the caller may see and the district's totals: the very
    `districtOverview` answer."""
    return await _export(info, reports.district_month(info, month, consistency_token), format)


async def export_case_list(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                           status: CaseStatus | None = None, format: ExportFormat = ExportFormat.XLSX,
                           consistency_token: ConsistencyToken = None) -> ExportResult:  # type: ignore[valid-type]
    """The `cases` the caller may see (a station's, or all), one row each, personal data masked."""
    return await _export(info, reports.case_list(info, station_id and str(station_id), status, consistency_token),
                         format)


async def export_volunteer_certificate(info: strawberry.Info[Context, None], volunteer_id: strawberry.ID,
                                       format: ExportFormat = ExportFormat.XLSX,
                                       consistency_token: ConsistencyToken = None
                                       ) -> ExportResult:  # type: ignore[valid-type]
    """志愿服务证明: a volunteer's services and total hours, from the records."""
    return await _export(info, reports.volunteer_certificate(info, str(volunteer_id), consistency_token), format)


async def export_project_outputs(info: strawberry.Info[Context, None], project_id: strawberry.ID,
                                 format: ExportFormat = ExportFormat.XLSX,
                                 consistency_token: ConsistencyToken = None) -> ExportResult:  # type: ignore[valid-type]
    """A project's progress against its plan, its groups and its activities."""
    return await _export(info, reports.project_outputs(info, str(project_id), consistency_token), format)
