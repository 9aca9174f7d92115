"""Registration, naming and (de)serialisation of event payload types."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""A pure function from one schema version's JSON payload to the next version's."""


class UnknownSchemaVersion(ValueError):
    """An event written at a schema version this code does not know (newer than its own, or not a version):
    it is refused, never read as if it were an older shape."""


@dataclass(frozen=True, kw_only=True)
class EventType:
    """What the registry knows of one event payload class."""

    cls: type[Any]
    service: str
    aggregate: str
    name: str
    schema_version: int
    description: str
    personal: tuple[str, ...] = ()
    """Fields sealed with the person's key (see shared.personal); None for a reader without it."""
    person: str | None = None
    """The field naming whose personal data this event carries."""
    erases: str | None = None
    """The field naming a person whose key is deleted when this event is appended."""
    unique: tuple[str, ...] = ()
    """Personal fields whose values no two persons may share (the store keeps a keyed hash, not the value)."""
    upcasters: Mapping[int, Upcaster] = field(default_factory=dict, compare=False, hash=False)
    """For each version n below schema_version, the function from version n's JSON to version n+1's."""

    def person_of(self, data: dict[str, Any]) -> str | None:
        value = None if self.person is None else data.get(self.person)
        return None if value is None else str(value)

    @property
    def subject(self) -> str:
        return self.subject_in("hemiao")

    def subject_in(self, namespace: str) -> str:
        """The NATS subject under a namespace (`hemiao` in production, another per test)."""
        return f"{namespace}.events.{self.service}.{self.aggregate}.{self.name}"

    @property
    def ce_type(self) -> str:
        return self.ce_type_at(self.schema_version)

    def ce_type_at(self, version: int) -> str:
        """The CloudEvents type of this event as written at a schema version (a stored event keeps its own)."""
        return f"cn.hemiao.{self.service}.{self.aggregate}_{self.name}.v{version}"

    @property
    def type_name(self) -> str:
        """The name stored in the events table's `type` column."""
        return self.cls.__name__

    def json_schema(self) -> dict[str, Any]:
        return _adapter(self.cls).json_schema()


_BY_NAME: dict[str, EventType] = {}


def event(*, service: str, aggregate: str, name: str, version: int = 1, personal: tuple[str, ...] = (),
          person: str | None = None, erases: str | None = None, unique: tuple[str, ...] = (),
          upcasters: Mapping[int, Upcaster] | None = None) -> Callable[[type[T]], type[T]]:
    """Register a frozen dataclass as the payload of a published event.

    `version` is the schema version the class is (what new events are written at). An event whose shape changes
    raises it by one and adds `upcasters[old] = fn`, fn turning the old version's JSON into the new one's; every
    version from 1 to version - 1 must have one, so any event ever written can be read as the class today.
    """
    if personal and person is None:
        raise ValueError("an event with personal fields must say whose they are (person=...)")
    chain = dict(upcasters or {})

    def register(cls: type[T]) -> type[T]:
        if version < 1:
            raise ValueError(f"{cls.__name__}: schema versions start at 1, not {version}")
        missing = [v for v in range(1, version) if v not in chain]
        if missing:
            raise ValueError(f"{cls.__name__} is at schema version {version} but has no upcaster from version"
                             f" {', '.join(map(str, missing))}: events written then could not be read."
                             " Declare upcasters={n: fn} turning version n's JSON into version n+1's")
        extra = sorted(v for v in chain if not 1 <= v < version)
        if extra:
            raise ValueError(f"{cls.__name__} is at schema version {version}; upcasters from version"
                             f" {', '.join(map(str, extra))} lead past it")
        registered = EventType(
            cls=cls, service=service, aggregate=aggregate, name=name, schema_version=version,
            description=(cls.__doc__ or "").strip(), personal=personal, person=person, erases=erases,
            unique=unique, upcasters=chain,
        )
        if cls.__name__ in _BY_NAME and _BY_NAME[cls.__name__].cls is not cls:
            raise ValueError(f"two event types are named {cls.__name__}")
        _BY_NAME[cls.__name__] = registered
        return cls

    return register


def registered_events() -> list[EventType]:
    """Every registered event type, in a stable order."""
    return sorted(_BY_NAME.values(), key=lambda e: e.subject)


def event_class(type_name: str) -> EventType:
    return _BY_NAME[type_name]


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def encode_event(payload: object) -> dict[str, Any]:
    """The payload as JSON-ready data."""
    data: dict[str, Any] = _adapter(type(payload)).dump_python(payload, mode="json")
    return data


def unregister(type_name: str) -> None:
    """Forget an event type (for a test's throwaway contract only)."""
    _BY_NAME.pop(type_name, None)


def upcast(type_name: str, schema_version: int, data: dict[str, Any]) -> dict[str, Any]:
    """An event's JSON as written at `schema_version`, in its type's current shape: each upcaster in turn.
    The data given is not changed (stored and published events are never rewritten). An event newer than this
    code knows raises UnknownSchemaVersion."""
    registration = _BY_NAME[type_name]
    current = registration.schema_version
    if not isinstance(schema_version, int) or isinstance(schema_version, bool) or schema_version < 1:
        raise UnknownSchemaVersion(f"{type_name} has schema version {schema_version!r}, which is not a version"
                                   " (versions are whole numbers from 1)")
    if schema_version > current:
        raise UnknownSchemaVersion(f"{type_name} was written at schema version {schema_version}, newer than this"
                                   f" code's version {current}: upgrade this code before it reads the event"
                                   " (it is not read as an older shape)")
    if schema_version == current:
        return data
    data = copy.deepcopy(data)
    for version in range(schema_version, current):
        data = registration.upcasters[version](data)
    return data


def decode_event(type_name: str, data: dict[str, Any], schema_version: int | None = None) -> Any:
    """The payload object of a stored or received event, upcast from the schema version it was written at (None:
    the current version, for data this code has just encoded); sealed personal fields read as None."""
    registration = _BY_NAME[type_name]
    if schema_version is not None:
        data = upcast(type_name, schema_version, data)
    if registration.personal:
        data = {k: (None if k in registration.personal and isinstance(v, dict) and "sealed" in v else v)
                for k, v in data.items()}
    return _adapter(registration.cls).validate_python(data)
