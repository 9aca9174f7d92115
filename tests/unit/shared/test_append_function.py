"""The one-statement append is sent as migration 0009's function: its body is the statement's text."""

from __future__ import annotations

import pytest

from shared.eventstore import postgres
from shared.migrations import EVENT_STORE_MIGRATIONS

pytestmark = pytest.mark.dateless


def test_the_append_function_runs_the_append_statement_as_written_in_the_store() -> None:
    function = (EVENT_STORE_MIGRATIONS / "0009_append_function.sql").read_text()
    body = function.split("$body$")[1].strip()
    statement = postgres._APPEND_AT_ONCE.strip().replace(
        "SELECT follows.ok AS follows, keys.ok AS keys, keys.present FROM follows, keys",
        "SELECT follows.ok, keys.ok, keys.present FROM follows, keys")
    assert body == statement
    assert "SET plan_cache_mode = force_generic_plan" in function
