"""The recipient aggregate: a resident the station serves, and their personal data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from services.cases.domain import details
from services.cases.domain.commands import (
    CLEARABLE,
    EraseRecipient,
    MergeRecipients,
    RegisterRecipient,
    UpdateRecipient,
)
from services.cases.domain.errors import (
    BlankField,
    CannotMerge,
    NotAllowedToErase,
    NotClearable,
    NothingToChange,
    RecipientAlreadyErased,
    RecipientAlreadyRegistered,
    RecipientNotFound,
    RecipientWasErased,
    RecipientWasMerged,
    SetAndCleared,
)
from services.cases.domain.rules import require_editor, require_text, unseen
from services.cases.domain.stations import FollowedStation, require_open
from shared.contracts import Actor, Role
from shared.contracts.cases import (
    CategoryMembership,
    RecipientCategory,
    RecipientDuplicateMerged,
    RecipientErased,
    RecipientMergedInto,
    RecipientRegistered,
    RecipientUpdated,
)
from shared.id_number import valid_id_number
from shared.kernel.places import community_reference

SENSITIVE = ("id_number", "phone", "address", "disability")
"""Sensitive personal data (PIPL art. 28) a recipient's record may hold, each only with consent."""


@dataclass(frozen=True)
class Recipient:
    """What deciding needs to know of a recipient."""

    registered: bool = False
    station_id: str = ""
    erased: bool = False
    merged_into: str | None = None
    birth_year: int = 0
    birth_date: date | None = None
    categories: tuple[RecipientCategory, ...] = ()
    memberships: tuple[CategoryMembership, ...] = ()
    """The categories with since when and on whose word (a roster import reconciles them)."""
    sensitive: frozenset[str] = frozenset()
    """Which sensitive fields are on record."""
    has_guardian: bool = False
    consented: bool = False
    consent_by_guardian: bool = False
    duplicates: tuple[str, ...] = ()
    """The records merged into this one (RecipientDuplicateMerged): erasing this one erases them too."""


INITIAL = Recipient()

Communities = Sequence[Mapping[str, str | None]]
"""The communities of a station's street as this service follows them (`community_id`, `name`, `division_code`)."""


def community_of(command: RegisterRecipient | UpdateRecipient, communities: Communities) -> tuple[str | None, str]:
    """The community a registration or an update names, resolved against the street's (community_reference)."""
    community_id, name = community_reference(command.community, command.community_id, communities)
    if name is None:
        raise BlankField("community")
    return community_id, name


def register(command: RegisterRecipient, state: Recipient, communities: Communities = ()) -> list[object]:
    """A registration at a station whose street has `communities` (none known: the community is kept as text)."""
    if state.registered:
        raise RecipientAlreadyRegistered(command.recipient_id)
    require_editor(command.actor, command.station_id)
    birth_year, birth_date = details.birth(command.birth_year, command.birth_date, command.today)
    years_old = details.age(command.today, birth_year, birth_date)
    categories = details.memberships(command.categories, years_old, command.today)
    disability = details.disability(command.disability, [c.category for c in categories])
    id_number = None if command.id_number is None else valid_id_number(command.id_number, birth_year, birth_date)
    details.require_guardian(command.guardian is not None, years_old)
    consent = details.consent(command.consent_given_on, command.consent_purpose, command.consent_by_guardian,
                              command.actor, command.today)
    child = years_old < details.CHILD_UNDER
    details.require_consent(child or any(v is not None for v in (id_number, command.phone, command.address,
                                                                  disability)),
                            child, consent is not None, command.consent_by_guardian)
    community_id, community = community_of(command, communities)
    return [RecipientRegistered(
        recipient_id=command.recipient_id, station_id=command.station_id,
        name=require_text("name", command.name), gender=command.gender, birth_year=birth_year,
        birth_date=birth_date, community=community, community_id=community_id, categories=categories,
        id_number=id_number, phone=details.phone(command.phone),
        address=None if command.address is None else require_text("address", command.address),
        disability=disability, household=details.household(command.household, command.today),
        guardian=details.guardian(command.guardian), consent=consent,
    )]


def register_at(command: RegisterRecipient, station: FollowedStation | None, state: Recipient,
                communities: Communities = ()) -> list[object]:
    """Registration, at a station as this service follows it: none is registered at a closed station."""
    events = register(command, state, communities)
    require_open(station, command.station_id)
    return events


