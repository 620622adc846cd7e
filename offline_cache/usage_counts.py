"""Usage counters on disk (table ``usage_counts``): one number per day, label, metric and step.

Only storage: which events are counted, how labels are cleaned and how a report is added up are
in :mod:`kiosk.stats`. Never one row per session or per resident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from offline_cache.store import Store


@dataclass(frozen=True)
class UsageLabels:
    """Where a count belongs (all pack ids or cleaned labels; ``""`` when not known)."""

    day: str
    service: str = ""
    matter_category: str = ""
    village: str = ""


@dataclass(frozen=True)
class UsageCount:
    labels: UsageLabels
    metric: str
    step: str
    n: int


class UsageRepository:
    """The ``usage_counts`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def bump(self, labels: UsageLabels, metrics: Sequence[tuple[str, str]]) -> None:
        """Add one to each ``(metric, step)`` under ``labels``, in one transaction."""
        with self.store.atomic() as conn:
            for metric, step in metrics:
                conn.execute(
                    "INSERT INTO usage_counts(day, service, matter_category, village, metric,"
                    " step, n) VALUES (?, ?, ?, ?, ?, ?, 1)"
                    " ON CONFLICT(day, service, matter_category, village, metric, step)"
                    " DO UPDATE SET n = n + 1",
                    (
                        labels.day,
                        labels.service,
                        labels.matter_category,
                        labels.village,
                        metric,
                        step,
                    ),
                )

    def between(self, date_from: date, date_to: date) -> list[UsageCount]:
        """Every counter of the days from ``date_from`` to ``date_to`` inclusive."""
        rows = self.store.query(
            "SELECT day, service, matter_category, village, metric, step, n FROM usage_counts"
            " WHERE day BETWEEN ? AND ?",
            (date_from.isoformat(), date_to.isoformat()),
        )
        return [
            UsageCount(
                UsageLabels(
                    str(r["day"]), str(r["service"]), str(r["matter_category"]), str(r["village"])
                ),
                str(r["metric"]),
                str(r["step"]),
                int(r["n"]),
            )
            for r in rows
        ]
