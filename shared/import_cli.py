"""`hemiao import KIND FILE --station ID [--commit] [--mode ...]`: preview or commit an import over NATS, with the
caller's token, running the same code as the gateway's previewImport and commitImport (shared.imports.commit).
`hemiao import places FILE --street ID` (or `--station`: its street) imports a street's communities and compounds,
as the bureau. `hemiao import KIND --template FILE` writes the template. The file is read into memory; nothing is
written."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from shared.china import china_today
from shared.contracts.errors import DomainError
from shared.contracts.imports import ImportKind, ImportMode
from shared.imports import commit as importing
from shared.imports.files import MAX_FILE_BYTES
from shared.imports.template import TEMPLATES


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("import", help="import a roster (XLSX or CSV): preview, or --commit; --template"
                                 " writes the template")
    parser.add_argument("kind", choices=importing.KINDS)
    parser.add_argument("file", help="the XLSX or CSV file (with --template: where to write the template)")
    parser.add_argument("--station", help="the station's id or code (HSP)")
    parser.add_argument("--street", help="places: the street's id (default: the --station's street)")
    parser.add_argument("--commit", action="store_true", help="apply the rows (default: preview only)")
    parser.add_argument("--mode", choices=[m.value for m in ImportMode], default=ImportMode.ALL_OR_NOTHING.value)
    parser.add_argument("--import-id", default=None, help="resume this import (default: found by the file)")
    parser.add_argument("--template", action="store_true", help="write the kind's XLSX template to FILE")
    parser.add_argument("--token", default=None, help="a token (default HEMIAO_TOKEN); `hemiao token` makes one")
    parser.set_defaults(handler=run)


def _fail(zh: str, en: str) -> None:
    print(f"{zh}\n{en}", file=sys.stderr)
    sys.exit(2)


def run(args: argparse.Namespace) -> None:
    if args.template:
        Path(args.file).write_bytes(TEMPLATES[args.kind][1]())
        print(f"模板已写入 / template written: {args.file}")
        return
    token = args.token or os.environ.get("HEMIAO_TOKEN")
    if not token:
        _fail("请用 --token 或环境变量 HEMIAO_TOKEN 给出令牌（开发时可用 `hemiao token`）",
              "Give a token with --token or HEMIAO_TOKEN (in development: `hemiao token`)")
    if not args.station and not (args.kind == ImportKind.PLACES and args.street):
        _fail("请用 --station 指定社工站（导入社区与小区可用 --street 指定街道）",
              "Name the station with --station (or, for places, the street with --street)")
    path = Path(args.file)
    if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
        _fail(f"找不到文件或文件过大：{path}", f"No such file, or larger than {MAX_FILE_BYTES} bytes: {path}")
    try:
        asyncio.run(run_import(args, token or "", path.read_bytes()))
    except DomainError as error:
        _fail(error.message.zh, error.message.en)


async def run_import(args: argparse.Namespace, token: str, content: bytes) -> None:
    """Preview or commit `content` (as `hemiao import` read it) over NATS, printing the problems and the outcome."""
    import nats
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from shared.config import NatsSettings
    from shared.natsauth import development_env
    from shared.natsio import client_options
    from shared.runtime import ServiceClient

    console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)  # a file gets whole lines
    nc = await nats.connect(os.environ.get("NATS_URL") or "nats://127.0.0.1:4222",  # fails at once when NATS is down
                            **client_options(NatsSettings.from_env(development_env())))
    try:
        client = ServiceClient(nc, os.environ.get("HEMIAO_NAMESPACE") or "hemiao", timeout=60)
        stations = (await client.call("reporting", "stations", {}, token=token))["stations"]
        station = next((s for s in stations if args.station in (s["station_id"], s.get("code"))), None)
        if station is None and args.station:
            _fail(f"没有这个社工站（或不在您的权限内）：{args.station}",
                  f"No such station, or not yours: {args.station}")
            return
        street_code = None
        if args.kind == ImportKind.PLACES:  # the places are the street's: its id stands where the station's does
            street_id = args.street or (station or {}).get("street_id")
            streets = (await client.call("reporting", "streets", {}, token=token))["streets"]
            street = next((s for s in streets if s["street_id"] == street_id), None)
            if street is None:
                _fail(f"没有这个街道：{street_id}", f"No such street: {street_id}")
                return
            target, street_code, communities = str(street_id), street.get("division_code"), None
        else:
            assert station is not None
            target = station["station_id"]
            communities = importing.communities_of((await client.call(
                "reporting", "communities", {"station_id": target}, token=token))["communities"])

        async def call(service: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
            return await client.call(service, endpoint, body, token=token)

        if not args.commit:
            checked = importing.check(args.kind, content, china_today(), communities, street_code)
            _problems(console, [p.as_dict() for p in checked.problems])
            console.print(f"共 {checked.row_count} 行，{len(checked.rows)} 行无误，"
                          f"{checked.rows_with_problems} 行有问题（预览，未写入） / {checked.row_count} rows, "
                          f"{len(checked.rows)} without problems, "
                          f"{checked.rows_with_problems} with problems (preview: nothing written)")
            return
        with Progress(TextColumn("导入 importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console) as progress:
            task = progress.add_task("rows", total=None)

            def advanced(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = await importing.commit(call, args.kind, target, content, ImportMode(args.mode),
                                            china_today(), communities, args.import_id, on_progress=advanced,
                                            street_code=street_code)
        _problems(console, result["problems"])
        console.print(f"导入 {result['import_id']}：新登记 {result['registered']}，更新 {result['updated']}，未变"
                      f" {result['unchanged']}，结束类别 {result['ended']} / registered {result['registered']}, "
                      f"updated {result['updated']}, unchanged {result['unchanged']}, ended {result['ended']}"
                      + ("（此文件已导入过 / this file was imported before）" if result["already_imported"] else ""))
    finally:
        await nc.close()


def _problems(console: Any, problems: list[dict[str, Any]]) -> None:
    if not problems:
        return
    from rich.table import Table

    table = Table("行 row", "列 column", "值 value", "问题", "problem")
    for p in problems:
        table.add_row(str(p["row"]), p["column"], p["value"], p["message_zh"], p["message_en"])
    console.print(table)
