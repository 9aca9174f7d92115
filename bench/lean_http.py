"""A lean HTTP/1.1 keep-alive client for the bench's load: the few lines of `httpx.AsyncClient.post` it uses.

The load generator shares the two cores with everything it measures. `httpx` spends some 5 ms of CPU per
request there (its client used 28 % of a core for 56 mutations/s, where the NATS clients used 11 % for 141
commands/s), which the gateway and the services then lack. This client writes the request bytes by hand on one
asyncio stream per client and reads the answer by its Content-Length (or chunks), as a load tool such as wrk
does; it is the bench's, never the product's."""

from __future__ import annotations

import asyncio
import json as jsonlib
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit


class Answer(Protocol):
    """What the bench reads of an HTTP answer: httpx's Response and LeanResponse both have it."""

    @property
    def status_code(self) -> int: ...

    def json(self) -> Any: ...


class Poster(Protocol):
    """An HTTP client the bench's GraphQL load can POST with: httpx.AsyncClient, or LeanClient."""

    async def post(self, url: str, *, json: Any) -> Answer: ...


@dataclass
class LeanResponse:
    status_code: int
    content: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class LeanClient:
    """POSTs JSON to one server over one kept-alive connection (opened again if the server closed it)."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        fixed = {"host": f"{self.host}:{self.port}", "accept": "application/json",
                 "content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
        self._head = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, url: str, *, json: Any) -> LeanResponse:
        body = jsonlib.dumps(json, ensure_ascii=False).encode()
        request = (f"POST {url} HTTP/1.1\r\n{self._head}content-length: {len(body)}\r\n\r\n").encode() + body
        return await asyncio.wait_for(self._exchange(request), self.timeout)

    async def _exchange(self, request: bytes) -> LeanResponse:
        for attempt in (1, 2):
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
            assert self._reader is not None
            try:
                self._writer.write(request)
                head = await self._reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.aclose()  # a kept-alive connection the server closed: once more on a new one
                if attempt == 2:
                    raise
                continue
            return await self._answer(head)
        raise AssertionError("unreachable")

    async def _answer(self, head: bytes) -> LeanResponse:
        assert self._reader is not None
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            content = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self._reader.readuntil(b"\r\n")).strip().split(b";")[0], 16):
                chunks.append(await self._reader.readexactly(size))
                await self._reader.readexactly(2)
            await self._reader.readuntil(b"\r\n")
            content = b"".join(chunks)
        else:
            content = await self._reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return LeanResponse(status, content)

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass
