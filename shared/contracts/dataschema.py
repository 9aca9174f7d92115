"""The CloudEvents `dataschema` of an event: a stable name for the JSON Schema of one type at one version.

`urn:hemiao:event-schema:<TypeName>:v<N>`, e.g. `urn:hemiao:event-schema:RecipientRegistered:v2`. A URN, not a URL:
it names the schema without promising a server that answers for it. The same id is the `$id` of the message's payload
schema in docs/events.asyncapi.yaml, and the schema itself is committed under
tests/contracts/schemas/<TypeName>/v<N>.json (frozen once that version exists).
"""

from __future__ import annotations


def dataschema(type_name: str, version: int) -> str:
    """The `ce-dataschema` of an event of this type written at this schema version."""
    return f"urn:hemiao:event-schema:{type_name}:v{version}"
