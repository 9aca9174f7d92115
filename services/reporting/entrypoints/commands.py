"""Reporting's operator commands: `python -m services.reporting rebuild|replay-parked` (also `hemiao reporting`)."""

from __future__ import annotations

import argparse
import asyncio
import sys

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from services.reporting.entrypoints.service import MIGRATIONS, SOURCES
from services.reporting.projections import projections
from services.reporting.rebuild import CONSUMER, RebuildFailed, RebuildProgress, RebuildRefused, choose, rebuild
from shared.config import ServiceSettings
from shared.consumer import consumer_name, replay_parked
from shared.migrations import migrate
from shared.natsio import connect, ensure_event_stream


async def replay() -> int:
    """Replay every consumer's parked events; 0 when none is left parked."""
    settings = ServiceSettings.from_env("reporting")
    await migrate(settings.database_url, [MIGRATIONS])
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        left = 0
        for source in SOURCES:
            name = consumer_name(CONSUMER, source)
            applied, still = await replay_parked(pool, name, projections())
            print(f"{name}: {applied} parked events applied, {still} still parked", flush=True)
            left += still
        return 0 if left == 0 else 1
    finally:
        await pool.close()


async def rebuild_command(names: list[str]) -> int:
    """Rebuild the named projections (all when none is named) with a progress bar; 0 once swapped in."""
    console = Console(stderr=True)
    try:
        chosen = choose(projections(), names)
    except RebuildRefused as refused:
        console.print(f"[red]{refused.message.zh}\n{refused.message.en}[/red]")
        return 2
    settings = ServiceSettings.from_env("reporting")
    await migrate(settings.database_url, [MIGRATIONS])
    nc = await connect(settings.nats_url, "hemiao-reporting-rebuild")
    js = nc.jetstream()
    for source in SOURCES:
        await ensure_event_stream(js, settings.namespace, source, owner=False)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:>8.0f} events/s"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as bar:
            task: TaskID = bar.add_task(f"重建 rebuilding {', '.join(p.name for p in chosen)}", total=None, rate=0.0)

            def show(progress: RebuildProgress) -> None:
                bar.update(task, total=progress.total or None, completed=progress.done,
                           rate=progress.events_per_second, description=f"{progress.phase:<9}")

            outcome = await rebuild(settings.database_url, js, settings.namespace, SOURCES, projections(), chosen,
                                    on_progress=show)
    except RebuildRefused as refused:
        console.print(f"[red]{refused.message.zh}\n{refused.message.en}[/red]")
        return 2
    except RebuildFailed as failed:
        console.print(f"[red]重建失败，在用的读模型没有变化。Rebuild failed: {failed}[/red]")
        return 1
    finally:
        await nc.close()
    rate = outcome.events / outcome.seconds if outcome.seconds else 0.0
    console.print(f"已重建并切换 {', '.join(outcome.projections)}: {outcome.events} 个事件, {outcome.seconds:.1f} 秒"
                  f" ({rate:.0f}/秒)\nRebuilt and swapped in {', '.join(outcome.projections)}: {outcome.events}"
                  f" events in {outcome.seconds:.1f} s ({rate:.0f} events/s)")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hemiao reporting", description="禾苗 reporting: 读模型与报表")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("rebuild", help="rebuild read models from the first event and swap them in, with"
                                                " no downtime (all when none is named)")
    build.add_argument("projections", nargs="*", metavar="PROJECTION",
                       help=f"one of: {', '.join(p.name for p in projections())}")
    commands.add_parser("replay-parked", help="apply the parked events again, after a projection was fixed")
    args = parser.parse_args(argv)
    if args.command == "rebuild":
        return asyncio.run(rebuild_command(args.projections))
    return asyncio.run(replay())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
