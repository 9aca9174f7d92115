"""The station's work beyond cases: targets, projects, groups, activities, publicity, surveys."""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from services.reporting.projections import (
    BatchProjector,
    Projection,
    Projector,
    ReceivedEvent,
    columns,
    statements,
)
from shared.contracts.activities import (
    ActivityHeld,
    GovernanceSetUp,
    GroupClosed,
    GroupFeedbackRecorded,
    GroupLeadersChanged,
    GroupMemberJoined,
    GroupPhaseChanged,
    GroupPlanned,
    GroupSessionHeld,
    IssueProgressed,
    JointMeetingHeld,
    OrganisationActivityHeld,
    OrganisationFiled,
    OrganisationMilestoneReached,
    OrganisationRegistered,
    OrganisationStatusChanged,
    ProjectMeetingHeld,
    ProjectStarted,
    PublicityPublished,
    QualificationRecorded,
    ResourceMapped,
    ResourceUsed,
    StaffJoined,
    StaffLeft,
    StaffMoved,
    StationTargetsSet,
    SupervisionActionFollowedUp,
    SupervisionHeld,
    SurveyConducted,
    TrainingHeld,
    VolunteerErased,
    VolunteerJoinedTeam,
    VolunteerLeaderDesignated,
    VolunteerRegistered,
    VolunteerServiceRecorded,
    VolunteerTeamFormed,
    WorkReportSubmitted,
)
from shared.kernel.places import community_key


