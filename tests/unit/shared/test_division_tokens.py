"""Tokens bounded by a division (GB/T 2260): the city bureau's 4 digits and the provincial department's 2 are
required, a district bureau's 6 optional, and no other role carries one; `hemiao token --division` makes them and
refuses what verification would, in both languages."""

from __future__ import annotations

import pytest

from shared.auth import InvalidToken, issue_token, verify_token
from shared.config import AuthSettings
from shared.contracts import Actor, Role
from tests.clock import at_the_machines_time
from tests.unit.shared.test_cli import hemiao

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

SECRET = "a-secret-long-enough-for-hs256-keys"
AUTH = AuthSettings(secret=SECRET)


def actor(role: Role, division: str | None, stations: tuple[str, ...] = ("*",)) -> Actor:
    return Actor(subject="s", name="n", role=role, station_ids=stations, division=division)


@pytest.mark.parametrize(("role", "division"), [(Role.CITY_BUREAU, "4301"), (Role.PROVINCIAL_DEPARTMENT, "43"),
                                                (Role.DISTRICT_BUREAU, "430103"), (Role.DISTRICT_BUREAU, None)])
def test_a_division_token_verifies_with_its_division(role: Role, division: str | None) -> None:
    verified = verify_token(issue_token(SECRET, actor(role, division)), AUTH)

    assert (verified.role, verified.division, verified.station_ids) == (role, division, ("*",))
    assert verified.sees_every_station is (division is None)  # bounded: only the stations under it, once resolved
    assert verified.may_act_for("any-station") is (division is None)
    assert verify_token(issue_token(SECRET, actor(role, None), division=division), AUTH) == verified


@pytest.mark.parametrize(("role", "division", "said"), [
    (Role.CITY_BUREAU, None, "is missing"), (Role.PROVINCIAL_DEPARTMENT, None, "is missing"),
    (Role.CITY_BUREAU, "43", "must have 4 digits"), (Role.PROVINCIAL_DEPARTMENT, "4301", "must have 2 digits"),
    (Role.DISTRICT_BUREAU, "4301", "must have 6 digits"), (Role.CITY_BUREAU, "4300", "cannot end in 00"),
    (Role.CITY_BUREAU, "43a1", "must be a GB/T 2260 code"), (Role.SOCIAL_WORKER, "430103", "does not apply"),
    (Role.SYSTEM, "43", "does not apply")])
def test_a_wrong_division_is_an_invalid_token_saying_what_is_wrong(role: Role, division: str | None,
                                                                   said: str) -> None:
    with pytest.raises(InvalidToken) as refused:
        verify_token(issue_token(SECRET, actor(role, division, ("station-1",))), AUTH)

    assert refused.value.code == "invalid_token"
    assert said in refused.value.message.en and "division" in refused.value.message.en
    assert "行政区划" in refused.value.message.zh


def test_a_divisioned_actor_covers_the_codes_under_it() -> None:
    city = actor(Role.CITY_BUREAU, "4301")

    assert city.reads_only and not actor(Role.DISTRICT_BUREAU, "430103").reads_only
    assert city.covers_division("430103") and city.covers_division("430103012000")
    assert not city.covers_division("4302") and not city.covers_division("43") and not city.covers_division(None)
    assert city.as_metadata()["division"] == "4301" and "division" not in actor(Role.SYSTEM, None).as_metadata()


def test_hemiao_token_makes_a_city_token_and_refuses_one_without_its_division() -> None:
    made = hemiao("token", "--role", "city_bureau", "--division", "4301", env={"HEMIAO_JWT_SECRET": SECRET})
    missing = hemiao("token", "--role", "provincial_department", env={"HEMIAO_JWT_SECRET": SECRET})
    wrong = hemiao("token", "--role", "city_bureau", "--division", "430103", env={"HEMIAO_JWT_SECRET": SECRET})

    assert made.returncode == 0, made.stderr
    with at_the_machines_time():  # the token was signed by a process at the machine's time
        verified = verify_token(made.stdout.strip(), AUTH)
    assert (verified.role, verified.division, verified.station_ids) == (Role.CITY_BUREAU, "4301", ("*",))
    assert (missing.returncode, missing.stdout) == (2, "")
    assert "--division" in missing.stderr and "行政区划代码不能为空" in missing.stderr
    assert "is missing" in missing.stderr
    assert wrong.returncode == 2 and "must have 4 digits" in wrong.stderr and "应为 4 位数字" in wrong.stderr
