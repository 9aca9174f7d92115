"""deploy/systemd/ is what systemd would load without a word of complaint: `systemd-analyze verify` where it exists
(it exits 0 on an unknown key or a bad time value, only saying so, so any word it says of our units fails), and a
parse check in Python that runs everywhere: the sections and keys well formed, time spans that parse, each unit
starting a module that exists as the user sysusers.conf makes, and hemiao.target pulling in every service."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dateless

ROOT = Path(__file__).parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = sorted([*SYSTEMD.glob("*.service"), *SYSTEMD.glob("*.target")])
SECTIONS = {".service": {"Unit", "Service", "Install"}, ".target": {"Unit", "Install"}}
KEY = re.compile(r"^[A-Z][A-Za-z0-9]*$")
TIME_SPAN = re.compile(r"^(infinity|(\d+(\.\d+)?\s*(us|ms|s|sec|m|min|h|hr|d|w)?\s*)+)$")


def _parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """The unit's sections, each key with its values in order (a key may repeat); refuses what systemd cannot read."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    lines = iter(enumerate(path.read_text().splitlines(), 1))
    for number, line in lines:
        where = f"{path.name}:{number}"
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("["):
            assert stripped.endswith("]"), where
            name = stripped[1:-1]
            assert name in SECTIONS[path.suffix], f"{where}: section [{name}]"
            assert name not in sections, f"{where}: [{name}] twice"
            current = sections[name] = {}
            continue
        assert current is not None, f"{where}: a setting before any section"
        key, equals, value = stripped.partition("=")
        assert equals and KEY.match(key.strip()), f"{where}: not Key=value: {line!r}"
        value = value.strip()
        while value.endswith("\\"):
            value = value[:-1] + " " + next(lines)[1].strip()
        current.setdefault(key.strip(), []).append(value)
    return sections


def test_the_units_parse_and_name_what_exists() -> None:
    units = {path.name: _parse(path) for path in UNITS}
    services = sorted(name for name in units if name.endswith(".service"))
    assert services == ["hemiao-activities.service", "hemiao-cases.service", "hemiao-gateway.service",
                        "hemiao-reporting.service"]
    sysusers = (SYSTEMD / "hemiao.sysusers.conf").read_text()
    users = {line.split()[1] for line in sysusers.splitlines() if line.strip() and not line.startswith("#")}
    for name, unit in units.items():
        assert unit["Unit"]["Description"], name
        for section in unit.values():
            for key, values in section.items():
                if key.endswith("Sec"):
                    assert all(TIME_SPAN.match(value) for value in values), f"{name}: {key}={values}"
    for name in services:
        service = units[name]["Service"]
        (exec_start,) = service["ExecStart"]
        program, *arguments = exec_start.split()
        assert program.startswith("/"), f"{name}: ExecStart needs an absolute path"
        assert arguments[0] == "-m", name
        module = ROOT.joinpath(*arguments[1].split("."))
        assert (module / "__main__.py").is_file(), f"{name}: no module {arguments[1]}"
        assert service["User"] == ["hemiao"] and set(service["User"]) <= users, name
        assert units[name]["Unit"]["PartOf"] == ["hemiao.target"], name
        assert units[name]["Install"]["WantedBy"] == ["hemiao.target"], name
    assert sorted(units["hemiao.target"]["Unit"]["Wants"][0].split()) == services


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here "
                    "(it comes with systemd); the parse check above still ran")
def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    # verify refuses a unit whose ExecStart program does not exist, and /opt/hemiao is the install's, not this
    # machine's: check copies that start this Python instead, beside each other so the target finds its services.
    for path in UNITS:
        text = re.sub(r"^ExecStart=\S+", f"ExecStart={sys.executable}", path.read_text(), flags=re.MULTILINE)
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / path.name) for path in UNITS)],
                            capture_output=True, text=True, timeout=60)
    said = [line for line in (result.stdout + result.stderr).splitlines()
            if str(tmp_path) in line or any(path.name in line for path in UNITS)]
    assert result.returncode == 0, result.stderr
    assert said == []
    # The check has teeth: a misspelt key is reported.
    broken = tmp_path / "hemiao-cases.service"
    broken.write_text(broken.read_text().replace("Restart=on-failure", "Restrat=on-failure"))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(broken)], capture_output=True, text=True,
                            timeout=60)
    assert "Restrat" in result.stderr
