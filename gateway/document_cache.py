"""Parsed and validated documents kept, least recently used first out, so that a document sent again (every
client sends the same few) is not lexed, parsed and validated again: that was half the gateway's CPU per
mutation. Validation is kept per set of rules, because the rules are the caller's: in production an anonymous
caller's rules forbid introspection and its errors suggest nothing, so its outcome is never another's."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

DEFAULT_MAX = 1_000
"""Documents a gateway copy keeps (HEMIAO_DOCUMENT_CACHE_MAX); each is at most the 32,768 characters any may have."""
MAX_RULE_SETS = 4
"""Validation outcomes kept per document: one per caller class (two today), bounded should rules ever vary more."""

RuleSet = tuple[type[ASTValidationRule], ...]
T = TypeVar("T")


@dataclass(eq=False)
class CachedDocument:
    """One document as parsed, and its validation errors (none when it passed) under each set of rules."""

    document: DocumentNode
    validated: OrderedDict[RuleSet, tuple[GraphQLError, ...]] = field(default_factory=OrderedDict)
    derived: dict[object, Any] = field(default_factory=dict)
    """What other checks worked out from the document alone (InputGuard's literals, a cost that reads no
    variable), by a key each check chooses."""

    def memo(self, key: object, work: Callable[[], T]) -> T:
        """What `work` gives for this document, worked out the first time only."""
        if key not in self.derived:
            self.derived[key] = work()
        return cast(T, self.derived[key])

    def errors_under(self, rules: RuleSet) -> list[GraphQLError] | None:
        """The errors validating under these rules gave (a new list each time), None if it never ran so."""
        found = self.validated.get(rules)
        return None if found is None else list(found)

    def keep_errors(self, rules: RuleSet, errors: list[GraphQLError]) -> None:
        self.validated[rules] = tuple(errors)
        while len(self.validated) > MAX_RULE_SETS:
            self.validated.popitem(last=False)


class DocumentCache:
    """The bounded map from a document's text and parse options to its CachedDocument."""

    def __init__(self, max_entries: int = DEFAULT_MAX) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, tuple[tuple[str, Any], ...]], CachedDocument] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, query: str, parse_options: dict[str, Any]) -> CachedDocument | None:
        key = (query, tuple(sorted(parse_options.items())))
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, query: str, parse_options: dict[str, Any], document: DocumentNode) -> CachedDocument:
        entry = CachedDocument(document)
        if self.max_entries <= 0:
            return entry
        self._entries[(query, tuple(sorted(parse_options.items())))] = entry
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return entry


def cached_document(execution_context: Any) -> CachedDocument | None:
    """The request's CachedDocument, when the DocumentCache extension found or made one for it."""
    entry = getattr(execution_context, "cached_document", None)
    return entry if isinstance(entry, CachedDocument) else None


class CachedDocuments(SchemaExtension):
    """Gives the request its document and validation outcome from the Context's DocumentCache when known, and
    keeps them when not. Last of the extensions: its validation hook sees the rules every other one has set."""

    def _cache(self) -> DocumentCache | None:
        found = getattr(self.execution_context.context, "documents", None)
        return found if isinstance(found, DocumentCache) else None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        cache = self._cache()
        query = context.query
        if cache is None or not query or context.graphql_document is not None:
            yield
            return
        entry = cache.get(query, dict(context.parse_options))
        if entry is not None:
            context.graphql_document = entry.document
        yield
        if entry is None and context.graphql_document is not None:  # parsed: a syntax error is not kept
            entry = cache.put(query, dict(context.parse_options), context.graphql_document)
        context.cached_document = entry  # type: ignore[attr-defined]

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = cached_document(context)
        rules: RuleSet = tuple(context.validation_rules)
        if entry is None or entry.document is not context.graphql_document or context.pre_execution_errors is not None:
            yield
            return
        known = entry.errors_under(rules)
        if known is not None:
            context.pre_execution_errors = known  # strawberry validates only when no outcome is set
        yield
        if known is None and context.pre_execution_errors is not None:
            entry.keep_errors(rules, context.pre_execution_errors)
