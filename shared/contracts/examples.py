"""One example of every published event, for the AsyncAPI catalogue (a test checks none is missing)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.contracts.activities import CommunityAdded, CommunityKind, StationOpened, StreetRegistered
from shared.contracts.cases import (
    CaseClosed,
    CaseOpened,
    CaseOutcome,
    CaseSessionRecorded,
    Gender,
    IntakeSource,
    RecipientCategory,
    RecipientDataDisclosed,
    RecipientErased,
    RecipientRegistered,
    SessionMode,
)

STATION = "18d63882-5300-58b2-aca9-1dd7b813516e"
STREET = "0c1f5b8e-6f1a-5a57-8c61-0e1c2f3a4b5c"
CASE = "ce7ae274-6dc8-5bdd-9c20-6f75e3f6aa5d"
RECIPIENT = "3a9d2c1e-44f0-5b7e-9d11-7c0b8a6e5f42"

EXAMPLES: list[object] = [
    StreetRegistered(street_id=STREET, name="黑石铺街道", district="天心区"),
    CommunityAdded(street_id=STREET, community_id="5d0b7c1a-2e3f-5a4b-8c9d-0e1f2a3b4c5d", name="披塘村",
                   kind=CommunityKind.VILLAGE),
    StationOpened(station_id=STATION, street_id=STREET, name="黑石铺街道社工站", code="HSP",
                  opened_on=date(2019, 1, 15)),
    RecipientRegistered(recipient_id=RECIPIENT, station_id=STATION, name="陈某", gender=Gender.FEMALE,
                        birth_year=1983, community="一力社区",
                        categories=(RecipientCategory.FAMILY_IN_DIFFICULTY, RecipientCategory.SUBSISTENCE_ALLOWANCE),
                        phone="13800000000"),
    RecipientDataDisclosed(recipient_id=RECIPIENT, station_id=STATION, fields=("id_number", "phone"),
                           purpose="办理低保复核", read_by="sw-hsp-1", read_by_role="social_worker",
                           read_at=datetime(2026, 11, 21, 2, 30, tzinfo=UTC)),
    RecipientErased(recipient_id=RECIPIENT, station_id=STATION, erased_on=date(2026, 11, 25), reason="本人要求删除"),
    CaseOpened(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, worker_id="sw-hsp-1",
               intake_source=IntakeSource.OUTREACH, presenting_problem="家庭经济困难，孩子暑期无人照看",
               opened_on=date(2026, 10, 10)),
    CaseSessionRecorded(case_id=CASE, station_id=STATION, session_id="9b2e4f6a-1c3d-5e7f-8a9b-0c1d2e3f4a5b",
                        held_on=date(2026, 10, 17), mode=SessionMode.HOME_VISIT, duration_minutes=60,
                        participants=2, notes="上门走访，与母亲和孩子面谈", recipient_id=RECIPIENT),
    CaseClosed(case_id=CASE, station_id=STATION, closed_on=date(2026, 11, 20), reason="服务目标达成",
               outcome=CaseOutcome.GOALS_MET, recipient_id=RECIPIENT),
]
