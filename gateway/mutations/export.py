"""exportStationMonth: a station's monthly report as XLSX or CSV, behind a short-lived download link."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import strawberry

from gateway.context import Context
from gateway.exports import district_month_csv, district_month_xlsx, station_month_csv, station_month_xlsx
from gateway.types.errors import result_union, user_error
from shared.contracts.errors import DomainError


@strawberry.enum(description="XLSX for Excel/WPS (headers, widths, number formats, totals); CSV is UTF-8 with BOM")
class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@strawberry.type(description="The file is ready: download it from `url` (relative to the gateway) before it expires")
class ExportReady:
    url: str
    filename: str
    expires_at: datetime


ExportResult = result_union("ExportResult", ExportReady)

MEDIA = {ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ExportFormat.CSV: "text/csv; charset=utf-8"}


async def export_station_month(info: strawberry.Info[Context, None], station_id: strawberry.ID,
                               month: Annotated[str, strawberry.argument(description="YYYY-MM")],
                               format: ExportFormat = ExportFormat.XLSX,
                               consistency_token: str | None = None) -> ExportResult:  # type: ignore[valid-type]
    """The same figures `stationDashboard` answers, for the caller's own station scope."""
    try:
        dashboard = await info.context.query("station_dashboard", {"station_id": str(station_id), "month": month},
                                             consistency_token, typed=True)
        station = (await info.context.stations.load(str(station_id))) or {"name": str(station_id)}
    except DomainError as error:
        return user_error(error)
    content = (station_month_xlsx if format == ExportFormat.XLSX else station_month_csv)(station["name"], dashboard)
    return _ready(info, f"{station['name']}-{dashboard['month']}-月报.{format.value}", format, content)


def _ready(info: strawberry.Info[Context, None], name: str, format: ExportFormat, content: bytes) -> ExportReady:
    """The file kept for download, and the link to it."""
    assert info.context.exports is not None
    key, expires = info.context.exports.keep(name, MEDIA[format], content)
    return ExportReady(url=f"/exports/{key}/{name}", filename=name, expires_at=datetime.fromtimestamp(expires, UTC))


async def export_district_month(info: strawberry.Info[Context, None],
                                month: Annotated[str, strawberry.argument(description="YYYY-MM")],
                                format: ExportFormat = ExportFormat.XLSX,
                                consistency_token: str | None = None) -> ExportResult:  # type: ignore[valid-type]
    """The district's month, one row per station the caller may see and the district's totals: the very
    `districtOverview` answer."""
    try:
        overview = await info.context.query("district_overview", {"month": month}, consistency_token, typed=True)
    except DomainError as error:
        return user_error(error)
    content = (district_month_xlsx(overview, f"{month} 社工站工作区级汇总") if format == ExportFormat.XLSX
               else district_month_csv(overview))
    return _ready(info, f"区级汇总-{month}.{format.value}", format, content)
