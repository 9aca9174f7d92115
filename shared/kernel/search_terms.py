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

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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
