"""`make bench-abuse`: other users' latency while anonymous and signed-in clients abuse the gateway (20 MB bodies,
comment-only documents, expensive nested queries, far-future consistency tokens). Starts a private hemiao on
127.0.0.1 (as `make run` does), sends only to it, bounded in count and time; writes bench/ABUSE.md."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import machine
from bench.stack import BenchStack, say
from bench.stats import percentile
from gateway.consistency import ConsistencyTokens, token_key
from gateway.schema import MAX_QUERY_CHARS
from shared.auth import issue_token
from shared.contracts import Actor, Role
from shared.devstack.demo import SYSTEM, load_demo, social_worker, station_id
from shared.devstack.embedded import EmbeddedNats
from shared.natsio import connect
from shared.runtime import ServiceClient

RESULTS = Path(__file__).parent / "ABUSE.md"
VICTIM_QUERY = "{ me { subject } cases(first: 10) { totalCount edges { node { id status sessionCount } } } }"
MAX_REQUESTS = 2000
"""No attacker process sends more than this many requests, whatever the time box."""


def _comment_query(size: int) -> str:
    return "#" + "x" * (size - 40) + "\n{ __typename }"


FAR_FUTURE = [{"service": "cases", "stream_id": "case-00000000-0000-4000-8000-000000000000", "version": 10**9}]
FORGED_TOKEN = ConsistencyTokens(b"\0" * 32).sign(FAR_FUTURE)
"""The shape of a real token for version 10^9, signed with a key the gateway does not have."""
SIGNED_TOKEN = "%SIGNED_TOKEN%"
"""Stands for a token the gateway itself signed for version 10^9 (the attacker is given it): a wait that never ends
but for its bound, the worst a leaked or stale token can do."""
TOKEN_QUERY = "query($t: String) { cases(first: 10, consistencyToken: $t) { totalCount } }"


ATTACKS: dict[str, dict[str, Any]] = {
    "20 MB bodies (anonymous)": {"body": json.dumps({"query": _comment_query(20 * 1024 * 1024)})},
    "1 MB comment-only documents (anonymous, under the body limit)": {
        "body": json.dumps({"query": _comment_query(1024 * 1024 - 100)})},
    "32 KB comment-only documents (anonymous, under every limit)": {
        "body": json.dumps({"query": _comment_query(MAX_QUERY_CHARS - 10)})},
    "100 × 10 × 10 nested query (signed in, refused as too costly)": {
        "body": json.dumps({"query": "{ cases(first: 100) { edges { node { id servicePlans { goals"
                                     " { description } } } } } }"}), "signed_in": True},
    "100 cases with sessions and timeline (signed in, allowed: cost 2,100)": {
        "body": json.dumps({"query": "{ cases(first: 100) { edges { node { id sessions(first: 10) { edges { node {"
                                     " heldOn notes } } }"
                                     " timeline { eventType recordedAt } } } } }"}), "signed_in": True},
    "128 far-future forged tokens (signed in, refused before any wait)": {
        "body": json.dumps({"query": TOKEN_QUERY, "variables": {"t": FORGED_TOKEN}}), "signed_in": True,
        "attackers": 128},
    "128 far-future tokens the gateway signed (signed in, waits bounded per caller)": {
        "body": json.dumps({"query": TOKEN_QUERY, "variables": {"t": SIGNED_TOKEN}}), "signed_in": True,
        "attackers": 128},
}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.abuse", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="how long each phase lasts")
    parser.add_argument("--attackers", type=int, default=3, help="concurrent abusive clients per phase")
    parser.add_argument("--attack", help=argparse.SUPPRESS)  # an attacker process: the attack's name
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--signed-token", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


@dataclass
class Latencies:
    values: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def p50(self) -> float:
        return percentile(self.values, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.values, 0.99)


async def victim(base: str, token: str, seconds: float) -> Latencies:
    """One signed-in social worker asking for their cases, one query after another."""
    found = Latencies()
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(found.values) < MAX_REQUESTS:
            started = time.perf_counter()
            answer = await http.post("/graphql", json={"query": VICTIM_QUERY},
                                     headers={"authorization": f"Bearer {token}"})
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code == 200 and "errors" not in answer.json():
                found.values.append(elapsed)
            else:
                found.failures[str(answer.status_code)] += 1
    return found


async def attack(base: str, name: str, token: str, signed_token: str, attackers: int,
                 seconds: float) -> Counter[str]:
    """`attackers` clients (or the attack's own number) sending its body as fast as they are answered; what they
    were answered."""
    spec = ATTACKS[name]
    body = spec["body"].replace(SIGNED_TOKEN, signed_token).encode()
    attackers = spec.get("attackers", attackers)
    headers = {"content-type": "application/json"}
    if spec.get("signed_in"):
        headers["authorization"] = f"Bearer {token}"
    outcomes: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    async def one() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while time.monotonic() < deadline and sum(outcomes.values()) < MAX_REQUESTS:
                try:
                    answer = await http.post("/graphql", content=body, headers=headers)
                    errors = answer.json().get("errors")  # an error without a code (invalid) is no "ok"
                    code = errors[0].get("extensions", {}).get("code", "uncoded") if errors else "ok"
                    outcomes[f"{answer.status_code} {code}"] += 1
                except httpx.HTTPError as error:
                    outcomes[type(error).__name__] += 1

    await asyncio.gather(*(one() for _ in range(attackers)))
    return outcomes


async def phase(stack: BenchStack, name: str | None, victim_token: str, attacker_token: str,
                args: argparse.Namespace) -> tuple[Latencies, Counter[str]]:
    """The victim's latency while (if `name`) an attacker process runs that attack alongside."""
    process = None
    if name is not None:
        # a process of its own, so that building and sending 20 MB never delays the victim's client
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.abuse", "--attack", name, "--base", stack.gateway_base,
            "--token", attacker_token, "--signed-token", signed_token(stack), "--attackers", str(args.attackers),
            "--seconds", str(args.seconds + 1),
            stdout=asyncio.subprocess.PIPE)
        await asyncio.sleep(1)  # the attack is under way
    measured = await victim(stack.gateway_base, victim_token, args.seconds)
    outcomes: Counter[str] = Counter()
    if process is not None:
        out, _ = await process.communicate()
        outcomes = Counter(json.loads(out.decode().strip().splitlines()[-1]))
    return measured, outcomes


