"""Verified tokens kept for a while (shared/auth.TokenCache): the same token is not verified again on every
request, yet an expired token is still refused at its `exp`, a token is never taken as valid under other
settings, a refusal is never kept as valid, and the cache stays within its bound."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from shared import auth
from shared.auth import InvalidToken, TokenCache, TokenExpired, UnknownRole, issue_token, verify_token
from shared.config import AuthSettings
from shared.contracts import Actor, Role

pytestmark = pytest.mark.dateless  # its times are data, relative to the token's own

SECRET = "a-development-secret-of-enough-length-123"
SETTINGS = AuthSettings(secret=SECRET)
ACTOR = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token PyJWT is asked to decode (i.e. verified afresh, not answered from the cache)."""
    seen: list[str] = []
    real = jwt.decode

    def counted(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counted)
    return seen


def test_a_token_verified_once_is_answered_from_the_cache_until_its_exp_and_then_refused_as_expired(
        decodes: list[str]) -> None:
    clock = Clock()
    tokens = TokenCache(max_age=3_600, clock=clock)
    token = issue_token(SECRET, ACTOR, ttl_seconds=100)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    decodes.clear()

    assert verify_token(token, SETTINGS, tokens=tokens) == ACTOR
    clock.now = exp - 0.001
    assert verify_token(token, SETTINGS, tokens=tokens) == ACTOR
    assert (len(decodes), tokens.hits) == (1, 1)  # verified once, answered once from the cache

    clock.now = exp  # PyJWT's rule: expired when exp <= now
    with pytest.raises(TokenExpired) as refused:
        verify_token(token, SETTINGS, tokens=tokens)
    assert (refused.value.code, refused.value.field) == ("token_expired", "Authorization")
    assert refused.value.message.en == "The token has expired; sign in again"
    assert len(tokens) == 0


def test_an_entry_is_verified_afresh_after_its_max_age_so_a_rotated_key_is_noticed(decodes: list[str]) -> None:
    clock = Clock()
    tokens = TokenCache(max_age=60, clock=clock)
    token = issue_token(SECRET, ACTOR)
    verify_token(token, SETTINGS, tokens=tokens)
    clock.now += 59.9
    verify_token(token, SETTINGS, tokens=tokens)
    assert len(decodes) == 1
    clock.now += 0.1  # 60 s after it was verified
    assert verify_token(token, SETTINGS, tokens=tokens) == ACTOR
    assert len(decodes) == 2
    clock.now -= 3_600  # a clock set back: not trusted from the cache either
    verify_token(token, SETTINGS, tokens=tokens)
    assert len(decodes) == 3


def test_a_token_verified_under_some_settings_is_not_taken_as_valid_under_others() -> None:
    tokens = TokenCache()
    token = issue_token(SECRET, ACTOR)
    assert verify_token(token, SETTINGS, tokens=tokens) == ACTOR
    for other in (AuthSettings(secret="another-secret-of-sufficient-length-456"),
                  AuthSettings(secret=SECRET, audience="another-system"),
                  AuthSettings(secret=SECRET, issuer="someone-else")):
        with pytest.raises(InvalidToken):
            verify_token(token, other, tokens=tokens)
    assert len(tokens) == 1


def test_refusals_are_never_kept_and_the_real_expiry_still_refuses(decodes: list[str]) -> None:
    tokens = TokenCache()
    forged = issue_token("another-secret-of-sufficient-length-456", ACTOR)
    expired = issue_token(SECRET, ACTOR, ttl_seconds=-10)
    unknown_role = jwt.encode({"sub": "x", "role": "mayor", "iss": "hemiao", "aud": "hemiao",
                               "exp": int(time.time()) + 600}, SECRET, algorithm="HS256")
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verify_token(forged, SETTINGS, tokens=tokens)
        with pytest.raises(TokenExpired):
            verify_token(expired, SETTINGS, tokens=tokens)
        with pytest.raises(UnknownRole):
            verify_token(unknown_role, SETTINGS, tokens=tokens)
    assert (len(tokens), len(decodes)) == (0, 6)  # each refused token verified, and refused, every time


def test_the_cache_keeps_at_most_its_bound_dropping_the_least_recently_used(decodes: list[str]) -> None:
    tokens = TokenCache(max_entries=3)
    issued = [issue_token(SECRET, Actor(subject=f"sw-{n}", name="社工", role=Role.SOCIAL_WORKER,
                                        station_ids=("s-1",))) for n in range(5)]
    for token in issued[:3]:
        verify_token(token, SETTINGS, tokens=tokens)
    verify_token(issued[0], SETTINGS, tokens=tokens)  # used again: now the most recent
    verify_token(issued[3], SETTINGS, tokens=tokens)  # drops issued[1], the least recently used
    assert len(tokens) == 3
    decodes.clear()
    verify_token(issued[0], SETTINGS, tokens=tokens)
    assert decodes == []
    verify_token(issued[1], SETTINGS, tokens=tokens)
    assert decodes == [issued[1]]
    for token in issued:
        verify_token(token, SETTINGS, tokens=tokens)
    assert len(tokens) == 3
    none_kept = TokenCache(max_entries=0)
    verify_token(issued[4], SETTINGS, tokens=none_kept)
    assert len(none_kept) == 0
