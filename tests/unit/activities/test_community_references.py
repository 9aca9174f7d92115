"""Communities are references: a record of the station's work names a community of the station's street, by its
id, its name as people write it or its 12-digit code, and its event carries the id and the registered name."""

from __future__ import annotations

from datetime import date
from functools import reduce

import pytest

from services.activities.domain import (
    groups,
    organisations,
    outreach,
    places,
    projects,
    resources,
    staff,
    volunteers,
)
from services.activities.domain.commands import (
    FormVolunteerTeam,
    MapResource,
    PlanGroup,
    RecordActivity,
    RegisterOrganisation,
    StartProject,
)
from services.activities.domain.errors import NoCommunityNamed
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    ActivityKind,
    CommunityAdded,
    CommunityKind,
    GroupType,
    OrganisationType,
    ResourceKind,
    StaffJoined,
    StaffRole,
    StationOpened,
    StreetRegistered,
    TeamKind,
)
from shared.kernel.places import CommunitiesDisagree, UnknownCommunity

TODAY = date(2025, 6, 20)
STATION_ID = "s-hsp"
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=(STATION_ID,))
STATION = places.evolve_station(places.STATION, StationOpened(station_id=STATION_ID, street_id="st", name="站",
                                                              code="HSP", opened_on=date(2019, 1, 15)))
BARE_STREET = places.evolve_street(places.STREET, StreetRegistered(street_id="st", name="黑石铺街道",
                                                                  district="天心区"))
"""A street registered before its communities: records are taken with their text, unresolved."""
STREET = reduce(places.evolve_street, [
    CommunityAdded(street_id="st", community_id="c-yl", name="一力社区", kind=CommunityKind.COMMUNITY,
                   division_code="430103012002"),
    CommunityAdded(street_id="st", community_id="c-pt", name="披塘村", kind=CommunityKind.VILLAGE,
                   division_code="430103012201")], BARE_STREET)

LEADERS = {"sw-1": staff.evolve(staff.STAFF, StaffJoined(staff_id="sw-1", name="社工", role=StaffRole.SOCIAL_WORKER,
                                                         station_ids=(STATION_ID,), joined_on=date(2019, 2, 1)))}


def activity(**named: str | None) -> RecordActivity:
    return RecordActivity(actor=WORKER, today=TODAY, activity_id="a-1", station_id=STATION_ID, title="中秋游园会",
                          kind=ActivityKind.FESTIVAL, held_on=date(2025, 6, 1), place="广场", direct_participants=50,
                          **named)  # type: ignore[arg-type]


def held(street: places.Street, **named: str | None) -> tuple[str | None, str]:
    [event] = outreach.record_activity(activity(**named), STATION, None, outreach.RECORDED, street)
    return event.community_id, event.community  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["一力社区", "一力 社区", " 一力社区 ", "４３０１０３０１２００２", "430103012002"])
def test_a_community_however_written_is_the_streets_one_with_its_registered_name(text: str) -> None:
    assert held(STREET, community=text) == ("c-yl", "一力社区")


def test_a_community_by_id_and_by_both_when_they_agree() -> None:
    assert held(STREET, community_id="c-pt") == ("c-pt", "披塘村")
    assert held(STREET, community_id="c-pt", community="披塘村") == ("c-pt", "披塘村")


def test_an_unknown_community_or_one_of_two_disagreeing_is_refused_naming_the_field() -> None:
    with pytest.raises(UnknownCommunity) as unknown:
        held(STREET, community="状元坡社区")
    assert (unknown.value.code, unknown.value.field) == ("unknown_community", "community")
    assert "状元坡社区" in unknown.value.message.zh and "状元坡社区" in unknown.value.message.en
    with pytest.raises(UnknownCommunity) as unknown_id:
        held(STREET, community_id="c-zyp")
    assert unknown_id.value.field == "communityId"
    with pytest.raises(CommunitiesDisagree) as disagree:
        held(STREET, community_id="c-pt", community="一力社区")
    assert disagree.value.field == "community" and disagree.value.code == "community_mismatch"
    with pytest.raises(NoCommunityNamed) as neither:
        held(STREET, community=" ")
    assert neither.value.field == "community" and "communityId" in neither.value.message.en


