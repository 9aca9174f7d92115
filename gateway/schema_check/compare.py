"""Compare two GraphQL schemas with graphql-core and judge the breaking changes against the changelog."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSchema, build_schema
from graphql.utilities import find_breaking_changes, find_dangerous_changes

from gateway.schema_check.changelog import Changelog


@dataclass(frozen=True, kw_only=True)
class Change:
    """One change graphql-core found: its type's name, its description, and whether it breaks clients."""

    change: str
    description: str
    breaking: bool

    def __str__(self) -> str:
        return f'{self.change} "{self.description}"'


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """What the check says: breaking changes nobody listed fail it, dangerous ones not listed are warnings."""

    unlisted_breaking: tuple[Change, ...]
    listed: tuple[Change, ...]
    unlisted_dangerous: tuple[Change, ...]

    @property
    def passes(self) -> bool:
        """True when every breaking change has an entry in the changelog."""
        return not self.unlisted_breaking


def _schema(sdl: str | GraphQLSchema) -> GraphQLSchema:
    return build_schema(sdl) if isinstance(sdl, str) else sdl


def compare(old: str | GraphQLSchema, new: str | GraphQLSchema) -> tuple[Change, ...]:
    """Every breaking, then every dangerous change from `old` to `new` (SDL text or built schemas)."""
    before, after = _schema(old), _schema(new)
    breaking = (Change(change=c.type.name, description=c.description, breaking=True)
                for c in find_breaking_changes(before, after))
    dangerous = (Change(change=c.type.name, description=c.description, breaking=False)
                 for c in find_dangerous_changes(before, after))
    return (*breaking, *dangerous)


def verdict(changes: tuple[Change, ...], changelog: Changelog) -> Verdict:
    """Sort the changes into listed, unlisted breaking (a failure) and unlisted dangerous (a warning)."""
    listed = tuple(c for c in changes if changelog.lists(c.change, c.description))
    return Verdict(
        unlisted_breaking=tuple(c for c in changes if c.breaking and c not in listed),
        listed=listed,
        unlisted_dangerous=tuple(c for c in changes if not c.breaking and c not in listed),
    )
