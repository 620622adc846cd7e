"""What every benchmark here repeats, kept in one place.

Imported first, as ``from _measure import ...`` (a benchmark runs as a script, so this folder is
on the path): it puts the repository root on the import path for the ``kiosk``/``tools``
imports that follow, and gives the figures every report uses.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

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
