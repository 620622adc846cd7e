"""Shared test set-up: Kivy stays headless and never touches the user's ~/.kivy; the
``kiosk_admin`` fixture runs the command line as an administrator would."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Protocol

import pytest

ROOT = Path(__file__).resolve().parent.parent
# First on the path, ahead of tests/ (which pytest puts there for this conftest): tests/speech
# must never shadow the product's voice package, whatever PYTHONPATH already holds.
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-tests-"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")


class KioskAdmin(Protocol):
    """``kiosk-admin ARGV…`` run in-process: ``(exit code, stdout, stderr)``."""

    def __call__(self, *argv: str) -> tuple[int, str, str]: ...


@pytest.fixture
def kiosk_admin(capsys: pytest.CaptureFixture[str]) -> KioskAdmin:
    """Run ``kiosk-admin`` as an administrator would and get back what they would see; argparse's
    own exit (a mistyped command) is an exit code like any other."""
    from kiosk.admin.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
