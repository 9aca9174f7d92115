"""The recipient aggregate: a resident the station serves, and their personal data."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from services.cases.domain.commands import EraseRecipient, RegisterRecipient
from services.cases.domain.errors import (
    ConsentMissing,
    InvalidPhone,
    NotAllowedToErase,
    RecipientAlreadyErased,
    RecipientAlreadyRegistered,
    RecipientNotFound,
)
from services.cases.domain.id_number import valid_id_number
from services.cases.domain.rules import (
    require_editor,
    require_not_future,
    require_range,
    require_station,
    require_text,
)
from shared.contracts import Role
from shared.contracts.cases import RecipientErased, RecipientRegistered, SensitiveDataConsent

CHILD_UNDER = 14
"""Below this age a child's sensitive data needs the guardian's consent (PIPL art. 31)."""

_PHONE = re.compile(r"\+?\d[\d-]{5,18}\d")


@dataclass(frozen=True)
class Recipient:
    """What deciding needs to know of a recipient."""

    registered: bool = False
    station_id: str = ""
    erased: bool = False


INITIAL = Recipient()


def _consent(command: RegisterRecipient) -> SensitiveDataConsent | None:
    """The consent the sensitive fields need, or the refusal saying whose is missing."""
    if command.id_number is None and command.phone is None and command.address is None:
        return None
    child = command.today.year - command.birth_year < CHILD_UNDER
    if command.consent_given_on is None or not (command.consent_purpose or "").strip() or (
            child and not command.consent_by_guardian):
        raise ConsentMissing(by_guardian=child)
    require_not_future("consentGivenOn", command.consent_given_on, command.today)
    return SensitiveDataConsent(given_on=command.consent_given_on, purpose=(command.consent_purpose or "").strip(),
                                recorded_by=command.actor.subject, by_guardian=command.consent_by_guardian)


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    if not _PHONE.fullmatch(value.strip()):
        raise InvalidPhone()
    return value.strip()


def register(command: RegisterRecipient, state: Recipient) -> list[object]:
    if state.registered:
        raise RecipientAlreadyRegistered(command.recipient_id)
    require_editor(command.actor, command.station_id)
    require_range("birthYear", command.birth_year, 1900, command.today.year)
    id_number = None if command.id_number is None else valid_id_number(command.id_number, command.birth_year)
    return [RecipientRegistered(
        recipient_id=command.recipient_id, station_id=command.station_id,
        name=require_text("name", command.name), gender=command.gender, birth_year=command.birth_year,
        community=require_text("community", command.community), categories=tuple(dict.fromkeys(command.categories)),
        id_number=id_number, phone=_phone(command.phone),
        address=None if command.address is None else require_text("address", command.address),
        consent=_consent(command),
    )]


def erase(command: EraseRecipient, state: Recipient) -> list[object]:
    if not state.registered:
        raise RecipientNotFound(command.recipient_id)
    require_station(command.actor, state.station_id)
    if command.actor.role not in (Role.STATION_HEAD, Role.DISTRICT_BUREAU, Role.SYSTEM):
        raise NotAllowedToErase()
    if state.erased:
        raise RecipientAlreadyErased(command.recipient_id)
    return [RecipientErased(recipient_id=command.recipient_id, station_id=state.station_id,
                            erased_on=command.today, reason=require_text("reason", command.reason))]


def decide(command: RegisterRecipient | EraseRecipient, state: Recipient) -> list[object]:
    match command:
        case RegisterRecipient():
            return register(command, state)
        case EraseRecipient():
            return erase(command, state)


def evolve(state: Recipient, event: object) -> Recipient:
    match event:
        case RecipientRegistered(station_id=station_id):
            return Recipient(registered=True, station_id=station_id)
        case RecipientErased():
            return replace(state, erased=True)
    return state