async def targets_set(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: StationTargetsSet = event.payload
    await conn.execute(
        "INSERT INTO station_targets (station_id, year, projects, groups, activities, person_times)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (station_id, year) DO UPDATE SET projects = excluded.projects,"
        " groups = excluded.groups, activities = excluded.activities, person_times = excluded.person_times",
        e.station_id, e.year, e.projects, e.groups, e.activities, e.person_times)


async def project_started(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: ProjectStarted = event.payload
    await conn.execute(
        "INSERT INTO projects (project_id, station_id, name, aims, target_population, communities, starts_on,"
        " ends_on, planned_groups, planned_sessions, planned_activities, planned_person_times, community_ids,"
        " community_keys) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        e.project_id, e.station_id, e.name, e.aims, e.target_population, list(e.communities), e.starts_on,
        e.ends_on, e.planned.groups, e.planned.group_sessions, e.planned.activities, e.planned.person_times,
        list(e.community_ids), [community_key(c) for c in e.communities])


def _group(event: ReceivedEvent) -> tuple[object, ...]:
    e: GroupPlanned = event.payload
    return (e.group_id, e.station_id, e.project_id, e.name, e.type.value, e.target_population, e.community,
            list(e.leader_ids), e.planned_sessions, e.planned_on, e.community_id, community_key(e.community))


def _phase(event: ReceivedEvent) -> tuple[object, ...]:
    e: GroupPhaseChanged = event.payload
    return e.group_id, e.phase.value


def _group_closed(event: ReceivedEvent) -> tuple[object, ...]:
    e: GroupClosed = event.payload
    return e.group_id, e.closed_on


group_planned, groups_planned = statements(
    ("INSERT INTO groups (group_id, station_id, project_id, name, type, target_population, community, leader_ids,"
     " planned_sessions, planned_on, phase, community_id, community_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
     " $9, $10, 'preparation', $11, $12)", _group))
phase_changed, phases_changed = statements(("UPDATE groups SET phase = $2 WHERE group_id = $1", _phase))
group_closed, groups_closed = statements(
    ("UPDATE groups SET phase = 'closed', closed_on = $2 WHERE group_id = $1", _group_closed))


async def group_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case GroupMemberJoined() as e:
            await conn.execute("INSERT INTO group_members (group_id, member_id, recipient_id, joined_on)"
                               " VALUES ($1, $2, $3, $4)", e.group_id, e.member_id, e.recipient_id, e.joined_on)
        case GroupLeadersChanged() as e:
            await conn.execute("UPDATE groups SET leader_ids = $2 WHERE group_id = $1", e.group_id,
                               list(e.leader_ids))
        case GroupFeedbackRecorded() as e:
            await conn.execute(
                "INSERT INTO group_feedback (feedback_id, group_id, station_id, session_number, satisfaction,"
                " pre_score, post_score) VALUES ($1, $2, $3, $4, $5, $6, $7)", e.feedback_id, e.group_id,
                e.station_id, e.session_number, e.satisfaction, e.pre_score, e.post_score)


async def group_session_held(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    """The session with its sign-in; a first session moves a group in preparation or forming to working."""
    e: GroupSessionHeld = event.payload
    await conn.execute(
        "INSERT INTO group_sessions (session_id, group_id, station_id, project_id, community, number, held_on,"
        " duration_minutes, theme, expected, present, walk_ins, goal_attainment, indirect_beneficiaries,"
        " indirect_basis, community_id, community_key) SELECT $1, $2, $3, project_id, community, $4, $5, $6, $7,"
        " $8, $9, $10, $11, $12, $13, community_id, community_key FROM groups WHERE group_id = $2",
        e.session_id, e.group_id, e.station_id, e.number, e.held_on, e.duration_minutes, e.theme, e.expected,
        len(e.present_member_ids), e.walk_ins, e.goal_attainment, e.indirect_beneficiaries, e.indirect_basis)
    await conn.executemany("INSERT INTO group_attendance (session_id, group_id, member_id) VALUES ($1, $2, $3)",
                           [(e.session_id, e.group_id, m) for m in e.present_member_ids])
    await conn.execute("UPDATE groups SET phase = 'working' WHERE group_id = $1"
                       " AND phase IN ('preparation', 'forming')", e.group_id)


async def group_sessions_held(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """A run of sessions at once: their rows and sign-ins (new rows), then the groups they start working."""
    sessions: list[GroupSessionHeld] = [event.payload for event in events]
    await conn.executemany(
        "INSERT INTO group_sessions (session_id, group_id, station_id, project_id, community, number, held_on,"
        " duration_minutes, theme, expected, present, walk_ins, goal_attainment, indirect_beneficiaries,"
        " indirect_basis, community_id, community_key) SELECT $1, $2, $3, project_id, community, $4, $5, $6, $7,"
        " $8, $9, $10, $11, $12, $13, community_id, community_key FROM groups WHERE group_id = $2",
        [(e.session_id, e.group_id, e.station_id, e.number, e.held_on, e.duration_minutes, e.theme, e.expected,
          len(e.present_member_ids), e.walk_ins, e.goal_attainment, e.indirect_beneficiaries, e.indirect_basis)
         for e in sessions])
    present = [(e.session_id, e.group_id, m) for e in sessions for m in e.present_member_ids]
    await conn.execute(
        "INSERT INTO group_attendance (session_id, group_id, member_id)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
        [p[0] for p in present], [p[1] for p in present], [p[2] for p in present])
    await conn.execute("UPDATE groups SET phase = 'working' WHERE group_id = ANY($1::text[])"
                       " AND phase IN ('preparation', 'forming')", sorted({e.group_id for e in sessions}))


async def members_joined(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    members: list[GroupMemberJoined] = [event.payload for event in events]
    await conn.executemany("INSERT INTO group_members (group_id, member_id, recipient_id, joined_on)"
                           " VALUES ($1, $2, $3, $4)", [(e.group_id, e.member_id, e.recipient_id, e.joined_on)
                                                        for e in members])


async def activities_held(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """A run of activities at once, inserted in their order (their rows are numbered as they come)."""
    held: list[ActivityHeld] = [event.payload for event in events]
    await conn.executemany(
        "INSERT INTO activities (activity_id, station_id, project_id, community, title, kind, held_on, place,"
        " partners, direct_participants, indirect_beneficiaries, indirect_basis, volunteers, volunteer_hours,"
        " community_id, community_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        [(e.activity_id, e.station_id, e.project_id, e.community, e.title, e.kind.value, e.held_on, e.place,
          list(e.partners), e.direct_participants, e.indirect_beneficiaries, e.indirect_basis, e.volunteers,
          e.volunteer_hours, e.community_id, community_key(e.community)) for e in held])


async def volunteer_services_recorded(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    services: list[VolunteerServiceRecorded] = [event.payload for event in events]
    await conn.execute(
        "INSERT INTO volunteer_services (volunteer_id, record_id, station_id, served_on, place, content,"
        " hours, organising_unit, person_in_charge, activity_id, recorded_on, late, late_basis) SELECT * FROM"
        " unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::double precision[],"
        " $8::text[], $9::text[], $10::text[], $11::date[], $12::boolean[], $13::text[])",
        *columns([(e.volunteer_id, e.record_id, e.station_id, e.served_on, e.place, e.content, e.hours,
                   e.organising_unit, e.person_in_charge, e.activity_id, e.recorded_on, e.late, e.late_basis.value)
                  for e in services], 13))


async def activity_held(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: ActivityHeld = event.payload
    await conn.execute(
        "INSERT INTO activities (activity_id, station_id, project_id, community, title, kind, held_on, place,"
        " partners, direct_participants, indirect_beneficiaries, indirect_basis, volunteers, volunteer_hours,"
        " community_id, community_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        e.activity_id, e.station_id, e.project_id, e.community, e.title, e.kind.value, e.held_on, e.place,
        list(e.partners), e.direct_participants, e.indirect_beneficiaries, e.indirect_basis, e.volunteers,
        e.volunteer_hours, e.community_id, community_key(e.community))


async def publicity_published(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: PublicityPublished = event.payload
    await conn.execute(
        "INSERT INTO publicity (item_id, station_id, kind, title, outlet, level, published_on, link, audience,"
        " activity_id, project_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        e.item_id, e.station_id, e.kind.value, e.title, e.outlet, e.level.value, e.published_on, e.link,
        e.audience, e.activity_id, e.project_id)


async def survey_conducted(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: SurveyConducted = event.payload
    await conn.execute(
        "INSERT INTO surveys (survey_id, station_id, title, method, starts_on, ends_on, distributed, returned,"
        " needs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)", e.survey_id, e.station_id, e.title,
        e.method.value, e.starts_on, e.ends_on, e.distributed, e.returned,
        json.dumps([{"area": n.area, "population": n.population, "description": n.description} for n in e.needs],
                   ensure_ascii=False))


async def staff_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case StaffJoined() as e:
            await conn.execute(
                "INSERT INTO staff (staff_id, name, role, station_ids, joined_on) VALUES ($1, $2, $3, $4, $5)"
                " ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, role = excluded.role,"
                " station_ids = excluded.station_ids, joined_on = excluded.joined_on, left_on = NULL",
                e.staff_id, e.name, e.role.value, list(e.station_ids), e.joined_on)
        case QualificationRecorded() as e:
            await conn.execute("INSERT INTO staff_qualifications (staff_id, kind, obtained_on, certificate_number)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", e.staff_id, e.kind.value,
                               e.obtained_on, e.certificate_number)
        case StaffMoved() as e:
            await conn.execute("UPDATE staff SET station_ids = $2 WHERE staff_id = $1", e.staff_id,
                               list(e.to_station_ids))
        case StaffLeft() as e:
            await conn.execute("UPDATE staff SET left_on = $2 WHERE staff_id = $1", e.staff_id, e.left_on)


async def resource_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case ResourceMapped() as e:
            await conn.execute("INSERT INTO resources (resource_id, station_id, kind, name, community, offers,"
                               " community_id, community_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                               e.resource_id, e.station_id, e.kind.value, e.name, e.community, e.offers,
                               e.community_id, community_key(e.community))
        case ResourceUsed() as e:
            await conn.execute("INSERT INTO resource_uses (resource_id, project_id, activity_id, used_on)"
                               " VALUES ($1, $2, $3, $4)", e.resource_id, e.project_id, e.activity_id, e.used_on)


async def supervised(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case SupervisionHeld() as e:
            await conn.execute(
                "INSERT INTO supervisions (supervision_id, station_id, supervisor_id, supervisor_kind, staff_ids,"
                " held_on, hours, topics, cases_reviewed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                e.supervision_id, e.station_id, e.supervisor_id, e.supervisor_kind.value, list(e.staff_ids),
                e.held_on, e.hours, list(e.topics), e.cases_reviewed)
            await conn.executemany(
                "INSERT INTO supervision_actions (supervision_id, action_id, description, owner, due_on)"
                " VALUES ($1, $2, $3, $4, $5)",
                [(e.supervision_id, a.action_id, a.description, a.owner, a.due_on) for a in e.actions])
        case SupervisionActionFollowedUp() as e:
            await conn.execute("UPDATE supervision_actions SET note = $3,"
                               " done_on = CASE WHEN $4::boolean THEN $5::date END"
                               " WHERE supervision_id = $1 AND action_id = $2", e.supervision_id, e.action_id,
                               e.note, e.done, e.followed_up_on)
        case ProjectMeetingHeld() as e:
            await conn.execute("INSERT INTO meetings (meeting_id, mode, starts_at, attendees, decisions, action_items)"
                               " VALUES ($1, $2, $3, $4, $5, $6)", e.meeting_id, e.mode.value, e.starts_at,
                               list(e.attendees), list(e.decisions), list(e.action_items))
            await conn.executemany("INSERT INTO meeting_stations (meeting_id, station_id) VALUES ($1, $2)",
                                   [(e.meeting_id, s) for s in e.station_ids])


def _volunteer(event: ReceivedEvent) -> tuple[object, ...]:
    e: VolunteerRegistered = event.payload
    return (e.volunteer_id, e.station_id, e.gender, e.birth_year, e.age_group.value, e.party_member,
            e.residence_area, list(e.skills), list(e.service_categories), e.registered_on)


volunteer_registered, volunteers_registered = statements(
    ("INSERT INTO volunteers (volunteer_id, station_id, gender, birth_year, age_group, party_member, residence_area,"
     " skills, service_categories, registered_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", _volunteer))


async def volunteering(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case VolunteerServiceRecorded() as e:
            await conn.execute(
                "INSERT INTO volunteer_services (volunteer_id, record_id, station_id, served_on, place, content,"
                " hours, organising_unit, person_in_charge, activity_id, recorded_on, late, late_basis) VALUES ($1,"
                " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", e.volunteer_id, e.record_id, e.station_id,
                e.served_on, e.place, e.content, e.hours, e.organising_unit, e.person_in_charge, e.activity_id,
                e.recorded_on, e.late, e.late_basis.value)
        case VolunteerLeaderDesignated() as e:
            await conn.execute("UPDATE volunteers SET leader_since = $2 WHERE volunteer_id = $1", e.volunteer_id,
                               e.designated_on)
        case VolunteerErased() as e:
            await conn.execute("UPDATE volunteers SET erased = true WHERE volunteer_id = $1", e.volunteer_id)
        case VolunteerTeamFormed() as e:
            await conn.execute("INSERT INTO volunteer_teams (team_id, station_id, name, kind, community, formed_on,"
                               " community_id, community_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", e.team_id,
                               e.station_id, e.name, e.kind.value, e.community, e.formed_on, e.community_id,
                               community_key(e.community))
        case VolunteerJoinedTeam() as e:
            await conn.execute("INSERT INTO volunteer_team_members (team_id, volunteer_id, joined_on, leader)"
                               " VALUES ($1, $2, $3, $4)", e.team_id, e.volunteer_id, e.joined_on, e.leader)
        case TrainingHeld() as e:
            await conn.execute("INSERT INTO trainings (training_id, station_id, name, content, hours, organiser,"
                               " held_on, attendee_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", e.training_id,
                               e.station_id, e.name, e.content, e.hours, e.organiser, e.held_on, list(e.attendee_ids))


async def organised_by_residents(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case OrganisationRegistered() as e:
            await conn.execute(
                "INSERT INTO organisations (organisation_id, station_id, name, community, type, members,"
                " founded_on, community_id, community_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                e.organisation_id, e.station_id, e.name, e.community, e.type.value, e.members, e.founded_on,
                e.community_id, community_key(e.community))
        case OrganisationMilestoneReached() as e:
            await conn.execute("UPDATE organisations SET milestones = array_append(milestones, $2)"
                               " WHERE organisation_id = $1", e.organisation_id, e.milestone.value)
        case OrganisationFiled() as e:
            await conn.execute("UPDATE organisations SET status = 'filed', filing_number = $2, filed_on = $3"
                               " WHERE organisation_id = $1", e.organisation_id, e.filing_number, e.filed_on)
        case OrganisationStatusChanged() as e:
            await conn.execute("UPDATE organisations SET status = $2 WHERE organisation_id = $1", e.organisation_id,
                               e.status.value)
        case OrganisationActivityHeld() as e:
            await conn.execute(
                "INSERT INTO organisation_activities (organisation_id, record_id, station_id, held_on, content,"
                " participants, project_id) VALUES ($1, $2, $3, $4, $5, $6, $7)", e.organisation_id, e.record_id,
                e.station_id, e.held_on, e.content, e.participants, e.project_id)


async def governed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case GovernanceSetUp() as e:
            await conn.execute(
                "INSERT INTO governance (compound_id, station_id, party_branch, owners_committee,"
                " supervisory_committee, property_company, stakeholders) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT (compound_id) DO UPDATE SET party_branch = excluded.party_branch, owners_committee ="
                " excluded.owners_committee, supervisory_committee = excluded.supervisory_committee, property_company"
                " = excluded.property_company, stakeholders = excluded.stakeholders", e.compound_id, e.station_id,
                e.party_branch, e.owners_committee, e.supervisory_committee, e.property_company,
                [s.value for s in e.stakeholders])
        case JointMeetingHeld() as e:
            await conn.execute("INSERT INTO joint_meetings (compound_id, meeting_id, station_id, held_on, present,"
                               " agenda, minutes) VALUES ($1, $2, $3, $4, $5, $6, $7)", e.compound_id, e.meeting_id,
                               e.station_id, e.held_on, [p.value for p in e.present], list(e.agenda), e.minutes)
            await conn.executemany(
                "INSERT INTO compound_issues (compound_id, issue_id, station_id, title, owner, due_on, raised_on,"
                " status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'raised')",
                [(e.compound_id, i.issue_id, e.station_id, i.title, i.owner, i.due_on, e.held_on) for i in e.raised])
            for p in e.progressed:
                await _issue_moved(conn, e.compound_id, p.issue_id, p.status.value, p.note, e.held_on)
        case IssueProgressed() as e:
            await _issue_moved(conn, e.compound_id, e.issue_id, e.status.value, e.note, e.progressed_on)


async def _issue_moved(conn: asyncpg.Connection, compound_id: str, issue_id: str, status: str, note: str,
                       on: object) -> None:
    await conn.execute("UPDATE compound_issues SET status = $3, last_note = $4, closed_on = CASE WHEN $3 IN"
                       " ('resolved', 'escalated') THEN $5::date END WHERE compound_id = $1 AND issue_id = $2",
                       compound_id, issue_id, status, note, on)


async def report_submitted(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: WorkReportSubmitted = event.payload
    await conn.execute(
        "INSERT INTO work_reports (report_id, version, station_id, kind, period_start, period_end, figures,"
        " narrative, submitted_by, submitted_on, correction_reason) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8,"
        " $9, $10, $11)", e.report_id, e.version, e.station_id, e.kind.value, e.period_start, e.period_end,
        json.dumps(e.figures), e.narrative, e.submitted_by, e.submitted_on, e.correction_reason)


PROJECTORS: dict[str, Projector] = {
    "WorkReportSubmitted": report_submitted,
    **{name: governed for name in ("GovernanceSetUp", "JointMeetingHeld", "IssueProgressed")},
    **{name: organised_by_residents for name in (
        "OrganisationRegistered", "OrganisationMilestoneReached", "OrganisationFiled", "OrganisationStatusChanged",
        "OrganisationActivityHeld")},
    "VolunteerRegistered": volunteer_registered,
    **{name: volunteering for name in ("VolunteerServiceRecorded", "VolunteerLeaderDesignated", "VolunteerErased",
                                       "VolunteerTeamFormed", "VolunteerJoinedTeam", "TrainingHeld")},
    "SupervisionHeld": supervised,
    "SupervisionActionFollowedUp": supervised,
    "ProjectMeetingHeld": supervised,
    "ResourceMapped": resource_changed,
    "ResourceUsed": resource_changed,
    "StaffJoined": staff_changed,
    "QualificationRecorded": staff_changed,
    "StaffMoved": staff_changed,
    "StaffLeft": staff_changed,
    "StationTargetsSet": targets_set,
    "ProjectStarted": project_started,
    "GroupPlanned": group_planned,
    "GroupMemberJoined": group_changed,
    "GroupPhaseChanged": phase_changed,
    "GroupLeadersChanged": group_changed,
    "GroupClosed": group_closed,
    "GroupFeedbackRecorded": group_changed,
    "GroupSessionHeld": group_session_held,
    "ActivityHeld": activity_held,
    "PublicityPublished": publicity_published,
    "SurveyConducted": survey_conducted,
}

BATCH_PROJECTORS: dict[str, BatchProjector] = {
    "GroupPlanned": groups_planned,
    "GroupPhaseChanged": phases_changed,
    "GroupClosed": groups_closed,
    "VolunteerRegistered": volunteers_registered,
    "GroupSessionHeld": group_sessions_held,
    "GroupMemberJoined": members_joined,
    "ActivityHeld": activities_held,
    "VolunteerServiceRecorded": volunteer_services_recorded,
}
"""The events that come in numbers, each run of them written at once (inserts of new rows; a session moving its
group to working is the same however many come; a group's phases, each changing only its own row)."""

# 2: service records keep the basis of their late flag (VolunteerServiceRecorded v2).
# 3: group sessions keep their indirect beneficiaries and basis (GroupSessionHeld v2), so past events are read again.
# 4: rows naming a community keep its id and the key of their text (v2 events; issue 15), read again to fill them.
PROJECTION = Projection(name="work", version=4, tables=(
    "projects", "station_targets", "groups", "group_members", "group_sessions", "group_attendance", "group_feedback",
    "activities", "publicity", "surveys", "staff", "staff_qualifications", "resources", "resource_uses",
    "supervisions", "supervision_actions", "meetings", "meeting_stations", "volunteers", "volunteer_services",
    "volunteer_teams", "volunteer_team_members", "trainings", "organisations", "organisation_activities",
    "governance", "joint_meetings", "compound_issues", "work_reports"), handlers=PROJECTORS,
    batch_handlers=BATCH_PROJECTORS)
