"""Honour a cancellation that a library swallowed.

On Python 3.11, `asyncio.wait_for` (which nats-py and asyncpg use) can turn a
cancellation that arrives as its inner call completes into a normal return or
a TimeoutError. A loop that retries on errors would then run on after being
told to stop. The task still counts the request (`Task.cancelling()`), so the
retry loops ask before they retry.
"""

from __future__ import annotations

import asyncio


def stop_if_cancelled() -> None:
    """Raise CancelledError when the current task has been asked to stop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError()
