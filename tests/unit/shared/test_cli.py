"""The `hemiao` command hands `reporting …` over to reporting's own commands, its help and refusals included."""

from __future__ import annotations

import subprocess
import sys


def hemiao(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shared.cli", *argv], capture_output=True, text=True, timeout=60,
                          check=False)


def test_reporting_rebuild_refuses_an_unknown_projection_naming_the_known_ones_in_both_languages() -> None:
    refused = hemiao("reporting", "rebuild", "nosuch")

    assert refused.returncode == 2
    assert "没有这个读模型: nosuch" in refused.stderr
    assert "No such projection: nosuch; the projections are: places, cases, disclosures" in " ".join(
        refused.stderr.split())


def test_reportings_help_is_reportings_own() -> None:
    shown = hemiao("reporting", "rebuild", "--help")

    assert shown.returncode == 0
    assert "one of: places, cases, disclosures, timeline, work" in shown.stdout
