"""Residential self-governance (小区自治): a compound's bodies, its joint meetings, and the issues they carry
from raised to resolved (or escalated), followed up by the station."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.activities.domain.commands import HoldJointMeeting, IssueUpdate, ProgressIssue, SetUpGovernance
from services.activities.domain.errors import (
    AlreadyExists,
    DateBeforeThe,
    IssueClosed,
    IssueNeverRaised,
    NotFoundHere,
)
from services.activities.domain.places import Station, Street, require_open
from services.activities.domain.rules import require_recorder
from shared.contracts import Actor
from shared.contracts.activities import (
    GovernanceSetUp,
    IssueProgress,
    IssueProgressed,
    IssueRaisedInMeeting,
    IssueStatus,
    JointMeetingHeld,
)
from shared.rules import happened_on, require_not_future, require_text, unseen

CLOSED = (IssueStatus.RESOLVED, IssueStatus.ESCALATED)


@dataclass(frozen=True)
class Governance:
    set_up: bool = False
    station_id: str = ""
    meeting_ids: frozenset[str] = frozenset()
    issues: tuple[tuple[str, IssueStatus], ...] = ()
    """(issue id, status) of every issue raised, in order."""
    moved_on: tuple[tuple[str, date], ...] = ()
    """(issue id, the day it was raised or last moved on): a follow-up may not precede it."""

    def status_of(self, issue_id: str) -> IssueStatus | None:
        return dict(self.issues).get(issue_id)


GOVERNANCE = Governance()


def set_up(command: SetUpGovernance, station: Station, street: Street, state: Governance) -> list[object]:
    """The compound must be in the station's street; setting up again updates the record."""
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    if state.set_up and state.station_id != command.station_id:
        raise AlreadyExists("该小区的自治记录", "The compound's governance", "compoundId")
    if command.compound_id not in street.compound_ids:
        raise NotFoundHere("小区", "compound", command.compound_id, "compoundId")
    return [GovernanceSetUp(compound_id=command.compound_id, station_id=command.station_id,
                            party_branch=command.party_branch.strip(),
                            owners_committee=command.owners_committee.strip(),
                            supervisory_committee=command.supervisory_committee.strip(),
                            property_company=command.property_company.strip(),
                            stakeholders=tuple(dict.fromkeys(command.stakeholders)))]


def _governed(compound_id: str, state: Governance, actor: Actor) -> Governance:
    """A compound's self-governance, set up by a station the caller sees (another station's is not found)."""
    if not state.set_up or unseen(actor, state.station_id):
        raise NotFoundHere("小区自治记录", "governance set-up for compound", compound_id, "compoundId")
    return state


def _progress(update: IssueUpdate, state: Governance) -> IssueProgress:
    status = state.status_of(update.issue_id)
    if status is None:
        raise IssueNeverRaised(update.issue_id)
    if status in CLOSED:
        raise IssueClosed(update.issue_id, status.value)
    if update.status == IssueStatus.RAISED:
        raise IssueClosed(update.issue_id, "raised")
    return IssueProgress(issue_id=update.issue_id, status=update.status, note=update.note.strip())


def hold_meeting(command: HoldJointMeeting, state: Governance) -> list[object]:
    governance = _governed(command.compound_id, state, command.actor)
    require_recorder(command.actor, governance.station_id, field="compoundId")
    if command.meeting_id in governance.meeting_ids:
        raise AlreadyExists(f"联席会议 {command.meeting_id}", f"Meeting {command.meeting_id}", "meetingId")
    require_not_future("heldOn", command.held_on, command.today)
    for update in command.progress:
        happened_on("heldOn", command.held_on, command.today,
                    (dict(governance.moved_on).get(update.issue_id), f"议题 {update.issue_id} 提出或上次跟进的日期",
                     f"the day issue {update.issue_id} was raised or last followed up"))
    if not command.present:
        require_text("present", "")
    for issue in command.raise_issues:
        if issue.due_on < command.held_on:
            raise DateBeforeThe("raiseIssues.dueOn", "会议日期", "meeting")
    number = len(governance.issues)
    raised = tuple(IssueRaisedInMeeting(issue_id=f"i{number + n}", title=require_text("raiseIssues.title", i.title),
                                        owner=require_text("raiseIssues.owner", i.owner), due_on=i.due_on)
                   for n, i in enumerate(command.raise_issues, start=1))
    return [JointMeetingHeld(compound_id=command.compound_id, station_id=governance.station_id,
                             meeting_id=command.meeting_id, held_on=command.held_on,
                             present=tuple(dict.fromkeys(command.present)),
                             agenda=tuple(a.strip() for a in command.agenda if a.strip()),
                             minutes=require_text("minutes", command.minutes), raised=raised,
                             progressed=tuple(_progress(u, governance) for u in command.progress))]


def progress(command: ProgressIssue, state: Governance) -> list[object]:
    governance = _governed(command.compound_id, state, command.actor)
    require_recorder(command.actor, governance.station_id, field="compoundId")
    done = _progress(IssueUpdate(issue_id=command.issue_id, status=command.status, note=command.note), governance)
    progressed_on = happened_on("progressedOn", command.progressed_on, command.today,
                                (dict(governance.moved_on).get(command.issue_id), "该议题提出或上次跟进的日期",
                                 "the day the issue was raised or last followed up"))
    return [IssueProgressed(compound_id=command.compound_id, station_id=governance.station_id,
                            issue_id=command.issue_id, status=done.status,
                            note=require_text("note", command.note), progressed_on=progressed_on)]


def evolve(state: Governance, event: object) -> Governance:
    match event:
        case GovernanceSetUp(station_id=station_id):
            return replace(state, set_up=True, station_id=station_id)
        case JointMeetingHeld(meeting_id=meeting_id, held_on=held_on, raised=raised, progressed=progressed):
            issues = dict(state.issues) | {i.issue_id: IssueStatus.RAISED for i in raised}
            issues |= {p.issue_id: p.status for p in progressed}
            moved = dict(state.moved_on) | {i.issue_id: held_on for i in raised}
            moved |= {p.issue_id: max(held_on, dict(state.moved_on).get(p.issue_id, date.min)) for p in progressed}
            return replace(state, meeting_ids=state.meeting_ids | {meeting_id}, issues=tuple(issues.items()),
                           moved_on=tuple(moved.items()))
        case IssueProgressed(issue_id=issue_id, status=status, progressed_on=progressed_on):
            moved = dict(state.moved_on) | {issue_id: max(progressed_on, dict(state.moved_on).get(issue_id, date.min))}
            return replace(state, issues=tuple((dict(state.issues) | {issue_id: status}).items()),
                           moved_on=tuple(moved.items()))
    return state
