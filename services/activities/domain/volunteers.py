"""Volunteers (志愿者), their teams, trainings, service hours and leaders, under 民政部令第67号's record rules.

Hours are recorded per service and only ever summed; a record entered more than ten working days after the
service is kept but flagged late, counting China's working days (shared.kernel.working_days), and saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

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
    ConsentIncomplete,
    DateAfterThe,
    DateBeforeThe,
    DayOverfull,
    MoreHoursThanTheSpan,
    NotFoundHere,
    NotOfThisStation,
    ServicesOverlap,
    VolunteerConsentMissing,
    VolunteerGone,
)
from services.activities.domain.outreach import Recorded
from services.activities.domain.places import STREET, Station, Street, community_named, require_open
from services.activities.domain.rules import require_own_activity, require_recorder
from shared.contracts import Actor
from shared.contracts.activities import (
    LateBasis,
    TrainingHeld,
    VolunteerErased,
    VolunteerJoinedTeam,
    VolunteerLeaderDesignated,
    VolunteerRegistered,
    VolunteerServiceRecorded,
    VolunteerTeamFormed,
)
from shared.contracts.consent import CHILD_UNDER, SensitiveDataConsent
from shared.id_number import valid_id_number
from shared.kernel.working_days import WorkingCalendar
from shared.rules import BlankField, age, happened_on, require_not_future, require_range, require_text, unseen, words

RECORD_WITHIN_WORKING_DAYS = 10
"""民政部令第67号: service is recorded within 10 working days of it."""

CHINA_CALENDAR = WorkingCalendar()
"""China's working days as chinese-calendar knows them; the handler adds the bureau's declarations."""


def working_days_between(start: date, end: date, calendar: WorkingCalendar = CHINA_CALENDAR) -> int:
    """China's working days after `start` up to and including `end`: holidays out, make-up working days in; a
    year nobody knows counts Monday to Friday."""
    return calendar.working_days_after(start, end).days


def is_late(served_on: date, recorded_on: date, calendar: WorkingCalendar = CHINA_CALENDAR) -> bool:
    return working_days_between(served_on, recorded_on, calendar) > RECORD_WITHIN_WORKING_DAYS


def late_basis(served_on: date, recorded_on: date, calendar: WorkingCalendar = CHINA_CALENDAR) -> LateBasis:
    """`weekdays_only` when a day between them is in a year nobody knows (so counted Monday to Friday)."""
    assumed = calendar.working_days_after(served_on, recorded_on).assumed
    return LateBasis.WEEKDAYS_ONLY if assumed else LateBasis.CALENDAR


@dataclass(frozen=True)
class Volunteer:
    registered: bool = False
    station_id: str = ""
    erased: bool = False
    leader: bool = False
    registered_on: date | None = None
    """The day they registered, which every later fact of theirs (joining a team, leading) may not precede."""
    record_ids: frozenset[str] = frozenset()
    served: tuple[tuple[date, float, time | None, time | None], ...] = ()
    """(day, hours, from, to) of every service, so a day never holds more than it has."""


VOLUNTEER = Volunteer()


SENSITIVE = ("id_number", "contact")
"""A volunteer's sensitive personal data (PIPL art. 28), as a recipient's ID number and phone are: each recorded only
with the volunteer's separate consent. Everything about a child under 14 is sensitive (CHILD_UNDER)."""
FIELD = {"id_number": "idNumber", "contact": "contact"}


def consent(command: RegisterVolunteer, registered_on: date) -> SensitiveDataConsent | None:
    """The consent the registration records, if it records one: a date and a purpose, or nothing. It was given
    by the day of the registration (data is collected after consent, not before)."""
    purpose = (command.consent_purpose or "").strip()
    if command.consent_given_on is None and not purpose:
        return None
    if command.consent_given_on is None or not purpose:
        missing = "consentGivenOn" if command.consent_given_on is None else "consentPurpose"
        raise ConsentIncomplete(missing)
    require_not_future("consentGivenOn", command.consent_given_on, command.today)
    if command.consent_given_on > registered_on:
        raise DateAfterThe("consentGivenOn", "登记日期", "registration")
    return SensitiveDataConsent(given_on=command.consent_given_on, purpose=purpose,
                                recorded_by=command.actor.subject, by_guardian=command.consent_by_guardian)


def require_consent(given: dict[str, object], child: bool, consented: SensitiveDataConsent | None) -> None:
    """Sensitive data only with consent on record; a child's data, all of it, only with the guardian's."""
    needed_by = next((FIELD[name] for name in SENSITIVE if given.get(name)), None)
    if child:
        needed_by = needed_by or "birthYear"
        if consented is None:
            raise VolunteerConsentMissing(needed_by, child=True)
        if not consented.by_guardian:
            raise VolunteerConsentMissing(needed_by, child=True, field="consentByGuardian")
    elif needed_by is not None and consented is None:
        raise VolunteerConsentMissing(needed_by, child=False)