def signed_token(stack: BenchStack) -> str:
    """A token for version 10^9 signed with the key of this stack's gateway (which made it into its var/)."""
    export_key = base64.b64decode((stack.root / "var" / "export-key").read_text().strip())
    return ConsistencyTokens(token_key(export_key)).sign(FAR_FUTURE)


async def measure(stack: BenchStack, args: argparse.Namespace) -> dict[str, Any]:
    assert stack.postgres is not None
    facts = await machine.facts(stack.dsn("postgres"), stack.postgres.bin_dir, EmbeddedNats.binary())
    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-abuse")
    try:
        await load_demo(ServiceClient(nc, stack.namespace, timeout=30.0),
                        issue_token(stack.secret, SYSTEM, ttl_seconds=3600))
    finally:
        await nc.close()
    victim_token = issue_token(stack.secret, social_worker("HSP"), ttl_seconds=3600)
    attacker = Actor(subject="bench-attacker", name="压测", role=Role.SOCIAL_WORKER, station_ids=(station_id("HSP"),))
    attacker_token = issue_token(stack.secret, attacker, ttl_seconds=3600)
    await victim(stack.gateway_base, victim_token, 2)  # warm up
    rows: list[tuple[str, Latencies, Counter[str]]] = []
    for name in (None, *ATTACKS):
        measured, outcomes = await phase(stack, name, victim_token, attacker_token, args)
        rows.append((name or "idle", measured, outcomes))
        say(f"{name or 'idle'}: {len(measured.values)} answers, p50 {measured.p50:.1f} ms, p99 {measured.p99:.1f} ms;"
            f" failed {dict(measured.failures)}; attackers were answered {dict(outcomes)}")
        stack.check_alive()
    return {"facts": facts, "rows": rows, "args": args}


def write(result: dict[str, Any], started: datetime) -> None:
    args = result["args"]
    rows: list[tuple[str, Latencies, Counter[str]]] = result["rows"]
    idle = rows[0][1]
    facts = "\n".join(f"- **{k}**: {v}" for k, v in result["facts"].items())
    table = "\n".join(
        f"| {name} | {len(m.values)} | {sum(m.failures.values())} | {m.p50:.1f} | {m.p99:.1f} |"
        f" {m.p50 / idle.p50:.2f}× | {m.p99 / idle.p99:.2f}× |"
        f" {', '.join(f'{k}: {v}' for k, v in sorted(outcomes.items())) or '–'} |"
        for name, m, outcomes in rows)
    RESULTS.write_text(f"""# Abuse bench

`make bench-abuse` (`bench/abuse.py`), run {started:%Y-%m-%d %H:%M} UTC. A private hemiao on 127.0.0.1 (embedded
PostgreSQL and nats-server, the three services and the gateway as processes, the demo data loaded). One signed-in
social worker asks `{{ me cases(first: 10) {{ … }} }}` one query after another for {args.seconds:.0f} s per phase,
first idle, then while {args.attackers} abusive clients (in a process of their own) send one kind of request as fast
as they are answered (128 clients for the token phases). Latency is the victim's, in ms; "×" is the ratio to idle.

{facts}

| phase | victim answers | victim failures | p50 ms | p99 ms | p50 vs idle | p99 vs idle | attackers were answered |
| --- | --- | --- | --- | --- | --- | --- | --- |
{table}

The gateway's limits (see `docs/operations.md`, "Limits at the gateway"): bodies over 1 MiB are refused with 413
before a byte is parsed (the rest of the body is read and dropped so the client can read the answer); documents over
{MAX_QUERY_CHARS:,} characters are refused before they are lexed; queries over the cost limit are refused before any
resolver runs; each caller has at most 8 requests in flight; a consistency token is checked before any wait, a
wait lasts at most 5 s, outside reporting's request slots, and a caller waits on at most 4 tokens at once (beyond
that answered at once, marked stale); each caller has a budget of points (20,000, refilled at 2,000 a second;
anonymous addresses 2,000 at 50 a second), charged 10 a request before its body is read, the query's cost, and
1,000 for a body or document refused as too large, and a caller below zero is answered 429 unread.
Everything shares 2 cores with the bench's own clients.
""")


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.attack:
        assert args.base.startswith("http://127.0.0.1:"), "the bench sends only to 127.0.0.1"
        outcomes = asyncio.run(attack(args.base, args.attack, args.token, args.signed_token, args.attackers,
                                      args.seconds))
        print(json.dumps(outcomes))
        return 0
    started = datetime.now(UTC)
    stack = BenchStack()
    say(f"working in {stack.root}")
    try:
        stack.start_servers()
        stack.start_services()
        result = asyncio.run(measure(stack, args))
    finally:
        stack.stop()
        stack.remove()
    write(result, started)
    say(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
