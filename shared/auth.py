"""JWT bearer tokens: issued for development, verified by the gateway and again by every service."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache

import jwt

from shared.config import AuthSettings
from shared.contracts import Actor, Role
from shared.contracts.actor import ALL_STATIONS, COVERS_EVERY_STATION, DIVISION_DIGITS, REGIONAL, division_problem
from shared.contracts.errors import DomainError, Message


class Unauthenticated(DomainError):
    """No token at all: the caller has not signed in. Its subclasses say what is wrong with a token given."""

    code = "unauthenticated"

    def __init__(self, message: Message | None = None) -> None:
        super().__init__(message or Message(zh="请先登录：请求未携带身份令牌",
                                            en="Sign in first: the request carries no bearer token"),
                         field="Authorization")


class InvalidToken(Unauthenticated):
    """A token that does not verify: malformed, signed by another key, for another audience or issuer."""

    code = "invalid_token"

    def __init__(self, reason: Message) -> None:
        super().__init__(Message(zh=f"身份令牌无效：{reason.zh}，请重新登录",
                                 en=f"Invalid token: {reason.en}; sign in again"))


class TokenExpired(Unauthenticated):
    code = "token_expired"

    def __init__(self) -> None:
        super().__init__(Message(zh="身份令牌已过期，请重新登录", en="The token has expired; sign in again"))


class UnknownRole(Unauthenticated):
    code = "unknown_role"

    def __init__(self, role: object) -> None:
        super().__init__(Message(zh=f"身份令牌中的角色“{role}”不存在，请联系管理员重新签发",
                                 en=f"The token's role '{role}' is not one hemiao knows; ask for a new token"))


class StationScopeInvalid(InvalidToken):
    """A token of a station role that claims every station: refused, not narrowed, so that a wrongly issued
    token is found at once rather than seeing nothing."""

    def __init__(self, role: Role) -> None:
        super().__init__(Message(
            zh=f"令牌的站点范围无效，“{role.value}”角色的令牌须列出其社工站，不能是全部站点（“*”）",
            en=f"the station scope is not valid: a {role.value} token lists its stations, it cannot"
               ' cover every one ("*")'))


class DivisionInvalid(InvalidToken):
    """A token's division claim that is not a GB/T 2260 prefix of its role's level, or one that a regional
    role lacks, or that a role below the district bureau carries: refused, never read as every station."""

    def __init__(self, role: Role, division: object, problem: tuple[str, str]) -> None:
        super().__init__(Message(
            zh=f"令牌的行政区划（division）“{division}”无效：“{role.value}”角色的区划代码{problem[0]}",
            en=f"the token's division '{division}' is not valid: a {role.value} token's division code {problem[1]}"))


def division_claim_problem(role: Role, division: str | None) -> tuple[str, str] | None:
    """What is wrong with a role's division claim (None: nothing): the regional roles must carry one of their
    level's length, the district bureau may carry a district's, no other role carries one."""
    digits = DIVISION_DIGITS.get(role)
    if division is None:
        return ("不能为空：市、省级角色须指定其行政区划", "is missing: a city or provincial role names its division") \
            if role in REGIONAL else None
    if digits is None:
        return ("不适用：只有区、市、省级角色带行政区划",
                "does not apply: only district, city and provincial roles carry one")
    return division_problem(division, digits)


_WHY_INVALID: tuple[tuple[type[Exception], Message], ...] = (
    (jwt.InvalidSignatureError, Message(zh="签名不符", en="its signature does not verify")),
    (jwt.InvalidAudienceError, Message(zh="令牌不是签发给本系统的", en="it was not issued for this service")),
    (jwt.InvalidIssuerError, Message(zh="签发方不受信任", en="its issuer is not trusted")),
    (jwt.ImmatureSignatureError, Message(zh="令牌尚未生效", en="it is not valid yet")),
    (jwt.MissingRequiredClaimError, Message(zh="缺少必需的声明", en="it lacks a required claim")),
    (jwt.DecodeError, Message(zh="格式不正确，无法解析", en="it is malformed and cannot be decoded")),
    (jwt.PyJWKClientError, Message(zh="找不到验证它的公钥", en="no signing key verifies it")),
)
"""Why a token does not verify, in words a user can read (never the library's exception class)."""


def _why_invalid(error: Exception) -> Message:
    for kind, reason in _WHY_INVALID:
        if isinstance(error, kind):
            return reason
    return Message(zh="无法验证", en="it does not verify")


def issue_token(secret: str, actor: Actor, *, ttl_seconds: int = 30 * 24 * 3600,
                issuer: str = "hemiao", audience: str = "hemiao", division: str | None = None) -> str:
    """An HS256 token for development and tests; its `division` claim is the one given, else the actor's (not
    checked here: verification refuses a wrong one, so a test can make one)."""
    now = int(time.time())
    claims: dict[str, object] = {"sub": actor.subject, "name": actor.name, "role": actor.role.value,
                                 "stations": list(actor.station_ids), "iss": issuer, "aud": audience, "iat": now,
                                 "exp": now + ttl_seconds}
    if (division or actor.division) is not None:
        claims["division"] = division or actor.division
    return jwt.encode(claims, secret, algorithm="HS256")


@cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True)


