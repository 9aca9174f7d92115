"""The gateway's Starlette app: GraphQL (and GraphiQL, served whole) at /graphql, /healthz and /readyz."""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from gateway.budget import Allowance, Budgets, CallerBudget
from gateway.consistency import ConsistencyTokens, token_key
from gateway.context import Context
from gateway.cors import cors, parse_origins
from gateway.document_cache import DEFAULT_MAX as DEFAULT_DOCUMENT_CACHE_MAX
from gateway.document_cache import DocumentCache
from gateway.exports.links import ExportStore
from gateway.graphiql import ASSETS_ROUTE, graphiql_page, serve_asset
from gateway.http_spec import GRAPHQL_RESPONSE, STATUS_KEY, answered, http_refusal, preferred_media_type
from gateway.limits import BodyLimit, CallerConcurrency
from gateway.metrics import metrics_endpoint
from gateway.persisted import Mode, PersistedQueries, load_manifest
from gateway.refusals import refusal, refusal_body
from gateway.schema import MAX_QUERY_CHARS, schema
from gateway.waits import Waits
from shared import tracing
from shared.config import AuthSettings, export_key
from shared.imports.files import MAX_FILE_BYTES
from shared.logs import correlate
from shared.natsio import connect
from shared.runtime import CORRELATION_HEADER, ServiceClient


@dataclass(frozen=True, kw_only=True)
class GatewaySettings:
    nats_url: str
    namespace: str
    auth: AuthSettings
    export_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    """Signs export download links; every copy of the gateway needs the same one (HEMIAO_EXPORT_KEY)."""
    max_body_bytes: int = 1024 * 1024
    """The largest request body, and WebSocket message, read at all (HEMIAO_MAX_BODY_BYTES)."""
    max_upload_bytes: int = MAX_FILE_BYTES + 256 * 1024
    """The largest multipart upload body (an import's file and its GraphQL parts; HEMIAO_MAX_UPLOAD_BYTES)."""
    max_in_flight_per_caller: int = 8
    """Requests one caller (a token's subject, else an address) may have in flight (HEMIAO_MAX_IN_FLIGHT)."""
    caller_points: int = 20_000
    """A signed-in caller's budget when full: ten queries of cost 1,000 at once pass (HEMIAO_CALLER_POINTS)."""
    caller_points_per_second: int = 2_000
    """Points a signed-in caller gets back each second, far above a person's clicking
    (HEMIAO_CALLER_POINTS_PER_SECOND)."""
    anonymous_points: int = 2_000
    """An anonymous caller's (by address) budget when full: they can only introspect (HEMIAO_ANONYMOUS_POINTS)."""
    anonymous_points_per_second: int = 50
    """Points an anonymous address gets back each second (HEMIAO_ANONYMOUS_POINTS_PER_SECOND)."""
    production: bool = False
    """HEMIAO_ENV=production: no introspection or field suggestions for anonymous callers."""
    cors_origins: tuple[str, ...] = ()
    """Origins whose pages may call the gateway (HEMIAO_CORS_ORIGINS, comma separated; `*` any, without
    credentials). None by default: a browser refuses every cross-origin call."""
    persisted_queries: str = Mode.APQ.value
    """apq (automatic persisted queries), allowlist (only the manifest's operations run) or off
    (HEMIAO_PERSISTED_QUERIES)."""
    persisted_queries_file: str | None = None
    """The manifest (Apollo's or Relay's JSON) of the allow-list, or known from the start under apq
    (HEMIAO_PERSISTED_QUERIES_FILE)."""
    persisted_queries_max: int = 1_000
    """How many documents sent with their hash a copy remembers, least recently used first out
    (HEMIAO_PERSISTED_QUERIES_MAX); each is at most the 32,768 characters any document may have."""
    document_cache_max: int = DEFAULT_DOCUMENT_CACHE_MAX
    """How many documents a copy keeps parsed and validated, least recently used first out
    (HEMIAO_DOCUMENT_CACHE_MAX; 0 keeps none)."""

    @classmethod
    def from_env(cls) -> GatewaySettings:
        return cls(nats_url=os.environ.get("NATS_URL") or "nats://127.0.0.1:4222",
                   namespace=os.environ.get("HEMIAO_NAMESPACE") or "hemiao", auth=AuthSettings.from_env(),
                   export_key=export_key(),
                   max_body_bytes=int(os.environ.get("HEMIAO_MAX_BODY_BYTES") or 1024 * 1024),
                   max_upload_bytes=int(os.environ.get("HEMIAO_MAX_UPLOAD_BYTES") or MAX_FILE_BYTES + 256 * 1024),
                   max_in_flight_per_caller=int(os.environ.get("HEMIAO_MAX_IN_FLIGHT") or 8),
                   caller_points=int(os.environ.get("HEMIAO_CALLER_POINTS") or 20_000),
                   caller_points_per_second=int(os.environ.get("HEMIAO_CALLER_POINTS_PER_SECOND") or 2_000),
                   anonymous_points=int(os.environ.get("HEMIAO_ANONYMOUS_POINTS") or 2_000),
                   anonymous_points_per_second=int(os.environ.get("HEMIAO_ANONYMOUS_POINTS_PER_SECOND") or 50),
                   production=(os.environ.get("HEMIAO_ENV") or "development") == "production",
                   cors_origins=parse_origins(os.environ.get("HEMIAO_CORS_ORIGINS")),
                   persisted_queries=os.environ.get("HEMIAO_PERSISTED_QUERIES") or Mode.APQ.value,
                   persisted_queries_file=os.environ.get("HEMIAO_PERSISTED_QUERIES_FILE") or None,
                   persisted_queries_max=int(os.environ.get("HEMIAO_PERSISTED_QUERIES_MAX") or 1_000),
                   document_cache_max=int(os.environ.get("HEMIAO_DOCUMENT_CACHE_MAX")
                                          or DEFAULT_DOCUMENT_CACHE_MAX))


