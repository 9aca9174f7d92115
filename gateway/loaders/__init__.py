"""Per-request DataLoaders for the nested fields a page asks for once per row: one batch query per batch."""

from gateway.loaders.batched import Ask, Loaders, PageKey, by_id

__all__ = ["Ask", "Loaders", "PageKey", "by_id"]
