"""The AsyncAPI 3 catalogue of every published event, generated from the registered types."""

from __future__ import annotations

from typing import Any

import yaml

from shared.contracts.examples import EXAMPLES
from shared.contracts.registry import EventType, encode_event, event_class, registered_events

_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 binary mode on NATS headers, plus hemiao's own",
    "required": ["Nats-Msg-Id", "ce-id", "ce-source", "ce-type", "ce-specversion", "ce-time", "ce-subject",
                 "hemiao-event-type", "hemiao-schema-version", "hemiao-stream-id", "hemiao-stream-version"],
    "properties": {
        "Nats-Msg-Id": {"type": "string", "format": "uuid", "description": "= ce-id; JetStream drops a resend"},
        "ce-id": {"type": "string", "format": "uuid", "description": "The event's id, unique forever"},
        "ce-source": {"type": "string", "examples": ["/hemiao/cases"]},
        "ce-type": {"type": "string", "examples": ["cn.hemiao.cases.case_opened.v1"]},
        "ce-specversion": {"type": "string", "const": "1.0"},
        "ce-time": {"type": "string", "format": "date-time", "description": "When it was recorded (UTC)"},
        "ce-subject": {"type": "string", "description": "The aggregate's stream id, e.g. case-<uuid>"},
        "ce-datacontenttype": {"type": "string", "const": "application/json"},
        "hemiao-event-type": {"type": "string", "description": "The payload type's name"},
        "hemiao-schema-version": {"type": "string", "description": "The payload schema's version"},
        "hemiao-stream-id": {"type": "string"},
        "hemiao-stream-type": {"type": "string"},
        "hemiao-stream-version": {"type": "string", "description": "1, 2, 3… within the stream, in order"},
        "hemiao-global-position": {"type": "string", "description": "Position in the producer's event store"},
        "hemiao-actor": {"type": "string", "description": "Subject of the user who caused the event"},
        "hemiao-correlation-id": {"type": "string"},
        "hemiao-causation-id": {"type": "string"},
    },
}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its `$defs` written in place: a `#/$defs/...` ref would point into the AsyncAPI root."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def _as_published(example: object) -> dict[str, Any]:
    """An example as it travels: each personal field that has a value is sealed."""
    registered = event_class(type(example).__name__)
    data = encode_event(example)
    return {k: ({"sealed": "<base64: 12-byte nonce + AES-256-GCM ciphertext>"}
                if k in registered.personal and v is not None else v) for k, v in data.items()}


def _key(registered: EventType) -> str:
    return f"{registered.service}.{registered.aggregate}.{registered.name}"


def catalogue() -> dict[str, Any]:
    """The AsyncAPI document as data."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    examples = {type(e).__name__: _as_published(e) for e in EXAMPLES}
    for registered in registered_events():
        key = _key(registered)
        messages[registered.type_name] = {
            "name": registered.type_name,
            "title": registered.ce_type,
            "summary": registered.description,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/EventHeaders"},
            "payload": _inlined(registered.json_schema()),
            "examples": [{"name": "example", "payload": examples[registered.type_name]}],
            "x-schema-version": registered.schema_version,
            "x-personal-fields": list(registered.personal),
        }
        channels[key] = {"address": registered.subject, "description": registered.description,
                         "messages": {registered.type_name: {"$ref": f"#/components/messages/{registered.type_name}"}}}
        operations[f"publish.{key}"] = {"action": "send", "channel": {"$ref": f"#/channels/{key}"},
                                        "summary": f"The {registered.service} service publishes {registered.type_name}"}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "hemiao events (禾苗事件目录)", "version": "1.0.0",
                 "description": "Every event the hemiao services publish to NATS JetStream. Generated from "
                                "shared/contracts by `make asyncapi`; a test fails when code and document differ. "
                                "Streams: HEMIAO_CASES, HEMIAO_ACTIVITIES. Personal fields (x-personal-fields) "
                                "travel sealed, as {\"sealed\": \"...\"} (AES-256-GCM with the person's key, "
                                "held only by the producing service); read them as null. Erasing a person "
                                "deletes the key."},
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": {"EventHeaders": _HEADERS}},
    }


def render() -> str:
    text: str = yaml.safe_dump(catalogue(), allow_unicode=True, sort_keys=False, width=120)
    return text
