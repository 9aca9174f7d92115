"""Group work (小组, MZ/T 095-2017): planning, the member list, sessions with sign-in, feedback, closing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from services.activities.domain.commands import (
    AddGroupMember,
    ChangeGroupLeaders,
    ChangeGroupPhase,
    CloseGroup,
    PlanGroup,
    RecordGroupFeedback,
    RecordGroupSession,
)
from services.activities.domain.errors import (
    AlreadyAMember,
    AlreadyExists,
    BasisMissing,
    GroupIsClosed,
    NoSessionYet,
    NotAMember,
    NotFoundHere,
    PhaseOrder,
)
from services.activities.domain.places import STREET, Station, Street, community_named, require_open
from services.activities.domain.projects import Project
from services.activities.domain.references import (
    FollowedRecipient,
    require_current_leaders,
    require_member_recipient,
)
from services.activities.domain.rules import require_own_project, require_recorder
from services.activities.domain.staff import Staff
from shared.contracts import Actor
from shared.contracts.activities import (
    GroupClosed,
    GroupFeedbackRecorded,
    GroupLeadersChanged,
    GroupMemberJoined,
    GroupPhase,
    GroupPhaseChanged,
    GroupPlanned,
    GroupSessionHeld,
)
from shared.rules import Fact, happened_on, require_items, require_not_future, require_range, require_text, unseen

PHASES = (GroupPhase.PREPARATION, GroupPhase.FORMING, GroupPhase.WORKING, GroupPhase.ENDING, GroupPhase.CLOSED)
MAX_PLANNED_SESSIONS = 50
MAX_INDIRECT = 100_000
"""A session's indirect beneficiaries: a street's families at most; a figure above is a typing slip."""


@dataclass(frozen=True)
class Group:
    planned: bool = False
    station_id: str = ""
    name: str = ""
    leader_ids: tuple[str, ...] = ()
    phase: GroupPhase = GroupPhase.PREPARATION
    members: dict[str, str | None] = field(default_factory=dict)
    """member id → recipient id (None for someone who is not a recipient)."""
    sessions: int = 0
    session_ids: frozenset[str] = frozenset()
    feedback_ids: frozenset[str] = frozenset()
    feedback_given: frozenset[tuple[str, int | None]] = frozenset()
    """(member, session number or None for the end of the group) of each form."""
    planned_on: date | None = None
    """The day the group was planned: nothing of it happens before."""
    joined_on: dict[str, date] = field(default_factory=dict)
    """member id → the day they joined: their feedback is not before it."""
    changed_on: date | None = None
    """The day of the last change of phase or leaders: the next is not before it."""


GROUP = Group()

GroupCommand = ChangeGroupPhase | RecordGroupSession | RecordGroupFeedback | CloseGroup
"""The commands the group decides alone; adding a member and changing leaders also need what they name."""


def plan(command: PlanGroup, station: Station, project: Project | None, leaders: dict[str, Staff],
         state: Group, street: Street = STREET) -> list[object]:
    """`leaders` are the staff named as leaders, as their streams stand (each must be current staff here);
    `street` is the station's, whose communities the group's is one of (see `community_named`)."""
    if state.planned:
        raise AlreadyExists("小组", "The group", "groupId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    require_own_project(command.actor, project, command.project_id, command.station_id)
    require_range("plannedSessions", command.planned_sessions, 1, MAX_PLANNED_SESSIONS)
    leader_ids = require_items("leaderIds", command.leader_ids)
    require_current_leaders(command.actor, leader_ids, leaders, command.station_id)
    planned_on = command.planned_on or command.today
    require_not_future("plannedOn", planned_on, command.today)
    community_id, community = community_named(street, command.community_id, command.community)
    return [GroupPlanned(
        group_id=command.group_id, station_id=command.station_id, project_id=command.project_id,
        name=require_text("name", command.name), type=command.type,
        target_population=require_text("targetPopulation", command.target_population),
        community=community, community_id=community_id, leader_ids=leader_ids,
        planned_sessions=command.planned_sessions, planned_on=planned_on)]


def change_leaders(command: ChangeGroupLeaders, leaders: dict[str, Staff], state: Group) -> list[object]:
    """Hand the group over to `leaders` (as their streams stand), each current staff of the group's station."""
    group = _open_group(state, command.group_id, command.actor)
    leader_ids = require_items("leaderIds", command.leader_ids)
    require_current_leaders(command.actor, leader_ids, leaders, group.station_id)
    changed_on = happened_on("changedOn", command.changed_on, command.today, *_since_planned(group),
                             (group.changed_on, "上次变更", "the group's last change"))
    return [GroupLeadersChanged(group_id=command.group_id, station_id=group.station_id, leader_ids=leader_ids,
                                changed_on=changed_on)]


