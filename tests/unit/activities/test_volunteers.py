"""Volunteers: hours within the service, late records flagged, leaders once, teams and trainings of the station."""

from __future__ import annotations

import json
from datetime import date, time
from functools import reduce
from pathlib import Path
from typing import Any

import pytest

from services.activities.domain import places, volunteers
from services.activities.domain.commands import (
    DesignateVolunteerLeader,
    EraseVolunteer,
    FormVolunteerTeam,
    JoinVolunteerTeam,
    RecordTraining,
    RecordVolunteerService,
    RegisterVolunteer,
)
from services.activities.domain.errors import (
    AlreadyExists,
    DayOverfull,
    MoreHoursThanTheSpan,
    NotFoundHere,
    NotOfThisStation,
    ServicesOverlap,
    VolunteerGone,
)
from shared.contracts import Actor, Role, decode_event
from shared.contracts.activities import AgeGroup, LateBasis, StationOpened, TeamKind, VolunteerServiceRecorded
from shared.id_number import InvalidIdNumber, check_character
from shared.kernel.working_days import PACKAGE_YEARS, arrangement
from shared.rules import DateInFuture, OutOfRange

TODAY = date(2026, 11, 20)  # a Friday
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-hsp", "s-wy"))
STATIONS = {s: places.evolve_station(places.STATION, StationOpened(station_id=s, street_id=f"st-{s}", name=s,
                                                                   code=s[2:].upper(), opened_on=date(2019, 1, 15)))
            for s in ("s-hsp", "s-wy")}
BASE = "43010319900101123"
CORPUS = Path(__file__).parents[2] / "contracts" / "events"
UNKNOWN = max(PACKAGE_YEARS) + 1
"""A year the installed chinese-calendar does not know yet (and nobody declared)."""


def register(**changes: Any) -> RegisterVolunteer:
    fields = {"actor": WORKER, "today": date(2026, 9, 1), "volunteer_id": "v-1", "station_id": "s-hsp",
              "name": "刘某某", "gender": "female", "age_group": AgeGroup.ADULT, "birth_year": 1990,
              "id_number": BASE + check_character(BASE), "skills": ("手工",), "party_member": True,
              "consent_given_on": date(2026, 9, 1), "consent_purpose": "志愿服务登记与服务记录"}
    return RegisterVolunteer(**{**fields, **changes})


VOLUNTEER = reduce(volunteers.evolve, volunteers.register(register(), STATIONS["s-hsp"], volunteers.VOLUNTEER),
                   volunteers.VOLUNTEER)


def serve(**changes: Any) -> RecordVolunteerService:
    fields = {"actor": WORKER, "today": TODAY, "volunteer_id": "v-1", "record_id": "r-1",
              "served_on": date(2026, 11, 14), "place": "一力社区", "content": "重阳敬老宴服务", "hours": 3,
              "organising_unit": "黑石铺街道社工站", "person_in_charge": "王社工"}
    return RecordVolunteerService(**{**fields, **changes})


def test_a_volunteers_id_number_is_checked_like_a_recipients() -> None:
    with pytest.raises(InvalidIdNumber):
        volunteers.register(register(id_number=BASE + "0" if check_character(BASE) != "0" else BASE + "1"),
                            STATIONS["s-hsp"], volunteers.VOLUNTEER)


