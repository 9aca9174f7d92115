"""The contracts' enumerations, as GraphQL enums (registered in place, so one class serves both)."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from shared.contracts.cases import (
    CaseOutcome,
    CategorySource,
    DisabilityType,
    Gender,
    IntakeSource,
    RecipientCategory,
    ReferralOutcome,
    ReferralService,
    Relation,
    RelationshipStage,
    SessionMode,
)

strawberry.enum(Gender)
strawberry.enum(RecipientCategory, description="低保, 特困, 留守儿童, 困境儿童, 残障人士, 独居老人, 困境家庭, 党员")
strawberry.enum(IntakeSource, description="接案来源 How the case came to the station")
strawberry.enum(SessionMode, description="上门走访 home visit, 电访 phone, 面谈 interview, 慰问 condolence visit, 陪同")
strawberry.enum(CaseOutcome)
strawberry.enum(CategorySource, description="民政名单, 走访发现, 社区推荐, 本人申报, 机构转介")
strawberry.enum(DisabilityType, description="残疾类别: 视力, 听力, 言语, 肢体, 智力, 精神, 多重")
strawberry.enum(Relation, description="配偶, 父母, 子女, （外）祖父母, （外）孙子女, 兄弟姐妹, 其他亲属, 其他")
strawberry.enum(ReferralService, description="民政救助, 医疗, 法律援助, 教育, 就业, other")
strawberry.enum(ReferralOutcome)
strawberry.enum(RelationshipStage, description="不信任 distrust → 接纳 acceptance → 专业关系 professional")


@strawberry.enum(description="open or closed")
class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@strawberry.enum(description="A recipient's detail an update may clear")
class RecipientDetail(StrEnum):
    BIRTH_DATE = "birth_date"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    ADDRESS = "address"
    DISABILITY = "disability"
    HOUSEHOLD = "household"
    GUARDIAN = "guardian"


__all__ = ["CaseOutcome", "CaseStatus", "CategorySource", "DisabilityType", "Gender", "IntakeSource",
           "RecipientCategory", "RecipientDetail", "ReferralOutcome", "ReferralService", "Relation",
           "RelationshipStage", "SessionMode"]
