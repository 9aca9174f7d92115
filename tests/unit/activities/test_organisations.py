"""Community social organisations: no filing without the milestones, and a path that only goes where it may."""

from __future__ import annotations

from datetime import date
from functools import reduce

import pytest

from services.activities.domain import organisations, places
from services.activities.domain.commands import (
    ChangeOrganisationStatus,
    FileOrganisation,
    RecordOrganisationActivity,
    RecordOrganisationMilestone,
    RegisterOrganisation,
)
from services.activities.domain.errors import AlreadyExists, MilestonesMissing, StatusOrder
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    IncubationMilestone,
    OrganisationFiled,
    OrganisationStatus,
    OrganisationType,
    StationOpened,
)

TODAY = date(2026, 11, 20)
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-hsp",))
STATION = places.evolve_station(places.STATION, StationOpened(station_id="s-hsp", street_id="st", name="站",
                                                              code="HSP", opened_on=date(2019, 1, 15)))
REGISTERED = reduce(organisations.evolve, organisations.register(RegisterOrganisation(
    actor=WORKER, today=TODAY, organisation_id="o-1", station_id="s-hsp", name="一力风采魅妈文艺队",
    community="一力社区", type=OrganisationType.CULTURE_SPORT, leader="张某", members=18,
    founded_on=date(2026, 3, 1)), STATION, organisations.ORGANISATION), organisations.ORGANISATION)
FILE = FileOrganisation(actor=WORKER, today=TODAY, organisation_id="o-1", filing_number="HSP-2026-033",
                        filed_on=TODAY)


def reached(*milestones: IncubationMilestone) -> organisations.Organisation:
    state = REGISTERED
    for m in milestones:
        state = reduce(organisations.evolve, organisations.milestone(RecordOrganisationMilestone(
            actor=WORKER, today=TODAY, organisation_id="o-1", milestone=m, reached_on=TODAY), state), state)
    return state


def test_no_filing_without_the_leader_the_charter_and_a_first_activity() -> None:
    with pytest.raises(MilestonesMissing) as refused:
        organisations.file(FILE, reached(IncubationMilestone.LEADER_FOUND))
    assert "charter_adopted" in refused.value.message.en and "first_activity" in refused.value.message.en
    [filed] = organisations.file(FILE, reached(*IncubationMilestone))
    assert isinstance(filed, OrganisationFiled) and filed.filing_number == "HSP-2026-033"


def test_a_milestone_is_reached_once() -> None:
    with pytest.raises(AlreadyExists):
        reached(IncubationMilestone.CHARTER_ADOPTED, IncubationMilestone.CHARTER_ADOPTED)


def test_the_path_goes_filed_active_dormant_and_dissolved_is_the_end() -> None:
    filed = reduce(organisations.evolve, organisations.file(FILE, reached(*IncubationMilestone)), REGISTERED)

    def change(state: organisations.Organisation, status: OrganisationStatus) -> organisations.Organisation:
        return reduce(organisations.evolve, organisations.change_status(ChangeOrganisationStatus(
            actor=WORKER, today=TODAY, organisation_id="o-1", status=status), state), state)

    with pytest.raises(StatusOrder):
        change(REGISTERED, OrganisationStatus.ACTIVE)  # incubating becomes filed only by filing
    dissolved = change(change(change(filed, OrganisationStatus.ACTIVE), OrganisationStatus.DORMANT),
                       OrganisationStatus.DISSOLVED)
    with pytest.raises(StatusOrder):
        change(dissolved, OrganisationStatus.ACTIVE)
    with pytest.raises(StatusOrder):
        organisations.record_activity(RecordOrganisationActivity(
            actor=WORKER, today=TODAY, organisation_id="o-1", record_id="r-1", held_on=TODAY, content="演出",
            participants=30), None, dissolved)
    with pytest.raises(StatusOrder):
        organisations.file(FILE, filed)
