"""CORS for browser front ends on other origins: which origins may call the gateway, with which headers.

The middleware is the outermost one, for two reasons: a preflight (`OPTIONS`, no body, no GraphQL) is answered
before the budget and the in-flight limit count it, and the 413s and 429s those inner limits answer still carry
`Access-Control-Allow-Origin`, so a page can read why it was refused (and `Retry-After`) instead of an opaque
network error."""

from __future__ import annotations

import re

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from shared.runtime import CORRELATION_HEADER

ORIGIN = re.compile(r"^https?://[^\s/?#:]+(:\d{1,5})?$")
"""scheme://host[:port], as a browser sends `Origin`: no path, no trailing slash (which would never match)."""
ANY_ORIGIN = "*"
ALLOWED_HEADERS = ("Authorization", "Content-Type", "Accept",
                   "apollographql-client-name", "apollographql-client-version")
"""What a front end sends: the bearer token and JSON (the only request headers the gateway reads), and the client
name and version Apollo Client adds when it is given them (so that configuring them does not fail the preflight)."""
EXPOSED_HEADERS = (CORRELATION_HEADER, "Retry-After", "Content-Disposition")
"""What a page may read of an answer: the id to quote to an operator, when to retry a 429, an export's file name."""
MAX_AGE_SECONDS = 600
"""How long a browser may reuse a preflight (Chromium caps it at 7,200 s)."""


def parse_origins(text: str | None) -> tuple[str, ...]:
    """HEMIAO_CORS_ORIGINS: origins separated by commas, or `*` for any origin (then without credentials).
    An origin a browser would never send (a path, a trailing slash, no scheme) is refused, in both languages."""
    origins = tuple(dict.fromkeys(o.strip() for o in (text or "").split(",") if o.strip()))
    for origin in origins:
        if origin != ANY_ORIGIN and not ORIGIN.match(origin):
            raise ValueError(f"HEMIAO_CORS_ORIGINS 中的 {origin!r} 不是浏览器会发送的来源，应为 scheme://host[:port]，"
                             f"结尾不带斜杠 / {origin!r} in HEMIAO_CORS_ORIGINS is not an origin a browser sends: "
                             "write scheme://host[:port], with no path or trailing slash")
    return origins


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """The CORS middleware for these origins, or none at all when none is allowed (the default): then a preflight
    is answered 405 and a browser refuses every cross-origin call. Credentials (cookies, `credentials: "include"`)
    are allowed only for listed origins, never with `*`."""
    if not origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                       allow_headers=list(ALLOWED_HEADERS), allow_credentials=ANY_ORIGIN not in origins,
                       expose_headers=list(EXPOSED_HEADERS), max_age=MAX_AGE_SECONDS)]
