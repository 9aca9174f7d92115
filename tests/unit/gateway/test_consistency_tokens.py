"""Consistency tokens: only the gateway's own signature opens one, and nothing else is ever waited on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from gateway.consistency import MAX_POSITIONS, MAX_TOKEN_CHARS, ConsistencyTokens, merge, token_key
from shared.contracts.errors import DomainError, InvalidInput

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

KEY = token_key(bytes(range(32)))
TOKENS = ConsistencyTokens(KEY)
POSITION = {"service": "cases", "stream_id": "case-1", "version": 3}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _signed_by_hand(triples: list[list[object]]) -> str:
    """A token in the layout of the first tokens (one write's), signed as the gateway signs: no merging needed."""
    payload = _b64(json.dumps(triples, separators=(",", ":")).encode())
    return f"{payload}.{_b64(hmac.new(KEY, payload.encode(), hashlib.sha256).digest()[:16])}"


def _refused(token: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        TOKENS.open(token)
    return refused.value


def test_a_signed_token_carries_its_positions_back() -> None:
    assert TOKENS.open(TOKENS.sign([POSITION])) == [POSITION]


def test_a_token_is_short() -> None:
    token = TOKENS.sign([{"service": "cases", "stream_id": "case-0b6f3c1e-3f4a-4d0e-9a55-8e1f7f2b9c11",
                          "version": 12}])
    assert len(token) < 120


def test_no_token_means_no_positions() -> None:
    assert TOKENS.open(None) == [] and TOKENS.open("") == []


def test_a_forged_token_for_a_far_version_is_refused_on_its_field_in_both_languages() -> None:
    payload = _b64(json.dumps([["cases", "case-1", 10**9]]).encode())
    refused = _refused(f"{payload}.{_b64(b'0' * 16)}")
    assert (refused.code, refused.field) == ("invalid_input", "consistencyToken")
    assert "consistencyToken" in refused.message.zh and "consistencyToken" in refused.message.en


def test_an_unsigned_token_of_the_old_format_is_refused() -> None:
    assert _refused(_b64(json.dumps([["cases", "case-1", 3]]).encode())).field == "consistencyToken"


def test_a_token_whose_positions_were_changed_is_refused() -> None:
    payload, _, mac = TOKENS.sign([POSITION]).partition(".")
    changed = _b64(json.dumps([["cases", "case-1", 10**9]], separators=(",", ":")).encode())
    assert changed != payload
    assert _refused(f"{changed}.{mac}").field == "consistencyToken"


def test_a_token_signed_under_another_key_is_refused() -> None:
    other = ConsistencyTokens(token_key(bytes(range(1, 33))))
    assert _refused(other.sign([POSITION])).field == "consistencyToken"


def test_the_export_key_itself_does_not_sign_tokens() -> None:
    export_key = bytes(range(32))
    assert token_key(export_key) != export_key
    assert _refused(ConsistencyTokens(export_key).sign([POSITION])).field == "consistencyToken"


@pytest.mark.parametrize("token", ["%%%not-base64", "a.b.c", "only-a-payload", ".", "x" * 5000, "é.é",
                                   "\u0000.\ud800"])
def test_a_malformed_token_is_an_invalid_input_on_its_field(token: str) -> None:
    assert _refused(token).field == "consistencyToken"


@pytest.mark.parametrize("triples", [
    [["reporting", "x", 1]],
    [["cases", "case-1", 0]],
    [["cases", "case-1", True]],
    [["cases", "", 1]],
    [["cases", f"case-{n}", 1] for n in range(MAX_POSITIONS + 1)],
])
def test_even_a_signed_token_is_refused_when_its_positions_could_not_exist(triples: list[list[object]]) -> None:
    assert _refused(_signed_by_hand(triples)).field == "consistencyToken"


def test_a_token_of_one_write_in_the_first_layout_still_opens() -> None:
    assert TOKENS.open(_signed_by_hand([["cases", "case-1", 3]])) == [POSITION]


def test_a_token_of_nothing_waits_on_nothing() -> None:
    assert TOKENS.open(TOKENS.sign([])) == []


def test_merging_keeps_each_stream_once_at_its_highest_version_of_either_service() -> None:
    earlier = [POSITION, {"service": "activities", "stream_id": "group-1", "version": 2}]
    later = [{"service": "cases", "stream_id": "case-1", "version": 2},
             {"service": "activities", "stream_id": "group-1", "version": 5},
             {"service": "activities", "stream_id": "activity-9", "version": 1}]

    assert merge(earlier, later) == [POSITION, {"service": "activities", "stream_id": "group-1", "version": 5},
                                     {"service": "activities", "stream_id": "activity-9", "version": 1}]
    assert merge([], [{"service": "cases", "stream_id": "worker-w", "version": 0}]) == []  # nothing to wait on


def test_a_token_of_more_streams_than_it_may_carry_is_never_signed_and_says_why_in_both_languages() -> None:
    with pytest.raises(DomainError) as refused:
        TOKENS.sign([{"service": "cases", "stream_id": f"case-{n}", "version": 1} for n in range(MAX_POSITIONS + 1)])
    assert (refused.value.code, refused.value.field) == ("consistency_token_full", "consistencyToken")
    assert str(MAX_POSITIONS) in refused.value.message.zh and str(MAX_POSITIONS) in refused.value.message.en


def test_a_full_token_of_the_longest_stream_ids_still_opens() -> None:
    full = [{"service": "activities", "stream_id": f"{n}" + "x" * 199, "version": 2**62} for n in range(MAX_POSITIONS)]
    token = TOKENS.sign(full)
    assert len(token) <= MAX_TOKEN_CHARS and TOKENS.open(token) == full
