"""NATS connections and the JetStream streams each write service owns."""

from __future__ import annotations

import logging
import os
import re
import ssl
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.config import NatsSettings, stream_name

log = logging.getLogger(__name__)

_SPACE = re.compile(r"\s")
_BYTE_SPACE = " \t\n\r\x0b\x0c"
"""What `bytes.strip()` strips, which nats-py strips names and values of."""


class HeaderClient(Client):
    """nats-py's client, parsing a message's header block the same way at a fraction of the cost.

    Every event comes with its CloudEvents and hemiao headers (19 of them), and nats-py tests each header's name
    for whitespace with a generator per name: in a rebuild's profile that was its largest entry. This parser gives
    the same answer for every block (tests/unit/shared/test_nats_headers.py checks it against nats-py's own)."""

    @staticmethod
    def _parse_header_lines(raw: bytes) -> dict[str, str]:
        out: dict[str, str] = {}
        # ASCII never occurs inside a UTF-8 sequence, so the block decodes at once as its lines would one by one
        for line in raw.decode("utf-8", "replace").split("\r\n"):
            name, sep, value = line.partition(":")
            if not sep:
                continue
            key = name.strip(_BYTE_SPACE)
            if key.isascii() and _SPACE.search(key) is None:  # a name is an ASCII token
                out[key] = value.strip(_BYTE_SPACE)
        return out


def user_inbox(identity: str) -> str:
    """The inbox prefix of the NATS user `identity` (its NKey's public key, or its user name): replies to its
    requests come on `_INBOX.<identity>.…`, which only it may subscribe to, so no other process reads them
    (a reply of cases carries a person's data, opened)."""
    return f"_INBOX.{identity}"


def nkey_public_key(seed: str) -> str:
    """The public key (`U…`) of a user NKey seed (`SU…`)."""
    import nkeys

    try:
        return str(nkeys.from_seed(bytearray(seed.strip().encode())).public_key.decode())
    except (nkeys.NkeysError, ValueError) as error:  # said at start, not as a refused connection later
        raise ValueError("NATS_NKEY_SEED is not a NATS user seed (SU…, from `python -m shared.natsauth`)") from error


def tls_context(settings: NatsSettings) -> ssl.SSLContext:
    """A client context checking the server against NATS_TLS_CA (the system's CAs when unset), presenting
    NATS_TLS_CERT/NATS_TLS_KEY when set."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.tls_ca)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.tls_cert is not None:
        context.load_cert_chain(settings.tls_cert, settings.tls_key)
    return context


def client_options(settings: NatsSettings) -> dict[str, Any]:
    """nats-py's connect options for these settings: credentials, its own inbox, TLS."""
    options: dict[str, Any] = {}
    if settings.nkey_seed is not None:
        options["nkeys_seed_str"] = settings.nkey_seed
        options["inbox_prefix"] = user_inbox(nkey_public_key(settings.nkey_seed))
    elif settings.user is not None:
        options["user"], options["password"] = settings.user, settings.password or ""
        options["inbox_prefix"] = user_inbox(settings.user)
    if settings.creds is not None:
        options["user_credentials"] = settings.creds
    if settings.uses_tls:
        options["tls"] = tls_context(settings)
    return options


async def connect(url: str, name: str, *, env: Mapping[str, str] | None = None) -> Client:
    """A client that keeps reconnecting for as long as the process lives; `url` may list servers, comma-separated.

    Credentials and TLS come from the NATS_* settings (`NatsSettings`) of the environment, or of `env` when
    given (`make run` hands its own helper connections theirs)."""

    async def on_error(error: Exception) -> None:
        log.warning("nats: %s", error)

    servers = [u.strip() for u in url.split(",") if u.strip()]
    client = HeaderClient()
    await client.connect(servers=servers, name=name, max_reconnect_attempts=-1,
                         reconnect_time_wait=0.5,  # type: ignore[arg-type]  # seconds, slept as a float
                         error_cb=on_error, allow_reconnect=True, connect_timeout=5,
                         **client_options(NatsSettings.from_env(env)))
    return client


REPLICAS_VARIABLE = "HEMIAO_STREAM_REPLICAS"


def stream_replicas() -> int:
    """How many copies of each event stream JetStream keeps: HEMIAO_STREAM_REPLICAS (1 to 5), else 1. Three on a
    three-node cluster, so that losing any one node loses neither the stream's flow nor its data."""
    raw = os.environ.get(REPLICAS_VARIABLE, "").strip() or "1"
    try:
        replicas = int(raw)
    except ValueError:
        raise ValueError(f"{REPLICAS_VARIABLE} must be a whole number from 1 to 5, not {raw!r}") from None
    if not 1 <= replicas <= 5:  # JetStream's own bound
        raise ValueError(f"{REPLICAS_VARIABLE} must be from 1 to 5, not {replicas}")
    return replicas


async def ensure_event_stream(js: JetStreamContext, namespace: str, service: str, *, owner: bool = True) -> str:
    """Create the service's event stream if missing, with `stream_replicas()` copies; returns its name.

    The `owner` (the service whose events it holds) updates an existing stream with another replica count in
    place (JetStream copies its messages to the new replicas, or drops the surplus ones); a follower only says
    so, since its NATS user may create the stream it follows but not change it (shared/natsauth.py). A stream is
    never deleted here. Its other settings are left as they are: an operator may have tuned them."""
    name = stream_name(namespace, service)
    replicas = stream_replicas()
    config = StreamConfig(name=name, subjects=[f"{namespace}.events.{service}.>"],
                          storage=StorageType.FILE, duplicate_window=120.0, num_replicas=replicas)
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(config)
        return name
    if (info.config.num_replicas or 1) != replicas and not owner:
        log.warning("stream %s has %s replicas, not the %d of %s: its owner, hemiao-%s, updates it when it starts",
                    name, info.config.num_replicas or 1, replicas, REPLICAS_VARIABLE, service)
    elif (info.config.num_replicas or 1) != replicas:
        log.info("stream %s has %s replicas; updating it to %d", name, info.config.num_replicas or 1, replicas)
        await js.update_stream(replace(info.config, num_replicas=replicas))
    return name