def persisted_queries(settings: GatewaySettings) -> PersistedQueries:
    """The copy's persisted queries as the settings say; a wrong mode or manifest stops the gateway starting."""
    modes = ", ".join(m.value for m in Mode)
    try:
        mode = Mode(settings.persisted_queries)
    except ValueError:
        raise ValueError(f"HEMIAO_PERSISTED_QUERIES 应为 {modes} 之一 / HEMIAO_PERSISTED_QUERIES must be one of "
                         f"{modes}, not {settings.persisted_queries!r}") from None
    if mode is Mode.ALLOWLIST and not settings.persisted_queries_file:
        raise ValueError("HEMIAO_PERSISTED_QUERIES=allowlist 需要 HEMIAO_PERSISTED_QUERIES_FILE 指定清单 / "
                         "HEMIAO_PERSISTED_QUERIES=allowlist needs the manifest in HEMIAO_PERSISTED_QUERIES_FILE")
    manifest = (load_manifest(settings.persisted_queries_file, MAX_QUERY_CHARS)
                if settings.persisted_queries_file else {})
    return PersistedQueries(mode, manifest, settings.persisted_queries_max, MAX_QUERY_CHARS)


PREFLIGHTED = ("authorization", "apollo-require-preflight", "x-apollo-operation-name")
"""Headers that make a browser ask the server first (a CORS preflight): a cross-site form cannot send them."""


class HemiaoGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with hemiao's typed context, hemiao's own GraphiQL page instead of Strawberry's,
    answering as the GraphQL-over-HTTP spec says."""

    def __init__(self, settings: GatewaySettings) -> None:
        # the CORS origins may open the WebSocket too (a browser sends no preflight for it)
        # Multipart uploads (an import's file) are a form a page of any site could post without a preflight: each
        # must carry a header no such form can send (see `run`).
        super().__init__(schema, graphql_ide="graphiql", allowed_origins=settings.cors_origins,
                         multipart_uploads_enabled=True)
        self.settings = settings
        self.persisted = persisted_queries(settings)
        self.documents = DocumentCache(settings.document_cache_max)
        self.client: ServiceClient | None = None
        self.exports: ExportStore | None = None
        self.tokens = ConsistencyTokens(token_key(settings.export_key))
        self.waits: Waits | None = None

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()  # Strawberry's own page loads its scripts from a public CDN: blank offline

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> Context:
        assert self.client is not None and self.waits is not None, "the gateway's NATS client starts in the lifespan"
        authorization = request.headers.get("authorization")
        if isinstance(request, WebSocket) and authorization is None:
            authorization = request.query_params.get("token") and f"Bearer {request.query_params['token']}"
        context = Context(client=self.client, auth=self.settings.auth, authorization=authorization, request=request,
                          response=response, exports=self.exports, tokens=self.tokens, waits=self.waits,
                          production=self.settings.production, persisted=self.persisted,
                          documents=self.documents)
        if isinstance(response, Response):
            response.headers[CORRELATION_HEADER] = context.correlation_id  # to quote to an operator
        correlate(context.correlation_id)  # the request's log lines carry it
        tracing.annotate("hemiao.correlation_id", context.correlation_id)
        return context

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Not for a GET that sends only a persisted query's hash (Apollo's GET has no `query` either)."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(request)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """The answer's body, and (kept in the request's scope) its status for the client's media type."""
        body = await super().process_result(request, result)
        media_type = preferred_media_type(request.headers.get("accept"))
        request.scope[STATUS_KEY] = answered(cast(dict[str, Any], body), media_type)
        return body

    async def run(self, request: Request | WebSocket, context: Context = UNSET,  # type: ignore[override]
                  root_value: None = UNSET) -> Response | WebSocket:
        """The answer with the spec's status and media type; a request refused before GraphQL runs answered as
        a coded, bilingual GraphQL error rather than strawberry's plain English text."""
        if isinstance(request, WebSocket):
            return await super().run(request, context, root_value)
        media_type = preferred_media_type(request.headers.get("accept"))
        if (request.headers.get("content-type") or "").startswith("multipart/form-data") and not any(
                request.headers.get(h) for h in PREFLIGHTED):
            return Response(refusal_body(refusal(
                "upload_needs_preflight", "上传文件须带 Authorization 或 Apollo-Require-Preflight 请求头",
                "An upload must carry an Authorization or Apollo-Require-Preflight header (no plain form may post"
                " one)")), status_code=400, media_type=f"{media_type}; charset=utf-8")
        try:
            with tracing.span("graphql", kind=tracing.SpanKind.SERVER, parent=request.headers,  # a caller's trace
                              attributes={"http.request.method": request.method, "url.path": request.url.path}):
                response = await super().run(request, context, root_value)
        except HTTPException as refused:
            status, error = http_refusal(refused.status_code, refused.reason)
            headers = {"allow": "GET, POST"} if status == 405 else {}
            return Response(refusal_body(error), status_code=status, headers=headers,
                            media_type=f"{media_type}; charset=utf-8")
        finally:
            await request.close()  # an upload's files, parsed into the request's form, are closed (and gone)
        status = request.scope.pop(STATUS_KEY, None)
        if status is not None:  # a GraphQL answer (not GraphiQL's page)
            response.headers["content-type"] = f"{media_type}; charset=utf-8"
            if media_type == GRAPHQL_RESPONSE:
                response.status_code = status
        return response