def _require_found(recipient_id: str, state: Recipient, actor: Actor) -> None:
    """Registered at a station the caller sees: another station's recipient is not found, as in queries."""
    if not state.registered or unseen(actor, state.station_id):
        raise RecipientNotFound(recipient_id)


def _require_live(recipient_id: str, state: Recipient, actor: Actor) -> None:
    _require_found(recipient_id, state, actor)
    if state.erased:
        raise RecipientWasErased(recipient_id)
    if state.merged_into is not None:
        raise RecipientWasMerged(recipient_id, state.merged_into)


def _changes(command: UpdateRecipient) -> dict[str, object]:
    """The fields the update sets, and those it clears (as None)."""
    given = {name: getattr(command, name) for name in (
        "name", "gender", "birth_year", "birth_date", "community", "categories", *CLEARABLE)
        if getattr(command, name) is not None}
    if command.community_id is not None:
        given["community"] = command.community
    for name in command.clear:
        if name not in CLEARABLE:
            raise NotClearable(name)
        if name in given:
            raise SetAndCleared(name)
    changes = {**given, **dict.fromkeys(command.clear)}
    if not changes:
        raise NothingToChange()
    return changes


def update(command: UpdateRecipient, state: Recipient, communities: Communities = ()) -> list[object]:
    """An update of a recipient whose station's street has `communities` (as in `register`)."""
    _require_live(command.recipient_id, state, command.actor)
    require_editor(command.actor, state.station_id, field="recipientId")
    changes = _changes(command)
    cleared = set(command.clear)
    birth_year, birth_date = details.birth(
        command.birth_year if command.birth_year is not None else None if command.birth_date else state.birth_year,
        command.birth_date or (None if "birth_date" in cleared else state.birth_date), command.today)
    if changes.keys() & {"birth_year", "birth_date"}:
        changes["birth_year"] = birth_year
    years_old = details.age(command.today, birth_year, birth_date)
    categories = state.categories
    if command.categories is not None:
        changes["categories"] = details.memberships(command.categories, years_old, command.today)
        categories = tuple(c.category for c in command.categories)
    details.disability(command.disability, categories,
                       kept="disability" in state.sensitive and "disability" not in changes)
    details.require_guardian(command.guardian is not None or (state.has_guardian and "guardian" not in cleared),
                             years_old)
    if command.id_number is not None:
        changes["id_number"] = valid_id_number(command.id_number, birth_year, birth_date)
    changes.update({name: require_text(name, str(changes[name]))
                    for name in ("name", "address") if changes.get(name) is not None})
    community_id = None
    if "community" in changes:
        community_id, changes["community"] = community_of(command, communities)
    if command.phone is not None:
        changes["phone"] = details.phone(command.phone)
    if command.guardian is not None:
        changes["guardian"] = details.guardian(command.guardian)
    if command.household is not None:
        changes["household"] = details.household(command.household, command.today)
    consent = details.consent(command.consent_given_on, command.consent_purpose, command.consent_by_guardian,
                              command.actor, command.today)
    child = years_old < details.CHILD_UNDER
    details.require_consent(child or any(changes.get(name) is not None for name in SENSITIVE), child,
                            consent is not None or state.consented,
                            command.consent_by_guardian if consent is not None else state.consent_by_guardian)
    return [RecipientUpdated(recipient_id=command.recipient_id, station_id=state.station_id,
                             updated_on=command.today, changed=tuple(changes), consent=consent,
                             community_id=community_id, **changes)]  # type: ignore[arg-type]


def erase(command: EraseRecipient, state: Recipient) -> list[object]:
    """A recipient with no record merged into them (see erase_with_duplicates)."""
    return erase_with_duplicates(command, state, {})[1]


