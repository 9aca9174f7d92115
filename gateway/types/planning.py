"""A case's assessment (预估) and service plan versions (服务计划), from the cases service (they are sealed)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import strawberry

from shared.contracts.cases import GoalResult, NeedArea, RiskLevel

strawberry.enum(NeedArea, description="economic, health, family, education, social, psychological, safety")
strawberry.enum(GoalResult, description="achieved, partly, not achieved")
strawberry.enum(RiskLevel, description="low, medium, high, urgent (urgent flags the case to the station head)")


@strawberry.enum(description="Where a plan version stands")
class PlanStatus(StrEnum):
    NONE = "none"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


@strawberry.enum(description="接案 intake → 预估 assessed → 计划 planned → 评估 evaluated → 结案 closed")
class CaseStage(StrEnum):
    INTAKE = "intake"
    ASSESSED = "assessed"
    PLANNED = "planned"
    EVALUATED = "evaluated"
    CLOSED = "closed"


@strawberry.enum(description="Where the request to close stands")
class ClosingStatus(StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    RETURNED = "returned"
    APPROVED = "approved"


@strawberry.type
class GoalEvaluation:
    goal_id: strawberry.ID
    result: GoalResult
    note: str


@strawberry.type(description="评估 of the plan in force (null notes when the recipient was erased)")
class Evaluation:
    evaluated_on: date
    plan_version: int
    satisfaction: int | None
    pre_score: float | None
    post_score: float | None
    goal_results: list[GoalEvaluation]

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Evaluation:
        return cls(evaluated_on=date.fromisoformat(view["evaluated_on"]), plan_version=view["plan_version"],
                   satisfaction=view["satisfaction"], pre_score=view["pre_score"], post_score=view["post_score"],
                   goal_results=[GoalEvaluation(goal_id=strawberry.ID(r["goal_id"]), result=GoalResult(r["result"]),
                                                note=r["note"]) for r in view["goal_results"]])


@strawberry.type(description="The latest request to close: 结案 once approved")
class ClosingRequest:
    closed_on: date
    outcome: str
    reason: str | None
    follow_up: str | None
    comment: str | None = strawberry.field(description="Why it was returned, if it was")


@strawberry.type
class Need:
    area: NeedArea
    description: str


@strawberry.type(description="预估 (null words when the recipient was erased)")
class Assessment:
    assessed_on: date
    risk_level: RiskLevel
    needs: list[Need]
    strengths: str | None
    resources: str | None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Assessment:
        return cls(assessed_on=date.fromisoformat(view["assessed_on"]), risk_level=RiskLevel(view["risk_level"]),
                   needs=[Need(area=NeedArea(n["area"]), description=n["description"]) for n in view["needs"]],
                   strengths=view["strengths"], resources=view["resources"])


@strawberry.type(description="A measurable goal of the plan")
class Goal:
    id: strawberry.ID
    description: str
    measure: str
    target_date: date


@strawberry.type(description="服务计划: one version; revisions are new versions, the old kept")
class ServicePlan:
    version: int
    status: PlanStatus
    drafted_on: date
    goals: list[Goal]
    strategies: str | None
    decided_by: str | None = strawberry.field(description="Who approved or returned it")
    comment: str | None = strawberry.field(description="Why it was returned")

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> ServicePlan:
        return cls(version=view["version"], status=PlanStatus(view["status"]),
                   drafted_on=date.fromisoformat(view["drafted_on"]), strategies=view["strategies"],
                   decided_by=view["decided_by"], comment=view["comment"],
                   goals=[Goal(id=strawberry.ID(g["goal_id"]), description=g["description"], measure=g["measure"],
                               target_date=date.fromisoformat(g["target_date"])) for g in view["goals"]])