def register(command: RegisterVolunteer, station: Station, state: Volunteer) -> list[object]:
    """A volunteer on the day they registered (today unless given; not in the future, not before the station
    opened nor before they were born), their ID number and contact with their consent, a child's with the
    guardian's (age on the day of registration)."""
    if state.registered:
        raise AlreadyExists("志愿者", "The volunteer", "volunteerId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    registered_on = command.registered_on or command.today
    require_not_future("registeredOn", registered_on, command.today)
    if station.opened_on is not None and registered_on < station.opened_on:
        raise DateBeforeThe("registeredOn", "社工站开站日期", "station's opening")
    birth_year = command.birth_date.year if command.birth_date else command.birth_year
    if birth_year is None:
        raise BlankField("birthYear")
    require_range("birthYear", birth_year, 1900, registered_on.year)
    if command.birth_date is not None:
        require_not_future("birthDate", command.birth_date, command.today)
        if registered_on < command.birth_date:
            raise DateBeforeThe("registeredOn", "出生日期", "birth date")
    id_number = None if command.id_number is None else valid_id_number(command.id_number, birth_year,
                                                                        command.birth_date)
    contact = command.contact.strip() or None
    given = consent(command, registered_on)
    require_consent({"id_number": id_number, "contact": contact},
                    age(registered_on, birth_year, command.birth_date) < CHILD_UNDER, given)
    return [VolunteerRegistered(
        volunteer_id=command.volunteer_id, station_id=command.station_id, name=require_text("name", command.name),
        gender=require_text("gender", command.gender), birth_year=birth_year, birth_date=command.birth_date,
        id_number=id_number, contact=contact, residence_area=command.residence_area.strip(),
        skills=words(command.skills), service_categories=words(command.service_categories),
        age_group=command.age_group, party_member=command.party_member, registered_on=registered_on,
        consent=given)]


def _current(volunteer_id: str, state: Volunteer, actor: Actor) -> Volunteer:
    """A volunteer still on record at a station the caller sees (another station's is not found)."""
    if not state.registered or unseen(actor, state.station_id):
        raise NotFoundHere("志愿者", "volunteer", volunteer_id, "volunteerId")
    if state.erased:
        raise VolunteerGone(volunteer_id)
    return state


def record_service(command: RecordVolunteerService, state: Volunteer, *,
                   calendar: WorkingCalendar = CHINA_CALENDAR) -> list[object]:
    """Hours above zero and within the service's span (its start and end times, else the day); late by China's
    working days (`calendar`: the handler's has the bureau's declarations)."""
    volunteer = _current(command.volunteer_id, state, command.actor)
    require_recorder(command.actor, volunteer.station_id, field="volunteerId")
    if command.record_id in volunteer.record_ids:
        raise AlreadyExists(f"服务记录 {command.record_id}", f"Record {command.record_id}", "recordId")
    require_not_future("servedOn", command.served_on, command.today)
    span = 24.0
    if command.starts_at is not None and command.ends_at is not None:
        begins = datetime.combine(command.served_on, command.starts_at)
        span = (datetime.combine(command.served_on, command.ends_at) - begins).total_seconds() / 3600
        if span <= 0:
            raise DateBeforeThe("endsAt", "开始时间", "start")
    require_range("hours", command.hours, 0.1, 24)
    if command.hours > span:
        raise MoreHoursThanTheSpan(command.hours, span)
    same_day = [(hours, frm, to) for day, hours, frm, to in volunteer.served if day == command.served_on]
    if sum(hours for hours, _, _ in same_day) + command.hours > 24:
        raise DayOverfull(command.served_on, sum(hours for hours, _, _ in same_day))
    if command.starts_at is not None and command.ends_at is not None:
        for _, frm, to in same_day:
            if frm is not None and to is not None and frm < command.ends_at and command.starts_at < to:
                raise ServicesOverlap(frm, to)
    return [VolunteerServiceRecorded(
        volunteer_id=command.volunteer_id, station_id=volunteer.station_id, record_id=command.record_id,
        served_on=command.served_on, place=require_text("place", command.place),
        content=require_text("content", command.content), hours=command.hours,
        organising_unit=require_text("organisingUnit", command.organising_unit),
        person_in_charge=require_text("personInCharge", command.person_in_charge), activity_id=command.activity_id,
        recorded_on=command.today, late=is_late(command.served_on, command.today, calendar),
        late_basis=late_basis(command.served_on, command.today, calendar), starts_at=command.starts_at,
        ends_at=command.ends_at)]


def record_service_at(command: RecordVolunteerService, activity: Recorded | None, state: Volunteer, *,
                      calendar: WorkingCalendar = CHINA_CALENDAR) -> list[object]:
    """A service, and the community activity it was at (when one is named, as its stream stands): an activity
    recorded at the volunteer's station, where the service counts."""
    events = record_service(command, state, calendar=calendar)
    require_own_activity(command.actor, activity, command.activity_id, state.station_id)
    return events


def designate_leader(command: DesignateVolunteerLeader, state: Volunteer) -> list[object]:
    volunteer = _current(command.volunteer_id, state, command.actor)
    require_recorder(command.actor, volunteer.station_id, field="volunteerId")
    if volunteer.leader:
        raise AlreadyExists("志愿领袖", "The volunteer leader", "volunteerId")
    designated_on = happened_on("designatedOn", command.designated_on, command.today,
                                (volunteer.registered_on, "志愿者注册日期", "the volunteer's registration"))
    return [VolunteerLeaderDesignated(volunteer_id=command.volunteer_id, station_id=volunteer.station_id,
                                      designated_on=designated_on, note=command.note.strip())]


def erase(command: EraseVolunteer, state: Volunteer) -> list[object]:
    volunteer = _current(command.volunteer_id, state, command.actor)
    require_recorder(command.actor, volunteer.station_id, field="volunteerId")
    return [VolunteerErased(volunteer_id=command.volunteer_id, station_id=volunteer.station_id,
                            erased_on=command.today, reason=require_text("reason", command.reason))]


def evolve(state: Volunteer, event: object) -> Volunteer:
    match event:
        case VolunteerRegistered(station_id=station_id, registered_on=registered_on):
            return Volunteer(registered=True, station_id=station_id, registered_on=registered_on)
        case VolunteerServiceRecorded(record_id=record_id, served_on=day, hours=hours, starts_at=start,
                                      ends_at=end):
            return replace(state, record_ids=state.record_ids | {record_id},
                           served=(*state.served, (day, hours, start, end)))
        case VolunteerLeaderDesignated():
            return replace(state, leader=True)
        case VolunteerErased():
            return replace(state, erased=True)
    return state


@dataclass(frozen=True)
class Team:
    formed: bool = False
    station_id: str = ""
    members: frozenset[str] = frozenset()
    formed_on: date | None = None


TEAM = Team()


def form_team(command: FormVolunteerTeam, station: Station, state: Team, street: Street = STREET) -> list[object]:
    """A community's team, of a community of the station's `street`; or the street's hub team (none named)."""
    if state.formed:
        raise AlreadyExists("志愿服务队", "The team", "teamId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    formed_on = happened_on("formedOn", command.formed_on, command.today,
                            (station.opened_on, "社工站成立日期", "the station's opening"))
    community_id, community = community_named(street, command.community_id, command.community, required=False)
    return [VolunteerTeamFormed(team_id=command.team_id, station_id=command.station_id,
                                name=require_text("name", command.name), kind=command.kind,
                                community=community, community_id=community_id, formed_on=formed_on)]


def join_team(command: JoinVolunteerTeam, volunteer: Volunteer, state: Team) -> list[object]:
    if not state.formed or unseen(command.actor, state.station_id):
        raise NotFoundHere("志愿服务队", "team", command.team_id, "teamId")
    require_recorder(command.actor, state.station_id, field="teamId")
    _current(command.volunteer_id, volunteer, command.actor)
    if volunteer.station_id != state.station_id:
        raise NotOfThisStation("该志愿者", "volunteer", "volunteerId")
    if command.volunteer_id in state.members:
        raise AlreadyExists("队员", "The member", "volunteerId")
    joined_on = happened_on("joinedOn", command.joined_on, command.today,
                            (state.formed_on, "服务队成立日期", "the team's forming"),
                            (volunteer.registered_on, "志愿者注册日期", "the volunteer's registration"))
    return [VolunteerJoinedTeam(team_id=command.team_id, station_id=state.station_id,
                                volunteer_id=command.volunteer_id, joined_on=joined_on, leader=command.leader)]


def evolve_team(state: Team, event: object) -> Team:
    match event:
        case VolunteerTeamFormed(station_id=station_id, formed_on=formed_on):
            return Team(formed=True, station_id=station_id, formed_on=formed_on)
        case VolunteerJoinedTeam(volunteer_id=volunteer_id):
            return replace(state, members=state.members | {volunteer_id})
    return state


def record_training(command: RecordTraining, station: Station, attendees: dict[str, Volunteer],
                    already: bool) -> list[object]:
    """Attendees are volunteers of the station (a training counts towards a leader's growth)."""
    if already:
        raise AlreadyExists("培训", "The training", "trainingId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    require_not_future("heldOn", command.held_on, command.today)
    require_range("hours", command.hours, 0.5, 100)
    for volunteer_id, volunteer in attendees.items():
        if not volunteer.registered:
            raise NotFoundHere("志愿者", "volunteer", volunteer_id, "attendeeIds")
        if volunteer.station_id != command.station_id:
            raise NotOfThisStation("该志愿者", "volunteer", "attendeeIds")
    return [TrainingHeld(training_id=command.training_id, station_id=command.station_id,
                         name=require_text("name", command.name), content=require_text("content", command.content),
                         hours=command.hours, organiser=require_text("organiser", command.organiser),
                         held_on=command.held_on, attendee_ids=tuple(attendees))]
