"""Consent to sensitive personal data, one type for every person hemiao records (recipients and volunteers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CHILD_UNDER = 14
"""Below this age everything about a child is sensitive personal data and needs the guardian's consent (PIPL art.
28, 31), for a recipient and for a volunteer alike."""


@dataclass(frozen=True, kw_only=True)
class SensitiveDataConsent:
    """The person's separate consent to the collection of sensitive data (PIPL art. 29), or the guardian's."""

    given_on: date
    purpose: str
    recorded_by: str
    by_guardian: bool = False
