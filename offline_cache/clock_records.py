"""Where the terminal keeps what it learned about its own clock (``meta`` keys).

Only storage: how the offset is measured and used is :mod:`kiosk.terminal_clock`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from offline_cache.store import Store

_KEY = "terminal_clock"


@dataclass(frozen=True)
class ClockRecord:
    """``offset_s`` = province time − this terminal's system time, learned at ``observed_at``
    (province time, Unix seconds)."""

    offset_s: float = 0.0
    observed_at: float = 0.0


class ClockRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self) -> ClockRecord | None:
        raw = self.store.get_meta(_KEY)
        if not raw:
            return None
        try:
            doc = json.loads(raw)
            return ClockRecord(float(doc["offset_s"]), float(doc["observed_at"]))
        except (ValueError, KeyError, TypeError):
            return None

    def save(self, record: ClockRecord) -> None:
        self.store.set_meta(
            _KEY, json.dumps({"offset_s": record.offset_s, "observed_at": record.observed_at})
        )
