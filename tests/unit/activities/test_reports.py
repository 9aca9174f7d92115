"""Work reports: periods that start where they should, locked once submitted, corrections as new versions."""

from __future__ import annotations

from datetime import date
from functools import reduce

import pytest

from services.activities.domain import places, reports
from services.activities.domain.commands import SubmitWorkReport
from services.activities.domain.errors import CorrectionReasonMissing, PeriodNotAligned
from shared.contracts import Actor, Role
from shared.contracts.activities import ReportKind, StationOpened, WorkReportSubmitted
from shared.rules import DateInFuture

TODAY = date(2026, 11, 30)
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-hsp",))
STATION = places.evolve_station(places.STATION, StationOpened(station_id="s-hsp", street_id="st", name="站",
                                                              code="HSP", opened_on=date(2019, 1, 15)))


def submit(kind: ReportKind = ReportKind.MONTHLY, start: date = date(2026, 11, 1),
           **changes: object) -> SubmitWorkReport:
    fields: dict[str, object] = {"actor": WORKER, "today": TODAY, "station_id": "s-hsp", "kind": kind,
                                 "period_start": start, "figures": {"case_sessions": 12.0}, "narrative": "本月完成"}
    return SubmitWorkReport(**{**fields, **changes})  # type: ignore[arg-type]


def test_each_kind_of_report_covers_its_period() -> None:
    assert reports.period_end(ReportKind.MONTHLY, date(2028, 2, 1)) == date(2028, 2, 29)
    assert reports.period_end(ReportKind.WEEKLY, date(2026, 11, 23)) == date(2026, 11, 29)
    assert reports.period_end(ReportKind.DAILY, date(2026, 11, 23)) == date(2026, 11, 23)
    with pytest.raises(PeriodNotAligned):
        reports.submit(submit(ReportKind.WEEKLY, date(2026, 11, 24)), STATION, reports.REPORT)
    with pytest.raises(PeriodNotAligned):
        reports.submit(submit(ReportKind.MONTHLY, date(2026, 11, 2)), STATION, reports.REPORT)
    with pytest.raises(DateInFuture):
        reports.submit(submit(ReportKind.MONTHLY, date(2026, 12, 1)), STATION, reports.REPORT)


def test_a_submitted_report_is_locked_and_a_correction_is_the_next_version_with_its_reason() -> None:
    [first] = reports.submit(submit(), STATION, reports.REPORT)
    locked = reduce(reports.evolve, [first], reports.REPORT)
    with pytest.raises(CorrectionReasonMissing):
        reports.submit(submit(figures={"case_sessions": 13.0}), STATION, locked)
    [second] = reports.submit(submit(figures={"case_sessions": 13.0}, correction_reason="漏记一次上门走访"),
                              STATION, locked)
    assert isinstance(second, WorkReportSubmitted)
    assert (second.version, second.correction_reason, second.period_end) == (2, "漏记一次上门走访", date(2026, 11, 30))
