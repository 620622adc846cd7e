"""``python -m tools.provincial_sim``: the simulator and its key generator, beside the product."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.sync.conftest import KIOSK_ADMIN, PROVINCIAL_SIM


def run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*map(str, argv)], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("tls", [False, True])
def test_keys_init_makes_files_that_let_a_terminal_and_the_simulator_talk(
    tmp_path: Path, tls: bool
) -> None:
    flags = ["--tls"] if tls else []
    made = run(
        *PROVINCIAL_SIM, "keys", "init", tmp_path / "k", "--terminal-id", "CZ-X-1", *flags, "--json"
    )
    assert made.returncode == 0, made.stderr
    files = json.loads(made.stdout)
    assert Path(files["private_key"]).stat().st_mode & 0o077 == 0
    assert Path(files["credentials"]).stat().st_mode & 0o077 == 0
    assert (files["tls_cert"] is not None) == tls


def test_a_fault_share_outside_zero_to_one_is_refused_in_plain_words(tmp_path: Path) -> None:
    refused = run(
        *PROVINCIAL_SIM,
        *("--db", tmp_path / "sim.sqlite3", "--private-key", tmp_path / "none.pem"),
        *("--terminals", tmp_path / "none.json", "--fail-rate", "1.5"),
    )
    assert refused.returncode == 1
    assert "--fail-rate 应在 0 到 1 之间" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("command", [["provincial-sim", "--help"], ["keys", "init", "--help"]])
def test_the_terminal_admin_tool_no_longer_offers_the_simulator_or_the_key_generator(
    command: list[str],
) -> None:
    gone = run(*KIOSK_ADMIN, *command)
    assert gone.returncode == 2 and f"不认识“{command[0]}”" in gone.stderr
