"""Personal data sealed per person (AES-GCM), so that erasing a person is deleting one key.

An event type names its personal fields and whose they are
(`@event(..., personal=("name", "id_number"), person="recipient_id")`). The
owning service's event store seals those fields with the person's key before
they are written, and opens them when it reads its own streams. Everything
downstream (the events table itself, JetStream, every read model) holds only
`{"sealed": "..."}`. Deleting the key (crypto-shredding) makes every copy
unreadable at once, while the events, and so every count, stay.

Person keys are stored wrapped with the service's data key (`HEMIAO_DATA_KEY`),
so a copy of the database alone opens nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED = "sealed"
_NONCE = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _encrypt(key: bytes, plaintext: bytes, context: str) -> str:
    nonce = os.urandom(_NONCE)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())).decode()


def _decrypt(key: bytes, sealed: str, context: str) -> bytes:
    raw = base64.b64decode(sealed)
    return AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())


def wrap(data_key: bytes, person_id: str, key: bytes) -> bytes:
    """A person's key, encrypted with the service's data key, for storage."""
    return _encrypt(data_key, key, f"person-key:{person_id}").encode()


def unwrap(data_key: bytes, person_id: str, wrapped: bytes) -> bytes:
    return _decrypt(data_key, wrapped.decode(), f"person-key:{person_id}")


def is_sealed(value: object) -> bool:
    return isinstance(value, dict) and SEALED in value


def seal_fields(data: dict[str, Any], fields: tuple[str, ...], person_id: str, key: bytes) -> dict[str, Any]:
    """The payload with each personal field that has a value sealed; None stays None."""
    sealed = dict(data)
    for field in fields:
        value = data.get(field)
        if value is not None and not is_sealed(value):
            # Text is sealed as it is; anything else (a list of goals, say) as JSON, and marked so.
            if isinstance(value, str):
                sealed[field] = {SEALED: _encrypt(key, value.encode(), f"{person_id}:{field}")}
            else:
                plaintext = json.dumps(value, ensure_ascii=False).encode()
                sealed[field] = {SEALED: _encrypt(key, plaintext, f"{person_id}:{field}"), "json": True}
    return sealed


def open_fields(data: dict[str, Any], fields: tuple[str, ...], person_id: str, key: bytes | None) -> dict[str, Any]:
    """The payload with its sealed fields opened, or None where the key is gone (the person was erased)."""
    opened = dict(data)
    for field in fields:
        value = data.get(field)
        if isinstance(value, dict) and SEALED in value:
            if key is None:
                opened[field] = None
                continue
            plaintext = _decrypt(key, value[SEALED], f"{person_id}:{field}").decode()
            opened[field] = json.loads(plaintext) if value.get("json") else plaintext
    return opened


def claim_of(key: bytes, field: str, value: str) -> str:
    """A keyed hash standing for a unique value (an ID number, say): it finds duplicates, it reveals nothing."""
    return hmac.new(key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()


def joint_key(keys: dict[str, bytes]) -> bytes:
    """One key made of several persons' keys (a snapshot of a stream naming them all): it can be made again only
    while every one of them is kept, so erasing any one of the persons shreds it."""
    digest = hashlib.sha256(b"hemiao-joint-key")
    for person_id in sorted(keys):
        digest.update(person_id.encode() + b"\0" + keys[person_id])
    return digest.digest()


def seal_json(key: bytes, value: Any, context: str) -> dict[str, str]:
    """A JSON-ready value sealed whole: `{"sealed": ...}`."""
    return {SEALED: _encrypt(key, json.dumps(value, ensure_ascii=False).encode(), context)}


def open_json(key: bytes, sealed: dict[str, str], context: str) -> Any:
    """What seal_json sealed; raises (cryptography's InvalidTag) if the key or context is not the one it was
    sealed with."""
    return json.loads(_decrypt(key, sealed[SEALED], context))
