"""Each Node type's fetch by raw id, through the query a list or a single object of it is read by, so it is
scoped as they are: what the caller may not see (another station's) answers None."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

import strawberry
from strawberry import relay

from gateway.context import Context
from gateway.node.ids import COMPOSITE, NotANodeId
from gateway.places.types import Community, Street
from gateway.queries.case import case
from gateway.queries.recipient import recipient
from gateway.queries.station_work import group, project, volunteer, work_report
from gateway.queries.stations import operators
from gateway.street_meetings.types import StreetMeeting
from gateway.types.pages import first_of
from gateway.types.station import Compound, Operator, Station
from gateway.types.work import (
    Activity,
    CompoundIssue,
    JointMeeting,
    Organisation,
    ProjectMeeting,
    PublicityItem,
    ReportKind,
    Resource,
    StaffMember,
    Supervision,
    Survey,
    VolunteerTeam,
)

Info = strawberry.Info[Context, None]
Fetch = Callable[[Info, str], Awaitable[relay.Node | None]]


def _page(endpoint: str, key: str, node: Callable[[dict[str, Any]], relay.Node],
          **extra: Any) -> Fetch:
    """Fetch the one node of `endpoint`'s page filtered by `key` (reporting's Relay pages)."""

    async def fetch(info: Info, raw: str) -> relay.Node | None:
        return first_of(await info.context.query(endpoint, {key: raw, "first": 1, **extra}), node)

    return fetch


def _listed(endpoint: str, key: str, rows: str, node: Callable[[dict[str, Any]], relay.Node]) -> Fetch:
    """Fetch the one row of `endpoint`'s list filtered by `key`."""

    async def fetch(info: Info, raw: str) -> relay.Node | None:
        found = (await info.context.query(endpoint, {key: raw}))[rows]
        return node(found[0]) if found else None

    return fetch


async def _station(info: Info, raw: str) -> Station | None:
    row = await info.context.stations.load(raw)  # the stations the caller may see
    return None if row is None else Station.from_row(row)


async def _operator(info: Info, raw: str) -> Operator | None:
    # the bureau's short list: an operator holding none of the caller's streets' contracts is not in it
    return next((o for o in await operators(info) if o.id == raw), None)


def _parts(raw: str, count: int, field: str = "id") -> list[str]:
    parts = raw.split(COMPOSITE)
    if len(parts) != count or not all(parts):
        raise NotANodeId(field)
    return parts


async def _issue(info: Info, raw: str) -> CompoundIssue | None:
    compound_id, issue_id = _parts(raw, 2)
    page = await info.context.query("compound_issues", {"compound_id": compound_id, "issue_id": issue_id,
                                                        "first": 1})
    return first_of(page, CompoundIssue.from_row)


async def _report(info: Info, raw: str) -> relay.Node | None:
    station_id, kind, start = _parts(raw, 3)
    try:
        period = ReportKind(kind), date.fromisoformat(start)
    except ValueError as error:
        raise NotANodeId("id") from error
    if await info.context.stations.load(station_id) is None:  # the report query refuses it: a node is null
        return None
    return await work_report(info, strawberry.ID(station_id), period[0], period[1])


FETCHERS: Mapping[str, Fetch] = {
    "Station": _station,
    "Compound": _listed("compounds", "compound_id", "compounds", Compound.from_row),
    "Street": _listed("streets", "street_id", "streets", Street.from_row),
    "Community": _listed("communities", "community_id", "communities", Community.from_row),
    "Case": lambda info, raw: case(info, strawberry.ID(raw)),
    "Recipient": lambda info, raw: recipient(info, strawberry.ID(raw)),
    "Project": lambda info, raw: project(info, strawberry.ID(raw)),
    "Group": lambda info, raw: group(info, strawberry.ID(raw)),
    "Activity": _page("activities", "activity_id", Activity.from_row),
    "PublicityItem": _page("publicity", "item_id", PublicityItem.from_row),
    "Survey": _page("surveys", "survey_id", Survey.from_row),
    "StaffMember": _page("staff", "staff_id", StaffMember.from_row, include_left=True),
    "Resource": _page("resources", "resource_id", Resource.from_row),
    "Supervision": _page("supervisions", "supervision_id", Supervision.from_row),
    "ProjectMeeting": _page("meetings", "meeting_id", ProjectMeeting.from_row),
    "Volunteer": lambda info, raw: volunteer(info, strawberry.ID(raw)),
    "VolunteerTeam": _listed("volunteer_teams", "team_id", "teams", VolunteerTeam.from_row),
    "Organisation": _page("organisations", "organisation_id", Organisation.from_row),
    "CompoundIssue": _issue,
    "JointMeeting": _listed("joint_meetings", "meeting_id", "meetings", JointMeeting.from_row),
    "WorkReport": _report,
    "Operator": _operator,
    "StreetMeeting": _page("street_meetings", "meeting_id", StreetMeeting.from_row),
}
"""Every Node type's fetch by raw id; `ids.NODE_TYPES` names the same types (a test holds them equal)."""
