"""Back-off after repeated failures: every ``every`` failures in a row pause a while, doubling.

One rule for the terminal-wide sign-in back-off (:mod:`kiosk.staff`) and wrong receipt codes
(:mod:`kiosk.status_lookup`). A success clears the count (the caller does that), so a resident
who mistypes twice never notices; someone trying codes or PINs one after another is slowed to a
handful of tries per ``max_pause_s``.
"""

from __future__ import annotations

from dataclasses import dataclass

from offline_cache.failure_counts import Failures


@dataclass(frozen=True)
class Backoff:
    every: int
    first_pause_s: float
    max_pause_s: float

    def after_failure(self, before: Failures, now: float) -> Failures:
        """The count after one more failure at ``now``: a pause starts every ``every``."""
        failures = before.failures + 1
        locked_until = before.locked_until
        if failures % self.every == 0:
            rounds = failures // self.every
            pause = min(self.first_pause_s * 2 ** (rounds - 1), self.max_pause_s)
            locked_until = now + pause
        return Failures(failures, locked_until)


def minutes_left(locked_until: float, now: float) -> int:
    """Whole minutes (at least 1) until a pause ends, for a plain message."""
    return max(1, round((locked_until - now) / 60))
