"""The `hemiao` command: tokens the running services accept, exports to where the gateway listens, and reporting's
own commands handed over to reporting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from shared.auth import verify_token
from shared.config import AuthSettings
from shared.contracts import Role
from tests.clock import at_the_machines_time

PROJECT = Path(__file__).resolve().parents[3]
STATION = "18d63882-5300-58b2-aca9-1dd7b813516e"


def hemiao(*argv: str, cwd: Path | None = None, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: run from another directory, still this checkout's code (not whichever one is installed).
    given = {k: v for k, v in os.environ.items() if k not in ("HEMIAO_JWT_SECRET", "HEMIAO_VAR_DIR",
                                                              "HEMIAO_GATEWAY_URL", "GATEWAY_HOST", "GATEWAY_PORT")}
    return subprocess.run([sys.executable, "-m", "shared.cli", *argv], capture_output=True, text=True, timeout=60,
                          check=False, cwd=cwd or PROJECT, env={**given, "PYTHONPATH": str(PROJECT), **(env or {})})


def a_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends: nothing listens there


def test_reporting_rebuild_refuses_an_unknown_projection_naming_the_known_ones_in_both_languages() -> None:
    refused = hemiao("reporting", "rebuild", "nosuch")

    assert refused.returncode == 2
    assert "没有这个读模型: nosuch" in refused.stderr
    assert "No such projection: nosuch; the projections are: places, cases, disclosures" in " ".join(
        refused.stderr.split())


def test_reportings_help_is_reportings_own() -> None:
    shown = hemiao("reporting", "rebuild", "--help")

    assert shown.returncode == 0
    assert "one of: places, cases, disclosures, timeline, work" in shown.stdout


def test_a_token_made_from_another_directory_is_signed_with_the_secret_in_hemiao_var_dir(tmp_path: Path) -> None:
    stack_var, elsewhere = tmp_path / "stack-var", tmp_path / "elsewhere"
    stack_var.mkdir()
    elsewhere.mkdir()
    secret = "the-running-stacks-secret-long-enough-for-hs256"
    (stack_var / "jwt-secret").write_text(f"{secret}\n")

    made = hemiao("token", "--role", "station_head", "--station", STATION, cwd=elsewhere,
                  env={"HEMIAO_VAR_DIR": str(stack_var)})

    assert made.returncode == 0, made.stderr
    with at_the_machines_time():  # the token was signed by a process at the machine's time
        actor = verify_token(made.stdout.strip(), AuthSettings(secret=secret))
    assert (actor.role, actor.station_ids) == (Role.STATION_HEAD, (STATION,))
    assert list(elsewhere.iterdir()) == []


def test_a_token_without_any_secret_is_refused_in_both_languages_and_makes_none(tmp_path: Path) -> None:
    empty_var, elsewhere = tmp_path / "empty-var", tmp_path / "elsewhere"
    empty_var.mkdir()
    elsewhere.mkdir()

    refused = hemiao("token", "--role", "district_bureau", cwd=elsewhere, env={"HEMIAO_VAR_DIR": str(empty_var)})

    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "找不到 JWT 密钥" in refused.stderr
    assert f"No JWT secret found: HEMIAO_JWT_SECRET is not set and {empty_var / 'jwt-secret'} does not exist" in (
        refused.stderr)
    assert list(empty_var.iterdir()) == [] and list(elsewhere.iterdir()) == []


def test_hemiao_jwt_secret_comes_before_any_file(tmp_path: Path) -> None:
    made = hemiao("token", "--role", "district_bureau", cwd=tmp_path,
                  env={"HEMIAO_JWT_SECRET": "a-secret-from-the-environment-long-enough",
                       "HEMIAO_VAR_DIR": str(tmp_path)})

    assert made.returncode == 0, made.stderr
    with at_the_machines_time():  # the token was signed by a process at the machine's time
        actor = verify_token(made.stdout.strip(), AuthSettings(secret="a-secret-from-the-environment-long-enough"))
    assert (actor.role, actor.station_ids) == (Role.DISTRICT_BUREAU, ("*",))
    assert list(tmp_path.iterdir()) == []


def test_a_station_role_without_a_station_is_refused_in_both_languages(tmp_path: Path) -> None:
    for role in ("social_worker", "station_head", "supervisor", "project_director"):
        refused = hemiao("token", "--role", role, env={"HEMIAO_JWT_SECRET": "a-secret-long-enough-for-hs256-keys"})

        assert refused.returncode == 2, role
        assert refused.stdout == ""
        assert f"{role} 的令牌须用 --station" in refused.stderr
        assert f"A {role} token names its stations with --station" in refused.stderr


def test_a_station_role_is_never_given_every_station() -> None:
    refused = hemiao("token", "--role", "social_worker", "--station", STATION, "--station", "*",
                     env={"HEMIAO_JWT_SECRET": "a-secret-long-enough-for-hs256-keys"})

    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "not *" in refused.stderr


def test_export_goes_to_gateway_host_and_gateway_port_naming_them_when_nothing_answers() -> None:
    port = a_closed_port()

    failed = hemiao("export", "district-month", "--month", "2026-11", "--token", "t",
                    env={"GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port)})

    assert failed.returncode == 2
    assert f"无法连接网关 http://127.0.0.1:{port}" in failed.stderr
    assert f"Cannot reach the gateway at http://127.0.0.1:{port}" in failed.stderr


def test_export_reaches_a_gateway_bound_to_every_address_on_loopback() -> None:
    port = a_closed_port()

    failed = hemiao("export", "district-month", "--month", "2026-11", "--token", "t",
                    env={"GATEWAY_HOST": "0.0.0.0", "GATEWAY_PORT": str(port)})

    assert f"Cannot reach the gateway at http://127.0.0.1:{port}" in failed.stderr


def test_a_token_made_from_another_directory_uses_the_projects_var_and_makes_no_var_there(tmp_path: Path) -> None:
    answered = hemiao("token", "--role", "district_bureau", cwd=tmp_path)

    assert list(tmp_path.iterdir()) == []
    project_secret = PROJECT / "var" / "jwt-secret"
    if project_secret.is_file():  # a `make run` of this checkout has made one: the token is signed with it
        with at_the_machines_time():  # the token was signed by a process at the machine's time
            actor = verify_token(answered.stdout.strip(), AuthSettings(secret=project_secret.read_text().strip()))
        assert actor.role == Role.DISTRICT_BUREAU
    else:
        assert answered.returncode == 2
        assert f"{project_secret} does not exist" in answered.stderr