@pytest.mark.parametrize(("changes", "error"), [
    ({"hours": 0}, OutOfRange),
    ({"hours": -2}, OutOfRange),
    ({"hours": 3, "starts_at": time(9, 0), "ends_at": time(11, 0)}, MoreHoursThanTheSpan),
    ({"served_on": date(2026, 11, 21)}, DateInFuture),
])
def test_hours_are_not_negative_nor_above_the_services_span(changes: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        volunteers.record_service(serve(**changes), VOLUNTEER)
    [within] = volunteers.record_service(serve(hours=2, starts_at=time(9, 0), ends_at=time(11, 0)), VOLUNTEER)
    assert isinstance(within, VolunteerServiceRecorded) and within.hours == 2


def test_a_record_made_more_than_ten_working_days_after_the_service_is_kept_and_flagged_late() -> None:
    # Served Wednesday 4 November: Wednesday 18 November is the 10th working day after, Friday 20th the 12th.
    assert volunteers.working_days_between(date(2026, 11, 4), date(2026, 11, 18)) == 10
    [on_time] = volunteers.record_service(serve(served_on=date(2026, 11, 4), today=date(2026, 11, 18)), VOLUNTEER)
    [late] = volunteers.record_service(serve(served_on=date(2026, 11, 4)), VOLUNTEER)
    assert (on_time.late, late.late) == (False, True)  # type: ignore[attr-defined]
    # A weekend does not count: served Friday 30 October, recorded Friday 13 November is 10 working days.
    assert not volunteers.is_late(date(2026, 10, 30), date(2026, 11, 13))


def test_a_service_on_30_september_recorded_on_15_october_is_not_late_across_national_day_in_a_known_year() -> None:
    # 2025: 1 to 8 October off (国庆节 and 中秋), Saturday 11 October worked; 9, 10, 11, 13, 14, 15 are six
    # working days, where Monday to Friday would count eleven.
    served, recorded = date(2025, 9, 30), date(2025, 10, 15)
    [record] = volunteers.record_service(serve(served_on=served, today=recorded), VOLUNTEER)
    assert (record.late, record.late_basis) == (False, LateBasis.CALENDAR)  # type: ignore[attr-defined]
    assert volunteers.working_days_between(served, recorded) == 6


def test_for_a_year_the_calendar_does_not_know_the_flag_says_it_counted_monday_to_friday() -> None:
    served, recorded = date(UNKNOWN, 9, 30), date(UNKNOWN, 10, 15)
    [record] = volunteers.record_service(serve(served_on=served, today=recorded), VOLUNTEER)
    assert (record.late, record.late_basis) == (True, LateBasis.WEEKDAYS_ONLY)  # type: ignore[attr-defined]


def test_the_bureaus_declaration_of_an_unknown_year_makes_the_flag_calendar_based() -> None:
    declared = volunteers.CHINA_CALENDAR.declaring({UNKNOWN: arrangement(
        [("国庆节", date(UNKNOWN, 10, 1), date(UNKNOWN, 10, 7))], [date(UNKNOWN, 10, 9)])})
    served, recorded = date(UNKNOWN, 9, 30), date(UNKNOWN, 10, 15)
    [record] = volunteers.record_service(serve(served_on=served, today=recorded), VOLUNTEER, calendar=declared)
    assert (record.late, record.late_basis) == (False, LateBasis.CALENDAR)  # type: ignore[attr-defined]
    # 8, 9 (Saturday, worked), 11 to 15 October.
    assert volunteers.working_days_between(served, recorded, declared) == 7


def test_a_make_up_saturday_counts_as_a_working_day() -> None:
    # Friday 26 September 2025; Sunday 28 September is worked (调休), so Tuesday 30 September is the 3rd day.
    assert volunteers.working_days_between(date(2025, 9, 26), date(2025, 9, 30)) == 3
    # Saturday 11 October 2025 is worked too: Thursday 9 to Monday 13 October is 9, 10, 11 and 13.
    assert volunteers.working_days_between(date(2025, 10, 8), date(2025, 10, 13)) == 4


def test_a_record_id_once_and_nothing_recorded_for_an_erased_volunteer() -> None:
    served = reduce(volunteers.evolve, volunteers.record_service(serve(), VOLUNTEER), VOLUNTEER)
    with pytest.raises(AlreadyExists):
        volunteers.record_service(serve(), served)
    erased = reduce(volunteers.evolve, volunteers.erase(EraseVolunteer(actor=WORKER, today=TODAY, volunteer_id="v-1",
                                                                       reason="本人要求"), VOLUNTEER), VOLUNTEER)
    with pytest.raises(VolunteerGone):
        volunteers.record_service(serve(record_id="r-2"), erased)


def test_a_leader_is_designated_once() -> None:
    command = DesignateVolunteerLeader(actor=WORKER, today=TODAY, volunteer_id="v-1", note="带领手工队")
    leader = reduce(volunteers.evolve, volunteers.designate_leader(command, VOLUNTEER), VOLUNTEER)
    with pytest.raises(AlreadyExists):
        volunteers.designate_leader(command, leader)


def test_teams_and_trainings_take_the_stations_own_volunteers() -> None:
    team = reduce(volunteers.evolve_team, volunteers.form_team(
        FormVolunteerTeam(actor=WORKER, today=TODAY, team_id="t-1", station_id="s-wy", name="文源枢纽志愿服务队",
                          kind=TeamKind.HUB), STATIONS["s-wy"], volunteers.TEAM), volunteers.TEAM)
    with pytest.raises(NotOfThisStation):
        volunteers.join_team(JoinVolunteerTeam(actor=WORKER, today=TODAY, team_id="t-1", volunteer_id="v-1"),
                             VOLUNTEER, team)
    training = RecordTraining(actor=WORKER, today=TODAY, training_id="tr-1", station_id="s-hsp", name="志愿服务基础",
                              content="志愿精神与服务礼仪", hours=2, organiser="黑石铺街道社工站",
                              held_on=date(2026, 11, 8), attendee_ids=("v-1", "v-9"))
    with pytest.raises(NotFoundHere):
        volunteers.record_training(training, STATIONS["s-hsp"], {"v-1": VOLUNTEER, "v-9": volunteers.VOLUNTEER},
                                   False)
    [held] = volunteers.record_training(training, STATIONS["s-hsp"], {"v-1": VOLUNTEER}, False)
    assert held.attendee_ids == ("v-1",)  # type: ignore[attr-defined]


def test_a_day_holds_no_more_than_24_hours_and_services_of_a_day_do_not_overlap() -> None:
    morning = reduce(volunteers.evolve, volunteers.record_service(
        serve(hours=2, starts_at=time(9, 0), ends_at=time(11, 0)), VOLUNTEER), VOLUNTEER)
    with pytest.raises(ServicesOverlap):
        volunteers.record_service(serve(record_id="r-2", hours=1, starts_at=time(10, 30), ends_at=time(11, 30)),
                                  morning)
    long_day = reduce(volunteers.evolve, volunteers.record_service(serve(record_id="r-3", hours=20), morning),
                      morning)
    with pytest.raises(DayOverfull):
        volunteers.record_service(serve(record_id="r-4", hours=3), long_day)
    volunteers.record_service(serve(record_id="r-5", hours=1, starts_at=time(11, 0), ends_at=time(12, 0)), morning)


def test_a_record_made_before_the_calendar_reads_as_counted_monday_to_friday() -> None:
    stored = json.loads((CORPUS / "VolunteerServiceRecorded" / "v1.json").read_text())
    record = decode_event("VolunteerServiceRecorded", stored, 1)
    assert isinstance(record, VolunteerServiceRecorded) and record.late_basis is LateBasis.WEEKDAYS_ONLY
    assert "late_basis" not in stored  # what was stored is not rewritten
