"""Duplicate hints (Primero's potential matches): how likely two records of a station are one person, for
recipients (cases) and volunteers (activities) alike, so a likelihood means the same for both.

Weighted: the same ID number is the same person; the same name with the same birth year and gender is very
likely; the same phone (a household shares one) is a fair sign; the same name alone is weak (同名 is common).
Birth year, gender and community only add to a name or a phone: alone they match half a street. A likelihood
at or above THRESHOLD is a hint worth showing. Pure: the owning service opens the records and asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.kernel.places import community_key
from shared.kernel.search_terms import normalise_id_number, normalise_name, phone_digits


class MatchReason(StrEnum):
    SAME_ID_NUMBER = "same_id_number"
    SAME_NAME = "same_name"
    SAME_PHONE = "same_phone"
    SAME_BIRTH_YEAR = "same_birth_year"
    SAME_GENDER = "same_gender"
    SAME_COMMUNITY = "same_community"


WEIGHTS = {
    MatchReason.SAME_NAME: 0.35,
    MatchReason.SAME_PHONE: 0.45,
    MatchReason.SAME_BIRTH_YEAR: 0.25,
    MatchReason.SAME_GENDER: 0.1,
    MatchReason.SAME_COMMUNITY: 0.1,
}
"""The same ID number is not weighed: it is the same person (1)."""
THRESHOLD = 0.4
"""The same name alone (0.35) is below it; the same name and community, or the same phone, are at it or above."""
MOST = 10
"""Hints answered at most, likeliest first."""


@dataclass(frozen=True, kw_only=True)
class Particulars:
    """What a record says of the person, opened (None where unknown, cleared or erased). `community` is whatever
    the owning service compares communities by (a recipient's community, a volunteer's residence area)."""

    name: str | None
    birth_year: int | None
    gender: str | None
    community: str | None
    community_id: str | None = None
    """The community's id when the record has one: two records with ids are compared by them, not by text."""
    id_number: str | None = None
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class PotentialMatch:
    """A record (`record_id`: a recipient's or a volunteer's id) that is probably the new one: how likely, why."""

    record_id: str
    likelihood: float
    reasons: tuple[MatchReason, ...]


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and a == b


def _normalised(text: str | None) -> str | None:
    return text and normalise_name(text)


def _same_community(new: Particulars, other: Particulars) -> bool:
    """By id when both records have one (one community however it was written); else by the text as compared."""
    if new.community_id and other.community_id:
        return new.community_id == other.community_id
    return _same(new.community and community_key(new.community), other.community and community_key(other.community))


def likelihood(new: Particulars, other: Particulars) -> tuple[float, tuple[MatchReason, ...]]:
    """How likely the two are one person (0 to 1), and why."""
    reasons: list[MatchReason] = []
    same_id = _same(new.id_number and normalise_id_number(new.id_number),
                    other.id_number and normalise_id_number(other.id_number))
    if same_id:
        reasons.append(MatchReason.SAME_ID_NUMBER)
    if _same(_normalised(new.name), _normalised(other.name)):
        reasons.append(MatchReason.SAME_NAME)
    if _same(new.phone and phone_digits(new.phone), other.phone and phone_digits(other.phone)):
        reasons.append(MatchReason.SAME_PHONE)
    if not reasons:
        return 0.0, ()
    if new.birth_year is not None and new.birth_year == other.birth_year:
        reasons.append(MatchReason.SAME_BIRTH_YEAR)
    if _same(new.gender and new.gender.strip(), other.gender and other.gender.strip()):
        reasons.append(MatchReason.SAME_GENDER)
    if _same_community(new, other):
        reasons.append(MatchReason.SAME_COMMUNITY)
    if same_id:
        return 1.0, tuple(reasons)
    return min(round(sum(WEIGHTS[r] for r in reasons), 2), 0.99), tuple(reasons)


def potential_matches(new: Particulars, others: dict[str, Particulars]) -> list[PotentialMatch]:
    """The records at or above THRESHOLD, likeliest first (at most MOST)."""
    found = [PotentialMatch(record_id=i, likelihood=score, reasons=reasons)
             for i, other in others.items() for score, reasons in [likelihood(new, other)] if score >= THRESHOLD]
    return sorted(found, key=lambda m: (-m.likelihood, m.record_id))[:MOST]
