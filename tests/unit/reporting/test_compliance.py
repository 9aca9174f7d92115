"""一督二会: the monthly rule, across month ends and time zones (China Standard Time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from services.reporting.queries.compliance import monthly_compliance

HSP, WY = "s-hsp", "s-wy"


def test_a_month_with_a_supervision_and_an_offline_meeting_misses_the_online_one() -> None:
    found = monthly_compliance("2026-11", [HSP], [(HSP, date(2026, 11, 3))],
                               [(HSP, "offline", datetime(2026, 11, 12, 2, 0, tzinfo=UTC))])
    assert found == [{"station_id": HSP, "supervisions": 1, "offline_meetings": 1, "online_meetings": 0,
                      "missing": ["online_meeting"]}]


def test_a_meeting_counts_for_the_month_of_its_start_in_china_not_in_utc() -> None:
    # 31 October 17:00 UTC is 1 November 01:00 in Changsha: November's, not October's.
    late_utc = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    # 30 November 23:30 in Changsha, written with its own offset: still November's.
    late_china = datetime(2026, 11, 30, 23, 30, tzinfo=timezone(timedelta(hours=8)))

    october = monthly_compliance("2026-10", [HSP], [], [(HSP, "online", late_utc)])
    november = monthly_compliance("2026-11", [HSP], [(HSP, date(2026, 11, 30))],
                                  [(HSP, "online", late_utc), (HSP, "offline", late_china)])
    december = monthly_compliance("2026-12", [HSP], [(HSP, date(2026, 11, 30))], [(HSP, "offline", late_china)])

    assert october[0]["online_meetings"] == 0
    assert november[0]["missing"] == []
    assert december[0]["missing"] == ["supervision", "offline_meeting", "online_meeting"]


def test_a_meeting_for_two_stations_counts_for_each_and_a_station_with_nothing_misses_everything() -> None:
    starts = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    found = monthly_compliance("2026-11", [HSP, WY, "s-ghp"], [(HSP, date(2026, 11, 2)), (WY, date(2026, 11, 9))],
                               [(HSP, "online", starts), (WY, "online", starts)])
    assert [(f["station_id"], f["missing"]) for f in found] == [
        (HSP, ["offline_meeting"]), (WY, ["offline_meeting"]),
        ("s-ghp", ["supervision", "offline_meeting", "online_meeting"])]
