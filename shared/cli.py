"""The `hemiao` command: development tokens, the event catalogue, and `make run` itself."""

from __future__ import annotations

import argparse
import os
import sys

from shared.auth import issue_token
from shared.config import development_secret
from shared.contracts import Actor, Role
from shared.export_cli import add_parser as add_export


def _token(args: argparse.Namespace) -> None:
    actor = Actor(subject=args.subject, name=args.name or args.subject, role=Role(args.role),
                  station_ids=tuple(args.station or ["*"]))
    print(issue_token(development_secret(), actor, ttl_seconds=args.days * 24 * 3600))


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

    token = commands.add_parser("token", help="print a development token (HS256, the secret in ./var)")
    token.add_argument("--role", choices=[r.value for r in Role], default=Role.SOCIAL_WORKER.value)
    token.add_argument("--station", action="append", help="a station id the token covers (repeat; default: all)")
    token.add_argument("--subject", default="dev-user")
    token.add_argument("--name", default=None)
    token.add_argument("--days", type=int, default=30)
    token.set_defaults(handler=_token)

    commands.add_parser("asyncapi", help="print the AsyncAPI catalogue of events").set_defaults(handler=_asyncapi)
    commands.add_parser("run", help="the whole system on one machine (as `make run`)").set_defaults(handler=_run)
    add_export(commands)
    commands.add_parser("reporting", help="reporting's commands: rebuild [PROJECTION...], replay-parked")

    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["reporting"]:  # listed above for the help; everything after it is reporting's own
        _reporting(given[1:])
    args = parser.parse_args(given)
    args.handler(args)


if __name__ == "__main__":
    main()
