"""GraphiQL's page: hemiao's own HTML, which loads only the gateway's own assets (its CSP forbids anything else)."""

from __future__ import annotations

import functools
import re

from starlette.responses import HTMLResponse

from gateway.graphiql.assets import HERE, asset_url

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
"""'self' in connect-src covers the page's own ws:// and wss://; inline styles are React's."""


@functools.cache
def page_html() -> str:
    """page.html with each `{{asset:NAME}}` replaced by that asset's pinned URL."""
    template = (HERE / "page.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{asset:([\w.-]+)\}\}", lambda found: asset_url(found.group(1)), template)


def graphiql_page() -> HTMLResponse:
    return HTMLResponse(page_html(), headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                                              "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
