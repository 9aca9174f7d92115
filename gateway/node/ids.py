"""Global ids (Relay's base64 of `TypeName:rawId`), and turning the ones a client sends back into the raw ids
the services know, field by field, so that every argument takes a global id or the raw id alike."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from shared.contracts.errors import InvalidInput, Message
from shared.inputs import camel

NODE_TYPES = frozenset({
    "Station", "Compound", "Case", "Recipient", "Project", "Group", "Activity", "PublicityItem", "Survey",
    "StaffMember", "Resource", "Supervision", "ProjectMeeting", "Volunteer", "VolunteerTeam", "Organisation",
    "CompoundIssue", "JointMeeting", "WorkReport", "Operator", "StreetMeeting", "Street", "Community",
})
"""Every type that implements Node: a global id naming another type is not one of ours."""

STAFF = frozenset({"StaffMember"})
FIELD_TYPES: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(("station_id", "station_ids", "to_station_ids"), frozenset({"Station"})),
    "compound_id": frozenset({"Compound"}),
    **dict.fromkeys(("street_id", "street_ids"), frozenset({"Street"})),
    **dict.fromkeys(("community_id", "community_ids"), frozenset({"Community"})),
    **dict.fromkeys(("recipient_id", "recipient_ids", "duplicate_id"), frozenset({"Recipient"})),
    "case_id": frozenset({"Case"}),
    "project_id": frozenset({"Project"}),
    "group_id": frozenset({"Group"}),
    "activity_id": frozenset({"Activity"}),
    "item_id": frozenset({"PublicityItem"}),
    "survey_id": frozenset({"Survey"}),
    **dict.fromkeys(("staff_id", "staff_ids", "worker_id", "to_worker_id", "from_worker_id", "supervisor_id"),
                    STAFF),
    **dict.fromkeys(("resource_id", "resource_ids"), frozenset({"Resource"})),
    "supervision_id": frozenset({"Supervision"}),
    # holdJointMeeting, recordProjectMeeting and holdStreetMeeting all name their new meeting `meetingId`
    "meeting_id": frozenset({"ProjectMeeting", "JointMeeting", "StreetMeeting"}),
    "volunteer_id": frozenset({"Volunteer"}),
    "team_id": frozenset({"VolunteerTeam"}),
    **dict.fromkeys(("organisation_id", "organisation_ids"), frozenset({"Organisation"})),
    "issue_id": frozenset({"CompoundIssue"}),
    "operator_id": frozenset({"Operator"}),
}
"""The Node types whose global ids a field takes (besides raw ids); a field not here takes raw ids only."""

COMPOSITE = "/"
"""Joins the parts of a raw id made of several (a compound's issue: `compoundId/issueId`)."""


def global_id(type_name: str, raw_id: str) -> str:
    return base64.b64encode(f"{type_name}:{raw_id}".encode()).decode()


def parse(value: str) -> tuple[str, str] | None:
    """(type name, raw id) of a global id of one of our Node types; None for anything else (a raw id)."""
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True).decode()
    except (UnicodeError, binascii.Error, ValueError):
        return None
    type_name, colon, raw = decoded.partition(":")
    if not colon or type_name not in NODE_TYPES or not raw or global_id(type_name, raw) != value:
        return None
    return type_name, raw


class NotANodeId(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"字段 {field} 不是有效的全局 id（应为 node 查询所答的 id）",
                                 en=f"{field} is not a valid global id (use an id the API answered)"), field=field)


class WrongNodeType(InvalidInput):
    def __init__(self, field: str, expected: frozenset[str], given: str) -> None:
        wanted = " / ".join(sorted(expected)) if expected else "—"
        super().__init__(Message(zh=f"字段 {field} 应是 {wanted} 的 id，收到的是 {given} 的 id",
                                 en=f"{field} takes the id of a {wanted}, not of a {given}"), field=field)


def raw_id(value: str, field: str, expected: frozenset[str]) -> str:
    """The raw id behind `value` when it is a global id of an expected type; `value` itself when it is not a
    global id at all; a wrong type is refused naming the field."""
    parsed = parse(value)
    if parsed is None:
        return value
    type_name, raw = parsed
    if type_name not in expected:
        raise WrongNodeType(field, expected, type_name)
    return raw.rpartition(COMPOSITE)[2] if type_name == "CompoundIssue" else raw


def raw_ids(body: dict[str, Any]) -> dict[str, Any]:
    """The body with every global id in it turned into its raw id (a copy; the body is left as it was)."""
    return {key: _raw(value, key, camel(key)) for key, value in body.items()}


def _is_id(key: str) -> bool:
    """A field that holds ids (free text that happens to decode as a global id is left alone)."""
    return key in FIELD_TYPES or key.endswith(("_id", "_ids"))


def _raw(value: Any, key: str | None, path: str) -> Any:
    if isinstance(value, str):
        return raw_id(value, path, FIELD_TYPES.get(key, frozenset())) if key is not None and _is_id(key) else value
    if isinstance(value, list | tuple):
        return [_raw(v, key, f"{path}.{i}") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _raw(v, k, f"{path}.{camel(k)}") for k, v in value.items()}
    return value
