"""A street-level meeting (黑石聚力会's salon) is recorded with the station's own organisations, on a day that has
come, or refused, recording nothing."""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce

import pytest

from services.activities.domain import organisations, places, projects, street_meetings
from services.activities.domain.errors import AlreadyExists, DateBeforeThe, NotFoundHere, OutsideProject
from services.activities.domain.organisations import Organisation
from services.activities.domain.street_meetings import HoldStreetMeeting, NoOrganisationsAttending
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    OrganisationRegistered,
    OrganisationType,
    PlannedOutputs,
    ProjectStarted,
    Stakeholder,
    StationOpened,
    StreetMeetingHeld,
    StreetMeetingKind,
)
from shared.contracts.errors import DomainError
from shared.rules import DateInFuture

TODAY = date(2026, 9, 24)
HSP, WY = "s-hsp", "s-wy"
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=(HSP,))
DIRECTOR = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(HSP, WY))
STATION = places.evolve_station(places.STATION, StationOpened(station_id=HSP, street_id="st", name="黑石铺街道社工站",
                                                              code="HSP", opened_on=date(2019, 1, 15)))


def organisation(organisation_id: str, station_id: str = HSP, founded_on: date = date(2025, 3, 1)) -> Organisation:
    return organisations.evolve(organisations.ORGANISATION, OrganisationRegistered(
        organisation_id=organisation_id, station_id=station_id, name=f"组织{organisation_id}", community="一力社区",
        type=OrganisationType.CULTURE_SPORT, leader=None, members=12, founded_on=founded_on))


ORGANISATIONS = {o: organisation(o) for o in ("o-1", "o-2", "o-3")} | {"o-wy": organisation("o-wy", WY)}
PROJECT = projects.evolve(projects.PROJECT, ProjectStarted(
    project_id="p-1", station_id=HSP, name="黑石聚力会", aims="社会组织培育", target_population="社区社会组织",
    communities=("一力社区",), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), planned=PlannedOutputs()))


def salon(**changes: object) -> HoldStreetMeeting:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "station_id": HSP, "meeting_id": "sm-1", "title": "黑石聚力会九月沙龙",
        "organisation_ids": ("o-1", "o-2", "o-3"), "agenda": ("各组织本月活动交流",), "minutes": "确定国庆联合汇演",
        "present": (Stakeholder.STATION, Stakeholder.STREET_OFFICE, Stakeholder.SERVING_PARTY_MEMBER)}
    return HoldStreetMeeting(**{**fields, **changes})  # type: ignore[arg-type]


def hold(command: HoldStreetMeeting, state: street_meetings.StreetMeeting = street_meetings.STREET_MEETING,
         project: projects.Project | None = None) -> list[object]:
    return street_meetings.hold(command, STATION, ORGANISATIONS, project, state)


def test_a_salon_with_three_organisations_is_held_today_when_no_day_is_given() -> None:
    [held] = hold(salon(organisation_ids=("o-1", "o-2", "o-3", "o-1"), agenda=(" 各组织本月活动交流 ", "")))

    assert held == StreetMeetingHeld(
        meeting_id="sm-1", station_id=HSP, kind=StreetMeetingKind.SALON, title="黑石聚力会九月沙龙", held_on=TODAY,
        organisation_ids=("o-1", "o-2", "o-3"), agenda=("各组织本月活动交流",), minutes="确定国庆联合汇演",
        present=(Stakeholder.STATION, Stakeholder.STREET_OFFICE, Stakeholder.SERVING_PARTY_MEMBER), project_id=None)


def test_a_late_entry_keeps_the_day_it_was_held_and_its_project() -> None:
    [held] = hold(salon(held_on=TODAY - timedelta(days=6), project_id="p-1", kind=StreetMeetingKind.JOINT_MEETING),
                  project=PROJECT)

    assert isinstance(held, StreetMeetingHeld)
    assert (held.held_on, held.project_id, held.kind) == (TODAY - timedelta(days=6), "p-1",
                                                          StreetMeetingKind.JOINT_MEETING)


def test_a_meeting_is_recorded_once() -> None:
    held = reduce(street_meetings.evolve, hold(salon()), street_meetings.STREET_MEETING)

    with pytest.raises(AlreadyExists) as refused:
        hold(salon(), held)
    assert refused.value.field == "meetingId"


@pytest.mark.parametrize(("changes", "error", "code", "field"), [
    ({"organisation_ids": ()}, NoOrganisationsAttending, "no_organisations_attending", "organisationIds"),
    ({"organisation_ids": (" ",)}, NoOrganisationsAttending, "no_organisations_attending", "organisationIds"),
    ({"organisation_ids": ("o-1", "o-9")}, NotFoundHere, "not_found", "organisationIds"),
    ({"organisation_ids": ("o-1", "o-wy")}, NotFoundHere, "not_found", "organisationIds"),
    ({"held_on": TODAY + timedelta(days=1)}, DateInFuture, "invalid_input", "heldOn"),
    ({"held_on": date(2025, 2, 1)}, DateBeforeThe, "invalid_input", "heldOn"),
    ({"minutes": "  "}, DomainError, "invalid_input", "minutes"),
], ids=["no-organisations", "blank-organisation", "unknown-organisation", "another-stations-unseen", "future",
        "before-an-organisation-was-founded", "no-minutes"])
def test_a_meeting_the_rules_refuse_is_refused_with_its_code_and_field(
        changes: dict[str, object], error: type[DomainError], code: str, field: str) -> None:
    with pytest.raises(error) as refused:
        hold(salon(**changes))

    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message.zh and refused.value.message.en


def test_another_stations_organisation_the_caller_sees_is_not_this_stations() -> None:
    with pytest.raises(DomainError) as refused:
        hold(salon(actor=DIRECTOR, organisation_ids=("o-1", "o-wy")))

    assert (refused.value.code, refused.value.field) == ("not_of_this_station", "organisationIds")
    assert "o-wy" in refused.value.message.en and "不属于本社工站" in refused.value.message.zh


def test_a_project_meeting_falls_in_the_projects_period() -> None:
    with pytest.raises(OutsideProject):
        hold(salon(held_on=date(2025, 12, 30), organisation_ids=("o-1",)), project=PROJECT)


def test_the_bureau_reads_street_meetings_but_does_not_record_them() -> None:
    bureau = Actor(subject="b-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))

    with pytest.raises(DomainError) as refused:
        hold(salon(actor=bureau))
    assert refused.value.code == "forbidden"
