"""`make run`'s supervision, on small real child processes: a dead one is restarted with back-off and one line says
so; Ctrl-C's stop ends them all and restarts none; a service counts as started once its /readyz answers JSON."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from shared.devstack.embedded import free_port
from shared.devstack.readiness import NotStarted, wait_started
from shared.devstack.supervisor import Backoff, Supervisor

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class Clock:
    """The supervisor's clock, moved by the test: the children are real, the seconds between them are not."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def supervised(tmp_path: Path, code: str) -> tuple[Supervisor, Clock, list[str], list[subprocess.Popen[bytes]]]:
    clock, lines, launched = Clock(), list[str](), list[subprocess.Popen[bytes]]()

    def launch() -> subprocess.Popen[bytes]:
        launched.append(python(code))
        return launched[-1]

    supervisor = Supervisor(lines.append, clock=clock, wall=lambda: datetime(2030, 1, 1, 12, 0, 0))
    supervisor.start("cases", launch, tmp_path / "cases.log")
    return supervisor, clock, lines, launched


def test_back_off_doubles_from_one_second_up_to_thirty() -> None:
    assert [Backoff().delay(n) for n in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_child_that_dies_is_restarted_after_its_back_off_with_one_line_naming_it_its_code_and_its_log(
        tmp_path: Path) -> None:
    supervisor, clock, lines, launched = supervised(tmp_path, "import sys; sys.exit(3)")
    launched[-1].wait()

    supervisor.check()
    assert lines == [f"cases exited with code 3 after 0 s; restarting in 1 s (at 12:00:01); log: {tmp_path}/cases.log"]
    supervisor.check()
    assert len(launched) == 1  # not before its second

    clock.now += 1
    supervisor.check()
    assert len(launched) == 2
    launched[-1].wait()
    supervisor.check()
    assert lines[-1].startswith("cases exited with code 3 after 0 s; restarting in 2 s (at 12:00:02)")

    clock.now += 2
    supervisor.check()
    launched[-1].wait()
    supervisor.check()
    assert len(lines) == 3
    assert "restarting in 4 s" in lines[-1]


def test_a_child_that_ran_a_while_before_dying_starts_over_at_one_second(tmp_path: Path) -> None:
    supervisor, clock, lines, launched = supervised(tmp_path, "import sys; sys.exit(1)")
    for wait in (1, 2, 4):  # three quick deaths: the next would wait 8 s
        launched[-1].wait()
        supervisor.check()
        clock.now += wait
        supervisor.check()
    assert len(launched) == 4

    clock.now += 61  # this one "ran" a minute
    launched[-1].wait()
    supervisor.check()

    assert "after 61 s; restarting in 1 s" in lines[-1]


def test_a_killed_child_is_named_with_its_signal(tmp_path: Path) -> None:
    supervisor, _, lines, launched = supervised(tmp_path, "import time; time.sleep(60)")
    launched[-1].kill()
    launched[-1].wait()

    supervisor.check()

    assert lines[-1].startswith("cases exited with code -9 (SIGKILL) after 0 s; restarting in 1 s")


def test_a_child_that_cannot_start_again_is_tried_again_later(tmp_path: Path) -> None:
    clock, lines, attempts = Clock(), list[str](), list[int]()

    def launch() -> subprocess.Popen[bytes]:
        attempts.append(1)
        if len(attempts) > 1:
            raise RuntimeError("PostgreSQL did not listen on 127.0.0.1:5432 within 30 s")
        return python("import sys; sys.exit(0)")

    supervisor = Supervisor(lines.append, clock=clock, wall=lambda: datetime(2030, 1, 1, 12, 0, 0))
    supervisor.start("PostgreSQL", launch, tmp_path / "postgres.log").process.wait()  # type: ignore[union-attr]
    supervisor.check()
    clock.now += 1
    supervisor.check()

    assert lines[-1].startswith("PostgreSQL could not start (PostgreSQL did not listen on 127.0.0.1:5432 within 30 s)"
                                " after 0 s; restarting in 2 s")
    clock.now += 2
    supervisor.check()
    assert len(attempts) == 3


def test_stopping_ends_every_child_and_restarts_none(tmp_path: Path) -> None:
    supervisor, clock, lines, launched = supervised(tmp_path, "import time; time.sleep(60)")

    def launch_server() -> subprocess.Popen[bytes]:
        launched.append(python("import time; time.sleep(60)"))
        return launched[-1]

    supervisor.start("nats-server", launch_server, tmp_path / "nats.log", stop_last=True)

    supervisor.stop_all()
    clock.now += 60
    supervisor.check()

    assert [p.poll() for p in launched] == [-15, -15]
    assert len(launched) == 2
    assert lines == []


READYZ = """
import http.server, json, sys
status, body = int(sys.argv[2]), json.loads(sys.argv[3])
class Readyz(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Readyz).serve_forever()
"""


def serving(status: int, body: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", READYZ, str(port), str(status), body])
    return process, f"http://127.0.0.1:{port}/readyz"


def test_a_service_whose_relay_is_blocked_counts_as_started_with_the_checks_that_are_not_ok(tmp_path: Path) -> None:
    process, url = serving(503, '{"status": "not_ready", "checks": {"database": "ok", "nats": "ok",'
                                ' "relay": "blocked: event 0190: max_payload exceeded"}}')
    try:
        problems = wait_started("cases", url, process, tmp_path / "cases.log", timeout=30, settle=0)
    finally:
        process.kill()
        process.wait()

    assert problems == ["relay: blocked: event 0190: max_payload exceeded"]


def test_a_ready_service_has_no_problems(tmp_path: Path) -> None:
    process, url = serving(200, '{"status": "ready", "checks": {"database": "ok"}}')
    try:
        assert wait_started("cases", url, process, tmp_path / "cases.log", timeout=30, settle=0) == []
    finally:
        process.kill()
        process.wait()


def test_a_service_that_exits_at_start_fails_naming_its_code_and_log(tmp_path: Path) -> None:
    process = python("import sys; sys.exit(4)")

    with pytest.raises(NotStarted, match=f"cases exited with code 4; see {tmp_path}/cases.log"):
        wait_started("cases", f"http://127.0.0.1:{free_port()}/readyz", process, tmp_path / "cases.log", timeout=30)


def test_a_service_that_never_answers_fails_at_the_timeout(tmp_path: Path) -> None:
    process = python("import time; time.sleep(60)")
    url = f"http://127.0.0.1:{free_port()}/readyz"
    try:
        with pytest.raises(NotStarted, match=f"cases did not answer {url} within 1 s"):
            wait_started("cases", url, process, tmp_path / "cases.log", timeout=1)
    finally:
        process.kill()
        process.wait()
