"""How long each kind of free text may be, and which ids are UUIDs: declared once, read where input arrives.

The sizes are a paper form's: a box for a name, a line for a title or a place, a few lines for a reason, a page
for a note. A command's field says which it is (`notes: Note = ""`); pydantic enforces it when the service
turns the request into the command, before any I/O, and `shared.runtime` words the refusal.
"""

from __future__ import annotations

import re
from typing import Annotated

from annotated_types import MaxLen

PERSON_NAME = 50
TITLE = 100
PLACE = 100
CODE = 50
REASON = 500
NOTE = 5000
ITEMS = 100
"""At most this many entries in any list a command takes (names, ids, goals, household members…)."""

PersonName = Annotated[str, MaxLen(PERSON_NAME)]
"""A person's name, as on an ID card or a sign-in sheet."""
Title = Annotated[str, MaxLen(TITLE)]
"""A title, theme or the name of a group, project, team, organisation or agency."""
Place = Annotated[str, MaxLen(PLACE)]
"""A community, a place, an address line."""
Code = Annotated[str, MaxLen(CODE)]
"""A short code or number: a certificate's, a phone's, a filing's; a user's or a local id."""
Reason = Annotated[str, MaxLen(REASON)]
"""A few lines: a reason, a comment, a short note, a link."""
Note = Annotated[str, MaxLen(NOTE)]
"""A page: a session's notes, a summary, a narrative."""
Word = Annotated[str, MaxLen(TITLE)]
"""One entry of a list of words (skills, topics, decisions, communities)."""
Words = Annotated[tuple[Word, ...], MaxLen(ITEMS)]
Codes = Annotated[tuple[Code, ...], MaxLen(ITEMS)]
"""A list of ids: users', or records' (whose UUID format `UUID_IDS` also checks)."""

UUID_IDS = frozenset({
    "station_id", "station_ids", "to_station_ids", "street_id", "street_ids", "community_id", "compound_id",
    "operator_id", "contract_id", "recipient_id", "recipient_ids", "duplicate_id", "case_id", "session_id",
    "referral_id", "project_id", "group_id", "member_id", "present_member_ids", "feedback_id", "activity_id",
    "item_id", "survey_id", "resource_id", "resource_ids", "supervision_id", "meeting_id", "volunteer_id",
    "record_id", "team_id", "training_id", "attendee_ids", "organisation_id", "organisation_ids",
})
"""Fields, in commands and queries alike, that hold ids the system made (uuid4, or uuid5 for fixed data).
An id of a user (`worker_id`, `staff_id`, `leader_ids`: the token's subject) or one numbered within its
aggregate (`goal_id`, `action_id`, `issue_id`) is a `Code` instead."""

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""The canonical form only: `str(uuid.UUID(...))`, so that one record never has two spellings."""

IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,128}")
"""1 to 128 visible ASCII characters: a UUID, `demo-12`, `client:7:retry`."""

MANY = MaxLen(ITEMS)
"""For a list of records: `Annotated[tuple[GoalInput, ...], MANY]`."""
