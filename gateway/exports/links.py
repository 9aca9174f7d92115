"""Where export files wait, and the signed links to them.

A file is put, under a random name, in a JetStream object store whose objects expire after `TTL_SECONDS`:
every gateway copy reads it, so the download may reach any of them. The link names the object, the file name
and when the link expires, signed with HMAC-SHA256 under the export key (HEMIAO_EXPORT_KEY, the same on every
copy): a link that was changed, or is past its time, opens nothing. A browser follows the link without a
token; the caller's scope was checked when the file was made (it holds only what their queries answer).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from nats.js import JetStreamContext
from nats.js.api import ObjectStoreConfig, StorageType
from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

TTL_SECONDS = 600
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: bytes


class ExportStore:
    """Files made on request, for a few minutes, behind signed links."""

    def __init__(self, js: JetStreamContext, namespace: str, key: bytes, ttl_seconds: int = TTL_SECONDS) -> None:
        self._js = js
        self._bucket = f"{namespace}_exports".upper()
        self._key = key
        self.ttl_seconds = ttl_seconds
        self._store: ObjectStore | None = None

    async def start(self) -> None:
        self._store = await self._js.create_object_store(self._bucket, config=ObjectStoreConfig(
            description="hemiao export files, kept a few minutes", ttl=float(self.ttl_seconds),
            storage=StorageType.FILE))

    async def keep(self, filename: str, content: bytes) -> tuple[str, float]:
        """Store the file; the signed link to it (relative to the gateway) and when the link expires."""
        assert self._store is not None, "the store starts with the gateway"
        name = secrets.token_urlsafe(18)
        await self._store.put(name, content)
        expires = int(time.time()) + self.ttl_seconds
        return self.link(name, filename, expires), float(expires)

    def link(self, name: str, filename: str, expires: int) -> str:
        """The signed link to a stored file, valid until `expires` (seconds since the epoch)."""
        query = urlencode({"expires": expires, "signature": self._sign(name, filename, expires)})
        return f"/exports/{name}/{quote(filename)}?{query}"

    async def take(self, name: str, filename: str, expires: str, signature: str) -> Export | None:
        """The file, if the link is as it was signed and has not expired."""
        try:
            until = int(expires)
        except ValueError:
            return None
        if until < time.time() or not hmac.compare_digest(signature, self._sign(name, filename, until)):
            return None
        assert self._store is not None, "the store starts with the gateway"
        try:
            found = await self._store.get(name)
        except (ObjectNotFoundError, NotFoundError):
            return None
        extension = filename.rpartition(".")[2]
        return Export(filename=filename, media_type=MEDIA.get(extension, "application/octet-stream"),
                      content=bytes(found.data or b""))

    def _sign(self, name: str, filename: str, expires: int) -> str:
        digest = hmac.new(self._key, f"{name}\n{filename}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
