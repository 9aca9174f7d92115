"""Tokens: what a service accepts and what it refuses, saying why."""

from __future__ import annotations

import jwt
import pytest

from shared.auth import Unauthenticated, bearer, issue_token, verify_token
from shared.config import AuthSettings
from shared.contracts import Actor, Role

SETTINGS = AuthSettings(secret="a-development-secret-of-enough-length-123")
ACTOR = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))


def test_a_token_issued_for_an_actor_verifies_back_to_that_actor() -> None:
    assert verify_token(issue_token(SETTINGS.secret or "", ACTOR), SETTINGS) == ACTOR


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c"])
def test_a_missing_or_malformed_token_is_refused(token: str | None) -> None:
    with pytest.raises(Unauthenticated) as refused:
        verify_token(token, SETTINGS)
    assert refused.value.code == "unauthenticated"
    assert refused.value.message.zh.startswith("身份令牌无效")


def test_a_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        verify_token(issue_token("another-secret-of-sufficient-length-456", ACTOR), SETTINGS)


def test_an_expired_token_is_refused_as_expired() -> None:
    with pytest.raises(Unauthenticated) as refused:
        verify_token(issue_token(SETTINGS.secret or "", ACTOR, ttl_seconds=-10), SETTINGS)
    assert "expired" in refused.value.message.en


def test_a_token_with_an_unknown_role_is_refused() -> None:
    token = jwt.encode({"sub": "x", "role": "mayor", "exp": 9999999999, "iss": "hemiao", "aud": "hemiao"},
                       SETTINGS.secret or "", algorithm="HS256")
    with pytest.raises(Unauthenticated):
        verify_token(token, SETTINGS)


def test_only_bearer_headers_carry_a_token() -> None:
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer abc") == "abc"
    assert bearer("Basic abc") is None
    assert bearer("Bearer ") is None
    assert bearer(None) is None
