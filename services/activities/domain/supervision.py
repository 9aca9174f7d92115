"""Supervision and project meetings (一督二会): each month a station has one supervision, one offline and one
online project meeting; reporting says which are missing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.activities.domain.commands import FollowUpSupervisionAction, RecordProjectMeeting, RecordSupervision
from services.activities.domain.errors import (
    ActionAlreadyDone,
    AlreadyExists,
    DateBeforeThe,
    NaiveTime,
    NotASupervisor,
    NotFoundHere,
)
from services.activities.domain.places import Station, require_open
from services.activities.domain.rules import RECORDERS, require_recorder
from shared.china import china_day
from shared.contracts import Role
from shared.contracts.activities import (
    AgreedAction,
    ProjectMeetingHeld,
    SupervisionActionFollowedUp,
    SupervisionHeld,
)
from shared.rules import (
    happened_on,
    require_items,
    require_not_future,
    require_range,
    require_station,
    require_text,
    unseen,
)

SUPERVISES = (Role.SUPERVISOR, Role.STATION_HEAD, Role.PROJECT_DIRECTOR, Role.SYSTEM)
"""A meeting's day, and so its month, is its start in China Standard Time."""


@dataclass(frozen=True)
class Supervision:
    held: bool = False
    station_id: str = ""
    open_actions: frozenset[str] = frozenset()
    done_actions: frozenset[str] = frozenset()
    held_on: date | None = None


SUPERVISION = Supervision()


def record(command: RecordSupervision, station: Station, state: Supervision) -> list[object]:
    if state.held:
        raise AlreadyExists("督导记录", "The supervision", "supervisionId")
    require_open(station, command.station_id)
    require_station(command.actor, command.station_id)
    if command.actor.role not in SUPERVISES:
        raise NotASupervisor()
    require_not_future("heldOn", command.held_on, command.today)
    require_range("hours", command.hours, 0.5, 12)
    require_range("casesReviewed", command.cases_reviewed, 0, 100)
    staff = require_items("staffIds", command.staff_ids)
    topics = require_items("topics", command.topics)
    actions = []
    for n, action in enumerate(command.actions, start=1):
        if action.due_on < command.held_on:
            raise DateBeforeThe("actions.dueOn", "督导日期", "supervision")
        actions.append(AgreedAction(action_id=f"a{n}", description=require_text("actions.description",
                                                                                 action.description),
                                    owner=require_text("actions.owner", action.owner), due_on=action.due_on))
    return [SupervisionHeld(supervision_id=command.supervision_id, station_id=command.station_id,
                            supervisor_id=require_text("supervisorId", command.supervisor_id),
                            supervisor_kind=command.supervisor_kind, staff_ids=staff, held_on=command.held_on,
                            hours=command.hours, topics=topics, cases_reviewed=command.cases_reviewed,
                            actions=tuple(actions))]


def follow_up(command: FollowUpSupervisionAction, state: Supervision) -> list[object]:
    """The station's staff or a supervisor follow an action up; the bureau reads."""
    if not state.held or unseen(command.actor, state.station_id):
        raise NotFoundHere("督导记录", "supervision", command.supervision_id, "supervisionId")
    require_station(command.actor, state.station_id, field="supervisionId")
    if command.actor.role not in (*RECORDERS, Role.SUPERVISOR):
        raise NotASupervisor()
    if command.action_id in state.done_actions:
        raise ActionAlreadyDone(command.action_id)
    if command.action_id not in state.open_actions:
        raise NotFoundHere("督导行动", "action", command.action_id, "actionId")
    followed_up_on = happened_on("followedUpOn", command.followed_up_on, command.today,
                                 (state.held_on, "督导日期", "the supervision"))
    return [SupervisionActionFollowedUp(supervision_id=command.supervision_id, station_id=state.station_id,
                                        action_id=command.action_id, done=command.done, note=command.note.strip(),
                                        followed_up_on=followed_up_on)]


def evolve(state: Supervision, event: object) -> Supervision:
    match event:
        case SupervisionHeld(station_id=station_id, actions=actions, held_on=held_on):
            return Supervision(held=True, station_id=station_id, open_actions=frozenset(a.action_id for a in actions),
                               held_on=held_on)
        case SupervisionActionFollowedUp(action_id=action_id, done=True):
            return replace(state, open_actions=state.open_actions - {action_id},
                           done_actions=state.done_actions | {action_id})
    return state


@dataclass(frozen=True)
class Meeting:
    held: bool = False


MEETING = Meeting()


def record_meeting(command: RecordProjectMeeting, stations: dict[str, Station], state: Meeting) -> list[object]:
    if state.held:
        raise AlreadyExists("推进会记录", "The meeting", "meetingId")
    chosen = require_items("stationIds", command.station_ids)
    for station_id in chosen:
        require_open(stations.get(station_id, Station()), station_id, "stationIds")
        require_recorder(command.actor, station_id, field="stationIds")
    if command.starts_at.tzinfo is None:
        raise NaiveTime()
    require_not_future("startsAt", china_day(command.starts_at), command.today)
    attendees = require_items("attendees", command.attendees)
    return [ProjectMeetingHeld(meeting_id=command.meeting_id, station_ids=chosen, mode=command.mode,
                               starts_at=command.starts_at, attendees=attendees,
                               decisions=tuple(d.strip() for d in command.decisions if d.strip()),
                               action_items=tuple(a.strip() for a in command.action_items if a.strip()))]


def evolve_meeting(state: Meeting, event: object) -> Meeting:
    return Meeting(held=True) if isinstance(event, ProjectMeetingHeld) else state
