"""The checks a recipient's personal details pass, on registration and on every update."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from services.cases.domain.errors import (
    BirthUnknown,
    BirthYearMismatch,
    ChildCategoryForAdult,
    ConsentMissing,
    DisabilityWithoutCategory,
    DuplicateCategory,
    GuardianMissing,
    InvalidPhone,
)
from services.cases.domain.rules import require_not_future, require_range, require_text
from shared import rules
from shared.contracts import Actor
from shared.contracts.cases import (
    CategoryMembership,
    Disability,
    Guardian,
    HouseholdMember,
    RecipientCategory,
    SensitiveDataConsent,
)
from shared.contracts.consent import CHILD_UNDER as CHILD_UNDER  # the recipients' and the volunteers' rule

ADULT_AT = 18
"""Below this age a recipient needs a guardian on record."""
CHILD_CATEGORIES = (RecipientCategory.LEFT_BEHIND_CHILD, RecipientCategory.CHILD_IN_DIFFICULTY)
DISABILITY_GRADES = (1, 4)
"""一级 (most severe) to 四级."""

_PHONE = re.compile(r"\+?\d[\d-]{5,18}\d")


def birth(birth_year: int | None, birth_date: date | None, today: date) -> tuple[int, date | None]:
    """The birth year (from the date when given) and the date: one of them is needed, and they must agree."""
    if birth_date is not None:
        require_not_future("birthDate", birth_date, today)
        if birth_year is not None and birth_year != birth_date.year:
            raise BirthYearMismatch(birth_date, birth_year)
        birth_year = birth_date.year
    if birth_year is None:
        raise BirthUnknown()
    require_range("birthYear", birth_year, 1900, today.year)
    return birth_year, birth_date


def age(today: date, birth_year: int, birth_date: date | None) -> int:
    """Age in whole years; with the year alone, the youngest the person can be (so no child passes as older)."""
    return rules.age(today, birth_year, birth_date)


def memberships(categories: Sequence[CategoryMembership], years_old: int,
                today: date) -> tuple[CategoryMembership, ...]:
    """Each category once, from a date not in the future; children's categories only for children."""
    seen: set[RecipientCategory] = set()
    for membership in categories:
        if membership.category in seen:
            raise DuplicateCategory(membership.category.value)
        seen.add(membership.category)
        require_not_future("categories.validFrom", membership.valid_from, today)
        if membership.category in CHILD_CATEGORIES and years_old >= ADULT_AT:
            raise ChildCategoryForAdult(membership.category.value)
    return tuple(categories)


def disability(value: Disability | None, categories: Sequence[RecipientCategory],
               kept: bool = False) -> Disability | None:
    """A disability given (or `kept` on record) goes with the category DISABLED; its grade is 1 to 4."""
    if (value is not None or kept) and RecipientCategory.DISABLED not in categories:
        raise DisabilityWithoutCategory()
    if value is None:
        return None
    require_range("disability.grade", value.grade, *DISABILITY_GRADES)
    return value


def household(members: Sequence[HouseholdMember], today: date) -> tuple[HouseholdMember, ...]:
    for member in members:
        require_text("household.name", member.name)
        if member.birth_year is not None:
            require_range("household.birthYear", member.birth_year, 1900, today.year)
    return tuple(HouseholdMember(name=m.name.strip(), relation=m.relation, birth_year=m.birth_year,
                                 note=m.note.strip()) for m in members)


def require_guardian(on_record: bool, years_old: int) -> None:
    if not on_record and years_old < ADULT_AT:
        raise GuardianMissing()


def guardian(value: Guardian | None) -> Guardian | None:
    if value is None:
        return None
    return Guardian(name=require_text("guardian.name", value.name), relation=value.relation,
                    phone=phone(value.phone, field="guardian.phone"))


def phone(value: str | None, field: str = "phone") -> str | None:
    if value is None:
        return None
    if not _PHONE.fullmatch(value.strip()):
        raise InvalidPhone(field)
    return value.strip()


def consent(given_on: date | None, purpose: str | None, by_guardian: bool, actor: Actor,
            today: date) -> SensitiveDataConsent | None:
    """The consent the command records, if it records one: a date and a purpose, or nothing."""
    if given_on is None and not (purpose or "").strip():
        return None
    if given_on is None or not (purpose or "").strip():
        raise ConsentMissing(by_guardian=by_guardian)
    require_not_future("consentGivenOn", given_on, today)
    return SensitiveDataConsent(given_on=given_on, purpose=(purpose or "").strip(), recorded_by=actor.subject,
                                by_guardian=by_guardian)


def require_consent(needed: bool, child: bool, consented: bool, by_guardian: bool) -> None:
    """Sensitive data is stored only with consent on record; a child's only with the guardian's."""
    if needed and (not consented or (child and not by_guardian)):
        raise ConsentMissing(by_guardian=child)
