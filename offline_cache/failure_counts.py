"""Failures counted per scope on disk (table ``staff_attempts``), so a restart resets nothing.

Only storage: what counts as a failure and when a scope is paused are decided in :mod:`kiosk`
(:mod:`kiosk.staff` for sign-in, :mod:`kiosk.status_lookup` for receipt queries, both through
:mod:`kiosk.throttle`). The table kept its first user's name: its scopes are a typed staff
number, ``*terminal*`` (every failed sign-in) and ``*receipt-status*`` (wrong receipt codes).
"""

from __future__ import annotations

from dataclasses import dataclass

from offline_cache.store import Store


@dataclass(frozen=True)
class Failures:
    """Failures in a row for one scope, and until when that scope is paused (0: not paused)."""

    failures: int = 0
    locked_until: float = 0.0


class FailureCounts:
    """The ``staff_attempts`` table: one row per scope."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, scope: str) -> Failures:
        """The count for ``scope``; none yet reads as zero."""
        rows = self.store.query(
            "SELECT failures, locked_until FROM staff_attempts WHERE scope = ?", (scope,)
        )
        if not rows:
            return Failures()
        return Failures(int(rows[0]["failures"]), float(rows[0]["locked_until"]))

    def save(self, scope: str, failures: Failures) -> None:
        """Replace the count for ``scope``."""
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT INTO staff_attempts(scope, failures, locked_until) VALUES (?, ?, ?)"
                " ON CONFLICT(scope) DO UPDATE SET failures = excluded.failures,"
                " locked_until = excluded.locked_until",
                (scope, failures.failures, failures.locked_until),
            )

    def clear(self, scope: str) -> None:
        """Forget the count for ``scope`` (after a success)."""
        with self.store.atomic() as conn:
            conn.execute("DELETE FROM staff_attempts WHERE scope = ?", (scope,))
