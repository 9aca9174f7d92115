"""Work reports (三报): daily, weekly and monthly per station. Submitted means locked; a correction is a new
version with its reason, and the versions stay, so the difference can be shown."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from services.activities.domain.commands import SubmitWorkReport
from services.activities.domain.errors import CorrectionReasonMissing, PeriodNotAligned
from services.activities.domain.places import Station, require_open
from services.activities.domain.rules import require_recorder
from shared.contracts.activities import ReportKind, WorkReportSubmitted
from shared.rules import require_not_future, require_text


def period_end(kind: ReportKind, start: date) -> date:
    """The last day of the period that starts on `start`."""
    match kind:
        case ReportKind.DAILY:
            return start
        case ReportKind.WEEKLY:
            return start + timedelta(days=6)
        case ReportKind.MONTHLY:
            return start.replace(day=monthrange(start.year, start.month)[1])


def report_id(station_id: str, kind: ReportKind, start: date) -> str:
    return f"{station_id}-{kind.value}-{start.isoformat()}"


@dataclass(frozen=True)
class Report:
    version: int = 0


REPORT = Report()


def submit(command: SubmitWorkReport, station: Station, state: Report) -> list[object]:
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    if command.kind == ReportKind.WEEKLY and command.period_start.weekday() != 0:
        raise PeriodNotAligned("weekly")
    if command.kind == ReportKind.MONTHLY and command.period_start.day != 1:
        raise PeriodNotAligned("monthly")
    require_not_future("periodStart", command.period_start, command.today)
    if state.version and not command.correction_reason.strip():
        raise CorrectionReasonMissing(state.version)
    return [WorkReportSubmitted(
        report_id=report_id(command.station_id, command.kind, command.period_start), station_id=command.station_id,
        kind=command.kind, period_start=command.period_start, period_end=period_end(command.kind,
                                                                                    command.period_start),
        version=state.version + 1, figures=dict(command.figures), narrative=require_text("narrative",
                                                                                         command.narrative),
        submitted_by=command.actor.subject, submitted_on=command.today,
        correction_reason=command.correction_reason.strip() or None)]


def evolve(state: Report, event: object) -> Report:
    return Report(version=event.version) if isinstance(event, WorkReportSubmitted) else state