class TokenCache:
    """Tokens verified lately and the Actor each named, so that the same token is not decoded and its signature
    checked again on every request (the gateway, then the service it calls, verify every request's token).

    Keyed by the token and the settings that verified it (a token is never taken as valid under other settings).
    An entry is used only while its token is unexpired and for at most `max_age` seconds after it was verified,
    so a key rotated out of the identity provider's JWKS stops verifying within that time; from the token's
    `exp` on the cache answers TokenExpired, as PyJWT does (expired when `exp <= now`). Only tokens that
    verified are kept; a refusal is worked out again each time. At most `max_entries`, the least recently used
    dropped first."""

    def __init__(self, max_entries: int = 4_096, max_age: float = 60.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self.clock = clock
        """Seconds since the epoch (the time a token's `exp` is given in)."""
        self._entries: OrderedDict[tuple[str, AuthSettings], tuple[Actor, float, float]] = OrderedDict()
        self._lock = threading.Lock()  # the services call it on their loop; a thread may too
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str, settings: AuthSettings) -> Actor | None:
        """The actor the token verified as, if known and still good; TokenExpired once its `exp` has come."""
        key = (token, settings)
        now = self.clock()
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            actor, verified_at, expires = found
            if now >= expires:
                del self._entries[key]
                raise TokenExpired()
            if not verified_at <= now < verified_at + self.max_age:  # too old, or the clock went back
                del self._entries[key]
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return actor

    def put(self, token: str, settings: AuthSettings, actor: Actor, expires: float | None) -> None:
        """Keep a token that has just verified, with its `exp` (None: it has none; kept for `max_age`)."""
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[(token, settings)] = (actor, self.clock(), float("inf") if expires is None else expires)
            self._entries.move_to_end((token, settings))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


VERIFIED = TokenCache()
"""The process's tokens verified lately (see TokenCache): every verify_token call shares it by default."""


def verify_token(token: str | None, settings: AuthSettings, *, tokens: TokenCache | None = VERIFIED) -> Actor:
    """The actor a token names, or Unauthenticated saying what is wrong with it; a token verified lately is
    answered from `tokens` (None: always verified afresh)."""
    if not token:
        raise Unauthenticated()
    if tokens is not None:
        known = tokens.get(token, settings)
        if known is not None:
            return known
    actor, expires = _verify(token, settings)
    if tokens is not None:
        tokens.put(token, settings, actor, expires)
    return actor


def _verify(token: str, settings: AuthSettings) -> tuple[Actor, float | None]:
    """The actor a token names and its `exp`, verified now; Unauthenticated saying what is wrong with it."""
    try:
        if settings.jwks_url:
            key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=settings.audience,
                                issuer=settings.issuer)
        else:
            assert settings.secret is not None
            claims = jwt.decode(token, settings.secret, algorithms=["HS256"], audience=settings.audience,
                                issuer=settings.issuer, options={"require": ["exp", "sub", "role"]})
    except jwt.ExpiredSignatureError as error:
        raise TokenExpired() from error
    except (jwt.InvalidTokenError, jwt.PyJWKClientError, ValueError) as error:
        raise InvalidToken(_why_invalid(error)) from error
    stations = claims.get("stations", [])
    if not isinstance(stations, list) or "sub" not in claims or "role" not in claims:
        raise InvalidToken(Message(zh="站点列表或声明的格式不正确", en="its claims are malformed"))
    try:
        role = Role(claims["role"])
    except ValueError as error:
        raise UnknownRole(claims["role"]) from error
    division = claims.get("division")
    if division is not None and not isinstance(division, str):
        raise DivisionInvalid(role, division, ("应为字符串", "must be a string"))
    problem = division_claim_problem(role, division)
    if problem is not None:
        raise DivisionInvalid(role, division, problem)
    actor = Actor(subject=str(claims["sub"]), name=str(claims.get("name", claims["sub"])), role=role,
                  station_ids=tuple(str(s) for s in stations), division=division)
    if ALL_STATIONS in actor.station_ids and actor.role not in COVERS_EVERY_STATION:
        raise StationScopeInvalid(actor.role)
    return actor, (int(claims["exp"]) if "exp" in claims else None)


def bearer(header_value: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header value."""
    if not header_value:
        return None
    scheme, _, token = header_value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
