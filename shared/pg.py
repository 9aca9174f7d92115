"""Closing PostgreSQL connections of one's own, whatever state they are in.

A connection whose query was cancelled, or whose close is itself cancelled or
times out, is still open; left to the garbage collector it stays open on the
server until then (holding any session lock it took), and Python warns of it.
`close` asks politely and, failing that, cuts the connection.

And what a lost or refused connection means for a request: `connection_failure` finds it in an error,
`StoreConnection` notes what each request sent, so that its answer can say whether it may have been recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")


async def close(conn: asyncpg.Connection, timeout: float = 5.0) -> None:
    """Close within `timeout` seconds; terminate if that fails, times out or is cancelled (a cancellation still
    goes on once the connection is cut)."""
    try:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), timeout)
    finally:
        if not conn.is_closed():
            conn.terminate()


async def close_all(conns: list[asyncpg.Connection], timeout: float = 5.0) -> None:
    """Close them all at once; cancelled, every one of them is still cut."""
    await asyncio.gather(*(close(conn, timeout) for conn in conns))


# What a service's callers are told while PostgreSQL cannot be reached (shared.runtime.StoreUnavailable): whether a
# request's command may have been recorded. A connection lost before its transaction's COMMIT was sent recorded
# nothing (PostgreSQL rolls it back); one lost after a COMMIT, or after a write outside a transaction, was sent may
# have. StoreConnection notes, per request, which of those it sent.

CONNECT_SECONDS = 5.0
"""How long a pool waits to open a connection (asyncpg's default is 60 s): an unreachable server is then said as
STORE_UNAVAILABLE within a caller's 10 s, rather than a SERVICE_TIMEOUT that cannot tell whether anything was
recorded."""

_COMMITS = re.compile(r"(?:^|;)\s*(?:COMMIT|END)\b", re.IGNORECASE)
"""A statement that ends a transaction by committing it (`END` only as a statement: CASE … END is an expression)."""
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|CALL|CREATE|DROP|ALTER|GRANT|REVOKE"
                     r"|nextval|setval|COMMIT)\b|(?:^|;)\s*END\b", re.IGNORECASE)
"""A statement that may write when it runs on its own (outside a transaction, it commits as it ends). Erring
towards "may write" only makes an answer say "retry with the same key" where it need not."""


@functools.lru_cache(maxsize=4096)
def may_commit(query: str, in_transaction: bool) -> bool:
    """Whether sending `query` may commit something: inside a transaction only its COMMIT does."""
    return bool((_COMMITS if in_transaction else _WRITES).search(query))


@dataclass
class Sent:
    """What one request sent to its store's connections (those of the StoreConnection class)."""

    used: bool = False
    """A statement went to a tracked connection: `committing` then says it all."""
    committing: bool = False
    """A statement that may commit was sent and did not come back refused by the server: its outcome is recorded or
    unknown."""


_SENT: ContextVar[Sent | None] = ContextVar("hemiao_store_sent", default=None)


@contextlib.contextmanager
def tracking() -> Iterator[Sent]:
    """Note, for the request in this context (and the tasks it starts), what it sends to the store."""
    sent = Sent()
    token = _SENT.set(sent)
    try:
        yield sent
    finally:
        _SENT.reset(token)


class StoreConnection(asyncpg.Connection):  # type: ignore[misc]
    """A connection that notes, in the request's `Sent`, each statement that may commit (the pool's connection_class).
    Prepared statements and cursors are not noted: the services read with them, if at all."""

    async def _noted(self, query: str, run: Callable[[], Awaitable[T]]) -> T:
        sent = _SENT.get()
        if sent is None or self.is_closed():  # not a request's, or refused before anything is sent
            return await run()
        sent.used = True
        if not may_commit(query, self.is_in_transaction()):
            return await run()
        try:
            result = await run()
        except asyncpg.PostgresError as error:  # the server answered: refused, nothing of it committed
            if connection_failure(error) is not None:
                sent.committing = True
            raise
        except BaseException:  # lost, cut, timed out, cancelled: the outcome is unknown
            sent.committing = True
            raise
        sent.committing = True
        return result

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        return await self._noted(query, lambda: super(StoreConnection, self).execute(query, *args, timeout=timeout))

    async def executemany(self, command: str, args: Any, *, timeout: float | None = None) -> None:
        await self._noted(command, lambda: super(StoreConnection, self).executemany(command, args, timeout=timeout))

    async def fetch(self, query: str, *args: Any, **options: Any) -> list[Any]:
        return await self._noted(query, lambda: super(StoreConnection, self).fetch(query, *args, **options))

    async def fetchval(self, query: str, *args: Any, **options: Any) -> Any:
        return await self._noted(query, lambda: super(StoreConnection, self).fetchval(query, *args, **options))

    async def fetchrow(self, query: str, *args: Any, **options: Any) -> Any:
        return await self._noted(query, lambda: super(StoreConnection, self).fetchrow(query, *args, **options))

    async def fetchmany(self, query: str, args: Any, **options: Any) -> list[Any]:
        return await self._noted(query, lambda: super(StoreConnection, self).fetchmany(query, args, **options))

    async def copy_records_to_table(self, table_name: str, **options: Any) -> str:
        return await self._noted("COPY", lambda: super(StoreConnection, self).copy_records_to_table(
            table_name, **options))

    async def copy_to_table(self, table_name: str, **options: Any) -> str:
        return await self._noted("COPY", lambda: super(StoreConnection, self).copy_to_table(table_name, **options))


@dataclass(frozen=True)
class ConnectionFailure:
    """PostgreSQL could not be reached, or the connection was lost: `lost` when it went during a statement."""

    reason: str
    lost: bool

    def may_have_committed(self, sent: Sent | None) -> bool:
        """What the request may have recorded: what its tracked connections sent, if it used any; else, when
        nothing says, whether the connection was lost during a statement."""
        return sent.committing if sent is not None and sent.used else self.lost


_REFUSED = (asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError, asyncpg.ClientCannotConnectError,
            asyncpg.ConnectionRejectionError)
"""Said by the server when a connection is being opened (starting up, shutting down, full): nothing was sent."""
_LOST = (asyncpg.ConnectionDoesNotExistError, asyncpg.ConnectionFailureError, asyncpg.AdminShutdownError,
         asyncpg.CrashShutdownError, asyncpg.PostgresConnectionError)
"""The connection went, or the server ended it (a fast shutdown's "terminating connection due to administrator
command"), perhaps during a statement."""
_CLOSED = ("connection is closed", "pool is closing", "pool is closed")
"""asyncpg's InterfaceError on a connection or pool already closed, said before anything is sent."""


def _frames(error: BaseException) -> Iterator[tuple[str, str]]:
    """(module, function) of each frame the error passed through, outermost first."""
    tb = error.__traceback__
    while tb is not None:
        yield tb.tb_frame.f_globals.get("__name__", ""), tb.tb_frame.f_code.co_name
        tb = tb.tb_next


def _while_connecting(error: BaseException) -> bool:
    """Raised while asyncpg opened a connection or waited for one of the pool (not during a statement)."""
    return any(module == "asyncpg.connect_utils" or (module == "asyncpg.pool" and function in (
        "_acquire", "_acquire_impl", "_get_new_connection", "connect")) for module, function in _frames(error))


def _one(error: BaseException) -> ConnectionFailure | None:
    if isinstance(error, _REFUSED):
        return ConnectionFailure(f"{type(error).__name__}: {error}", lost=False)
    if isinstance(error, _LOST):
        return ConnectionFailure(f"{type(error).__name__}: {error}", lost=True)
    if isinstance(error, asyncpg.InterfaceError) and any(text in str(error) for text in _CLOSED):
        return ConnectionFailure(f"{type(error).__name__}: {error}", lost=False)
    if isinstance(error, OSError | TimeoutError) and _while_connecting(error):  # refused, unreachable, no answer
        return ConnectionFailure(f"{type(error).__name__}: {error}", lost=False)
    if isinstance(error, OSError) and any(module.startswith("asyncpg") for module, _ in _frames(error)):
        return ConnectionFailure(f"{type(error).__name__}: {error}", lost=True)  # reset during a statement
    return None


def connection_failure(error: BaseException) -> ConnectionFailure | None:
    """The store's connection failure in `error` (or in what it was raised from, or in a group of errors), if any."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        each = todo.pop()
        if id(each) in seen:
            continue
        seen.add(id(each))
        if (found := _one(each)) is not None:
            return found
        if isinstance(each, BaseExceptionGroup):
            todo.extend(each.exceptions)
        if each.__cause__ is not None:
            todo.append(each.__cause__)
    return None
