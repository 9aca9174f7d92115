"""The contracts' enumerations, as GraphQL enums (registered in place, so one class serves both)."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from shared.contracts.cases import (
    CaseOutcome,
    Gender,
    IntakeSource,
    RecipientCategory,
    ReferralOutcome,
    ReferralService,
    RelationshipStage,
    SessionMode,
)

strawberry.enum(Gender)
strawberry.enum(RecipientCategory, description="低保, 特困, 留守儿童, 困境儿童, 残障人士, 独居老人, 困境家庭, 党员")
strawberry.enum(IntakeSource, description="接案来源 How the case came to the station")
strawberry.enum(SessionMode, description="上门走访 home visit, 电访 phone, 面谈 interview, 慰问 condolence visit, 陪同")
strawberry.enum(CaseOutcome)
strawberry.enum(ReferralService, description="民政救助, 医疗, 法律援助, 教育, 就业, other")
strawberry.enum(ReferralOutcome)
strawberry.enum(RelationshipStage, description="不信任 distrust → 接纳 acceptance → 专业关系 professional")


@strawberry.enum(description="open or closed")
class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


__all__ = ["CaseOutcome", "CaseStatus", "Gender", "IntakeSource", "RecipientCategory", "ReferralOutcome",
           "ReferralService", "RelationshipStage", "SessionMode"]
