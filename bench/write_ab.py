"""The write path alone, short: `record_case_session` over NATS on distinct cases, with the cases process's CPU per
command and (optionally) a py-spy profile. For A/B runs of two versions of
the code in one sitting: run it from each tree in turn (`cd <tree> && <venv>/bin/python -m bench.write_ab`), it
imports the code of the directory it runs in. It uses only what `bench.run` has long had, so it also runs from an
older tree copied beside it.

Its figures are not the recorded bench (`make bench`): they print the load average, and a loaded machine's are
provisional."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta

from bench import profiling, workloads
from bench.run import STATION, Phases, cases_warmed, nats_clients
from bench.stack import BenchStack, say
from shared.auth import issue_token
from shared.devstack.demo import SYSTEM, social_worker
from shared.natsio import connect
from shared.runtime import ServiceClient


async def measure(stack: BenchStack, args: argparse.Namespace) -> dict[str, object]:
    system = issue_token(stack.secret, SYSTEM, ttl_seconds=7200)
    worker = issue_token(stack.secret, social_worker(STATION), ttl_seconds=7200)
    today = datetime.now(UTC).date()
    held_on = today - timedelta(days=1)
    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-ab")
    phases = Phases(stack)
    try:
        setup = ServiceClient(nc, stack.namespace, timeout=60.0)
        cases = await cases_warmed(setup, system, worker, args.clients, today)
        recording = None
        if args.profile:
            recording = profiling.Recording(stack.pid("cases"), stack.root / "cases-profile.txt", in_process=False)
        async with nats_clients(stack.env["NATS_URL"], stack.namespace, args.clients) as clients:
            result = await phases.run("NATS distinct", lambda: workloads.with_endpoint_busy(
                nc, stack.namespace, "cases", "record_case_session", workloads.closed_loop(
                    "NATS, distinct cases", args.clients, args.warmup, args.seconds,
                    workloads.nats_commands(clients, worker, cases, held_on, distinct=True))))
        profile = recording.stop() if recording is not None else None
        if recording is not None and args.keep_profile and recording.out.exists():
            shutil.copyfile(recording.out, args.keep_profile)
    finally:
        await nc.close()
    cpu = phases.cpu["NATS distinct"]
    wall = phases.wall["NATS distinct"]
    served = int(result.extra["endpoint_requests"])  # warm-up and window, as the CPU figure is
    return {
        "tree": os.getcwd(), "load_average": [round(x, 2) for x in os.getloadavg()],
        "commands_per_second": round(result.rate, 1), "p50_ms": round(result.p50, 2), "p99_ms": round(result.p99, 2),
        "errors": dict(result.errors), "measured": result.ok, "served_while_measured": served,
        "cases_cpu_percent": round(cpu.get("cases", 0.0), 1),
        "postgres_cpu_percent": round(cpu.get("postgres", 0.0), 1),
        "cases_cpu_ms_per_command": round(cpu.get("cases", 0.0) / 100 * wall / max(1, served) * 1000, 3),
        "profile": None if profile is None else [list(e) for e in profile.entries],
        "profile_samples": None if profile is None else profile.samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.write_ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--profile", action="store_true", help="py-spy the cases process during the window")
    parser.add_argument("--keep-profile", default="", help="copy py-spy's raw stacks to this file")
    args = parser.parse_args(argv)
    stack = BenchStack()
    started = time.monotonic()
    try:
        stack.start_servers()
        stack.start_services()
        found = asyncio.run(measure(stack, args))
    finally:
        stack.stop()
        stack.remove()
    found["seconds_in_all"] = round(time.monotonic() - started, 1)
    say(json.dumps(found, ensure_ascii=False))
    print(json.dumps(found, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
