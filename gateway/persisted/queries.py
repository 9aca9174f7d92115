"""Which document a request runs, given its `extensions.persistedQuery {version, sha256Hash}` and the mode."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from graphql import GraphQLError

from gateway.persisted import refusals

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class Mode(Enum):
    """HEMIAO_PERSISTED_QUERIES."""

    APQ = "apq"
    """Automatic persisted queries: any document runs; one sent with its hash is remembered, then the hash does."""
    ALLOWLIST = "allowlist"
    """Only the manifest's operations run, by hash or by their exact text; nothing is remembered."""
    OFF = "off"
    """Documents only: a hash is answered PERSISTED_QUERY_NOT_SUPPORTED, so Apollo clients stop sending them."""


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True)
class Resolved:
    """The document to run, and the hash to remember it by once it has parsed and validated (APQ only)."""

    document: str | None
    remember_as: str | None = None


class PersistedQueries:
    """A gateway copy's persisted queries: the manifest's (never evicted) and, in APQ mode, the documents clients
    sent with their hashes, the `max_entries` most recently used (an LRU), none longer than `max_chars`."""

    def __init__(self, mode: Mode, manifest: Mapping[str, str], max_entries: int, max_chars: int) -> None:
        """`manifest`: id → document; in APQ mode its documents are known from the start, in allow-list mode
        they are all that runs."""
        self.mode = mode
        self.max_entries = max_entries
        self.max_chars = max_chars
        # by the sha256 of the text, whatever the manifest's keys are (Relay's are md5 ids)
        self.listed = {sha256(document): document for document in manifest.values()}
        self.seen: OrderedDict[str, str] = OrderedDict()

    def resolve(self, query: str | None, extensions: Mapping[str, object] | None,
                operation_name: str | None = None) -> Resolved | GraphQLError:
        """The document a request runs, or the refusal to answer it with."""
        asked = (extensions or {}).get("persistedQuery")
        if asked is None:
            if self.mode is Mode.ALLOWLIST and query is not None and sha256(query) not in self.listed:
                return refusals.not_in_list(operation_name)
            return Resolved(query)
        if self.mode is Mode.OFF:
            return refusals.not_supported()
        if not isinstance(asked, Mapping) or asked.get("version") != 1:
            return refusals.invalid("只支持第 1 版", "only version 1 is supported")
        given = asked.get("sha256Hash")
        if not isinstance(given, str) or not SHA256.match(given):
            return refusals.invalid("哈希值应为 64 位十六进制字符", "sha256Hash must be 64 hexadecimal digits")
        given = given.lower()
        if query is not None:
            if sha256(query) != given:
                return refusals.hash_mismatch(given)
            if self.mode is Mode.ALLOWLIST:
                return Resolved(query) if given in self.listed else refusals.not_in_list(operation_name)
            return Resolved(query, remember_as=None if given in self.listed else given)
        document = self._find(given)
        if document is None:
            return refusals.not_in_list(operation_name) if self.mode is Mode.ALLOWLIST else refusals.not_found(given)
        return Resolved(document)

    def remember(self, hash_: str, document: str) -> None:
        """Keep a document that parsed and validated, evicting the least recently used past `max_entries`."""
        if len(document) > self.max_chars or self.max_entries <= 0:
            return
        self.seen[hash_] = document
        self.seen.move_to_end(hash_)
        while len(self.seen) > self.max_entries:
            self.seen.popitem(last=False)

    def _find(self, hash_: str) -> str | None:
        if hash_ in self.listed:
            return self.listed[hash_]
        document = self.seen.get(hash_)
        if document is not None:
            self.seen.move_to_end(hash_)
        return document
