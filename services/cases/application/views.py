"""What the cases service shows of its own streams: recipients and case narratives, opened with their keys.

Only this service holds the keys, so only it can answer with names, ID
numbers, problems and notes. ID numbers and phones come masked unless the
caller may read them for that station and says why; every such read is itself
recorded (RecipientDataDisclosed), for the bureau to audit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_jsonable_python

from services.cases.application.handlers import case_stream, recipient_stream
from services.cases.domain.commands import CLEARABLE
from shared.application import Decider, Unit, answer, execute
from shared.batches import batch_ids, within_budget
from shared.contracts import Role
from shared.contracts.cases import (
    RECIPIENT_PERSONAL,
    CaseAssessed,
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    CaseOpened,
    CaseReferred,
    CaseSessionRecorded,
    RecipientDataDisclosed,
    RecipientDuplicateMerged,
    RecipientErased,
    RecipientMergedInto,
    RecipientRegistered,
    RecipientUpdated,
    ReferralFeedbackReceived,
    SensitiveDataConsent,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
)
from shared.contracts.errors import Forbidden, InvalidInput, Message
from shared.eventstore import EventStore, RecordedEvent
from shared.id_number import masked
from shared.masking import masked_name, masked_phone
from shared.runtime import RequestContext

UNMASKED_ONLY = CLEARABLE
"""What a masked view hides or masks, and what reading unmasked discloses (and records): the sealed details but
the name (RECIPIENT_PERSONAL)."""
MAY_UNMASK = (Role.SOCIAL_WORKER, Role.STATION_HEAD)
DISCLOSURES = Decider(stream_type="disclosure", initial_state=0, evolve=lambda seen, _: seen + 1)
"""A recipient's audit trail of unmasked reads: appended to, never decided on."""
"""Station staff read sensitive data of their own station's recipients; nobody else does."""


def _masked(view: dict[str, Any]) -> dict[str, Any]:
    """ID number and phones masked, third parties' names masked, address, birth date and disability hidden."""
    guardian, household = view["guardian"], view["household"]
    return {**view, "masked": True, "address": None, "birth_date": None, "disability": None,
            "id_number": view["id_number"] and masked(view["id_number"]),
            "phone": view["phone"] and masked_phone(view["phone"]),
            "guardian": guardian and {**guardian, "name": masked_name(guardian["name"]),
                                      "phone": guardian["phone"] and masked_phone(guardian["phone"])},
            "household": household and [{**m, "name": masked_name(m["name"]), "note": ""} for m in household]}


def _consent(view: dict[str, Any], consent: SensitiveDataConsent | None) -> None:
    if consent is not None:
        view.update(consent_given_on=consent.given_on.isoformat(), consent_by_guardian=consent.by_guardian)


async def recipient_view(store: EventStore, recipient_id: str, request: RequestContext, *,
                         unmasked: bool = False) -> dict[str, Any] | None:
    """The recipient as the caller may see them, or None when unknown or outside their stations."""
    view: dict[str, Any] | None = None
    for recorded in await store.read_stream(recipient_stream(recipient_id)):
        match recorded.payload:
            case RecipientRegistered() as e:
                view = {"recipient_id": e.recipient_id, "station_id": e.station_id, "gender": e.gender.value,
                        "birth_year": e.birth_year, "community": e.community, "community_id": e.community_id,
                        "categories": to_jsonable_python(e.categories),
                        **{name: to_jsonable_python(getattr(e, name)) for name in RECIPIENT_PERSONAL},
                        "consent_given_on": None, "consent_by_guardian": False, "merged_into": None,
                        "duplicate_ids": [], "erased": False, "masked": True}
                _consent(view, e.consent)
            case RecipientUpdated() as e if view is not None:
                view.update({name: to_jsonable_python(getattr(e, name)) for name in e.changed})
                if "community" in e.changed:
                    view["community_id"] = e.community_id
                _consent(view, e.consent)
            case RecipientMergedInto() as e if view is not None:
                view["merged_into"] = e.into_recipient_id
            case RecipientDuplicateMerged() as e if view is not None:
                view["duplicate_ids"] = [*view["duplicate_ids"], e.duplicate_id]
            case RecipientErased() if view is not None:
                view = {**view, **dict.fromkeys(RECIPIENT_PERSONAL), "erased": True}
    if view is None or not request.actor.may_act_for(view["station_id"]):
        return None
    return {**view, "masked": False} if unmasked else _masked(view)


