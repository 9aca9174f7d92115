"""A resolver's own id argument as the raw id, for the few that use it without asking a service (subscriptions)."""

from __future__ import annotations

from gateway.context import graphql_error
from gateway.node.ids import FIELD_TYPES, raw_id
from shared.contracts.errors import DomainError
from shared.inputs import camel


def raw_argument(value: str | None, key: str) -> str | None:
    """`value` (a global or a raw id) as the raw id `key` (`station_id`) holds; a wrong type is a GraphQL error."""
    if value is None:
        return None
    try:
        return raw_id(str(value), camel(key), FIELD_TYPES[key])
    except DomainError as error:
        raise graphql_error(error) from error
