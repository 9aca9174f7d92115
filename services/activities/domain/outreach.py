"""What a station does beyond cases and groups: community activities, publicity, needs research."""

from __future__ import annotations

from dataclasses import dataclass

from services.activities.domain.commands import RecordActivity, RecordPublicity, RecordSurvey
from services.activities.domain.errors import (
    AlreadyExists,
    BasisMissing,
    EndsBeforeStart,
    MoreThanHandedOut,
    OutsideProject,
)
from services.activities.domain.places import STREET, Station, Street, community_named, require_open
from services.activities.domain.projects import Project
from services.activities.domain.rules import (
    require_own_activity,
    require_own_project,
    require_recorder,
)
from shared.contracts import Actor
from shared.contracts.activities import ActivityHeld, NeedFound, PublicityPublished, SurveyConducted
from shared.rules import require_not_future, require_range, require_text, words

MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Recorded:
    """An activity, publicity item or survey: recorded once, at one station."""

    recorded: bool = False
    station_id: str = ""


RECORDED = Recorded()


def _station_and_project(actor: Actor, station: Station, station_id: str, project: Project | None,
                         project_id: str | None) -> None:
    require_open(station, station_id)
    require_own_project(actor, project, project_id, station_id)


def record_activity(command: RecordActivity, station: Station, project: Project | None,
                    state: Recorded, street: Street = STREET) -> list[object]:
    """An activity in a community of the station's `street` (see `community_named`)."""
    if state.recorded:
        raise AlreadyExists("活动", "The activity", "activityId")
    _station_and_project(command.actor, station, command.station_id, project, command.project_id)
    require_recorder(command.actor, command.station_id)
    require_not_future("heldOn", command.held_on, command.today)
    if project is not None and not project.starts_on <= command.held_on <= project.ends_on:
        raise OutsideProject(project.starts_on, project.ends_on)
    require_range("directParticipants", command.direct_participants, 0, MAX_COUNT)
    require_range("indirectBeneficiaries", command.indirect_beneficiaries, 0, MAX_COUNT)
    if command.indirect_beneficiaries and not command.indirect_basis.strip():
        raise BasisMissing()
    require_range("volunteers", command.volunteers, 0, MAX_COUNT)
    require_range("volunteerHours", command.volunteer_hours, 0, MAX_COUNT)
    community_id, community = community_named(street, command.community_id, command.community)
    return [ActivityHeld(
        activity_id=command.activity_id, station_id=command.station_id, project_id=command.project_id,
        community=community, community_id=community_id, title=require_text("title", command.title),
        kind=command.kind, held_on=command.held_on, place=require_text("place", command.place),
        organisers=words(command.organisers), partners=words(command.partners),
        direct_participants=command.direct_participants, indirect_beneficiaries=command.indirect_beneficiaries,
        indirect_basis=command.indirect_basis.strip(), volunteers=command.volunteers,
        volunteer_hours=command.volunteer_hours, references=words(command.references))]


def record_publicity(command: RecordPublicity, station: Station, project: Project | None,
                     activity: Recorded | None, state: Recorded) -> list[object]:
    if state.recorded:
        raise AlreadyExists("宣传", "The item", "itemId")
    _station_and_project(command.actor, station, command.station_id, project, command.project_id)
    require_own_activity(command.actor, activity, command.activity_id, command.station_id)
    require_recorder(command.actor, command.station_id)
    require_not_future("publishedOn", command.published_on, command.today)
    if command.audience is not None:
        require_range("audience", command.audience, 0, 100_000_000)
    return [PublicityPublished(
        item_id=command.item_id, station_id=command.station_id, kind=command.kind,
        title=require_text("title", command.title), outlet=require_text("outlet", command.outlet),
        level=command.level, published_on=command.published_on, link=command.link.strip(),
        audience=command.audience, activity_id=command.activity_id, project_id=command.project_id)]


def record_survey(command: RecordSurvey, station: Station, state: Recorded) -> list[object]:
    if state.recorded:
        raise AlreadyExists("调研", "The survey", "surveyId")
    _station_and_project(command.actor, station, command.station_id, None, None)
    require_recorder(command.actor, command.station_id)
    require_not_future("startsOn", command.starts_on, command.today)
    if command.ends_on < command.starts_on:
        raise EndsBeforeStart("endsOn")
    require_range("distributed", command.distributed, 0, MAX_COUNT)
    if command.returned is not None:
        require_range("returned", command.returned, 0, MAX_COUNT)
        if command.returned > command.distributed:
            raise MoreThanHandedOut()
    needs = tuple(NeedFound(area=require_text("needs.area", n.area), population=n.population.strip(),
                            description=require_text("needs.description", n.description)) for n in command.needs)
    return [SurveyConducted(survey_id=command.survey_id, station_id=command.station_id,
                            title=require_text("title", command.title), method=command.method,
                            starts_on=command.starts_on, ends_on=command.ends_on, distributed=command.distributed,
                            returned=command.returned, needs=needs)]


def evolve(state: Recorded, event: object) -> Recorded:
    match event:
        case ActivityHeld(station_id=station_id) | PublicityPublished(station_id=station_id) | SurveyConducted(
                station_id=station_id):
            return Recorded(recorded=True, station_id=station_id)
    return state
