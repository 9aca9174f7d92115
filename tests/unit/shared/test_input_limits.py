"""Input no store can hold is refused at the service boundary, naming its field, before anything is written."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import uuid
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import pytest
from annotated_types import MaxLen

from services.activities.application.handlers import routes as activities_routes
from services.cases.application.handlers import ROUTES as CASES
from shared.application import command_endpoints
from shared.auth import issue_token
from shared.config import AuthSettings
from shared.contracts import Actor, Role
from shared.contracts.fields import NOTE, UUID_IDS
from shared.eventstore.memory import InMemoryEventStore
from shared.runtime import IDEMPOTENCY_HEADER, _answer

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

AUTH = AuthSettings(secret="a-secret-long-enough-for-the-hs256-signature")
STATION = str(uuid.uuid4())
WORKER = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=(STATION,))


class NoOpenCases:
    async def open_cases(self, worker_id: str, station_ids: tuple[str, ...]) -> list[tuple[str, str, int | None, int]]:
        return []


class NoRecipients:
    async def recipient(self, recipient_id: str) -> None:
        return None


class NoVolunteersOnRecord:
    async def like(self, store: object, station_id: str, new: object) -> list[object]:
        return []


COMMANDS = [*CASES, *activities_routes(NoOpenCases(), NoRecipients(), NoVolunteersOnRecord())]


def _unbounded(hint: Any, path: str) -> list[str]:
    """The paths under `hint` where text or a list has no maximum length."""
    bounded = False
    if get_origin(hint) is Annotated:
        hint, *metadata = get_args(hint)
        bounded = any(isinstance(m, MaxLen) for m in metadata)
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return [p for arg in get_args(hint) for p in _unbounded(arg, path)]
    if hint is str:
        return [] if bounded or path.rsplit(".", 1)[-1] in UUID_IDS else [path]
    if origin in (tuple, dict):
        own = [] if bounded else [path]
        return own + [p for arg in get_args(hint) if arg is not Ellipsis for p in _unbounded(arg, f"{path}[]")]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return [p for f, h in get_type_hints(hint, include_extras=True).items()
                for p in _unbounded(h, f"{hint.__name__}.{f}")]
    return []


def test_every_free_text_field_and_list_of_every_command_has_a_maximum_length() -> None:
    unbounded = [p for command in COMMANDS for f, h in get_type_hints(command, include_extras=True).items()
                 if f not in ("actor", "today") for p in _unbounded(h, f"{command.__name__}.{f}")]
    assert unbounded == []


class Request:
    """What `_answer` reads of a nats.micro request."""

    def __init__(self, body: bytes | dict[str, Any], key: str | None = None) -> None:
        self.headers = {"Authorization": f"Bearer {issue_token(AUTH.secret or '', WORKER)}"}
        if key is not None:
            self.headers[IDEMPOTENCY_HEADER] = key
        self.data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.subject = "hemiao.cases.x"


async def send(store: InMemoryEventStore, endpoint: str, body: bytes | dict[str, Any],
               key: str | None = None) -> dict[str, Any]:
    handler = command_endpoints("cases", store, CASES)[endpoint]
    return await _answer(handler, Request(body, key), AUTH)  # type: ignore[arg-type]


async def open_case(store: InMemoryEventStore) -> str:
    registered = await send(store, "register_recipient", {"station_id": STATION, "name": "李奶奶",
                                                          "gender": "female", "community": "坡子街社区",
                                                          "birth_year": 1948})
    opened = await send(store, "open_case", {"recipient_id": registered["data"]["recipient_id"],
                                             "worker_id": "sw-1", "intake_source": "outreach",
                                             "presenting_problem": "独居", "opened_on": "2026-01-05"})
    case_id: str = opened["data"]["case_id"]
    return case_id


def session(case_id: str, **fields: Any) -> dict[str, Any]:
    return {"case_id": case_id, "held_on": "2026-01-06", "mode": "phone", "duration_minutes": 30, **fields}


async def events_of(store: InMemoryEventStore, case_id: str) -> int:
    return len(await store.read_stream(f"case-{case_id}"))


async def test_session_notes_of_exactly_the_maximum_are_recorded() -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "record_case_session", session(case_id, notes="记" * NOTE))

    assert "data" in answer, answer
    assert await events_of(store, case_id) == 2


async def test_session_notes_one_character_too_long_are_refused_naming_the_field_and_nothing_is_recorded() -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "record_case_session", session(case_id, notes="记" * (NOTE + 1)))

    assert answer["error"] == {"code": "invalid_input", "field": "notes", "message": "字段 notes 最多 5000 个字符",
                               "message_zh": "字段 notes 最多 5000 个字符",
                               "message_en": "notes may have at most 5,000 characters"}
    assert await events_of(store, case_id) == 1


async def test_a_too_long_field_inside_a_list_is_named_by_its_path() -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "assess_case", {"case_id": case_id, "assessed_on": "2026-01-06", "risk_level": "low",
                                               "needs": [{"area": "health", "description": "需" * 501}]})

    assert (answer["error"]["code"], answer["error"]["field"]) == ("invalid_input", "needs.0.description")
    assert "500" in answer["error"]["message_zh"] and "500" in answer["error"]["message_en"]
    assert await events_of(store, case_id) == 1


async def test_a_list_with_too_many_entries_is_refused_naming_the_field() -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)
    recipient = (await store.read_stream(f"case-{case_id}"))[0].payload.recipient_id

    answer = await send(store, "update_recipient", {"recipient_id": recipient, "clear": ["phone"] * 101})

    assert answer["error"]["field"] == "clear"
    assert answer["error"]["message_en"] == "clear may have at most 100 entries"
    assert len(await store.read_stream(f"recipient-{recipient}")) == 1


@pytest.mark.parametrize(("notes", "shown"), [("a\u0000b", "U+0000"), ("半个\ud800字", "U+D800"), ("\x07", "U+0007")])
async def test_a_character_no_store_can_hold_is_refused_naming_the_field_and_nothing_is_recorded(
        notes: str, shown: str) -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)
    body = json.dumps(session(case_id, notes=notes)).encode()  # JSON escapes the surrogate, as a client sends it

    answer = await send(store, "record_case_session", body)

    assert (answer["error"]["code"], answer["error"]["field"]) == ("invalid_input", "notes")
    assert shown in answer["error"]["message_zh"] and shown in answer["error"]["message_en"]
    assert await events_of(store, case_id) == 1


async def test_newlines_and_tabs_in_notes_are_kept() -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "record_case_session", session(case_id, notes="第一行\n\t第二行\r\n"))

    assert "data" in answer, answer


async def test_a_bad_character_in_a_nested_key_or_value_is_named_by_its_path() -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "assess_case", {"case_id": case_id, "assessed_on": "2026-01-06", "risk_level": "low",
                                               "needs": [{"area": "health", "description": "\u0000"}]})

    assert answer["error"]["field"] == "needs.0.description"
    assert await events_of(store, case_id) == 1


@pytest.mark.parametrize("case_id", ["not-a-uuid", "../case", "038F6363-D172-4096-BAB8-2A38FACFE97C", 42, ""])
async def test_an_id_that_is_not_a_uuid_is_refused_naming_the_field(case_id: object) -> None:
    store = InMemoryEventStore()

    answer = await send(store, "record_case_session", session(case_id))  # type: ignore[arg-type]

    assert answer["error"] == {"code": "invalid_input", "field": "caseId",
                               "message": "字段 caseId 应是小写的 UUID（如 3f2b8c1e-…）",
                               "message_zh": "字段 caseId 应是小写的 UUID（如 3f2b8c1e-…）",
                               "message_en": "caseId must be a UUID in lower case (like 3f2b8c1e-…)"}


async def test_an_id_in_a_list_of_ids_that_is_not_a_uuid_is_named_by_its_position() -> None:
    store = InMemoryEventStore()

    answer = await send(store, "transfer_worker_cases", {"station_id": STATION, "station_ids": [STATION, "s-2"],
                                                         "from_worker_id": "a", "to_worker_id": "b"})

    assert answer["error"]["field"] == "stationIds.1"


@pytest.mark.parametrize("key", [" ", "带中文的键", "has space", "k" * 129, "tab\tkey"])
async def test_an_idempotency_key_of_the_wrong_form_is_refused_and_nothing_is_recorded(key: str) -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "record_case_session", session(case_id), key=key)

    assert (answer["error"]["code"], answer["error"]["field"]) == ("invalid_input", "idempotencyKey")
    assert await events_of(store, case_id) == 1


@pytest.mark.parametrize("key", ["k-1", "e90c620b-029d-42af-b23c-d516baf0133c", "client:7/retry#2", "k" * 128])
async def test_an_idempotency_key_of_visible_ascii_is_taken(key: str) -> None:
    store = InMemoryEventStore()
    case_id = await open_case(store)

    answer = await send(store, "record_case_session", session(case_id), key=key)

    assert "data" in answer, answer


@pytest.mark.parametrize("body", [b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000])
async def test_a_body_that_is_not_utf8_or_is_nested_past_reason_is_refused_as_not_json(body: bytes) -> None:
    store = InMemoryEventStore()

    answer = await send(store, "record_case_session", body)

    assert answer["error"]["code"] == "invalid_input"
    assert answer["error"]["message_en"] == "The request body is not valid JSON"
