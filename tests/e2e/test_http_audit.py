"""graphql-http's own audit of the GraphQL-over-HTTP spec, run against a real gateway: no MUST fails and no
SHOULD warns. It needs node and npm (CI has both); graphql-http comes, pinned by tests/spec/package-lock.json,
from the npm registry into tests/spec/node_modules once."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.dateless  # the audit asks only for __typename

SPEC = Path(__file__).parent.parent / "spec"
INSTALL_SECONDS = 300
AUDIT_SECONDS = 120


async def run(*command: str, timeout: float) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(*command, cwd=SPEC, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"{' '.join(command)} took over {timeout} s") from None
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def installed_audit() -> None:
    """graphql-http in tests/spec/node_modules at the version the lock file pins, installed when it is not."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    assert not missing, (f"{' and '.join(missing)} not on PATH: the GraphQL-over-HTTP audit runs graphql-http "
                         "under node 20 or later (apt-get install nodejs npm)")
    lock = json.loads((SPEC / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/graphql-http"]["version"]
    manifest = SPEC / "node_modules" / "graphql-http" / "package.json"
    if manifest.exists() and json.loads(manifest.read_text())["version"] == pinned:
        return
    code, out, err = await run("npm", "ci", "--no-audit", "--no-fund", timeout=INSTALL_SECONDS)
    assert code == 0, f"npm ci in {SPEC} failed:\n{out}\n{err}"


@pytest.mark.timeout(INSTALL_SECONDS + AUDIT_SECONDS + 60)  # a first install from the registry may be slow
async def test_graphql_http_audits_the_gateway_with_no_failure_and_no_warning(http: httpx.AsyncClient) -> None:
    await installed_audit()

    code, out, err = await run("node", "audit.js", str(http.base_url.join("/graphql")), timeout=AUDIT_SECONDS)

    assert code == 0, f"the audit did not run:\n{err}"
    results = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert len(results) > 30, out
    failing = [r for r in results if r["status"] != "ok"]
    for result in failing:
        print(f"{result['status']} {result['id']} {result['name']}: {result['reason']}\n  {result['response']}")
    assert not failing, "\n".join(f"{r['status']} {r['id']} {r['name']}: {r['reason']}" for r in failing)
