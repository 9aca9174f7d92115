"""The `hemiao` command: development tokens, the event catalogue, exports and imports, and `make run` itself."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from shared.auth import division_claim_problem, issue_token
from shared.config import existing_development_secret, jwt_secret_file
from shared.contracts import Actor, Role
from shared.contracts.actor import ALL_STATIONS, COVERS_EVERY_STATION
from shared.export_cli import add_parser as add_export
from shared.import_cli import add_parser as add_import


def _refuse(zh: str, en: str) -> NoReturn:
    print(f"{zh}\n{en}", file=sys.stderr)
    sys.exit(2)


def _token(args: argparse.Namespace) -> None:
    role = Role(args.role)
    stations = args.station or ([ALL_STATIONS] if role in COVERS_EVERY_STATION else [])
    if role not in COVERS_EVERY_STATION and (not stations or ALL_STATIONS in stations):
        _refuse(f"{role.value} 的令牌须用 --station <社工站 id> 指定社工站（可重复），"
                "不能用 *（只有区、市、省级角色覆盖全部社工站）",
                f"A {role.value} token names its stations with --station <station id> (repeat for more), not *"
                " (only district, city and provincial roles cover every station)")
    problem = division_claim_problem(role, args.division)
    if problem is not None:
        _refuse(f"--division {args.division or ''} 无效：{role.value} 的行政区划代码{problem[0]}",
                f"--division {args.division or ''} is not valid: a {role.value} token's division code {problem[1]}")
    # Never make a secret here: one made now is not the one the running services verify with.
    secret = existing_development_secret()
    if secret is None:
        _refuse(f"找不到 JWT 密钥：未设置 HEMIAO_JWT_SECRET，{jwt_secret_file()} 也不存在"
                "（先运行 make run，或把 HEMIAO_VAR_DIR 设为运行中系统的 var 目录）",
                f"No JWT secret found: HEMIAO_JWT_SECRET is not set and {jwt_secret_file()} does not exist"
                " (run `make run` first, or set HEMIAO_VAR_DIR to the running stack's var directory)")
    actor = Actor(subject=args.subject, name=args.name or args.subject, role=role, station_ids=tuple(stations),
                  division=args.division)
    print(issue_token(secret, actor, ttl_seconds=args.days * 24 * 3600))


def _asyncapi(_: argparse.Namespace) -> None:
    from shared.contracts.asyncapi import render

    print(render(), end="")


def _run(_: argparse.Namespace) -> None:
    from shared.devstack.run import main

    main()


def _reporting(rest: list[str]) -> None:
    """Reporting's own commands run in its own package (the kernel imports no service): hand over to it."""
    os.execv(sys.executable, [sys.executable, "-m", "services.reporting", *rest])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hemiao", description="禾苗 hemiao: social work stations' back end")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    token = commands.add_parser("token", help="print a development token (HS256: HEMIAO_JWT_SECRET, else the"
                                " secret in HEMIAO_VAR_DIR, else in the project's var/)")
    token.add_argument("--role", choices=[r.value for r in Role], default=Role.SOCIAL_WORKER.value)
    token.add_argument("--station", action="append",
                       help="a station id the token covers (repeat); required for every role but the"
                       " district-wide ones, which default to every station")
    token.add_argument("--division", default=None,
                       help="the GB/T 2260 code the token is bounded by: 2 digits for provincial_department, 4 for"
                       " city_bureau (both required), 6 for district_bureau (optional: without it, every station)")
    token.add_argument("--subject", default="dev-user")
    token.add_argument("--name", default=None)
    token.add_argument("--days", type=int, default=30)
    token.set_defaults(handler=_token)

    commands.add_parser("asyncapi", help="print the AsyncAPI catalogue of events").set_defaults(handler=_asyncapi)
    commands.add_parser("run", help="the whole system on one machine (as `make run`)").set_defaults(handler=_run)
    add_export(commands)
    add_import(commands)
    commands.add_parser("reporting", help="reporting's commands: rebuild [PROJECTION...], replay-parked")

    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["reporting"]:  # listed above for the help; everything after it is reporting's own
        _reporting(given[1:])
    args = parser.parse_args(given)
    args.handler(args)


if __name__ == "__main__":
    main()
