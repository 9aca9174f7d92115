"""The cluster fault test starts a whole cluster (three NATS nodes, PostgreSQL, eight processes) and takes minutes:
`make test-cluster` runs it (HEMIAO_CLUSTER_TESTS=1), and `make test` runs that beside the shifted-date runs rather
than in its today-run, where its eleven processes would slow three workers' files. The other tests here are short
and run with the rest."""

from __future__ import annotations

import os

import pytest

SLOW = {"test_cluster_faults.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("HEMIAO_CLUSTER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="the whole cluster under faults: `make test-cluster` runs it")
    for item in items:
        if item.path.name in SLOW:
            item.add_marker(skip)
