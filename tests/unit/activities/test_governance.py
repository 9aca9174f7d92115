"""Residential self-governance: issues are raised in a joint meeting before anything else happens to them."""

from __future__ import annotations

from datetime import date
from functools import reduce

import pytest

from services.activities.domain import governance, places
from services.activities.domain.commands import (
    HoldJointMeeting,
    IssueUpdate,
    NewIssue,
    ProgressIssue,
    SetUpGovernance,
)
from services.activities.domain.errors import IssueClosed, IssueNeverRaised, NotFoundHere
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    CompoundAdded,
    IssueStatus,
    Stakeholder,
    StationOpened,
    StreetRegistered,
)

TODAY = date(2026, 11, 20)
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-ghp",))
STATION = places.evolve_station(places.STATION, StationOpened(station_id="s-ghp", street_id="st", name="站",
                                                              code="GHP", opened_on=date(2019, 1, 15)))
STREET = reduce(places.evolve_street, [StreetRegistered(street_id="st", name="桂花坪街道", district="天心区"),
                                       CompoundAdded(street_id="st", community_id="c-1", compound_id="cp-1",
                                                     name="绿地公馆")], places.STREET)
SET_UP = SetUpGovernance(actor=WORKER, today=TODAY, compound_id="cp-1", station_id="s-ghp",
                         party_branch="绿地公馆党支部", owners_committee="绿地公馆业委会", property_company="某物业",
                         stakeholders=(Stakeholder.POLICE, Stakeholder.GRID_WORKER))
GOVERNED = reduce(governance.evolve, governance.set_up(SET_UP, STATION, STREET, governance.GOVERNANCE),
                  governance.GOVERNANCE)


def meeting(meeting_id: str, **changes: object) -> HoldJointMeeting:
    fields: dict[str, object] = {"actor": WORKER, "today": TODAY, "compound_id": "cp-1", "meeting_id": meeting_id,
                                 "held_on": date(2026, 11, 2), "present": (Stakeholder.OWNERS_COMMITTEE,),
                                 "agenda": ("地库漏水",), "minutes": "物业承诺两周内维修"}
    return HoldJointMeeting(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_compound_outside_the_stations_street_has_no_governance_here() -> None:
    with pytest.raises(NotFoundHere):
        governance.set_up(SetUpGovernance(**{**SET_UP.__dict__, "compound_id": "cp-9"}), STATION, STREET,
                          governance.GOVERNANCE)


def test_no_resolving_an_issue_that_was_never_raised() -> None:
    with pytest.raises(IssueNeverRaised):
        governance.progress(ProgressIssue(actor=WORKER, today=TODAY, compound_id="cp-1", issue_id="i1",
                                          status=IssueStatus.RESOLVED, note="已修好"), GOVERNED)
    with pytest.raises(IssueNeverRaised):
        governance.hold_meeting(meeting("m-1", progress=(IssueUpdate(issue_id="i1", status=IssueStatus.RESOLVED),)),
                                GOVERNED)


def test_an_issue_raised_in_one_meeting_is_resolved_in_the_next_and_then_stays_closed() -> None:
    [first] = governance.hold_meeting(meeting("m-1", raise_issues=(
        NewIssue(title="地库漏水", owner="物业", due_on=date(2026, 11, 16)),)), GOVERNED)
    raised = governance.evolve(GOVERNED, first)
    assert raised.status_of("i1") == IssueStatus.RAISED
    [second] = governance.hold_meeting(meeting("m-2", progress=(
        IssueUpdate(issue_id="i1", status=IssueStatus.RESOLVED, note="已修复并验收"),)), raised)
    resolved = governance.evolve(raised, second)
    assert resolved.status_of("i1") == IssueStatus.RESOLVED
    with pytest.raises(IssueClosed):
        governance.progress(ProgressIssue(actor=WORKER, today=TODAY, compound_id="cp-1", issue_id="i1",
                                          status=IssueStatus.FOLLOWING, note="再看看"), resolved)
