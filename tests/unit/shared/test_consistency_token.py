"""Consistency tokens round-trip, and a forged one is refused plainly."""

from __future__ import annotations

import pytest

from gateway.consistency import decode_token, encode_token
from shared.contracts.errors import InvalidInput


def test_a_token_carries_the_positions_back() -> None:
    positions = [{"service": "cases", "stream_id": "case-1", "version": 3}]
    assert decode_token(encode_token(positions)) == positions


def test_no_token_means_no_wait() -> None:
    assert decode_token(None) == []


def test_a_malformed_token_is_an_invalid_input_on_its_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_token("%%%not-base64")
    assert refused.value.field == "consistencyToken"
