"""Headless Chromium (Debian's `chromium`, driven by Playwright) in front of a gateway of the e2e fixtures."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect

from tests.e2e.conftest import http

__all__ = ["artifacts", "browser", "http"]

CHROMIUM = "/usr/bin/chromium"
# No first-run, sync, update or other background traffic: the page's own requests are the only ones
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # and no name resolves but the gateway's
WAIT_MS = 15_000
"""The longest any step (a page load, an answer in the result pane) may take."""
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "browser"


def installed_chromium() -> str:
    """Debian's Chromium. Missing, the test fails saying how to install it: a skip would hide it."""
    if not Path(CHROMIUM).exists():
        found = shutil.which("chromium")
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM} (found: {found or 'none'}); install it "
                    "with `apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does)",
                    pytrace=False)
    return CHROMIUM


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium, never Playwright's own download (`playwright install` is never run)."""
    executable = installed_chromium()
    expect.set_options(timeout=WAIT_MS)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True,
                                                    timeout=30_000)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def artifacts() -> Path:
    """Where a browser test leaves its screenshots (under var/, which git ignores)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
