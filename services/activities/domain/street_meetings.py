"""Street-level meetings the station convenes (街道层面的会议): 黑石聚力会's monthly salon of the street's community
social organisations (社会组织沙龙) and the street's joint meeting (工作联席会议), with the organisations that came.

A compound's joint meeting (联席会议 of its party branch, owners' committee and property company) is governance's;
this one belongs to the station, and the organisations attending must be the station's own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from services.activities.domain.errors import AlreadyExists, DateBeforeThe, NotFoundHere, OutsideProject
from services.activities.domain.organisations import Organisation
from services.activities.domain.places import Station, require_open
from services.activities.domain.projects import Project
from services.activities.domain.rules import require_own_project, require_recorder, require_same_station
from shared.contracts import Actor
from shared.contracts.activities import Stakeholder, StreetMeetingHeld, StreetMeetingKind
from shared.contracts.errors import DomainError, Message
from shared.contracts.fields import MANY, Codes, Note, Title, Words
from shared.rules import require_not_future, require_text, unseen, words


@dataclass(frozen=True, kw_only=True)
class HoldStreetMeeting:
    """Record a street-level meeting the station convened: who came (organisations by id, other stakeholders by
    kind), the agenda and the minutes. `held_on` defaults to today (China time); it may be days ago, never ahead."""

    new_id: ClassVar[str] = "meeting_id"

    actor: Actor
    today: date
    station_id: str
    meeting_id: str
    title: Title
    organisation_ids: Codes
    agenda: Words
    minutes: Note
    kind: StreetMeetingKind = StreetMeetingKind.SALON
    present: Annotated[tuple[Stakeholder, ...], MANY] = ()
    held_on: date | None = None
    project_id: str | None = None


class NoOrganisationsAttending(DomainError):
    code = "no_organisations_attending"

    def __init__(self) -> None:
        super().__init__(Message(zh="请至少填写一个到会的社会组织", en="Name at least one organisation that attended"),
                         field="organisationIds")


@dataclass(frozen=True)
class StreetMeeting:
    held: bool = False
    station_id: str = ""


STREET_MEETING = StreetMeeting()


def _attending(command: HoldStreetMeeting, organisations: Mapping[str, Organisation],
               held_on: date) -> tuple[str, ...]:
    """The organisations named, each once: registered, the caller's to see (else not found, as an id that does not
    exist), the station's own, and founded by the day of the meeting."""
    attending = words(command.organisation_ids)
    if not attending:
        raise NoOrganisationsAttending()
    for organisation_id in attending:
        organisation = organisations.get(organisation_id, Organisation())
        if not organisation.registered or unseen(command.actor, organisation.station_id):
            raise NotFoundHere("社会组织", "organisation", organisation_id, "organisationIds")
        require_same_station(command.station_id, organisation.station_id, f"社会组织 {organisation_id}",
                             f"organisation {organisation_id}", "organisationIds")
        if held_on < organisation.founded_on:
            raise DateBeforeThe("heldOn", f"社会组织 {organisation_id} 的成立日期",
                                f"founding of organisation {organisation_id}")
    return attending


def hold(command: HoldStreetMeeting, station: Station, organisations: Mapping[str, Organisation],
         project: Project | None, state: StreetMeeting) -> list[object]:
    """The meeting once; the station open and the caller's; a past or today's date, within its project's period."""
    if state.held:
        raise AlreadyExists(f"会议 {command.meeting_id}", f"Meeting {command.meeting_id}", "meetingId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    held_on = command.held_on or command.today
    require_not_future("heldOn", held_on, command.today)
    attending = _attending(command, organisations, held_on)
    require_own_project(command.actor, project, command.project_id, command.station_id)
    if project is not None and not project.starts_on <= held_on <= project.ends_on:
        raise OutsideProject(project.starts_on, project.ends_on)
    return [StreetMeetingHeld(meeting_id=command.meeting_id, station_id=command.station_id, kind=command.kind,
                              title=require_text("title", command.title), held_on=held_on,
                              organisation_ids=attending, present=tuple(dict.fromkeys(command.present)),
                              agenda=words(command.agenda), minutes=require_text("minutes", command.minutes),
                              project_id=command.project_id)]


def evolve(state: StreetMeeting, event: object) -> StreetMeeting:
    match event:
        case StreetMeetingHeld(station_id=station_id):
            return StreetMeeting(held=True, station_id=station_id)
    return state
