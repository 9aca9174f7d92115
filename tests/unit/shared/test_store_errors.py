"""A store that cannot be reached is answered STORE_UNAVAILABLE, saying whether the request may have been recorded:
what each failure of asyncpg means, and which statements could have committed something."""

from __future__ import annotations

import asyncpg
import pytest

from shared.auth import issue_token
from shared.config import AuthSettings
from shared.devstack.embedded import free_port
from shared.pg import Sent, connection_failure, may_commit
from shared.runtime import _answer
from tests.unit.cases.given import WORKER
from tests.unit.shared.test_runtime import FakeRequest

pytestmark = pytest.mark.dateless  # no dates at all

AUTH = AuthSettings(secret="a-secret-long-enough-for-the-hs256-signature")
HEADERS = {"Authorization": f"Bearer {issue_token(AUTH.secret or '', WORKER)}", "Hemiao-Correlation-Id": "c-7"}


async def answer_to(error: BaseException) -> dict[str, object]:
    async def failing(body: dict[str, object], request: object) -> dict[str, object]:
        raise error

    answer = await _answer(failing, FakeRequest(HEADERS, b"{}"), AUTH)  # type: ignore[arg-type]
    refusal: dict[str, object] = answer["error"]
    return refusal


async def test_a_refused_connection_recorded_nothing_and_a_lost_one_may_have_said_in_both_languages() -> None:
    starting = await answer_to(asyncpg.CannotConnectNowError("the database system is starting up"))
    lost = await answer_to(asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"))

    assert (starting["code"], starting["may_have_committed"], starting["field"]) == ("STORE_UNAVAILABLE", False, None)
    assert starting["message_zh"] == "服务 cases 暂时连接不上数据库，open_case 未做任何更改，请稍后重试"
    assert starting["message_en"] == ("cases cannot reach its database just now; open_case changed nothing:"
                                      " try again shortly")
    # nothing told which statements went out (no StoreConnection was used): lost during one, it may have committed
    assert (lost["code"], lost["may_have_committed"]) == ("STORE_UNAVAILABLE", True)
    assert "同一个幂等键" in str(lost["message_zh"]) and "same idempotency key" in str(lost["message_en"])
    assert "middle of operation" not in str(lost)


async def test_a_connection_the_system_refuses_is_found_through_asyncpg_and_what_it_was_raised_as() -> None:
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres", timeout=5)
    failure = connection_failure(refused.value)
    assert failure is not None and failure.lost is False

    try:
        raise RuntimeError("the handler gave up") from refused.value
    except RuntimeError as wrapped:
        assert connection_failure(wrapped) == failure
    assert connection_failure(ExceptionGroup("two", [ValueError("x"), refused.value])) == failure


def test_only_the_store_s_connection_failures_are_store_unavailable() -> None:
    assert connection_failure(asyncpg.InterfaceError("connection is closed")) is not None
    assert connection_failure(asyncpg.TooManyConnectionsError("sorry, too many clients already")) is not None
    assert connection_failure(asyncpg.AdminShutdownError("terminating connection due to administrator command"))
    assert connection_failure(asyncpg.QueryCanceledError("canceling statement due to user request")) is None
    assert connection_failure(asyncpg.InterfaceError("another operation is in progress")) is None
    assert connection_failure(asyncpg.UniqueViolationError("duplicate key")) is None
    assert connection_failure(ConnectionRefusedError("not PostgreSQL's: raised outside asyncpg")) is None
    assert connection_failure(TimeoutError()) is None


def test_what_the_request_sent_decides_whether_it_may_have_been_recorded() -> None:
    lost = connection_failure(asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"))
    assert lost is not None and lost.lost

    assert lost.may_have_committed(Sent(used=True, committing=False)) is False  # reads, or a transaction not committed
    assert lost.may_have_committed(Sent(used=True, committing=True)) is True
    assert lost.may_have_committed(Sent()) is True  # nothing tracked: lost during a statement, it may have
    assert lost.may_have_committed(None) is True


def test_inside_a_transaction_only_its_commit_may_record_and_outside_one_any_write() -> None:
    assert may_commit("COMMIT;", True) and may_commit("  end", True)
    assert not may_commit("INSERT INTO events VALUES ($1)", True)
    assert not may_commit("SELECT CASE WHEN $1 THEN 1 END FROM events", True)
    assert not may_commit("SELECT 1", False) and not may_commit("BEGIN;", False)
    assert not may_commit("SELECT stream_id, updated_at FROM events WHERE deleted_by IS NULL", False)
    assert may_commit("WITH rows AS (SELECT 1) INSERT INTO events SELECT * FROM rows", False)
    assert may_commit("UPDATE cases SET status = 'closed'", False) and may_commit("SELECT nextval('numbers')", False)
    assert may_commit("BEGIN; DELETE FROM person_keys; COMMIT", False)