def _since_planned(group: Group) -> tuple[Fact, ...]:
    """What a thing that happened in the group may not precede: the group's planning."""
    return ((group.planned_on, "小组策划日期", "the day the group was planned"),)


def led_by(state: Group, staff_id: str, station_ids: tuple[str, ...]) -> bool:
    """An open group at one of the stations that the staff member leads."""
    return (state.planned and state.phase != GroupPhase.CLOSED and staff_id in state.leader_ids
            and state.station_id in station_ids)


def _open_group(state: Group, group_id: str, actor: Actor) -> Group:
    if not state.planned or unseen(actor, state.station_id):
        raise NotFoundHere("小组", "group", group_id, "groupId")
    require_recorder(actor, state.station_id, field="groupId")
    if state.phase == GroupPhase.CLOSED:
        raise GroupIsClosed(group_id)
    return state


def add_member(command: AddGroupMember, recipient: FollowedRecipient | None, state: Group) -> list[object]:
    """`recipient` is the member's recipient as this service follows the cases service (None: not heard of)."""
    group = _open_group(state, command.group_id, command.actor)
    require_member_recipient(command.actor, recipient, command.recipient_id, group.station_id)
    if command.recipient_id is not None and command.recipient_id in group.members.values():
        raise AlreadyAMember(command.recipient_id)
    if command.member_id in group.members:
        raise AlreadyExists("组员", "The member", "memberId")
    joined_on = happened_on("joinedOn", command.joined_on, command.today, *_since_planned(group))
    return [GroupMemberJoined(group_id=command.group_id, station_id=group.station_id, member_id=command.member_id,
                              name=require_text("name", command.name), recipient_id=command.recipient_id,
                              joined_on=joined_on)]


def change_phase(command: ChangeGroupPhase, group: Group) -> list[object]:
    if command.phase == GroupPhase.CLOSED or PHASES.index(command.phase) <= PHASES.index(group.phase):
        raise PhaseOrder(group.phase.value, command.phase.value)
    changed_on = happened_on("changedOn", command.changed_on, command.today, *_since_planned(group),
                             (group.changed_on, "上次变更", "the group's last change"))
    return [GroupPhaseChanged(group_id=command.group_id, station_id=group.station_id, phase=command.phase,
                              changed_on=changed_on)]


def record_session(command: RecordGroupSession, group: Group) -> list[object]:
    """Sign-in comes from the member list (each once) plus walk-ins, so attendance never exceeds both."""
    if command.session_id in group.session_ids:
        raise AlreadyExists(f"小组活动 {command.session_id}", f"Session {command.session_id}", "sessionId")
    require_not_future("heldOn", command.held_on, command.today)
    require_range("durationMinutes", command.duration_minutes, 1, 24 * 60)
    require_range("walkIns", command.walk_ins, 0, 1000)
    present = tuple(dict.fromkeys(command.present_member_ids))
    for member_id in present:
        if member_id not in group.members:
            raise NotAMember(member_id, "presentMemberIds")
    expected = len(group.members) if command.expected is None else command.expected
    require_range("expected", expected, 0, len(group.members))
    if command.goal_attainment is not None:
        require_range("goalAttainment", command.goal_attainment, 1, 5)
    require_range("indirectBeneficiaries", command.indirect_beneficiaries, 0, MAX_INDIRECT)
    if command.indirect_beneficiaries and not command.indirect_basis.strip():
        raise BasisMissing()
    return [GroupSessionHeld(
        group_id=command.group_id, station_id=group.station_id, session_id=command.session_id,
        number=group.sessions + 1, held_on=command.held_on, duration_minutes=command.duration_minutes,
        place=require_text("place", command.place), theme=require_text("theme", command.theme),
        goals=command.goals.strip(), expected=expected, present_member_ids=present, walk_ins=command.walk_ins,
        content=command.content.strip(), observations=command.observations.strip(),
        goal_attainment=command.goal_attainment, reflection=command.reflection.strip(),
        indirect_beneficiaries=command.indirect_beneficiaries,
        indirect_basis=command.indirect_basis.strip())]


