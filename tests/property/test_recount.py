"""The recount itself, on a hand-made event log whose figures are known: the oracle is only as good as it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.property.recount import read, recount, station_month

pytestmark = pytest.mark.dateless  # its dates are data

LOG = read([
    ("RecipientMergedInto", {"recipient_id": "r2", "station_id": "a", "into_recipient_id": "r1"}),
    ("CaseOpened", {"case_id": "c1", "station_id": "a", "recipient_id": "r1", "opened_on": "2025-03-03"}),
    ("CaseSessionRecorded", {"case_id": "c1", "station_id": "a", "held_on": "2025-03-05", "participants": 1,
                             "recipient_id": "r1"}),
    ("CaseClosed", {"case_id": "c1", "station_id": "a", "closed_on": "2025-03-27"}),
    ("CaseReopened", {"case_id": "c1", "station_id": "a", "reopened_on": "2025-04-02"}),
    ("CaseClosed", {"case_id": "c1", "station_id": "a", "closed_on": "2025-05-10"}),
    ("CaseOpened", {"case_id": "c2", "station_id": "a", "recipient_id": "r2", "opened_on": "2025-03-15"}),
    ("CaseSessionRecorded", {"case_id": "c2", "station_id": "a", "held_on": "2025-03-20", "participants": 2}),
    ("GroupPlanned", {"group_id": "g1", "station_id": "a", "planned_on": "2025-02-20"}),
    ("GroupPlanned", {"group_id": "g2", "station_id": "b", "planned_on": "2025-03-01"}),
    ("GroupMemberJoined", {"group_id": "g1", "station_id": "a", "member_id": "x", "recipient_id": None}),
    ("GroupMemberJoined", {"group_id": "g1", "station_id": "a", "member_id": "y", "recipient_id": "r2"}),
    ("GroupMemberJoined", {"group_id": "g2", "station_id": "b", "member_id": "x", "recipient_id": None}),
    ("GroupSessionHeld", {"group_id": "g1", "station_id": "a", "held_on": "2025-03-10",
                          "present_member_ids": ["x", "y"], "walk_ins": 3, "indirect_beneficiaries": 12}),
    ("GroupSessionHeld", {"group_id": "g2", "station_id": "b", "held_on": "2025-03-12", "present_member_ids": ["x"],
                          "walk_ins": 0}),
    ("ActivityHeld", {"activity_id": "a1", "station_id": "a", "held_on": "2025-03-08", "direct_participants": 20,
                      "indirect_beneficiaries": 50, "volunteer_hours": 6.5}),
    ("VolunteerRegistered", {"volunteer_id": "v1", "station_id": "b", "registered_on": "2025-02-27"}),
    ("VolunteerServiceRecorded", {"volunteer_id": "v1", "station_id": "b", "served_on": "2025-03-01", "hours": 2.5}),
    ("VolunteerServiceRecorded", {"volunteer_id": "v1", "station_id": "b", "served_on": "2025-04-01", "hours": 1}),
])
MARCH = (date(2025, 3, 1), date(2025, 4, 1))


def month(number: int) -> tuple[date, date]:
    return date(2025, number, 1), date(2025, number + 1, 1)


def test_a_station_month_counts_each_thing_by_the_day_it_happened() -> None:
    assert recount(LOG, *MARCH, frozenset({"a"})) == {
        "person_times_direct": 3 + 5 + 20, "person_times_indirect": 50 + 12, "case_person_times": 3,
        "cases_opened": 2, "cases_closed": 1, "group_person_times": 5, "group_indirect_person_times": 12,
        "activity_person_times": 20, "people_served": 2, "case_sessions": 2, "groups_planned": 0,
        "groups_meeting": 1, "group_sessions": 1, "activities": 1, "volunteers_registered": 0, "volunteer_hours": 0,
        "volunteer_service_hours": 0, "activity_volunteer_hours_estimate": 6.5}
    b = recount(LOG, *MARCH, frozenset({"b"}))
    assert (b["groups_planned"], b["people_served"], b["volunteer_hours"]) == (1, 1, 2.5)
    assert recount(LOG, *month(2), frozenset({"b"}))["volunteers_registered"] == 1


def test_a_closing_stays_in_its_month_when_the_case_is_reopened_and_open_cases_follow_the_periods() -> None:
    assert [recount(LOG, *month(m), frozenset({"a"}))["cases_closed"] for m in (3, 4, 5)] == [1, 0, 1]
    assert [station_month(LOG, "a", *month(m))["open_cases"] for m in (2, 3, 4, 5, 6)] == [0, 2, 2, 2, 1]


def test_people_are_the_survivor_of_a_merge_and_each_groups_own_member() -> None:
    """r2 was merged into r1, and is group g1's member y: one person. Member x of g1 and member x of g2 are two."""
    assert recount(LOG, *MARCH)["people_served"] == 3
    assert station_month(LOG, "a", *MARCH) == {"open_cases": 2, "cases_opened": 2, "cases_closed": 1,
                                               "sessions_held": 2, "case_person_times": 3, "people_served": 1}
