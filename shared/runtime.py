"""Commands and queries over NATS request/reply: the `nats.micro` server side and its client.

A request's body is the input as JSON; its headers carry the bearer token, the
correlation id and an optional idempotency key. The answer is `{"data": …}` or
`{"error": {code, field, message_zh, message_en}}`; nothing internal leaks. A store that cannot be reached is
`STORE_UNAVAILABLE`, saying whether the request may have been recorded (`may_have_committed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nats.aio.client import Client
from nats.aio.subscription import Subscription
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.micro import add_service
from nats.micro.request import Request
from nats.micro.service import EndpointConfig, Service
from pydantic import ValidationError

from shared import pg, tracing
from shared.auth import bearer, verify_token
from shared.config import AuthSettings
from shared.contracts import Actor
from shared.contracts.errors import DomainError, InvalidInput, Message, error_from_dict
from shared.inputs import camel, check_body, check_idempotency_key
from shared.logs import correlated

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0
"""How long a stopping copy waits for the requests it took to be answered (a caller's default wait)."""
CORRELATION_HEADER = "Hemiao-Correlation-Id"
IDEMPOTENCY_HEADER = "Hemiao-Idempotency-Key"


@dataclass(frozen=True, kw_only=True)
class RequestContext:
    """Who asked, and the ids that follow the request through the system."""

    actor: Actor
    correlation_id: str
    idempotency_key: str | None = None


Handler = Callable[[dict[str, Any], RequestContext], Awaitable[Mapping[str, Any]]]


def invalid_input_from(error: ValidationError) -> InvalidInput:
    """The first problem pydantic found, said in both languages and pointing at its field."""
    first = error.errors()[0]
    path = ".".join(camel(str(p)) for p in first["loc"]) or None
    kind = first["type"]
    limit = (first.get("ctx") or {}).get("max_length")
    if kind == "missing":
        message = Message(zh=f"缺少必填字段 {path}", en=f"Missing required field {path}")
    elif kind == "string_too_long":
        message = Message(zh=f"字段 {path} 最多 {limit} 个字符", en=f"{path} may have at most {limit:,} characters")
    elif kind == "too_long":
        message = Message(zh=f"字段 {path} 最多 {limit} 项", en=f"{path} may have at most {limit:,} entries")
    else:
        message = Message(zh=f"字段 {path} 的值无效：{first['msg']}",
                          en=f"Invalid value for {path}: {first['msg']}")
    return InvalidInput(message, field=path)


def internal_error(correlation_id: str) -> dict[str, Any]:
    return {"code": "internal", "field": None,
            "message_zh": f"服务内部出错，请把关联号 {correlation_id} 告诉运维人员",
            "message_en": f"Internal error; give the operators correlation id {correlation_id}",
            "message": f"服务内部出错，请把关联号 {correlation_id} 告诉运维人员"}


def _body(data: bytes | None) -> dict[str, Any]:
    """The request's JSON object, refused before any I/O if it is not one or holds what no store can keep."""
    try:
        body = json.loads(data or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:  # not JSON, not UTF-8, too deep
        raise InvalidInput(Message(zh="请求体不是有效的 JSON", en="The request body is not valid JSON")) from error
    if not isinstance(body, dict):
        raise InvalidInput(Message(zh="请求体必须是 JSON 对象", en="The request body must be a JSON object"))
    check_body(body)
    return body


async def _answer(handler: Handler, request: Request, auth: AuthSettings) -> dict[str, Any]:
    headers = request.headers or {}
    correlation_id = headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
    with tracing.span(f"serve {request.subject}", kind=tracing.SpanKind.SERVER, parent=headers, attributes={
            "rpc.system": "nats", "rpc.method": request.subject, "hemiao.correlation_id": correlation_id}) as span, \
            correlated(correlation_id), pg.tracking() as sent:
        try:
            actor = verify_token(bearer(headers.get("Authorization")), auth)
            body = _body(request.data)
            context = RequestContext(actor=actor, correlation_id=correlation_id,
                                     idempotency_key=headers.get(IDEMPOTENCY_HEADER) or None)
            check_idempotency_key(context.idempotency_key)
            return {"data": dict(await handler(body, context))}
        except DomainError as error:
            tracing.failed(span, error.code)
            return {"error": error.as_dict()}
        except ValidationError as error:
            tracing.failed(span, InvalidInput.code)
            return {"error": invalid_input_from(error).as_dict()}
        except Exception as error:
            if (failure := pg.connection_failure(error)) is not None:  # PostgreSQL down or restarting: retry
                tracing.failed(span, StoreUnavailable.code)
                service, endpoint = _named(request.subject)
                may_have_committed = failure.may_have_committed(sent)
                log.warning("request %s on %s: the store is unavailable (%s); %s", correlation_id, request.subject,
                            failure.reason, "it may have been recorded" if may_have_committed else "nothing recorded")
                return {"error": StoreUnavailable(service, endpoint, may_have_committed=may_have_committed).as_dict()}
            tracing.failed(span, "internal")
            log.exception("request %s on %s failed", correlation_id, request.subject)
            return {"error": internal_error(correlation_id)}


class ReplyTooLarge(DomainError):
    """The answer would not fit in one NATS message: the caller asks for less (a smaller page) instead of timing out."""

    code = "reply_too_large"

    def __init__(self) -> None:
        super().__init__(Message(zh="答复过大，请分页查询或缩小查询范围",
                                 en="The answer is too large; ask for a smaller page"))


def _encoded(answer: dict[str, Any]) -> bytes:
    return json.dumps(answer, ensure_ascii=False, default=str).encode()


class Endpoints:
    """A running `nats.micro` service whose requests are answered concurrently, up to a bound.

    nats-py hands a subscription's messages to its callback one at a time, so an
    endpoint that awaited each answer would serve one request at a time however
    many database connections wait idle. Each request therefore runs as its own
    task; the bound keeps a burst from taking more than the process can hold.
    """

    def __init__(self, micro: Service, in_flight: int, nc: Client) -> None:
        self.micro = micro
        self._nc = nc
        self._slots = asyncio.Semaphore(in_flight)
        self._running: set[asyncio.Task[None]] = set()

    async def dispatch(self, handler: Handler, request: Request, auth: AuthSettings) -> None:
        await self._slots.acquire()
        task = asyncio.create_task(self._respond(handler, request, auth),  # named for a stop that cannot wait
                                   name=f"{request.subject} {(request.headers or {}).get(CORRELATION_HEADER)}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _respond(self, handler: Handler, request: Request, auth: AuthSettings) -> None:
        try:
            answer = await _answer(handler, request, auth)
            reply = _encoded(answer)
            if len(reply) > self._nc.max_payload:  # it would fail to send, and the caller would wait for nothing
                log.warning("an answer on %s of %d bytes exceeds max_payload; answering reply_too_large",
                            request.subject, len(reply))
                reply = _encoded({"error": ReplyTooLarge().as_dict()})
            await request.respond(reply)
        except Exception:
            log.exception("could not answer a request on %s", request.subject)
        finally:
            self._slots.release()

    async def stop(self, seconds: float = STOP_SECONDS) -> None:
        """Stop taking requests without leaving one unanswered, then stop the micro service.

        nats.micro's own stop unsubscribes each endpoint at once: the messages the server had already sent this
        copy (its queue group's share, on the wire or in the subscription's queue) are thrown away, and their
        callers wait their whole timeout for an answer that never comes (SERVICE_TIMEOUT, "may have committed",
        though nothing ran). So each endpoint's subscription is drained instead: UNSUB, a round trip to the server
        (after which it routes the subject to the other copies only), and every message received until then
        handed to `dispatch`. Then the requests under way finish, for at most `seconds` (a caller waits 10 s by
        default: an answer later than that reaches no one), their answers are flushed to the server, and the
        micro service's own subscriptions (discovery and stats) are closed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        name = self.micro.info().name
        subscriptions = _endpoint_subscriptions(self.micro)
        try:
            await asyncio.wait_for(asyncio.gather(*(s.drain() for s in subscriptions)),  # type: ignore[no-untyped-call]
                                   timeout=seconds)
        except Exception as error:  # NATS gone or too slow: what was received is still answered below
            log.warning("%s: draining its endpoints failed (%r); answering what it received", name, error)
        taken = len(self._running)
        if self._running:
            await asyncio.wait(self._running, timeout=max(deadline - loop.time(), 0.1))
        if self._running:
            log.warning("%s: %d of %d requests under way still unanswered after %g s (subject and correlation id:"
                        " %s)", name, len(self._running), taken, seconds,
                        ", ".join(sorted(t.get_name() for t in self._running)))
        if self._nc.is_connected:
            with contextlib.suppress(Exception):  # the answers written to the server before the connection goes
                await self._nc.flush(timeout=max(int(deadline - loop.time()), 1))
        log.info("%s stopped taking requests; %d under way were answered", name, taken - len(self._running))
        await self.micro.stop()


def _endpoint_subscriptions(micro: Service) -> list[Subscription]:
    """The subscriptions of the micro service's endpoints, taken from it so that its `stop` leaves them alone
    (nats-py 2.16 has no public way to drain them: `Endpoint._subscription`, `Service._endpoints`)."""
    endpoints = list(getattr(micro, "_endpoints", []))
    subscriptions = [sub for e in endpoints if (sub := getattr(e, "_subscription", None)) is not None]
    if len(subscriptions) == len(endpoints):
        micro._endpoints = []  # drained here; its stop then closes only its discovery subscriptions
        return subscriptions
    return []  # a nats-py whose insides differ: its own stop then unsubscribes them (and may drop a request)


async def serve(nc: Client, *, service: str, namespace: str, version: str, description: str,
                endpoints: Mapping[str, Handler], auth: AuthSettings, in_flight: int = 64) -> Endpoints:
    """Start a `nats.micro` service with one endpoint per command or query, in one queue group."""
    micro = await add_service(nc, name=f"{namespace}-{service}", version=version, description=description,
                              queue_group=f"{namespace}.{service}")
    served = Endpoints(micro, in_flight, nc)
    for name, handler in endpoints.items():
        async def respond(request: Request, handler: Handler = handler) -> None:
            await served.dispatch(handler, request, auth)

        await micro.add_endpoint(EndpointConfig(name=name, handler=respond,
                                                subject=endpoint_subject(namespace, service, name)))
    return served


def endpoint_subject(namespace: str, service: str, endpoint: str) -> str:
    return f"{namespace}.{service}.{endpoint}"


_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def endpoint_name(command_type: type[Any]) -> str:
    """`OpenCase` -> `open_case`."""
    return _SNAKE.sub("_", command_type.__name__).lower()


class ServiceFault(DomainError):
    """No answer came from the service: the request's outcome, for a command, is then said by
    `may_have_committed` (the caller retries with the same idempotency key to learn it without recording twice)."""

    def __init__(self, message: Message, *, may_have_committed: bool) -> None:
        super().__init__(message)
        self.may_have_committed = may_have_committed

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "may_have_committed": self.may_have_committed}


class ServiceTimeout(ServiceFault):
    """The service took the request and did not answer in time. A command may have been recorded all the same
    (its transaction may commit after the wait ran out); a query changed nothing."""

    code = "SERVICE_TIMEOUT"

    def __init__(self, service: str, endpoint: str, seconds: float, *, command: bool) -> None:
        if command:
            message = Message(zh=f"服务 {service} 未在 {seconds:g} 秒内答复 {endpoint}；该操作可能已经保存，"
                                 "请用同一个幂等键重试以确认，不会重复登记",
                              en=f"{service} did not answer {endpoint} within {seconds:g} s; it may have been"
                                 " recorded: retry with the same idempotency key to find out without recording twice")
        else:
            message = Message(zh=f"服务 {service} 未在 {seconds:g} 秒内答复查询 {endpoint}，请稍后重试",
                              en=f"{service} did not answer the query {endpoint} within {seconds:g} s; try again")
        super().__init__(message, may_have_committed=command)


class ServiceUnavailable(ServiceFault):
    """No copy of the service was listening for the whole of the call's time: nothing was recorded."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, service: str, endpoint: str, seconds: float) -> None:
        super().__init__(Message(zh=f"服务 {service} 暂不可用（{seconds:g} 秒内没有副本接收 {endpoint}），"
                                    "未做任何更改，请稍后重试",
                                 en=f"{service} is unavailable (no copy took {endpoint} within {seconds:g} s);"
                                    " nothing was changed, try again shortly"),
                         may_have_committed=False)


class StoreUnavailable(ServiceFault):
    """The service could not reach its PostgreSQL, or lost the connection (a restart, a failover): nothing is wrong
    with the request, which is sent again shortly. `may_have_committed` is false when nothing that could record was
    sent (the connection was refused, or lost before its transaction's commit); true when the connection went after
    a commit was sent, and the outcome is unknown: the same idempotency key then learns it without recording twice."""

    code = "STORE_UNAVAILABLE"

    def __init__(self, service: str, endpoint: str, *, may_have_committed: bool) -> None:
        if may_have_committed:
            message = Message(zh=f"服务 {service} 在处理 {endpoint} 时与数据库断开了连接，该操作可能已经保存；"
                                 "请稍后用同一个幂等键重试以确认，不会重复登记",
                              en=f"{service} lost its database connection during {endpoint}; it may have been"
                                 " recorded: retry shortly with the same idempotency key to find out without"
                                 " recording twice")
        else:
            message = Message(zh=f"服务 {service} 暂时连接不上数据库，{endpoint} 未做任何更改，请稍后重试",
                              en=f"{service} cannot reach its database just now; {endpoint} changed nothing:"
                                 " try again shortly")
        super().__init__(message, may_have_committed=may_have_committed)


def _named(subject: str) -> tuple[str, str]:
    """`<namespace>.cases.open_case` -> ("cases", "open_case")."""
    parts = subject.split(".")
    return (parts[-2] if len(parts) > 1 else ""), parts[-1]


RETRY_FIRST_PAUSE = 0.05
RETRY_LONGEST_PAUSE = 1.0


class ServiceClient:
    """Calls commands and queries of the services over NATS, raising their typed errors.

    When no copy of the service listens (one is restarting, or a node of the cluster is changing hands), NATS
    answers "no responders" at once, and the call is sent again with a growing pause until its timeout: such a
    request reached no one, so sending it again cannot record anything twice, with or without an idempotency
    key. A call that was taken and not answered in time is not sent again (it may have been recorded): it raises
    `ServiceTimeout`, saying whether a command may have been recorded, and the caller retries with its key."""

    def __init__(self, nc: Client, namespace: str, *, timeout: float = 10.0) -> None:
        self._nc = nc
        self._namespace = namespace
        self._timeout = timeout
        self.retries = 0
        """Calls sent again after "no responders", since this client was made (for metrics and tests)."""

    async def events(self) -> Any:
        """A live subscription to every published event of the namespace (core NATS: no replay, no acks)."""
        return await self._nc.subscribe(f"{self._namespace}.events.>")

    async def call(self, service: str, endpoint: str, payload: Mapping[str, Any], *, token: str,
                   correlation_id: str | None = None, idempotency_key: str | None = None,
                   timeout: float | None = None, command: bool | None = None) -> dict[str, Any]:
        """`command` says whether the call may record something (for a timeout's `may_have_committed`); unset, a
        call with an idempotency key is taken for a command."""
        headers = {"Authorization": f"Bearer {token}", CORRELATION_HEADER: correlation_id or str(uuid.uuid4())}
        if idempotency_key:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        subject = endpoint_subject(self._namespace, service, endpoint)
        body = json.dumps(payload, ensure_ascii=False, default=str).encode()
        seconds = timeout or self._timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        pause = RETRY_FIRST_PAUSE
        records = idempotency_key is not None if command is None else command
        with tracing.span(f"call {subject}", kind=tracing.SpanKind.CLIENT,
                          attributes={"rpc.system": "nats", "rpc.method": subject}):
            tracing.inject(headers)  # the service's span is a child of this one
            while True:
                try:
                    reply = await self._nc.request(subject, body, timeout=max(deadline - loop.time(), 0.001),
                                                   headers=headers)
                    break
                except NoRespondersError:
                    if deadline - loop.time() <= pause:
                        raise ServiceUnavailable(service, endpoint, seconds) from None
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, RETRY_LONGEST_PAUSE)
                    self.retries += 1
                except NatsTimeoutError:
                    raise ServiceTimeout(service, endpoint, seconds, command=records) from None
        answer = json.loads(reply.data)
        if "error" in answer:
            error = answer["error"]
            if error.get("code") == StoreUnavailable.code:  # a query records nothing, whatever was lost under it
                raise StoreUnavailable(service, endpoint,
                                       may_have_committed=records and bool(error.get("may_have_committed")))
            raise error_from_dict(error)
        data: dict[str, Any] = answer["data"]
        return data