def record_feedback(command: RecordGroupFeedback, group: Group) -> list[object]:
    if command.feedback_id in group.feedback_ids:
        raise AlreadyExists(f"反馈表 {command.feedback_id}", f"Feedback {command.feedback_id}", "feedbackId")
    if command.member_id not in group.members:
        raise NotAMember(command.member_id, "memberId")
    require_range("satisfaction", command.satisfaction, 1, 5)
    if command.session_number is not None:
        if group.sessions == 0:
            raise NoSessionYet()
        require_range("sessionNumber", command.session_number, 1, group.sessions)
    if (command.member_id, command.session_number) in group.feedback_given:
        raise AlreadyExists("该组员的这份反馈表", "This member's form for it", "memberId")
    recorded_on = happened_on("recordedOn", command.recorded_on, command.today, *_since_planned(group),
                              (group.joined_on.get(command.member_id), "该组员入组日期", "the day the member joined"))
    return [GroupFeedbackRecorded(
        group_id=command.group_id, station_id=group.station_id, feedback_id=command.feedback_id,
        member_id=command.member_id, session_number=command.session_number, satisfaction=command.satisfaction,
        comment=command.comment.strip() or None, pre_score=command.pre_score, post_score=command.post_score,
        recorded_on=recorded_on)]


def close(command: CloseGroup, group: Group) -> list[object]:
    require_not_future("closedOn", command.closed_on, command.today)
    return [GroupClosed(group_id=command.group_id, station_id=group.station_id, closed_on=command.closed_on,
                        summary=require_text("summary", command.summary))]


def decide(command: GroupCommand, state: Group) -> list[object]:
    group = _open_group(state, command.group_id, command.actor)
    match command:
        case ChangeGroupPhase():
            return change_phase(command, group)
        case RecordGroupSession():
            return record_session(command, group)
        case RecordGroupFeedback():
            return record_feedback(command, group)
        case CloseGroup():
            return close(command, group)


def evolve(state: Group, event: object) -> Group:
    match event:
        case GroupPlanned(station_id=station_id, name=name, leader_ids=leaders, planned_on=planned_on):
            return Group(planned=True, station_id=station_id, name=name, leader_ids=leaders, planned_on=planned_on)
        case GroupMemberJoined(member_id=member_id, recipient_id=recipient_id, joined_on=joined_on):
            return replace(state, members={**state.members, member_id: recipient_id},
                           joined_on={**state.joined_on, member_id: joined_on})
        case GroupLeadersChanged(leader_ids=leaders, changed_on=changed_on):
            return replace(state, leader_ids=leaders, changed_on=changed_on)
        case GroupPhaseChanged(phase=phase, changed_on=changed_on):
            return replace(state, phase=phase, changed_on=changed_on)
        case GroupFeedbackRecorded(feedback_id=feedback_id, member_id=member_id, session_number=number):
            return replace(state, feedback_ids=state.feedback_ids | {feedback_id},
                           feedback_given=state.feedback_given | {(member_id, number)})
        case GroupSessionHeld(session_id=session_id):
            return replace(state, sessions=state.sessions + 1, session_ids=state.session_ids | {session_id},
                           phase=GroupPhase.WORKING if state.phase in PHASES[:2] else state.phase)
        case GroupClosed():
            return replace(state, phase=GroupPhase.CLOSED)
    return state