def erase_with_duplicates(command: EraseRecipient, state: Recipient,
                          duplicates: Mapping[str, Recipient]) -> tuple[list[list[object]], list[object]]:
    """The erasure of a recipient and of every record merged into them (`duplicates`, however deep: they are the
    same person, and what they told the station is theirs): each duplicate's events, then the recipient's. A
    duplicate erased before is left as it is; a recipient erased before erasure followed merges is erased again
    only in their duplicates. Refused as already erased when nothing of the person is left to erase."""
    _require_found(command.recipient_id, state, command.actor)
    if command.actor.role not in (Role.STATION_HEAD, Role.DISTRICT_BUREAU, Role.SYSTEM):
        raise NotAllowedToErase()
    left = {duplicate_id for duplicate_id, duplicate in duplicates.items() if not duplicate.erased}
    if state.erased and not left:
        raise RecipientAlreadyErased(command.recipient_id)
    reason = require_text("reason", command.reason)

    def erased(recipient_id: str, station_id: str) -> list[object]:
        return [RecipientErased(recipient_id=recipient_id, station_id=station_id, erased_on=command.today,
                                reason=reason)]

    return ([erased(i, duplicate.station_id) if i in left else [] for i, duplicate in duplicates.items()],
            [] if state.erased else erased(command.recipient_id, state.station_id))


def merge(command: MergeRecipients, survivor: Recipient, duplicate: Recipient) -> tuple[list[object], list[object]]:
    """The duplicate's events and the survivor's: two records of one person, of one station, become one."""
    if command.duplicate_id == command.recipient_id:
        raise CannotMerge("不能把服务对象合并到其自身", "A recipient cannot be merged into itself")
    _require_live(command.recipient_id, survivor, command.actor)
    try:
        _require_live(command.duplicate_id, duplicate, command.actor)
    except (RecipientNotFound, RecipientWasErased, RecipientWasMerged) as refused:
        raise CannotMerge(refused.message.zh, refused.message.en) from refused
    if duplicate.station_id != survivor.station_id:
        raise CannotMerge("只能合并同一社工站的服务对象", "Only recipients of the same station can be merged")
    require_editor(command.actor, survivor.station_id, field="recipientId")
    reason = require_text("reason", command.reason)
    return ([RecipientMergedInto(recipient_id=command.duplicate_id, station_id=duplicate.station_id,
                                 into_recipient_id=command.recipient_id, merged_on=command.today, reason=reason)],
            [RecipientDuplicateMerged(recipient_id=command.recipient_id, station_id=survivor.station_id,
                                      duplicate_id=command.duplicate_id, merged_on=command.today)])


def decide(command: RegisterRecipient | UpdateRecipient | EraseRecipient, state: Recipient) -> list[object]:
    match command:
        case RegisterRecipient():
            return register(command, state)
        case UpdateRecipient():
            return update(command, state)
        case EraseRecipient():
            return erase(command, state)


def _sensitive(state: Recipient, event: RecipientRegistered | RecipientUpdated,
               fields: tuple[str, ...]) -> frozenset[str]:
    on_record = {name for name in fields if name in SENSITIVE and getattr(event, name) is not None}
    return frozenset((state.sensitive - set(fields)) | on_record)


def evolve(state: Recipient, event: object) -> Recipient:
    match event:
        case RecipientRegistered() as e:
            return Recipient(registered=True, station_id=e.station_id, birth_year=e.birth_year,
                             birth_date=e.birth_date, categories=tuple(c.category for c in e.categories),
                             memberships=tuple(e.categories),
                             sensitive=_sensitive(state, e, SENSITIVE), has_guardian=e.guardian is not None,
                             consented=e.consent is not None, consent_by_guardian=bool(e.consent and
                                                                                       e.consent.by_guardian))
        case RecipientUpdated() as e:
            changed = set(e.changed)
            return replace(
                state,
                birth_year=e.birth_year if e.birth_year is not None else state.birth_year,
                birth_date=e.birth_date if "birth_date" in changed else state.birth_date,
                categories=(tuple(c.category for c in e.categories) if e.categories is not None
                            else state.categories),
                memberships=tuple(e.categories) if e.categories is not None else state.memberships,
                sensitive=_sensitive(state, e, e.changed),
                has_guardian=e.guardian is not None if "guardian" in changed else state.has_guardian,
                consented=state.consented or e.consent is not None,
                consent_by_guardian=e.consent.by_guardian if e.consent is not None else state.consent_by_guardian)
        case RecipientMergedInto(into_recipient_id=into):
            return replace(state, merged_into=into)
        case RecipientDuplicateMerged(duplicate_id=duplicate_id):
            return replace(state, duplicates=(*state.duplicates, duplicate_id))
        case RecipientErased():
            return replace(state, erased=True)
    return state
