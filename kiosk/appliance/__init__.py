"""Running as an unattended appliance: systemd's notify protocol, the nightly restart.

Kivy-free: the Kivy glue is ``screens/watchdog.py`` and ``screens/maintenance.py``; the unit file
and how it is installed are in ``deploy/`` and ``docs/deploy.md``.
"""

from __future__ import annotations

from datetime import time


def parse_time_of_day(text: str) -> time | None:
    """``"03:30"`` → 03:30; ``""`` → None (no nightly restart). Raises ValueError in Chinese."""
    text = text.strip()
    if not text:
        return None
    hours, sep, minutes = text.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
        h, m = int(hours), int(minutes)
        if 0 <= h <= 23 and 0 <= m <= 59:
            return time(h, m)
    raise ValueError(f'应为 24 小时制的“时:分”，例如 "03:30"，或留空表示不重启；现在是 {text!r}')
