"""Sending a mutation's command and answering with its payload or a typed error."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import room_for_a_write, with_write
from gateway.types.errors import UserError, user_error
from shared.contracts.errors import DomainError
from shared.inputs import check_idempotency_key
from shared.runtime import ServiceFault

P = TypeVar("P")


def as_command(input_: object) -> dict[str, Any]:
    """A strawberry input as the command's snake_case fields, leaving unset ones to the service."""
    return {k: v for k, v in _plain(input_).items() if v is not None}


_FIELDS: dict[type, tuple[str, ...]] = {}
"""Each input class's field names, looked up once."""


def _plain(value: Any) -> Any:
    """`dataclasses.asdict` without its deep copy of every leaf (the command is encoded at once and never kept)."""
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return kind(_plain(v) for v in value)
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


async def run_command(info: strawberry.Info[Context, None], service: str, endpoint: str, input_: object,
                      idempotency_key: str | None, payload: Callable[[dict[str, Any], str], P],
                      consistency_token: str | None = None) -> P | UserError:
    """Send the command; answer `payload` with a token of the client's `consistency_token` and this write."""
    try:
        check_idempotency_key(idempotency_key)  # a key no NATS header can carry would fail the send itself
        earlier = await room_for_a_write(info.context, consistency_token)  # refused before anything is recorded
        data = await info.context.command(service, endpoint, as_command(input_), idempotency_key)
    except ServiceFault as error:  # not a refusal: no answer came; an error with `mayHaveCommitted`, as queries give
        raise graphql_error(error) from error
    except DomainError as error:
        return user_error(error)
    return payload(data, with_write(info.context, earlier, data["position"]))


def command_resolver(service: str, endpoint: str, input_type: type, result_type: object,
                     payload: Callable[[dict[str, Any], str], Any]) -> Callable[..., Awaitable[Any]]:
    """The resolver of a mutation that sends its input as the `endpoint` command of `service` and answers
    `payload` (or a typed error): most mutations have that shape, so it is written once. Strawberry reads the
    argument and result types from the annotations set here."""

    async def resolve(info: strawberry.Info[Context, None], input: Any, idempotency_key: str | None = None,
                      consistency_token: str | None = None) -> Any:
        return await run_command(info, service, endpoint, input, idempotency_key, payload, consistency_token)

    resolve.__annotations__ = {"info": strawberry.Info[Context, None], "input": input_type,
                               "idempotency_key": str | None, "consistency_token": PreviousToken,
                               "return": result_type}
    return resolve
