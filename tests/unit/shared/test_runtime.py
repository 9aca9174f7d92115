"""Bad input is said plainly, field by field, in both languages."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from services.cases.domain.commands import OpenCase
from shared.auth import issue_token
from shared.config import AuthSettings
from shared.runtime import _answer, camel, invalid_input_from
from tests.unit.cases.given import WORKER

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

AUTH = AuthSettings(secret="a-secret-long-enough-for-the-hs256-signature")


def first_problem(fields: dict[str, object]) -> ValidationError:
    try:
        TypeAdapter(OpenCase).validate_python(fields)
    except ValidationError as error:
        return error
    raise AssertionError("expected a validation error")


def test_a_missing_field_is_named_in_camel_case() -> None:
    error = invalid_input_from(first_problem({}))
    assert error.code == "invalid_input"
    assert error.field == "actor"
    assert error.message.zh == "缺少必填字段 actor"
    assert error.message.en == "Missing required field actor"


def test_a_malformed_value_names_its_field() -> None:

    error = invalid_input_from(first_problem({
        "actor": WORKER, "today": "2026-11-20", "case_id": "c", "recipient_id": "r", "worker_id": "w",
        "intake_source": "outreach", "presenting_problem": "p", "opened_on": "yesterday"}))
    assert error.field == "openedOn"
    assert "openedOn" in error.message.zh


def test_snake_case_becomes_camel_case() -> None:
    assert camel("presenting_problem") == "presentingProblem"
    assert camel("id") == "id"


class FakeRequest:
    """What `_answer` reads of a nats.micro request."""

    def __init__(self, headers: dict[str, str], data: bytes) -> None:
        self.headers = headers
        self.data = data
        self.subject = "hemiao.cases.open_case"


async def test_an_unexpected_failure_is_answered_with_the_correlation_id_and_nothing_internal() -> None:
    auth = AUTH

    async def broken(body: dict[str, object], request: object) -> dict[str, object]:
        raise RuntimeError("connection to 10.0.0.7 refused: password for hemiao_cases")

    headers = {"Authorization": f"Bearer {issue_token(auth.secret or '', WORKER)}", "Hemiao-Correlation-Id": "c-42"}
    answer = await _answer(broken, FakeRequest(headers, b"{}"), auth)  # type: ignore[arg-type]

    assert answer["error"]["code"] == "internal"
    assert "c-42" in answer["error"]["message_zh"] and "c-42" in answer["error"]["message_en"]
    assert "10.0.0.7" not in str(answer) and "password" not in str(answer)


async def test_a_body_that_is_not_json_is_refused_plainly() -> None:
    auth = AUTH

    async def never(body: dict[str, object], request: object) -> dict[str, object]:
        raise AssertionError("must not be called")

    headers = {"Authorization": f"Bearer {issue_token(auth.secret or '', WORKER)}"}
    answer = await _answer(never, FakeRequest(headers, b"{not json"), auth)  # type: ignore[arg-type]

    assert answer["error"]["code"] == "invalid_input"
    assert answer["error"]["message_zh"] == "请求体不是有效的 JSON"
