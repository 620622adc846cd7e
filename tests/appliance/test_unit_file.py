"""deploy/village-legal-kiosk.service says what the app relies on, and systemd accepts it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.appliance.maintenance import EXIT_CODE
from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "village-legal-kiosk.service"


def _directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_the_unit_restarts_on_exit_and_hang_and_takes_the_nightly_exit_as_planned() -> None:
    d = _directives(UNIT.read_text(encoding="utf-8"))
    assert d["Type"] == ["notify"] and d["Restart"] == ["always"]
    # The kiosk is cage's child, so its notifications are only heard with NotifyAccess=all.
    assert d["NotifyAccess"] == ["all"] and "cage" in d["ExecStart"][0]
    assert int(d["WatchdogSec"][0]) >= 10
    assert str(EXIT_CODE) in d["SuccessExitStatus"][0].split()
    assert "--kiosk" in d["ExecStart"][0].split()


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (not a systemd machine)")
    # cage itself need not be installed on a development machine to check the rest.
    text = UNIT.read_text(encoding="utf-8").replace(
        "ExecStart=/usr/bin/cage", "ExecStart=/bin/true"
    )
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0 and not out.stderr.strip(), out.stderr
