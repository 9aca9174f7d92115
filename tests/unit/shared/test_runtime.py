"""Bad input is said plainly, field by field, in both languages."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from services.cases.domain.commands import OpenCase
from shared.runtime import camel, invalid_input_from


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
    from tests.unit.cases.given import WORKER

    error = invalid_input_from(first_problem({
        "actor": WORKER, "today": "2026-11-20", "case_id": "c", "recipient_id": "r", "worker_id": "w",
        "intake_source": "outreach", "presenting_problem": "p", "opened_on": "yesterday"}))
    assert error.field == "openedOn"
    assert "openedOn" in error.message.zh


def test_snake_case_becomes_camel_case() -> None:
    assert camel("presenting_problem") == "presentingProblem"
    assert camel("id") == "id"
