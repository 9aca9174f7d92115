"""The files GraphiQL's page loads: read once from the package, answered with their type, gzipped, cached long."""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from gateway.refusals import refusal, refusal_body

HERE = Path(__file__).parent
VENDORED = HERE / "assets"
"""What vendor.sh copied from the npm registry's packages (see VERSIONS there); never edited by hand."""
OWN = ("hemiao-graphiql.js",)
"""hemiao's own script that starts GraphiQL, beside the vendored files."""
ASSETS_ROUTE = "/graphiql/assets/{name}"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".txt": "text/plain; charset=utf-8", "": "text/plain; charset=utf-8"}
PINNED = "public, max-age=31536000, immutable"
"""A URL that names the file's digest (`?v=`, as the page links it) never changes what it answers."""


@dataclass(frozen=True)
class Asset:
    content: bytes
    gzipped: bytes | None
    media_type: str
    digest: str


@functools.cache
def assets() -> dict[str, Asset]:
    """Every file the route may answer, by name: the vendored ones and hemiao's own; nothing else on disk."""
    found: dict[str, Asset] = {}
    for path in [*sorted(VENDORED.iterdir()), *(HERE / name for name in OWN)]:
        content = path.read_bytes()
        compressible = path.suffix in (".js", ".css")
        found[path.name] = Asset(content=content, gzipped=gzip.compress(content, 9, mtime=0) if compressible else None,
                                 media_type=MEDIA_TYPES[path.suffix], digest=hashlib.sha256(content).hexdigest()[:16])
    return found


def asset_url(name: str) -> str:
    """The asset's URL relative to /graphql (so a gateway under a path prefix still finds it), with its digest."""
    return f"{ASSETS_ROUTE.removeprefix('/').format(name=name)}?v={assets()[name].digest}"


async def serve_asset(request: Request) -> Response:
    name = request.path_params["name"]
    asset = assets().get(name)
    if asset is None:
        return Response(refusal_body(refusal("not_found", "没有这个文件", "No such file", path=name)),
                        status_code=404, media_type="application/json")
    etag = f'"{asset.digest}"'
    headers = {"ETag": etag, "Cache-Control": PINNED if request.query_params.get("v") == asset.digest else "no-cache",
               "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(asset.gzipped, media_type=asset.media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(asset.content, media_type=asset.media_type, headers=headers)
