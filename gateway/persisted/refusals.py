"""The refusals of persisted queries. Their codes are Apollo's spelling (upper case, unlike the gateway's other
codes) because Apollo's clients act on them: on PERSISTED_QUERY_NOT_FOUND a client sends the document again with
its hash, on PERSISTED_QUERY_NOT_SUPPORTED it stops sending hashes."""

from __future__ import annotations

from graphql import GraphQLError

from gateway.refusals import refusal

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
INVALID = "PERSISTED_QUERY_INVALID"
CODES = (NOT_FOUND, NOT_SUPPORTED, NOT_IN_LIST, HASH_MISMATCH, INVALID)
"""Every code this package answers (docs/frontend.md explains each)."""


def not_found(sha256: str) -> GraphQLError:
    return refusal(NOT_FOUND, "服务器没有这个哈希对应的查询，请连同查询文本再发送一次",
                   "PersistedQueryNotFound: the server has no document for this hash; send it again with the query",
                   sha256Hash=sha256)


def not_supported() -> GraphQLError:
    return refusal(NOT_SUPPORTED, "本服务器未开启持久化查询，请发送查询文本",
                   "PersistedQueryNotSupported: persisted queries are off on this server; send the query text")


def not_in_list(operation_name: str | None) -> GraphQLError:
    return refusal(NOT_IN_LIST, "本服务器只执行已登记的操作，该操作未登记",
                   "This server runs only registered operations, and this one is not registered",
                   operationName=operation_name)


def hash_mismatch(sha256: str) -> GraphQLError:
    return refusal(HASH_MISMATCH, "查询文本的哈希值与所给哈希值不符，未执行",
                   "The query's SHA-256 hash is not the hash given; nothing was run", sha256Hash=sha256)


def invalid(why_zh: str, why_en: str) -> GraphQLError:
    return refusal(INVALID, f"持久化查询扩展无效：{why_zh}", f"The persistedQuery extension is invalid: {why_en}")
