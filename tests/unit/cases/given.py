"""Given/when/then helpers for the cases deciders."""

from __future__ import annotations

from datetime import date

from services.cases.domain.commands import (
    EraseRecipient,
    OpenCase,
    RecordCaseSession,
    RegisterRecipient,
    RequestCaseClosing,
)
from shared.contracts import Actor, Role
from shared.contracts.cases import (
    CaseOutcome,
    CategoryMembership,
    CategorySource,
    Gender,
    Guardian,
    IntakeSource,
    RecipientCategory,
    Relation,
    SessionMode,
)

TODAY = date(2026, 11, 20)
STATION = "station-hsp"
OTHER_STATION = "station-wy"
WORKER = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=(STATION,))
HEAD = Actor(subject="head-1", name="站长", role=Role.STATION_HEAD, station_ids=(STATION,))
STRANGER = Actor(subject="sw-9", name="李社工", role=Role.SOCIAL_WORKER, station_ids=(OTHER_STATION,))


GRANDMOTHER = Guardian(name="王某某", relation=Relation.GRANDPARENT, phone="13700000000")


def member(category: RecipientCategory, valid_from: date = date(2026, 1, 1),
           source: CategorySource = CategorySource.CIVIL_AFFAIRS_LIST) -> CategoryMembership:
    return CategoryMembership(category=category, valid_from=valid_from, source=source)


def register(**changes: object) -> RegisterRecipient:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "recipient_id": "r-1", "station_id": STATION, "name": "叶某",
        "gender": Gender.MALE, "birth_year": 1968, "community": "一力社区",
        "categories": (member(RecipientCategory.DISABLED), member(RecipientCategory.SUBSISTENCE_ALLOWANCE))}
    return RegisterRecipient(**{**fields, **changes})  # type: ignore[arg-type]


def open_case(**changes: object) -> OpenCase:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "case_id": "c-1", "recipient_id": "r-1", "worker_id": "sw-1",
        "intake_source": IntakeSource.OUTREACH, "presenting_problem": "长期独自在家", "opened_on": date(2026, 10, 8)}
    return OpenCase(**{**fields, **changes})  # type: ignore[arg-type]


def record_session(**changes: object) -> RecordCaseSession:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "case_id": "c-1", "session_id": "s-1", "held_on": date(2026, 10, 15),
        "mode": SessionMode.HOME_VISIT, "duration_minutes": 60, "participants": 1, "notes": " 上门走访 "}
    return RecordCaseSession(**{**fields, **changes})  # type: ignore[arg-type]


def request_closing(**changes: object) -> RequestCaseClosing:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "case_id": "c-1", "closed_on": date(2026, 11, 1), "reason": "目标达成",
        "outcome": CaseOutcome.GOALS_MET, "follow_up": "一个月后电话回访"}
    return RequestCaseClosing(**{**fields, **changes})  # type: ignore[arg-type]


def erase(**changes: object) -> EraseRecipient:
    fields: dict[str, object] = {"actor": HEAD, "today": TODAY, "recipient_id": "r-1", "reason": "本人要求删除"}
    return EraseRecipient(**{**fields, **changes})  # type: ignore[arg-type]
