"""The AsyncAPI 3 catalogue of every published event, generated from the registered types."""

from __future__ import annotations

from typing import Any

import yaml

from shared.contracts import corpus
from shared.contracts.dataschema import dataschema
from shared.contracts.examples import EXAMPLES
from shared.contracts.registry import EventType, encode_event, event_class, registered_events

_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 binary mode on NATS headers, plus hemiao's own",
    "required": ["Nats-Msg-Id", "ce-id", "ce-source", "ce-type", "ce-specversion", "ce-time", "ce-subject",
                 "ce-dataschema", "hemiao-event-type", "hemiao-schema-version", "hemiao-stream-id",
                 "hemiao-stream-version"],
    "properties": {
        "Nats-Msg-Id": {"type": "string", "format": "uuid", "description": "= ce-id; JetStream drops a resend"},
        "ce-id": {"type": "string", "format": "uuid", "description": "The event's id, unique forever"},
        "ce-source": {"type": "string", "examples": ["/hemiao/cases"]},
        "ce-type": {"type": "string", "examples": ["cn.hemiao.cases.case_opened.v1"]},
        "ce-specversion": {"type": "string", "const": "1.0"},
        "ce-time": {"type": "string", "format": "date-time", "description": "When it was recorded (UTC)"},
        "ce-subject": {"type": "string", "description": "The aggregate's stream id, e.g. case-<uuid>"},
        "ce-datacontenttype": {"type": "string", "const": "application/json"},
        "ce-dataschema": {"type": "string", "format": "uri",
                          "examples": ["urn:hemiao:event-schema:CaseOpened:v1"],
                          "description": "The JSON Schema of the version the event was written with: the `$id` of "
                                         "its message's payload here (one message per version)"},
        "hemiao-event-type": {"type": "string", "description": "The payload type's name"},
        "hemiao-schema-version": {"type": "string", "description": "The payload schema's version"},
        "hemiao-stream-id": {"type": "string"},
        "hemiao-stream-type": {"type": "string"},
        "hemiao-stream-version": {"type": "string", "description": "1, 2, 3… within the stream, in order"},
        "hemiao-global-position": {"type": "string", "description": "Position in the producer's event store"},
        "hemiao-actor": {"type": "string", "description": "Subject of the user who caused the event"},
        "hemiao-correlation-id": {"type": "string"},
        "hemiao-causation-id": {"type": "string"},
        "traceparent": {"type": "string", "description": "W3C trace context of the append that wrote the event, "
                                                         "when it was traced (docs/operations.md, Tracing and logs)"},
        "tracestate": {"type": "string", "description": "W3C trace state, with traceparent, when there is one"},
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
    return _sealed(event_class(type(example).__name__), encode_event(example))


def _sealed(registered: EventType, data: dict[str, Any]) -> dict[str, Any]:
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
        listed: dict[str, Any] = {}
        for version in [*(v for v in corpus.frozen_versions(corpus.CORPUS, registered.type_name)
                          if v < registered.schema_version), registered.schema_version]:
            current = version == registered.schema_version
            # An older version still in the stream: its frozen schema and example (tests/contracts).
            schema = registered.json_schema() if current else corpus.load(
                corpus.schema_path(corpus.CORPUS, registered.type_name, version))
            example = examples[registered.type_name] if current else _sealed(registered, corpus.load(
                corpus.example_path(corpus.CORPUS, registered.type_name, version)))
            message = registered.type_name if current else f"{registered.type_name}.v{version}"
            messages[message] = {
                "name": message,
                "title": registered.ce_type.rsplit(".v", 1)[0] + f".v{version}",
                "summary": registered.description if current else
                f"{registered.description} (schema version {version}, older than {registered.schema_version}: "
                "events written with it stay in the stream as they were)",
                "contentType": "application/json",
                "headers": {"$ref": "#/components/schemas/EventHeaders"},
                "payload": {"$id": dataschema(registered.type_name, version), **_inlined(schema)},
                "examples": [{"name": "example", "payload": example}],
                "x-schema-version": version,
                "x-personal-fields": list(registered.personal),
            }
            listed[message] = {"$ref": f"#/components/messages/{message}"}
        channels[key] = {"address": registered.subject, "description": registered.description,
                         "messages": listed}
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
                                "deletes the key. Every schema version that can appear in the stream has its own "
                                "message; ce-dataschema names its payload schema's $id "
                                "(urn:hemiao:event-schema:<Type>:v<N>)."},
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": {"EventHeaders": _HEADERS}},
    }


def render() -> str:
    text: str = yaml.safe_dump(catalogue(), allow_unicode=True, sort_keys=False, width=120)
    return text
