"""`recordCaseSession` through the gateway, A/B: this tree's gateway and cases service against another tree's.

`python -m bench.gateway_ab --base DIR` starts a private hemiao as `make bench` does (bench.stack), loads the demo
data, opens 16 cases, and then runs rounds, alternating the two trees: before each round the cases service and the
gateway are started again from that round's tree (DIR, e.g. `git archive aa16004 | tar -x -C DIR`; or this one),
the other services staying as they are. Each round measures NATS `record_case_session` on 8 distinct cases, then
GraphQL `recordCaseSession` on 8 other distinct cases, 8 closed-loop clients each, and the CPU the gateway and the
cases process used in the measured window (psutil), per request. `--profile` adds a last round of this tree with
py-spy on the gateway and prints its top functions. The machine's load average is printed with every round: on a
shared machine the figures are provisional."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from bench import profiling, workloads
from bench.run import http_clients, nats_clients, open_cases, wait_for_station
from bench.stack import BenchStack, Process, say
from shared.auth import issue_token
from shared.devstack.demo import SYSTEM, load_demo, social_worker, station_id
from shared.natsio import connect
from shared.runtime import ServiceClient

HERE = Path(__file__).resolve().parents[1]
STATION = "HSP"


@dataclass
class Round:
    tree: str
    kind: str
    requests: int = 0
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def ms_per_request(self, process: str) -> float:
        return 1000 * self.cpu.get(process, 0.0) / self.requests if self.requests else 0.0

    def line(self) -> str:
        return (f"{self.tree:>6} {self.kind:<7} {self.rate:7.1f}/s  gateway {self.ms_per_request('gateway'):6.2f} ms"
                f" CPU per request, cases {self.ms_per_request('cases'):5.2f} ms, load generator"
                f" {self.ms_per_request('bench (load generator)'):5.2f} ms; errors {dict(self.errors) or 'none'};"
                f" load {self.load[0]:.2f} {self.load[1]:.2f} {self.load[2]:.2f}")


def spawn(stack: BenchStack, name: str, module: str, ready_url: str, tree: Path) -> Process:
    """Start `python -m module` from `tree` (its code is imported: the tree is the first entry of sys.path)."""
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    log = stack.log_dir / f"{name}.log"
    with open(log, "ab") as out:
        popen = subprocess.Popen([sys.executable, "-m", module], env=stack.env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True, cwd=tree)
    process = Process(name=name, popen=popen, ready_url=ready_url, log=log)
    stack.processes = [p for p in stack.processes if p.name != name] + [process]
    stack._wait_ready(process)
    return process


def use_tree(stack: BenchStack, tree: Path) -> None:
    """The cases service and the gateway started again from `tree`."""
    for name in ("gateway", "cases"):
        if any(p.name == name for p in stack.processes):
            stack.stop_service(name)
    spawn(stack, "cases", "services.cases", f"http://127.0.0.1:{stack.env['CASES_HTTP_PORT']}/readyz", tree)
    spawn(stack, "gateway", "gateway", f"{stack.gateway_base}/readyz", tree)
    say(f"cases and gateway running from {tree}")


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    found = {}
    for name, pid in pids.items():
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            found[name] = times.user + times.system
    return found


async def measured(stack: BenchStack, result: Round, clients: int, warmup: float, seconds: float,
                   operation: Callable[[int], Awaitable[str | None]]) -> Round:
    """Closed loops of `operation`; requests answered and CPU used inside the window after the warm-up."""
    start = time.monotonic()
    window_start, window_end = start + warmup, start + warmup + seconds
    pids = {name: stack.pid(name) for name in ("gateway", "cases")}
    pids["bench (load generator)"] = os.getpid()
    snapshots: list[dict[str, float]] = []

    async def snap() -> None:
        await asyncio.sleep(max(0.0, window_start - time.monotonic()))
        snapshots.append(cpu_seconds(pids))
        await asyncio.sleep(max(0.0, window_end - time.monotonic()))
        snapshots.append(cpu_seconds(pids))

    async def client(n: int) -> None:
        while time.monotonic() < window_end:
            try:
                outcome = await operation(n)
            except Exception as error:
                outcome = type(error).__name__
            if window_start <= time.monotonic() < window_end:
                if outcome is None:
                    result.requests += 1
                else:
                    result.errors[outcome] += 1

    await asyncio.gather(snap(), *(client(n) for n in range(clients)))
    result.seconds = seconds
    result.cpu = {name: snapshots[1][name] - snapshots[0].get(name, 0.0) for name in snapshots[1]}
    result.load = os.getloadavg()
    return result


async def main(args: argparse.Namespace) -> None:
    stack = BenchStack()
    trees = [("base", args.base)] if args.base else []
    trees.append(("branch", HERE))
    rounds: list[Round] = []
    try:
        stack.start_servers()
        stack.start_services()
        worker_actor = social_worker(STATION)
        system = issue_token(stack.secret, SYSTEM, ttl_seconds=7200)
        worker = issue_token(stack.secret, worker_actor, ttl_seconds=7200)
        today = datetime.now(UTC).date()
        held_on = today - timedelta(days=1)
        nc = await connect(stack.env["NATS_URL"], "hemiao-gateway-ab")
        try:
            setup = ServiceClient(nc, stack.namespace, timeout=60.0)
            await load_demo(setup, system)
            await wait_for_station(setup, worker, station_id(STATION))
            case_ids = await open_cases(setup, worker, 2 * args.clients, today - timedelta(days=30))
            nats_cases, graphql_cases = case_ids[:args.clients], case_ids[args.clients:]
            say(f"{len(case_ids)} cases opened")
            plan = [tree for _ in range(args.rounds) for tree in trees]
            for name, tree in plan:
                use_tree(stack, tree)
                async with nats_clients(stack.env["NATS_URL"], stack.namespace, args.clients) as clients:
                    done = await measured(stack, Round(name, "NATS"), args.clients, args.warmup, args.seconds,
                                          workloads.nats_commands(clients, worker, nats_cases, held_on, distinct=True))
                rounds.append(done)
                say(done.line())
                async with http_clients(stack.gateway_base, worker, args.clients, args.client) as http:
                    done = await measured(stack, Round(name, "GraphQL"), args.clients, args.warmup, args.seconds,
                                          workloads.graphql_mutations(http, graphql_cases, held_on, distinct=True))
                rounds.append(done)
                say(done.line())
            if args.profile:
                use_tree(stack, HERE)
                out = stack.root / "gateway-profile.txt"
                recording = profiling.Recording(stack.pid("gateway"), out, in_process=False)
                async with http_clients(stack.gateway_base, worker, args.clients, args.client) as http:
                    done = await measured(stack, Round("branch", "GraphQL"), args.clients, args.warmup, args.seconds,
                                          workloads.graphql_mutations(http, graphql_cases, held_on, distinct=True))
                found = await asyncio.to_thread(recording.stop)
                say(f"profiled round (py-spy attached, slower): {done.line()}")
                print(f"py-spy, the gateway, {found.samples} samples {found.error}")
                for n, (name, own, inclusive) in enumerate(profiling.top_py_spy(out, args.top).entries, 1):
                    print(f"{n:>3} {own:5.1f} {inclusive:5.1f}  {name}")
                if args.keep_profile:
                    await asyncio.to_thread(shutil.copyfile, out, args.keep_profile)
        finally:
            await nc.close()
    finally:
        stack.stop()
        stack.remove()
    print("\nsummary (mean of the rounds per tree and kind):")
    for name, _ in trees:
        for kind in ("NATS", "GraphQL"):
            mine = [r for r in rounds if r.tree == name and r.kind == kind]
            if mine:
                rate = sum(r.rate for r in mine) / len(mine)
                gateway = sum(r.ms_per_request("gateway") for r in mine) / len(mine)
                cases = sum(r.ms_per_request("cases") for r in mine) / len(mine)
                print(f"{name:>6} {kind:<7} {rate:7.1f}/s  gateway {gateway:6.2f} ms CPU/request  cases {cases:5.2f}"
                      f" ms CPU/request  ({len(mine)} rounds: {', '.join(f'{r.rate:.1f}' for r in mine)})")


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.gateway_ab", description=__doc__)
    parser.add_argument("--base", help="the other tree (e.g. an export of aa16004); none: this tree only")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--profile", action="store_true", help="a last round with py-spy on this tree's gateway")
    parser.add_argument("--keep-profile", help="copy py-spy's raw output here")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--client", choices=("httpx", "lean"), default="lean",
                        help="the GraphQL load's HTTP client: bench.lean_http (as make bench), or httpx")
    args = parser.parse_args(argv)
    args.base = Path(args.base).resolve() if args.base else None
    return args


if __name__ == "__main__":
    asyncio.run(main(arguments()))
