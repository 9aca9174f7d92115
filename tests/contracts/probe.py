"""A throwaway contract at version 3, with upcasters 1 → 2 → 3, for the upcasting tests (unit and integration):
what it was at each version, and a context that registers it for one test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shared.contracts import event
from shared.contracts.registry import unregister


def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v2 split `full_name` into `given` and `family`."""
    family, _, given = data["full_name"].partition(" ")
    rest = {k: v for k, v in data.items() if k != "full_name"}
    return {**rest, "family": family, "given": given}


def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """v3 made `minutes` an hour count with a default for what v2 lacked."""
    return {**data, "hours": data.get("minutes", 0) / 60, "minutes": None}


AT = {1: {"probe_id": "p", "full_name": "王 小明", "minutes": 90},
      2: {"probe_id": "p", "family": "王", "given": "小明", "minutes": 90},
      3: {"probe_id": "p", "family": "王", "given": "小明", "hours": 1.5, "minutes": None}}
"""One probe as it was written at each version."""


@contextlib.contextmanager
def probe_noted(service: str) -> Iterator[type[Any]]:
    """`ProbeNoted` at version 3, published by `service`, registered until the context ends."""

    @event(service=service, aggregate="probe", name="noted", version=3, upcasters={1: v1_to_v2, 2: v2_to_v3})
    @dataclass(frozen=True, kw_only=True)
    class ProbeNoted:
        probe_id: str
        family: str
        given: str
        hours: float
        minutes: int | None = None

    try:
        yield ProbeNoted
    finally:
        unregister("ProbeNoted")
