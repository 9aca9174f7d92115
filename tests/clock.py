"""The suite's clock: every test runs at the instant `HEMIAO_TEST_NOW` names, or now, unless it sets its own.

`HEMIAO_TEST_NOW` is an ISO instant with its offset (CI passes China times such as
`2026-12-31T23:30:00+08:00`); the clock then starts there and ticks. A test whose
story is told in fixed dates (a month's figures, say) sets its own instant with
`@pytest.mark.clock("2026-11-28T10:00:00+08:00")`, so it passes on any day.

time-machine moves Python's clocks only (`datetime.now`, `time.time`, …), in this
process: the services, gateway and consumers that a test runs in-process all read
the same instant, while PostgreSQL and nats-server keep the machine's time. So
nothing may judge a day by the database's `now()`; hemiao takes every instant
from Python (the event store stamps `recorded_at` itself).

The today-run (no `HEMIAO_TEST_NOW`) runs at the machine's time, except near
China's midnight: a test starting after 23:40, or after the day turned since the
run began, starts at 23:00 of the run's day (`today_run_instant`), so no test
sees the day turn between the dates it took and the services' "today".
"""

from __future__ import annotations

import calendar
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import time_machine

from shared.china import CHINA

SUITE_NOW = "HEMIAO_TEST_NOW"

STORY = "2026-11-28T10:00:00+08:00"
"""The instant of the stories told in November 2026's dates (the walkthroughs, a month's figures)."""
STORY_MONTH = STORY[:7]
"""The month those stories happen in, and a test's month of past work: over before any day the suite runs."""
STORY_YEAR_END = f"{STORY[:4]}-12-31"


def story_day(day: int) -> str:
    """A day of the stories' month, as GraphQL takes dates."""
    return f"{STORY_MONTH}-{day:02d}"


def instant(text: str) -> datetime:
    """An aware instant from ISO text, in UTC (a ZoneInfo destination would make time-machine change TZ)."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; write it as 2026-12-31T23:30:00+08:00")
    return parsed.astimezone(UTC)


SESSION_DAY = datetime.now(UTC).astimezone(CHINA).date()
"""China's day when this run began (the machine's clock: nothing travels at import)."""
LAST_QUIET_MINUTE = time(23, 40)
"""After it, a test of the today-run could see China's day turn while it runs."""


def today_run_instant(now: datetime, session_day: date) -> datetime | None:
    """Where a test of the today-run (no instant of its own, none for the suite) starts: now, unless China's
    midnight is near or has passed since the run began, when it starts at 23:00 of the run's day and ticks on.
    So every test sees the run's day from first to last (as the dates its module took at import do), and has
    at least 40 minutes before the day could turn, as the shifted runs' 23:30 gives them 30."""
    local = now.astimezone(CHINA)
    if local.date() == session_day and local.time() < LAST_QUIET_MINUTE:
        return None
    return datetime.combine(session_day, time(23, 0), CHINA).astimezone(UTC)


def suite_instant() -> datetime | None:
    """The instant the whole run is set to, if any."""
    text = os.environ.get(SUITE_NOW)
    return instant(text) if text else None


@contextlib.contextmanager
def travelling(request: pytest.FixtureRequest) -> Iterator[datetime | None]:
    """The test's own instant (its `clock` mark), else the suite's, else the machine's; Python's clocks tick on."""
    mark = request.node.get_closest_marker("clock")
    destination = instant(mark.args[0]) if mark is not None else suite_instant()
    if destination is None:
        destination = today_run_instant(datetime.now(UTC), SESSION_DAY)
    if destination is None:
        yield None
        return
    with time_machine.travel(destination, tick=True):
        yield destination


@contextlib.contextmanager
def at_the_machines_time() -> Iterator[None]:
    """Python's clocks back at the machine's time for a moment: to judge what a subprocess made by its clock (a
    token `hemiao token` signed, say), since time-machine moves only this process."""
    if not time_machine.escape_hatch.is_travelling():
        yield
        return
    with time_machine.travel(time_machine.escape_hatch.time.time(), tick=True):
        yield


def shifted_instants(today: date) -> list[str]:
    """The instants CI runs the suite at besides now, in China time, each at 23:30 (15:30 in UTC, so a day read
    in UTC is still the right one, and half an hour later China's day turns): 31 December, the last day of a
    month and of a year at once, and the next 29 February. (A third run at this month's end found nothing the
    31 December run did not, and the suite's 20 minutes on 2 cores are better spent on tests.)"""
    leap_year = next(year for year in range(today.year, today.year + 9) if calendar.isleap(year)
                     and date(year, 2, 29) >= today)
    return [f"{day.isoformat()}T23:30:00+08:00" for day in (date(today.year, 12, 31), date(leap_year, 2, 29))]


SHIFTED_WORKERS = os.environ.get("HEMIAO_SHIFTED_WORKERS", "2")
"""Workers of each shifted run (xdist, a file to each at a time): two runs of two beside each other keep the 2 cores
busy where two single processes left them waiting on PostgreSQL and NATS, and CI within its 20 minutes."""


def main() -> int:
    """Run the tests that take the day from the clock (those without their own `clock` mark, and not `dateless`:
    whose dates are only data) at each instant, the
    runs side by side, each on SHIFTED_WORKERS workers (each starts its own servers; most of a run is waiting),
    and tell how each ended; a failed run's whole output is shown."""
    from shared.china import china_today

    with tempfile.TemporaryDirectory(prefix="hemiao-shifted-") as logs:
        runs = []
        for n, now in enumerate(shifted_instants(china_today())):
            log = open(Path(logs) / f"run-{n}.log", "w+")
            print(f"=== the suite at {now} (China time): the tests that take today from the clock ===", flush=True)
            process = subprocess.Popen([sys.executable, "-m", "pytest", "-m", "not clock and not dateless", "-q", "-p",
                                        "no:cacheprovider", "-n", SHIFTED_WORKERS, "--dist", "loadfile",
                                        *sys.argv[1:]], env={**os.environ, SUITE_NOW: now},
                                       stdout=log, stderr=subprocess.STDOUT)
            runs.append((now, process, log))
        failed = 0
        for now, process, log in runs:
            code = process.wait()
            log.seek(0)
            output = log.read()
            log.close()
            if code != 0:
                failed += 1
                print(f"\n=== at {now}: failed (exit {code}) ===\n{output}", flush=True)
            else:
                print(f"at {now}:\n{output.strip().splitlines()[-1]}", flush=True)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
