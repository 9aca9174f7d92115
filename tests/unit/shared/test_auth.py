"""Tokens: what a service accepts and what it refuses, saying why."""

from __future__ import annotations

import jwt
import pytest

from shared.auth import (
    InvalidToken,
    StationScopeInvalid,
    TokenExpired,
    Unauthenticated,
    UnknownRole,
    bearer,
    issue_token,
    verify_token,
)
from shared.config import AuthSettings
from shared.contracts import Actor, Role

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

SETTINGS = AuthSettings(secret="a-development-secret-of-enough-length-123")
ACTOR = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))


def test_a_token_issued_for_an_actor_verifies_back_to_that_actor() -> None:
    assert verify_token(issue_token(SETTINGS.secret or "", ACTOR), SETTINGS) == ACTOR


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token_is_refused_as_unauthenticated(token: str | None) -> None:
    with pytest.raises(Unauthenticated) as refused:
        verify_token(token, SETTINGS)
    assert (refused.value.code, refused.value.field) == ("unauthenticated", "Authorization")
    assert refused.value.message.zh == "请先登录：请求未携带身份令牌"


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c"])
def test_a_malformed_token_is_refused_as_invalid_in_words_not_the_librarys_class_name(token: str) -> None:
    with pytest.raises(InvalidToken) as refused:
        verify_token(token, SETTINGS)
    assert refused.value.code == "invalid_token"
    assert refused.value.message.zh == "身份令牌无效：格式不正确，无法解析，请重新登录"
    assert "Error" not in refused.value.message.en


def test_a_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(InvalidToken) as refused:
        verify_token(issue_token("another-secret-of-sufficient-length-456", ACTOR), SETTINGS)
    assert refused.value.message.zh == "身份令牌无效：签名不符，请重新登录"


def test_an_expired_token_is_refused_as_expired() -> None:
    with pytest.raises(TokenExpired) as refused:
        verify_token(issue_token(SETTINGS.secret or "", ACTOR, ttl_seconds=-10), SETTINGS)
    assert refused.value.code == "token_expired" and "expired" in refused.value.message.en


def test_a_token_with_an_unknown_role_is_refused() -> None:
    token = jwt.encode({"sub": "x", "role": "mayor", "exp": 9999999999, "iss": "hemiao", "aud": "hemiao"},
                       SETTINGS.secret or "", algorithm="HS256")
    with pytest.raises(UnknownRole) as refused:
        verify_token(token, SETTINGS)
    assert refused.value.code == "unknown_role" and "“mayor”" in refused.value.message.zh


def test_only_bearer_headers_carry_a_token() -> None:
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer abc") == "abc"
    assert bearer("Basic abc") is None
    assert bearer("Bearer ") is None
    assert bearer(None) is None


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.STATION_HEAD, Role.SUPERVISOR, Role.PROJECT_DIRECTOR])
@pytest.mark.parametrize("stations", [("*",), ("s-1", "*")])
def test_a_station_roles_token_that_claims_every_station_is_refused_saying_so_in_both_languages(
        role: Role, stations: tuple[str, ...]) -> None:
    actor = Actor(subject="x-1", name="某人", role=role, station_ids=stations)
    with pytest.raises(StationScopeInvalid) as refused:
        verify_token(issue_token(SETTINGS.secret or "", actor), SETTINGS)
    assert (refused.value.code, refused.value.field) == ("invalid_token", "Authorization")
    assert "令牌的站点范围无效" in refused.value.message.zh and role.value in refused.value.message.zh
    assert "station scope is not valid" in refused.value.message.en


@pytest.mark.parametrize("role", [Role.DISTRICT_BUREAU, Role.SYSTEM])
def test_the_district_wide_roles_tokens_cover_every_station(role: Role) -> None:
    actor = Actor(subject="b-1", name="民政局", role=role, station_ids=("*",))
    verified = verify_token(issue_token(SETTINGS.secret or "", actor), SETTINGS)
    assert verified.sees_every_station and verified.may_act_for("any-station")


def test_every_station_is_nothing_to_a_station_role_even_where_no_token_was_verified() -> None:
    stray = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=("*",))
    assert not stray.sees_every_station and not stray.may_act_for("s-1")


def test_a_token_whose_stations_are_not_a_list_is_refused() -> None:
    token = jwt.encode({"sub": "x", "role": "social_worker", "stations": "s-1", "exp": 9999999999,
                        "iss": "hemiao", "aud": "hemiao"}, SETTINGS.secret or "", algorithm="HS256")
    with pytest.raises(Unauthenticated):
        verify_token(token, SETTINGS)
