"""Registration, naming and (de)serialisation of event payload types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")


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
        return f"cn.hemiao.{self.service}.{self.aggregate}_{self.name}.v{self.schema_version}"

    @property
    def type_name(self) -> str:
        """The name stored in the events table's `type` column."""
        return self.cls.__name__

    def json_schema(self) -> dict[str, Any]:
        return _adapter(self.cls).json_schema()


_BY_NAME: dict[str, EventType] = {}


def event(*, service: str, aggregate: str, name: str, version: int = 1, personal: tuple[str, ...] = (),
          person: str | None = None, erases: str | None = None,
          unique: tuple[str, ...] = ()) -> Callable[[type[T]], type[T]]:
    """Register a frozen dataclass as the payload of a published event."""
    if personal and person is None:
        raise ValueError("an event with personal fields must say whose they are (person=...)")

    def register(cls: type[T]) -> type[T]:
        registered = EventType(
            cls=cls, service=service, aggregate=aggregate, name=name, schema_version=version,
            description=(cls.__doc__ or "").strip(), personal=personal, person=person, erases=erases,
            unique=unique,
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


def decode_event(type_name: str, data: dict[str, Any]) -> Any:
    """The payload object of a stored or received event; sealed personal fields read as None."""
    registration = _BY_NAME[type_name]
    if registration.personal:
        data = {k: (None if k in registration.personal and isinstance(v, dict) and "sealed" in v else v)
                for k, v in data.items()}
    return _adapter(registration.cls).validate_python(data)
