"""Finding a volunteer by part of the name, ID number or phone, and the volunteers a new registration probably
repeats (Primero's potential matches), over sealed data: the terms a volunteer is indexed under, what a search
looks up, how a candidate the index gives is confirmed against their opened data, and what a duplicate is
weighed by (the weighing is the recipients' too: shared.kernel.matching).

Pure: the digests of these terms are made and looked up by the application (shared.kernel.search_terms).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.activities.domain.errors import SearchTermNeeded, SearchTermUnusable
from shared.contracts.activities import VolunteerRegistered
from shared.kernel.matching import Particulars
from shared.kernel.search_terms import (
    Searched,
    id_number_term,
    name_terms,
    normalise_id_number,
    normalise_name,
    phone_digits,
    phone_term,
)

NAME_PART_LONGEST = 20
"""A name part longer than any name is no search (and bounds the terms it looks up)."""
PHONE_SHORTEST, PHONE_LONGEST = 7, 20
"""A phone is found by all its digits (the last 11), never by a few of them: fewer than 7 digits is refused."""
ID_NUMBER_LENGTH = 18
PURPOSE_LONGEST = 200


def search_of(name: str | None, id_number: str | None, phone: str | None) -> Searched:
    """The search, or the refusal of its input: at least one criterion, each of a length it can be found by."""
    wanted_name = normalise_name(name or "") or None
    wanted_id = normalise_id_number(id_number or "") or None
    wanted_phone = phone_digits(phone or "") if (phone or "").strip() else None
    if wanted_name is None and wanted_id is None and wanted_phone is None:
        raise SearchTermNeeded()
    if wanted_name is not None and len(wanted_name) > NAME_PART_LONGEST:
        raise SearchTermUnusable("name", f"最多 {NAME_PART_LONGEST} 个字", f"at most {NAME_PART_LONGEST} characters")
    if wanted_id is not None and (len(wanted_id) != ID_NUMBER_LENGTH or not wanted_id[:17].isdigit()):
        raise SearchTermUnusable("idNumber", "须为完整的 18 位身份证号码", "the whole 18-character ID number")
    if phone is not None and len(phone.strip()) > PHONE_LONGEST:
        raise SearchTermUnusable("phone", f"最多 {PHONE_LONGEST} 个字符", f"at most {PHONE_LONGEST} characters")
    if wanted_phone is not None and len(wanted_phone) < PHONE_SHORTEST:
        raise SearchTermUnusable("phone", f"至少 {PHONE_SHORTEST} 位数字", f"at least {PHONE_SHORTEST} digits")
    return Searched(name=wanted_name, id_number=wanted_id, phone=wanted_phone)


def require_purpose(purpose: str | None) -> str:
    """The purpose said for reading the results unmasked ("" when none), bounded."""
    said = (purpose or "").strip()
    if len(said) > PURPOSE_LONGEST:
        raise SearchTermUnusable("purpose", f"最多 {PURPOSE_LONGEST} 个字", f"at most {PURPOSE_LONGEST} characters")
    return said


def usable_phone(contact: str | None) -> str | None:
    """A volunteer's contact as a phone they can be found by: its digits when there are enough of them."""
    return contact if contact and len(phone_digits(contact)) >= PHONE_SHORTEST else None


def indexed_terms(name: str | None, id_number: str | None, contact: str | None) -> set[str]:
    """What a volunteer is found by: the characters and pairs of their name, their ID number, their phone."""
    phone = usable_phone(contact)
    return ((name_terms(name) if name else set()) | ({id_number_term(id_number)} if id_number else set())
            | ({phone_term(phone)} if phone else set()))


def registration_terms(registered: VolunteerRegistered) -> set[str]:
    return indexed_terms(registered.name, registered.id_number, registered.contact)


def matches(search: Searched, name: str | None, id_number: str | None, contact: str | None) -> bool:
    """A candidate confirmed against their opened data (the index's pairs may come from elsewhere in the name); the
    contact is their phone when it is one."""
    return search.holds(name, id_number, usable_phone(contact))


@dataclass(frozen=True, kw_only=True)
class Registrant:
    """The data a duplicate is judged by, of a volunteer on record or of one being registered."""

    name: str | None
    gender: str
    birth_year: int | None
    id_number: str | None
    contact: str | None
    residence_area: str = ""


def particulars(registrant: Registrant) -> Particulars:
    """A volunteer as the one scoring of duplicates (shared.kernel.matching) weighs them: the phone only when the
    contact is one, the residence area as the community."""
    return Particulars(name=registrant.name, birth_year=registrant.birth_year, gender=registrant.gender,
                       community=registrant.residence_area, id_number=registrant.id_number,
                       phone=usable_phone(registrant.contact))


def candidate_searches(new: Registrant) -> list[Searched]:
    """The index look-ups a registration's duplicates are among: by its ID number, by its whole name, by its phone
    (each alone: a duplicate need not share all three)."""
    phone = usable_phone(new.contact)
    return [Searched(id_number=normalise_id_number(v)) for v in [new.id_number] if v] + [
        Searched(name=normalise_name(v)[:NAME_PART_LONGEST]) for v in [new.name] if v and normalise_name(v)
    ] + [Searched(phone=phone_digits(v)) for v in [phone] if v]
