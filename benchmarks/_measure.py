"""What every benchmark here repeats, kept in one place.

Imported first, as ``from _measure import ...`` (a benchmark runs as a script, so this folder is
on the path): it puts the repository root on the import path for the ``kiosk``/``tools``
imports that follow, and gives the figures every report uses.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def ms(values: list[float], digits: int = 1) -> float:
    """The median of ``values`` (seconds) in milliseconds."""
    return round(statistics.median(values) * 1000, digits)


def ratio(ours: list[float], bare: list[float]) -> float:
    """Ours / the bare library, by medians: what the kiosk's own code adds."""
    return round(statistics.median(ours) / statistics.median(bare), 2)


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_result(what: str, code: int | None, stdout: str, stderr: str) -> dict[str, Any]:
    """The last JSON line a benchmark's child process printed; a failed child stops the run
    with the end of what it wrote."""
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if code != 0 or not lines:
        raise SystemExit(f"{what} failed (exit {code}):\n{(stderr + stdout)[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def kivy_child_env(kivy_home: Path) -> dict[str, str]:
    """The environment of a child process that runs Kivy (the kiosk or a bare app): no kiosk
    settings from this shell, Kivy quiet and in its own home, offscreen without a display."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIVY_HOME=str(kivy_home), KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1"
    )
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("SDL_VIDEODRIVER", "offscreen")
    return env