async def recipients(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Recipients by id, masked: what lists and case pages show."""
    ids = [str(i) for i in body.get("recipient_ids", [])][:200]
    return {"recipients": [await recipient_view(store, i, request) for i in ids]}


async def recipient_unmasked(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """One recipient with ID number, phone and address in clear, for station staff who say why; audited, and
    answering the audit's position when something was disclosed (so the audit can be read back at once)."""
    purpose = str(body.get("purpose") or "").strip()
    if not purpose:
        raise InvalidInput(Message(zh="查看完整敏感信息须说明用途", en="Say why you need the unmasked data (purpose)"),
                           field="purpose")
    view = await recipient_view(store, str(body.get("recipient_id", "")), request, unmasked=True)
    if view is None:
        return {"recipient": None}
    if request.actor.role not in MAY_UNMASK:
        raise Forbidden(Message(zh="您的角色不能查看完整的身份证号、电话和住址",
                                en="Your role may not read ID numbers, phones and addresses unmasked"),
                        field="unmasked")
    disclosed = tuple(f for f in UNMASKED_ONLY if view[f])
    if disclosed:
        event = RecipientDataDisclosed(recipient_id=view["recipient_id"], station_id=view["station_id"],
                                       fields=disclosed, purpose=purpose, read_by=request.actor.subject,
                                       read_by_role=request.actor.role.value, read_at=datetime.now(UTC))
        appended = await execute(Unit(store=store, request=request, fingerprint=""), DISCLOSURES,
                                 f"disclosures-{view['recipient_id']}", lambda _: [event], {})  # two at once: retried
        return {"recipient": view, "position": answer(appended, "cases")["position"]}  # the audit row's, to read
    return {"recipient": view}


async def case_narratives(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The sealed words of cases (problem, assessment, plans, closing reason), for the caller's stations.

    Without their sessions, which can be hundreds: those come a page at a time (case_sessions). At most 100 cases,
    answered as far as they fit in an answer (shared.batches): `found` by id (null: not the caller's to see),
    and the cases `left` to ask again."""
    found: dict[str, dict[str, Any] | None] = {}
    for case_id in batch_ids(body, "case_ids"):
        narrative = narrative_of(await store.read_stream(case_stream(case_id)))
        seen = narrative is not None and request.actor.may_act_for(narrative["station_id"])
        found[case_id] = {k: v for k, v in narrative.items() if k != "sessions"} if narrative and seen else None
    return within_budget(list(found), found.__getitem__)


def narrative_of(history: list[RecordedEvent]) -> dict[str, Any] | None:
    """A case's words and plans, folded from its events; every plan version is kept."""
    narrative: dict[str, Any] | None = None
    for recorded in history:
        match recorded.payload:
            case CaseOpened() as e:
                narrative = {"case_id": e.case_id, "station_id": e.station_id, "assessment": None, "plans": [],
                             "evaluation": None, "closing": None, "sessions": [],
                             "referrals": [],
                             "presenting_problem": e.presenting_problem, "close_reason": None}
            case CaseClosed() as e if narrative is not None:
                narrative["close_reason"] = e.reason
            case CaseReferred() as e if narrative is not None:
                narrative["referrals"].append({
                    "referral_id": e.referral_id, "agency": e.agency, "service": e.service.value,
                    "referred_on": e.referred_on.isoformat(), "reason": e.reason, "outcome": None, "feedback": None,
                    "received_on": None})
            case ReferralFeedbackReceived() as e if narrative is not None:
                for referral in narrative["referrals"]:
                    if referral["referral_id"] == e.referral_id:
                        referral.update(outcome=e.outcome.value, feedback=e.feedback,
                                        received_on=e.received_on.isoformat())
            case CaseSessionRecorded() as e if narrative is not None:
                narrative["sessions"].append({
                    "session_id": e.session_id, "held_on": e.held_on.isoformat(), "mode": e.mode.value,
                    "duration_minutes": e.duration_minutes, "participants": e.participants, "notes": e.notes,
                    "location": e.location, "content": e.content, "analysis": e.analysis, "next_step": e.next_step,
                    "relationship_stage": e.relationship_stage and e.relationship_stage.value})
            case CaseEvaluated() as e if narrative is not None:
                narrative["evaluation"] = {
                    "evaluated_on": e.evaluated_on.isoformat(), "plan_version": e.plan_version,
                    "satisfaction": e.satisfaction, "pre_score": e.pre_score, "post_score": e.post_score,
                    "goal_results": [{"goal_id": r.goal_id, "result": r.result.value, "note": r.note}
                                     for r in e.goal_results or ()]}
            case CaseClosingRequested() as e if narrative is not None:
                narrative["closing"] = {"closed_on": e.closed_on.isoformat(), "outcome": e.outcome.value,
                                        "reason": e.reason, "follow_up": e.follow_up, "comment": None}
                narrative["close_reason"] = e.reason
            case CaseClosingReturned() as e if narrative is not None and narrative.get("closing"):
                narrative["closing"]["comment"] = e.comment
            case CaseAssessed() as e if narrative is not None:
                narrative["assessment"] = {
                    "assessed_on": e.assessed_on.isoformat(), "risk_level": e.risk_level.value,
                    "needs": [{"area": n.area.value, "description": n.description} for n in e.needs or ()],
                    "strengths": e.strengths, "resources": e.resources, "erased": e.needs is None}
            case ServicePlanDrafted() as e if narrative is not None:
                narrative["plans"].append({
                    "version": e.plan_version, "drafted_on": e.drafted_on.isoformat(), "status": "draft",
                    "strategies": e.strategies, "comment": None, "decided_by": None,
                    "goals": [{"goal_id": g.goal_id, "description": g.description, "measure": g.measure,
                               "target_date": g.target_date.isoformat()} for g in e.goals or ()]})
            case ServicePlanSubmitted() | ServicePlanApproved() | ServicePlanReturned() if narrative is not None:
                _plan_decided(narrative["plans"], recorded.payload)
    return narrative


def _plan_decided(plans: list[dict[str, Any]], event: object) -> None:
    match event:
        case ServicePlanSubmitted(plan_version=version):
            plans[version - 1]["status"] = "submitted"
        case ServicePlanApproved(plan_version=version, approved_by=by):
            plans[version - 1].update(status="approved", decided_by=by)
        case ServicePlanReturned(plan_version=version, returned_by=by, comment=comment):
            plans[version - 1].update(status="returned", decided_by=by, comment=comment)
