"""deploy/compose.yaml is what `docker compose` would accept: valid against the Compose Specification's JSON Schema
(vendored beside this file, see README.md), with each hemiao process started as a module that exists and checked
on the port it is given."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

pytestmark = pytest.mark.dateless

ROOT = Path(__file__).parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
SCHEMA = Path(__file__).parent / "compose-spec.json"
PORT_SETTING = {"services.cases": "CASES_HTTP_PORT", "services.activities": "ACTIVITIES_HTTP_PORT",
                "services.reporting": "REPORTING_HTTP_PORT", "gateway": "GATEWAY_PORT"}


def _problems(document: Any) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def test_the_compose_file_follows_the_compose_specification() -> None:
    jsonschema.Draft7Validator.check_schema(json.loads(SCHEMA.read_text()))
    compose = yaml.safe_load(COMPOSE.read_text())
    assert _problems(compose) == []
    # The check has teeth: a misspelt key of a service is refused.
    assert _problems({**compose, "services": {**compose["services"], "x": {"image": "a", "restart_policy": "no"}}})

    services = compose["services"]
    assert {"nats-1", "nats-2", "nats-3", "postgres"} <= set(services)
    started = {}
    for name, service in services.items():
        command = service.get("command", [])
        if command[:2] != ["python", "-m"]:
            continue
        module = command[2]
        path = ROOT.joinpath(*module.split("."))
        assert (path / "__main__.py").is_file(), f"{name}: python -m {module} has no {path}/__main__.py"
        port = service["environment"][PORT_SETTING[module]]
        probe = " ".join(service["healthcheck"]["test"])
        assert re.search(rf"127\.0\.0\.1:{port}/readyz", probe), f"{name}: its health check is not on port {port}"
        started[module] = name
    assert set(started) == set(PORT_SETTING)
