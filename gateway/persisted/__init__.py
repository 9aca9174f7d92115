"""Persisted queries: Apollo's automatic persisted queries (a sha256 hash stands for a document the gateway has
seen), and an allow-list mode for production in which only the operations of a manifest run."""

from gateway.persisted.manifest import load_manifest
from gateway.persisted.queries import Mode, PersistedQueries, Resolved

__all__ = ["Mode", "PersistedQueries", "Resolved", "load_manifest"]
