"""The recount: a station's figures counted again from the event log, as a person with the paper records would.

A small pure function written for the recount oracle (tests/property/test_recount_oracle.py). It shares no code
with reporting's projections and queries, nor with the contracts: it reads each event as the plain type name and
JSON payload the write services stored, so that a mistake in how reporting reads or counts them cannot be
repeated here. The rules it counts by:

- A case is open over periods: from the day it was opened (or reopened) to the day it was closed, or still.
  `cases_opened` counts CaseOpened by `opened_on`; `cases_closed` counts every CaseClosed by its `closed_on`, even
  when the case was reopened later (reopening does not rewrite the past); a case is open in a month when one of
  its periods starts before the month ends and has not ended before it begins.
- People served are distinct persons: the recipient of a case session (the survivor, when that record was merged
  into another), and each member signed in at a group session: the recipient they are linked to (the survivor)
  if any, else that member of that group, never the same person as another group's member of the same id.
- Everything else is counted by the day it happened (held on, served on, registered on, planned on), never by
  the day it was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Event = tuple[str, Mapping[str, Any]]
"""(type, payload): an event's type name as stored (`CaseOpened`) and its JSON payload."""

FIGURES = ("person_times_direct", "person_times_indirect", "case_person_times", "cases_opened", "cases_closed",
           "group_person_times", "group_indirect_person_times", "activity_person_times", "people_served",
           "case_sessions", "groups_planned", "groups_meeting", "group_sessions", "activities",
           "volunteers_registered", "volunteer_hours", "volunteer_service_hours", "activity_volunteer_hours_estimate")
"""The figures of a period (the GraphQL `Figures`, in snake case) that the recount gives."""


def _day(value: str) -> date:
    return date.fromisoformat(value)


@dataclass
class Log:
    """The facts of an event log the figures are counted from."""

    merged_into: dict[str, str] = field(default_factory=dict)
    case_station: dict[str, str] = field(default_factory=dict)
    case_recipient: dict[str, str] = field(default_factory=dict)
    opened: list[tuple[str, date]] = field(default_factory=list)
    """(station, day) of each case opened."""
    closed: list[tuple[str, date]] = field(default_factory=list)
    """(station, day) of each closing, reopened since or not."""
    periods: dict[str, list[tuple[date, date | None]]] = field(default_factory=dict)
    """case → its open periods, (from, to or None)."""
    case_sessions: list[tuple[str, date, int, str]] = field(default_factory=list)
    """(station, held on, participants, recipient) of each case session."""
    members: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """(group, member) → the recipient they are, or None."""
    groups_planned: list[tuple[str, date]] = field(default_factory=list)
    group_sessions: list[tuple[str, date, str, tuple[str, ...], int, int]] = field(default_factory=list)
    """(station, held on, group, members present, walk-ins, indirect beneficiaries) of each group session."""
    activities: list[tuple[str, date, int, int, float]] = field(default_factory=list)
    """(station, held on, direct, indirect, volunteer hours typed in) of each activity."""
    volunteers: list[tuple[str, date]] = field(default_factory=list)
    services: list[tuple[str, date, float]] = field(default_factory=list)
    """(station, served on, hours) of each volunteer service record."""

    def person(self, recipient_id: str) -> str:
        """The recipient a record stands for: the survivor of every merge it went into."""
        seen = {recipient_id}
        while recipient_id in self.merged_into:
            recipient_id = self.merged_into[recipient_id]
            if recipient_id in seen:
                break
            seen.add(recipient_id)
        return recipient_id


