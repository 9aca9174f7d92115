"""What deciding needs to know of a case: where it stands, whose it is, and its plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shared.contracts.cases import CaseOutcome


@dataclass(frozen=True)
class Plan:
    """Where the case's service plan stands."""

    version: int = 0
    submitted: bool = False
    approved_version: int = 0
    goal_ids: tuple[str, ...] = ()
    """The goals of the latest version."""
    approved_goal_ids: tuple[str, ...] = ()
    """The goals of the version in force."""
    drafted_on: date | None = None
    """The day the latest version was drafted."""
    submitted_on: date | None = None
    """The day the latest version was submitted."""
    approved_on: date | None = None
    """The day the version in force was approved."""

    @property
    def pending(self) -> int | None:
        """The version waiting for approval, if any."""
        return self.version if self.submitted else None


@dataclass(frozen=True)
class Case:
    opened: bool = False
    closed: bool = False
    closed_on: date = date.min
    station_id: str = ""
    recipient_id: str = ""
    worker_id: str = ""
    opened_on: date = date.min
    reopened_on: date | None = None
    """The day of the last reopening: a later closing is dated on or after it (its open period's start)."""
    assessed: bool = False
    assessed_on: date | None = None
    """The day of the latest assessment."""
    plan: Plan = field(default_factory=Plan)
    evaluated: bool = False
    evaluated_on: date | None = None
    """The day of the evaluation since the case (re)opened."""
    closing: ClosingRequest | None = None
    """A closing waiting for approval."""
    referrals: frozenset[str] = frozenset()
    """Referrals still waiting for the agency's answer."""
    answered_referrals: frozenset[str] = frozenset()
    session_ids: frozenset[str] = frozenset()
    urgent_since: date | None = None
    """The day of the urgent assessment nobody has taken up yet."""


@dataclass(frozen=True)
class ClosingRequest:
    closed_on: date
    outcome: CaseOutcome
    reason: str | None


INITIAL = Case()
