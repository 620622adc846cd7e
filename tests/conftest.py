"""Shared test set-up: Kivy stays headless and never touches the user's ~/.kivy."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

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
