"""Keyed search terms: what a sealed name, ID number or phone is found by, without storing any of them.

A service that owns personal data keeps, beside its sealed events, an index of HMAC digests of terms: every
character and every pair of adjacent characters of a name, the ID number, the phone's digits. A search
computes the digests of its own terms and looks those up; whoever reads the index without the service's data
key learns nothing but which rows share a term. Candidates are then confirmed against the opened name or number
inside the service (a name that holds the pairs "叶某" and "某叶" is a candidate for "叶某叶" but not a match).

Pure: no I/O. Only digests are ever stored (a `bytea` column), never a term; an erased person's rows are deleted
with their key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.contracts.search import SearchCriterion

DIGEST_BYTES = 16
_SPACE = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")


def normalise_name(name: str) -> str:
    """NFKC (full-width letters and digits become ASCII), whitespace removed, latin lower-cased."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name)).lower()


def _characters_and_pairs(text: str) -> set[str]:
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


def name_terms(name: str) -> set[str]:
    """What a name is indexed under: each character and each pair of adjacent characters, prefixed "n:"."""
    return {"n:" + term for term in _characters_and_pairs(normalise_name(name))}


def name_query_terms(part: str) -> set[str]:
    """What a search for part of a name looks up: its adjacent pairs, or its one character; prefixed "n:".

    A record is a candidate when it holds all of them. An empty part (after normalising) gives no terms: the
    caller refuses it before searching."""
    text = normalise_name(part)
    if len(text) <= 1:
        return {"n:" + text} if text else set()
    return {"n:" + text[i : i + 2] for i in range(len(text) - 1)}


def name_contains(name: str, part: str) -> bool:
    """The confirmation of a candidate: the normalised name holds the normalised part."""
    wanted = normalise_name(part)
    return bool(wanted) and wanted in normalise_name(name)


def normalise_id_number(id_number: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", id_number)).upper()


def id_number_term(id_number: str) -> str:
    """The term "i:" and the 18-character number, upper-cased (a lower-case check x is the same number)."""
    return "i:" + normalise_id_number(id_number)


def phone_digits(phone: str) -> str:
    """The phone's digits, the last 11 of them (so "+86 138-0013-8000" and "13800138000" are one phone)."""
    return _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", phone))[-11:]


def phone_term(phone: str) -> str:
    """The term "p:" and the phone's last 11 digits."""
    return "p:" + phone_digits(phone)


class TermKey:
    """The key a service's search digests are made with; derived from its data key, never stored."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a search key needs at least 16 bytes")
        self._key = key

    @classmethod
    def for_service(cls, data_key: bytes, service: str) -> TermKey:
        """HKDF-SHA256 of the service's data key (HEMIAO_DATA_KEY), info b"hemiao-search:" + service."""
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"hemiao-search:" + service.encode()
        ).derive(data_key)
        return cls(derived)

    def digest(self, term: str) -> bytes:
        """HMAC-SHA256 of the term, truncated to 16 bytes."""
        return hmac.new(self._key, term.encode(), hashlib.sha256).digest()[:DIGEST_BYTES]

    def digests(self, terms: set[str] | frozenset[str]) -> list[bytes]:
        """The digests of the terms, in a stable order (sorted by digest)."""
        return sorted({self.digest(term) for term in terms})

    def __repr__(self) -> str:
        return "TermKey(<hidden>)"


@dataclass(frozen=True, kw_only=True)
class Searched:
    """What a search for people asks for, normalised (`normalise_name`, `normalise_id_number`, the phone's
    digits): every term given must hold, they narrow and never widen. The recipients' search and the volunteers'
    are this one."""

    name: str | None = None
    id_number: str | None = None
    phone: str | None = None

    def terms(self) -> set[str]:
        """The terms whose digests a record must hold all of to be a candidate."""
        return ((name_query_terms(self.name) if self.name else set())
                | ({id_number_term(self.id_number)} if self.id_number else set())
                | ({phone_term(self.phone)} if self.phone else set()))

    def holds(self, name: str | None, id_number: str | None, phone: str | None) -> bool:
        """The opened record really holds what was asked (its digests say only that its terms are there)."""
        return ((not self.name or (bool(name) and name_contains(name or "", self.name)))
                and (not self.id_number or normalise_id_number(id_number or "") == self.id_number)
                and (not self.phone or phone_digits(phone or "") == phone_digits(self.phone)))

    def criteria(self) -> tuple[SearchCriterion, ...]:
        """What it was made by, for the audit (never the terms)."""
        return tuple(criterion for asked, criterion in ((self.name, SearchCriterion.NAME_PART),
                                                        (self.id_number, SearchCriterion.ID_NUMBER),
                                                        (self.phone, SearchCriterion.PHONE)) if asked)

    def described(self, whom_zh: str = "", whom_en: str = "") -> str:
        """How they were searched for, without the terms, as the audit says it: 查找志愿者：按姓名片段（search for
        volunteers by name part） with `whom` 志愿者 / " for volunteers"."""
        said = [(zh, en) for asked, zh, en in ((self.name, "按姓名片段", "by name part"),
                                               (self.id_number, "按身份证号", "by ID number"),
                                               (self.phone, "按电话", "by phone")) if asked]
        return f"查找{whom_zh}：{'、'.join(zh for zh, _ in said)}（search{whom_en} {', '.join(en for _, en in said)}）"
