"""Holding a street-level meeting: it needs the station, every organisation named and the project, if one."""

from __future__ import annotations

from services.activities.application.handlers import (
    ORGANISATION,
    _organisation_stream,
    _project,
    _station,
)
from services.activities.domain import street_meetings
from services.activities.domain.street_meetings import HoldStreetMeeting
from shared.application import CommandHandler, Decider, Unit, execute, load
from shared.eventstore import AppendResult

STREET_MEETING = Decider(stream_type="street_meeting", initial_state=street_meetings.STREET_MEETING,
                         evolve=street_meetings.evolve)


async def hold_street_meeting(command: HoldStreetMeeting, unit: Unit) -> AppendResult:
    station, project = await _station(unit, command.station_id), await _project(unit, command.project_id)
    organisations = {o: (await load(unit.store, ORGANISATION, _organisation_stream(o)))[0]
                     for o in dict.fromkeys(command.organisation_ids)}
    return await execute(unit, STREET_MEETING, f"street_meeting-{command.meeting_id}",
                         lambda state: street_meetings.hold(command, station, organisations, project, state),
                         {"meeting_id": command.meeting_id})


ROUTES: dict[type, CommandHandler] = {HoldStreetMeeting: hold_street_meeting}