def test_a_street_with_no_communities_yet_takes_the_text_unresolved_but_no_id() -> None:
    assert held(BARE_STREET, community=" 一力 社区 ") == (None, "一力 社区")
    with pytest.raises(UnknownCommunity):
        held(BARE_STREET, community_id="c-yl")


def test_every_record_naming_a_community_resolves_it() -> None:
    [group] = groups.plan(PlanGroup(actor=WORKER, today=TODAY, group_id="g-1", station_id=STATION_ID, name="手工坊",
                                    type=GroupType.GROWTH, target_population="儿童", community="一力 社区",
                                    leader_ids=("sw-1",), planned_sessions=6), STATION, None, LEADERS, groups.GROUP,
        STREET)
    assert (group.community_id, group.community) == ("c-yl", "一力社区")  # type: ignore[attr-defined]
    [organisation] = organisations.register(RegisterOrganisation(
        actor=WORKER, today=TODAY, organisation_id="o-1", station_id=STATION_ID, name="文艺队", community="披塘村",
        type=OrganisationType.CULTURE_SPORT, leader="张某", members=12, founded_on=date(2025, 1, 1)),
        STATION, organisations.ORGANISATION, STREET)
    assert organisation.community_id == "c-pt"  # type: ignore[attr-defined]
    [resource] = resources.map_resource(MapResource(actor=WORKER, today=TODAY, resource_id="r-1",
                                                    station_id=STATION_ID, kind=ResourceKind.VENUE, name="活动室",
                                                    offers="场地"), STATION, resources.RESOURCE, STREET)
    assert (resource.community_id, resource.community) == (None, "")  # type: ignore[attr-defined]
    [team] = volunteers.form_team(FormVolunteerTeam(actor=WORKER, today=TODAY, team_id="t-1", station_id=STATION_ID,
                                                    name="一力志愿队", kind=TeamKind.COMMUNITY,
                                                    community_id="c-yl"), STATION, volunteers.TEAM, STREET)
    assert (team.community_id, team.community) == ("c-yl", "一力社区")  # type: ignore[attr-defined]
    with pytest.raises(UnknownCommunity):
        volunteers.form_team(FormVolunteerTeam(actor=WORKER, today=TODAY, team_id="t-1", station_id=STATION_ID,
                                               name="队", kind=TeamKind.COMMUNITY, community="金坡社区"),
                             STATION, volunteers.TEAM, STREET)


def project(**named: tuple[str, ...]) -> StartProject:
    return StartProject(actor=WORKER, today=TODAY, project_id="p-1", station_id=STATION_ID, name="童心童乐",
                        aims="陪伴", target_population="儿童", starts_on=date(2025, 3, 1), ends_on=date(2025, 12, 31),
                        **named)  # type: ignore[arg-type]


def test_a_projects_communities_are_the_streets_each_once_with_their_ids_when_all_resolve() -> None:
    [started] = projects.start(project(communities=("一力 社区", "430103012201", "一力社区")), STATION,
                               projects.PROJECT, STREET)
    assert started.communities == ("一力社区", "披塘村")  # type: ignore[attr-defined]
    assert started.community_ids == ("c-yl", "c-pt")  # type: ignore[attr-defined]
    [by_id] = projects.start(project(community_ids=("c-pt",)), STATION, projects.PROJECT, STREET)
    assert (by_id.communities, by_id.community_ids) == (("披塘村",), ("c-pt",))  # type: ignore[attr-defined]
    with pytest.raises(UnknownCommunity) as unknown:
        projects.start(project(communities=("一力社区", "状元坡社区")), STATION, projects.PROJECT, STREET)
    assert unknown.value.field == "communities"
    [unresolved] = projects.start(project(communities=("一力社区",)), STATION, projects.PROJECT, BARE_STREET)
    assert (unresolved.communities, unresolved.community_ids) == (("一力社区",), ())  # type: ignore[attr-defined]
