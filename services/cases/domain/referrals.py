"""Referrals (转介): to an agency or service, with consent, and the answer when it comes back."""

from __future__ import annotations

from services.cases.domain.commands import RecordReferralFeedback, ReferCase
from services.cases.domain.errors import (
    AlreadyRecorded,
    DateBeforeOpening,
    FeedbackAlreadyRecorded,
    ReferralConsentMissing,
    ReferralNotFound,
)
from services.cases.domain.rules import require_not_future, require_text
from services.cases.domain.state import Case
from shared.contracts.cases import CaseReferred, ReferralFeedbackReceived


def refer(command: ReferCase, case: Case) -> list[object]:
    if command.referral_id in case.referrals | case.answered_referrals:
        raise AlreadyRecorded("转介", "Referral", command.referral_id, "referralId")
    if not command.consent_given:
        raise ReferralConsentMissing()
    require_not_future("referredOn", command.referred_on, command.today)
    if command.referred_on < case.opened_on:
        raise DateBeforeOpening("referredOn", command.referred_on, case.opened_on)
    return [CaseReferred(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                         referral_id=command.referral_id, agency=require_text("agency", command.agency),
                         service=command.service, referred_on=command.referred_on,
                         reason=require_text("reason", command.reason))]


def feedback(command: RecordReferralFeedback, case: Case) -> list[object]:
    if command.referral_id in case.answered_referrals:
        raise FeedbackAlreadyRecorded(command.referral_id)
    if command.referral_id not in case.referrals:
        raise ReferralNotFound(command.referral_id)
    require_not_future("receivedOn", command.received_on, command.today)
    return [ReferralFeedbackReceived(case_id=command.case_id, station_id=case.station_id,
                                     recipient_id=case.recipient_id, referral_id=command.referral_id,
                                     outcome=command.outcome, received_on=command.received_on,
                                     feedback=require_text("feedback", command.feedback))]