def create_app(settings: GatewaySettings | None = None) -> Starlette:
    settings = settings or GatewaySettings.from_env()
    # An upload (an import's file, personal data) is kept in memory, never rolled over to a temporary file on disk:
    # Starlette spools a file part in memory up to this size (1 MB by default), and the body limit bounds it.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, settings.max_upload_bytes)
    graphql = HemiaoGraphQL(settings)
    budgets = Budgets(Allowance(settings.caller_points, settings.caller_points_per_second),
                      Allowance(settings.anonymous_points, settings.anonymous_points_per_second))
    state: dict[str, object] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # The schema's objects (some 140,000) live as long as the process: out of the collector's generations, a
        # full collection no longer walks them in the middle of a request (garbage collected first, not frozen).
        gc.collect()
        gc.freeze()
        nc = await connect(settings.nats_url, "hemiao-gateway")
        state["nc"] = nc
        graphql.client = ServiceClient(nc, settings.namespace)
        graphql.waits = Waits(graphql.client)
        graphql.exports = ExportStore(nc.jetstream(), settings.namespace, settings.export_key)
        await graphql.exports.start()
        try:
            yield
        finally:
            await graphql.waits.close()
            await nc.close()

    async def download(request: Request) -> Response:
        """A file made by an export mutation, while its signed link lasts (the link is the key: no token needed)."""
        assert graphql.exports is not None
        found = await graphql.exports.take(request.path_params["name"], request.path_params["filename"],
                                           request.query_params.get("expires", ""),
                                           request.query_params.get("signature", ""))
        if found is None:
            return Response(refusal_body(refusal("export_link_expired", "该下载链接已失效，请重新导出",
                                                 "The link has expired; export again")),
                            status_code=404, media_type="application/json")
        return Response(found.content, media_type=found.media_type, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}"})

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        nc = state.get("nc")
        connected = bool(nc is not None and nc.is_connected)  # type: ignore[attr-defined]
        checks = {"nats": "ok" if connected else "not connected"}
        if getattr(request.app.state, "draining", False):  # stopping: out of rotation, still answering
            checks["draining"] = "stopping: no new requests please, those under way are answered"
        ready = len(checks) == 1 and connected
        return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                            status_code=200 if ready else 503)

    return Starlette(routes=[Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics_endpoint),
                             Route("/graphql", graphql, methods=["GET", "POST"]), WebSocketRoute("/graphql", graphql),
                             Route("/exports/{name}/{filename}", download), Route(ASSETS_ROUTE, serve_asset)],
                     # outermost first: CORS answers preflights before any limit counts them, and puts its
                     # headers on the limits' refusals; a caller over its budget or limit is refused before its
                     # body is read
                     middleware=[*cors(settings.cors_origins),
                                 Middleware(CallerBudget, budgets=budgets, auth=settings.auth),
                                 Middleware(CallerConcurrency, limit=settings.max_in_flight_per_caller,
                                            auth=settings.auth),
                                 Middleware(BodyLimit, limit=settings.max_body_bytes,
                                            upload_limit=settings.max_upload_bytes)],
                     lifespan=lifespan)
