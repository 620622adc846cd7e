"""The terminal's log is plain lines journald can keep: no Kivy colour codes or category column
around our messages, and no alarming warning on a terminal's first start (issue 16 item 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import logging
from kiosk import logs
logs.configure()
import kivy.config  # a brand-new KIVY_HOME: Kivy fills in its configuration file
from kivy.logger import Logger
Logger.warning("Window: something a developer should see")
logging.getLogger("kiosk.sync.agent").info("联系不上省系统：网络不通；待发送 1 条")
"""


def run_fresh(tmp_path: Path) -> str:
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy-home"), "KIVY_NO_ARGS": "1"}
    for name in ("KIVY_NO_CONSOLELOG", "KIVY_LOG_MODE"):
        env.pop(name, None)
    (tmp_path / "kivy-home").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    return done.stderr


def test_our_messages_are_one_plain_line_each(tmp_path: Path) -> None:
    err = run_fresh(tmp_path)
    assert "INFO kiosk.sync.agent: 联系不上省系统：网络不通；待发送 1 条" in err.splitlines()
    assert "\x1b[" not in err  # no terminal colour codes in the journal
    assert not [line for line in err.splitlines() if line.startswith("INFO kivy")]


def test_a_first_start_does_not_warn_about_an_old_configuration(tmp_path: Path) -> None:
    err = run_fresh(tmp_path)
    assert "Older configuration version" not in err
    assert "Upgrading configuration" not in err
    # Kivy's real warnings still get through.
    assert "something a developer should see" in err
