"""The typed per-request context: the caller, the service client and the DataLoaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from gateway.consistency import ConsistencyTokens, Freshness
from gateway.document_cache import DocumentCache
from gateway.exports.links import ExportStore
from gateway.limits import VERIFIED_KEY
from gateway.loaders import Loaders, by_id
from gateway.node.ids import raw_ids
from gateway.persisted import PersistedQueries
from gateway.waits import Waits
from shared.auth import bearer, verify_token
from shared.batches import MAX_BATCH
from shared.config import AuthSettings
from shared.contracts import Actor
from shared.contracts.errors import DomainError, Forbidden, Message
from shared.runtime import ServiceClient


def graphql_error(error: DomainError) -> GraphQLError:
    """A domain refusal as a GraphQL error with its code, field and both messages in `extensions`."""
    data = error.as_dict()
    extensions = {"code": data["code"], "field": data["field"], "messageZh": data["message_zh"],
                  "messageEn": data["message_en"]}
    if "may_have_committed" in data:  # a service that did not answer (shared.runtime.ServiceFault)
        extensions["mayHaveCommitted"] = data["may_have_committed"]
    return GraphQLError(f"{error.message.zh} / {error.message.en}", extensions=extensions)


@dataclass
class Context:
    """Everything a resolver may use; built anew for every request."""

    client: ServiceClient
    auth: AuthSettings
    authorization: str | None
    request: Request | WebSocket
    tokens: ConsistencyTokens
    """Signs the consistency tokens mutations answer, and opens the ones queries bring."""
    waits: Waits
    """The gateway copy's waits for the read models, bounded per caller."""
    response: Response | WebSocket | None = None
    exports: ExportStore | None = None
    """Where the files a caller asks for wait to be downloaded, behind signed links."""
    connection_params: dict[str, Any] | None = None
    """graphql-transport-ws's connection_init payload: a browser client's token comes here."""
    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    freshness: Freshness = field(default_factory=Freshness)
    """What this request's waits on consistency tokens came to: `extensions.consistency`."""
    production: bool = False
    """HEMIAO_ENV=production: an anonymous caller may not introspect the schema, nor be told what it holds."""
    persisted: PersistedQueries | None = None
    """The gateway copy's persisted queries (APQ, or the allow-list): which document a hash stands for."""
    documents: DocumentCache | None = None
    """The gateway copy's parsed and validated documents (gateway/document_cache): none kept when None."""
    stations: DataLoader[str, dict[str, Any] | None] = field(init=False)
    recipients: DataLoader[str, dict[str, Any] | None] = field(init=False)
    narratives: DataLoader[str, dict[str, Any] | None] = field(init=False)
    resource_contacts: DataLoader[str, str | None] = field(init=False)
    volunteers: DataLoader[str, dict[str, Any] | None] = field(init=False)
    organisation_leaders: DataLoader[str, str | None] = field(init=False)
    loaders: Loaders = field(init=False)
    """The nested fields' loaders (sessions of groups, timelines of cases...): one batch request per page."""
    _verified_as: tuple[str | None, Actor] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.stations = DataLoader(load_fn=self._load_stations)
        self.recipients = DataLoader(load_fn=self._load_recipients, max_batch_size=MAX_BATCH)
        # the cases' words, as many as fit in an answer (far under max_payload), the rest asked again
        self.narratives = DataLoader(load_fn=by_id(self.query, "cases", "case_narratives", "case_ids", graphql_error),
                                     max_batch_size=MAX_BATCH)
        self.resource_contacts = DataLoader(load_fn=self._load_resource_contacts, max_batch_size=MAX_BATCH)
        self.volunteers = DataLoader(load_fn=self._load_volunteers, max_batch_size=MAX_BATCH)
        self.organisation_leaders = DataLoader(load_fn=self._load_organisation_leaders, max_batch_size=MAX_BATCH)
        self.loaders = Loaders.of(self.query, graphql_error)

    @property
    def token(self) -> str:
        return bearer(self.authorization) or ""

    def _from_connection(self) -> str | None:
        params = self.connection_params or {}
        value = params.get("Authorization") or params.get("authorization") or params.get("token")
        return None if value is None else str(value) if str(value).startswith("Bearer ") else f"Bearer {value}"

    def _verified(self) -> Actor:
        """The caller its token names, verified once per request (by the limits' middleware, or here) for the
        Authorization it has now; DomainError saying why when it is missing or bad."""
        known = self._verified_as
        if known is not None and known[0] == self.authorization:
            return known[1]
        scope = getattr(self.request, "scope", None) or {}
        found = scope.get(VERIFIED_KEY)
        if found is not None and self.authorization is not None and found[0] == self.authorization:
            actor: Actor = found[1]
        else:
            actor = verify_token(bearer(self.authorization), self.auth)
        self._verified_as = (self.authorization, actor)
        return actor

    def actor(self) -> Actor:
        """The verified caller; a GraphQL error saying why when the token is missing or bad."""
        if self.authorization is None and self.connection_params:
            self.authorization = self._from_connection()
        try:
            return self._verified()
        except DomainError as error:
            raise graphql_error(error) from error

    async def query(self, endpoint: str, payload: dict[str, Any], consistency_token: str | None = None,
                    service: str = "reporting", typed: bool = False, fresh: bool = False) -> dict[str, Any]:
        """Ask reporting (or the service that holds the keys to personal data); refusals become GraphQL errors,
        or, `typed`, stay domain errors for a mutation to answer as its typed result. With a token, the answer
        waits (bounded) for the read models to have its positions; `fresh` refuses an answer that is behind it."""
        actor = self.actor()
        try:
            payload = raw_ids(payload)  # a global id the API answered names the raw id the services know
            positions = self.tokens.open(consistency_token)  # a token not signed here never waits
            body = {**payload, "consistency": positions} if positions else payload
            answer = await self._call(service, endpoint, body)
            if not positions or answer.get("consistent", True):
                if positions:
                    self.freshness.note(stale=False, waited_ms=0)
                return answer
            waited = await self.waits.wait(positions, actor.subject, self.token)
            if waited.reached:
                answer = await self._call(service, endpoint, body)
            stale = not answer.get("consistent", True)
            self.freshness.note(stale=stale, waited_ms=waited.waited_ms)
            if stale and fresh:
                raise DomainError(Message(
                    zh=f"报表数据尚未包含令牌所指的记录（已等待 {waited.waited_ms} 毫秒），请稍后再提交",
                    en=f"The read models do not have the token's records yet (waited {waited.waited_ms} ms); "
                       "submit again in a moment"), field="consistencyToken", code="read_models_behind")
            return answer
        except DomainError as error:
            if typed:
                raise
            raise graphql_error(error) from error

    async def _call(self, service: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.client.call(service, endpoint, body, token=self.token, correlation_id=self.correlation_id)

    async def command(self, service: str, endpoint: str, payload: dict[str, Any],
                      idempotency_key: str | None) -> dict[str, Any]:
        """Send a command; its refusals are raised as DomainError for the mutation to answer in kind. The
        regional roles write nothing: refused here in one place, whatever the mutation (the services refuse it
        too, as a caller who covers no station of theirs)."""
        actor = self._verified()
        if actor.reads_only:
            raise Forbidden(Message(zh="市、省级民政部门只查看所辖社工站的统计和报表，不能登记或修改记录",
                                    en="A city or provincial role reads the stations under it; it records and"
                                       " changes nothing"))
        for name, field_name in (("district_code", "districtCode"), ("division_code", "divisionCode")):
            code = payload.get(name)
            if isinstance(code, str) and code and not actor.covers_division(code):
                raise Forbidden(Message(zh=f"您的令牌限于行政区划 {actor.division}，不能登记其外的 {code}",
                                        en=f"Your token is bounded by division {actor.division}; it cannot record"
                                           f" {code}, outside it"), field=field_name)
        payload = raw_ids(payload)  # a global id the API answered names the raw id the services know
        return await self.client.call(service, endpoint, payload, token=self.token,
                                      correlation_id=self.correlation_id, idempotency_key=idempotency_key,
                                      command=True)

    async def _load_stations(self, ids: list[str]) -> list[dict[str, Any] | None]:
        found = await self.query("stations", {})
        by_id = {s["station_id"]: s for s in found["stations"]}
        return [by_id.get(i) for i in ids]

    async def _load_recipients(self, ids: list[str]) -> list[dict[str, Any] | None]:
        found = await self.query("recipients", {"recipient_ids": ids}, service="cases")
        return list(found["recipients"])

    async def _load_resource_contacts(self, ids: list[str]) -> list[str | None]:
        found = await self.query("resource_contacts", {"resource_ids": ids}, service="activities")
        return list(found["contacts"])

    async def _load_volunteers(self, ids: list[str]) -> list[dict[str, Any] | None]:
        found = await self.query("volunteer_views", {"volunteer_ids": ids}, service="activities")
        return list(found["volunteers"])

    async def _load_organisation_leaders(self, ids: list[str]) -> list[str | None]:
        found = await self.query("organisation_leaders", {"organisation_ids": ids}, service="activities")
        return list(found["leaders"])
