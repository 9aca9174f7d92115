"""`hemiao export`: a report as XLSX or CSV from the command line, through the gateway's GraphQL API (the same
mutations, the same scope as the caller's token, the same files)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

EXPORTED = "__typename ... on ExportReady { url filename } ... on UserError { code field messageZh messageEn }"
KINDS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "station-month": ("exportStationMonth", {"station": ("stationId", "ID!"), "month": ("month", "String!")}),
    "district-month": ("exportDistrictMonth", {"month": ("month", "String!")}),
    "cases": ("exportCaseList", {"station": ("stationId", "ID"), "status": ("status", "CaseStatus")}),
    "volunteer-certificate": ("exportVolunteerCertificate", {"volunteer": ("volunteerId", "ID!")}),
    "project-outputs": ("exportProjectOutputs", {"project": ("projectId", "ID!")}),
}
"""Each kind's mutation, and its options: the mutation's argument and its GraphQL type (! when required)."""


class ExportError(Exception):
    pass


def default_gateway() -> str:
    """HEMIAO_GATEWAY_URL, else where the gateway listens (GATEWAY_HOST, GATEWAY_PORT, as `python -m gateway`);
    a gateway bound to every address is reached on loopback."""
    url = os.environ.get("HEMIAO_GATEWAY_URL")
    if url:
        return url.rstrip("/")
    host = os.environ.get("GATEWAY_HOST") or "127.0.0.1"
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{f'[{host}]' if ':' in host else host}:{os.environ.get('GATEWAY_PORT') or '8000'}"


def _post(gateway: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(f"{gateway}/graphql", data=json.dumps({"query": query, "variables": variables})
                                     .encode(), headers={"Authorization": f"Bearer {token}",
                                                         "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            body: dict[str, Any] = json.loads(answer.read())
    except urllib.error.URLError as error:
        raise ExportError(f"无法连接网关 {gateway}：{error.reason}\nCannot reach the gateway at {gateway}: "
                          f"{error.reason}") from error
    if body.get("errors"):
        first = body["errors"][0]
        extensions = first.get("extensions") or {}
        raise ExportError(f"{extensions.get('messageZh') or first['message']}\n"
                          f"{extensions.get('messageEn') or first['message']}")
    return body


def _station_id(gateway: str, token: str, station: str) -> str:
    """A station's id from its id or its code (HSP)."""
    stations = _post(gateway, token, "{ stations { id code } }", {})["data"]["stations"]
    found = [s["id"] for s in stations if station in (s["id"], s["code"], s["code"].lower())]
    if not found:
        raise ExportError(f"没有这个社工站（或不在您的权限内）：{station}\nNo such station, or not yours: {station}")
    return str(found[0])


def export(args: argparse.Namespace) -> Path:
    """Ask the gateway for the file and save it; its path."""
    token = args.token or os.environ.get("HEMIAO_TOKEN")
    if not token:
        raise ExportError("请用 --token 或环境变量 HEMIAO_TOKEN 给出令牌（开发时可用 `hemiao token`）\n"
                          "Give a token with --token or HEMIAO_TOKEN (in development: `hemiao token`)")
    mutation, options = KINDS[args.kind]
    missing = [f"--{name}" for name, (_, kind) in options.items() if kind.endswith("!") and not getattr(args, name)]
    if missing:
        needed = " ".join(missing)
        raise ExportError(f"{args.kind} 需要 {needed}\n{args.kind} needs {needed}")
    variables = {"station": args.station and _station_id(args.gateway, token, args.station), "month": args.month,
                 "status": args.status and args.status.upper(), "volunteer": args.volunteer,
                 "project": args.project}
    declared = "".join(f"${name}: {kind}, " for name, (_, kind) in options.items())
    arguments = "".join(f"{argument}: ${name}, " for name, (argument, _) in options.items())
    query = (f"mutation ({declared}$format: ExportFormat!) {{ {mutation}({arguments}format: $format)"
             f" {{ {EXPORTED} }} }}")
    answer = _post(args.gateway, token, query, {**{name: variables[name] for name in options},
                                                "format": args.format.upper()})["data"][mutation]
    if answer["__typename"] != "ExportReady":
        raise ExportError(f"{answer['messageZh']}（{answer['field']}）\n{answer['messageEn']} ({answer['field']})")
    target = Path(args.output) if args.output else Path(answer["filename"])
    with urllib.request.urlopen(f"{args.gateway}{answer['url']}", timeout=60) as download:
        target.write_bytes(download.read())
    return target


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("export", help="a report as XLSX or CSV, through the gateway (as its GraphQL)")
    parser.add_argument("kind", choices=list(KINDS))
    parser.add_argument("--station", help="station id or code (HSP); for station-month, and cases (else all)")
    parser.add_argument("--month", help="YYYY-MM, for station-month and district-month")
    parser.add_argument("--status", choices=["open", "closed"], help="cases: only open or closed ones")
    parser.add_argument("--volunteer", help="volunteer id, for volunteer-certificate")
    parser.add_argument("--project", help="project id, for project-outputs")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--output", "-o", help="where to save it (default: the file's own name, here)")
    parser.add_argument("--token", help="the caller's token (default: HEMIAO_TOKEN)")
    parser.add_argument("--gateway", default=default_gateway(),
                        help="the gateway's address (default: HEMIAO_GATEWAY_URL, else http://GATEWAY_HOST:GATEWAY_PORT,"
                        " else http://127.0.0.1:8000)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> None:
    try:
        print(export(args))
    except ExportError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
