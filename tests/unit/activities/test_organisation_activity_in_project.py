"""An organisation's activity recorded against a project is held within the project's period, like the
station's own activities: it counts in the project's progress."""

from __future__ import annotations

from datetime import date

import pytest

from services.activities.domain import organisations
from services.activities.domain.commands import RecordOrganisationActivity
from services.activities.domain.errors import OutsideProject
from shared.contracts.activities import OrganisationActivityHeld
from tests.unit.activities.test_organisations import REGISTERED, TODAY, WORKER
from tests.unit.activities.test_station_work import PROJECT

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def held(on: date) -> RecordOrganisationActivity:
    return RecordOrganisationActivity(actor=WORKER, today=TODAY, organisation_id="o-1", record_id="r-1",
                                      held_on=on, content="亲子共读汇报演出", participants=40, project_id="p-1")


def test_an_organisations_activity_in_a_project_is_held_within_the_projects_period() -> None:
    [inside] = organisations.record_activity(held(date(2026, 6, 1)), PROJECT, REGISTERED)
    assert isinstance(inside, OrganisationActivityHeld) and inside.project_id == "p-1"
    with pytest.raises(OutsideProject) as before:
        organisations.record_activity(held(date(2026, 2, 27)), PROJECT, REGISTERED)
    assert before.value.field == "heldOn"