def read(events: Iterable[Event]) -> Log:
    """The facts of the events, in log order (each aggregate's events in its stream's order)."""
    log = Log()
    for kind, data in events:
        match kind:
            case "RecipientMergedInto":
                log.merged_into[data["recipient_id"]] = data["into_recipient_id"]
            case "CaseOpened":
                log.case_station[data["case_id"]] = data["station_id"]
                log.case_recipient[data["case_id"]] = data["recipient_id"]
                log.opened.append((data["station_id"], _day(data["opened_on"])))
                log.periods[data["case_id"]] = [(_day(data["opened_on"]), None)]
            case "CaseClosed":
                log.closed.append((data["station_id"], _day(data["closed_on"])))
                periods = log.periods[data["case_id"]]
                periods[-1] = (periods[-1][0], _day(data["closed_on"]))
            case "CaseReopened":
                log.periods[data["case_id"]].append((_day(data["reopened_on"]), None))
            case "CaseSessionRecorded":
                recipient = data.get("recipient_id") or log.case_recipient[data["case_id"]]
                log.case_sessions.append((data["station_id"], _day(data["held_on"]), int(data["participants"]),
                                          recipient))
            case "GroupPlanned":
                log.groups_planned.append((data["station_id"], _day(data["planned_on"])))
            case "GroupMemberJoined":
                log.members[(data["group_id"], data["member_id"])] = data.get("recipient_id")
            case "GroupSessionHeld":
                log.group_sessions.append((data["station_id"], _day(data["held_on"]), data["group_id"],
                                           tuple(data["present_member_ids"]), int(data["walk_ins"]),
                                           int(data.get("indirect_beneficiaries", 0))))
            case "ActivityHeld":
                log.activities.append((data["station_id"], _day(data["held_on"]), int(data["direct_participants"]),
                                       int(data["indirect_beneficiaries"]), float(data.get("volunteer_hours", 0))))
            case "VolunteerRegistered":
                log.volunteers.append((data["station_id"], _day(data["registered_on"])))
            case "VolunteerServiceRecorded":
                log.services.append((data["station_id"], _day(data["served_on"]), float(data["hours"])))
    return log


def recount(log: Log, start: date, end: date, stations: frozenset[str] | None = None) -> dict[str, float]:
    """The figures of [start, end) for these stations together (None: the whole district). People are counted
    distinct across the stations, not added up."""

    def counted(station: str, day: date) -> bool:
        return (stations is None or station in stations) and start <= day < end

    case_sessions = [s for s in log.case_sessions if counted(s[0], s[1])]
    group_sessions = [s for s in log.group_sessions if counted(s[0], s[1])]
    activities = [a for a in log.activities if counted(a[0], a[1])]
    people: set[tuple[str, ...]] = {("recipient", log.person(recipient)) for _, _, _, recipient in case_sessions}
    for _, _, group, present, _, _ in group_sessions:
        for member in present:
            recipient = log.members.get((group, member))
            people.add(("recipient", log.person(recipient)) if recipient else ("member", group, member))
    case_times = sum(s[2] for s in case_sessions)
    group_times = sum(len(s[3]) + s[4] for s in group_sessions)
    activity_times = sum(a[2] for a in activities)
    group_indirect = sum(s[5] for s in group_sessions)
    service_hours = round(sum(s[2] for s in log.services if counted(s[0], s[1])), 2)
    return {
        "person_times_direct": case_times + group_times + activity_times,
        "person_times_indirect": sum(a[3] for a in activities) + group_indirect,
        "group_indirect_person_times": group_indirect,
        "case_person_times": case_times,
        "cases_opened": sum(counted(*c) for c in log.opened),
        "cases_closed": sum(counted(*c) for c in log.closed),
        "group_person_times": group_times,
        "activity_person_times": activity_times,
        "people_served": len(people),
        "case_sessions": len(case_sessions),
        "groups_planned": sum(counted(*g) for g in log.groups_planned),
        "groups_meeting": len({s[2] for s in group_sessions}),
        "group_sessions": len(group_sessions),
        "activities": len(activities),
        "volunteers_registered": sum(counted(*v) for v in log.volunteers),
        "volunteer_hours": service_hours,
        "volunteer_service_hours": service_hours,
        "activity_volunteer_hours_estimate": round(sum(a[4] for a in activities), 2),
    }


def station_month(log: Log, station: str, start: date, end: date) -> dict[str, int]:
    """A station's month of case work (the GraphQL `StationMonth`): cases open at some time in the month, opened,
    closed, sessions, their person-times, and the distinct recipients seen at them."""
    figures = recount(log, start, end, frozenset({station}))
    sessions = [s for s in log.case_sessions if s[0] == station and start <= s[1] < end]
    open_cases = sum(
        any(begun < end and (ended is None or ended >= start) for begun, ended in periods)
        for case, periods in log.periods.items() if log.case_station[case] == station)
    return {"open_cases": open_cases, "cases_opened": int(figures["cases_opened"]),
            "cases_closed": int(figures["cases_closed"]), "sessions_held": len(sessions),
            "case_person_times": sum(s[2] for s in sessions),
            "people_served": len({log.person(s[3]) for s in sessions})}
