"""JWT bearer tokens: issued for development, verified by the gateway and again by every service."""

from __future__ import annotations

import time
from functools import cache

import jwt

from shared.config import AuthSettings
from shared.contracts import Actor, Role
from shared.contracts.actor import ALL_STATIONS, DISTRICT_WIDE
from shared.contracts.errors import DomainError, Message


class Unauthenticated(DomainError):
    code = "unauthenticated"

    def __init__(self, reason_en: str, reason_zh: str | None = None) -> None:
        super().__init__(Message(zh=f"身份令牌无效：{reason_zh or reason_en}", en=f"Invalid token: {reason_en}"),
                         field="Authorization")


class StationScopeInvalid(Unauthenticated):
    """A token of a station role that claims every station: refused, not narrowed, so that a wrongly issued
    token is found at once rather than seeing nothing."""

    def __init__(self, role: Role) -> None:
        super().__init__(f"the station scope is not valid: a {role.value} token lists its stations, it cannot"
                         ' cover every one ("*")',
                         f"令牌的站点范围无效，{role.value} 角色的令牌须列出其社工站，不能是全部站点（“*”）")


def issue_token(secret: str, actor: Actor, *, ttl_seconds: int = 30 * 24 * 3600,
                issuer: str = "hemiao", audience: str = "hemiao") -> str:
    """An HS256 token for development and tests."""
    now = int(time.time())
    claims = {"sub": actor.subject, "name": actor.name, "role": actor.role.value,
              "stations": list(actor.station_ids), "iss": issuer, "aud": audience, "iat": now,
              "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


@cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True)


def verify_token(token: str | None, settings: AuthSettings) -> Actor:
    """The actor a token names, or Unauthenticated saying what is wrong with it."""
    if not token:
        raise Unauthenticated("missing bearer token")
    try:
        if settings.jwks_url:
            key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=settings.audience,
                                issuer=settings.issuer)
        else:
            assert settings.secret is not None
            claims = jwt.decode(token, settings.secret, algorithms=["HS256"], audience=settings.audience,
                                issuer=settings.issuer, options={"require": ["exp", "sub", "role"]})
        stations = claims.get("stations", [])
        if not isinstance(stations, list):
            raise Unauthenticated("stations must be a list")
        actor = Actor(subject=str(claims["sub"]), name=str(claims.get("name", claims["sub"])),
                      role=Role(claims["role"]), station_ids=tuple(str(s) for s in stations))
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("token expired") from error
    except (jwt.InvalidTokenError, ValueError, KeyError) as error:
        raise Unauthenticated(type(error).__name__) from error
    if ALL_STATIONS in actor.station_ids and actor.role not in DISTRICT_WIDE:
        raise StationScopeInvalid(actor.role)
    return actor


def bearer(header_value: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header value."""
    if not header_value:
        return None
    scheme, _, token = header_value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
