"""The home-visit bookings ledger on disk (table ``visit_bookings``) and its per-terminal secret.

Only storage lives here: rows in, :class:`Booking` values out. The rules — who may book, which
slots exist, how many active bookings one person may hold, which status may follow which — are
in :mod:`kiosk.visits`, which does its check-and-reserve inside one :meth:`BookingRepository.transaction`
so two kiosk threads (or the kiosk and ``kiosk-admin``) can't both take the last place.

The person is only ever a keyed hash (``person_key``); the secret behind it is kept in the store's
``meta`` and made on first use.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from offline_cache.store import Store
from offline_cache.vocabulary import BookingStatus

SECRET_META_KEY = "visits.person_key_secret"
ACTIVE_STATUSES = tuple(s.value for s in BookingStatus if s.active)
STATUS_LABELS = {s.value: s.label for s in BookingStatus}
_ACTIVE_SQL = "(" + ", ".join(f"'{s}'" for s in ACTIVE_STATUSES) + ")"

SlotKey = tuple[str, str, str]  # (team, ISO date, period)


@dataclass(frozen=True)
class Booking:
    """One held slot as the ledger keeps it: no name, no ID number, only the place and time."""

    booking_id: str
    service: str
    team: str
    district: str
    town: str
    village: str
    visit_date: str
    period: str
    eligibility: str
    staff_override: bool
    status: str
    submission_id: str | None
    receipt_code: str | None
    created_at: float
    updated_at: float

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status_label"] = self.status_label
        return data


@dataclass(frozen=True)
class NewBooking:
    """A slot the rules have agreed to hold; the ledger gives it an id and times."""

    person_key: str
    service: str
    team: str
    district: str
    town: str
    village: str
    visit_date: date
    period: str
    eligibility: str
    staff_override: bool
    staff_id: str | None


def _booking(row: sqlite3.Row) -> Booking:
    return Booking(
        booking_id=row["booking_id"],
        service=row["service"],
        team=row["team"],
        district=row["district"],
        town=row["town"],
        village=row["village"],
        visit_date=row["visit_date"],
        period=row["period"],
        eligibility=row["eligibility"],
        staff_override=bool(row["staff_override"]),
        status=row["status"],
        submission_id=row["submission_id"],
        receipt_code=row["receipt_code"],
        created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]),
    )


def _counts(rows: Iterable[sqlite3.Row]) -> dict[SlotKey, int]:
    return {(r["team"], r["visit_date"], r["period"]): int(r["n"]) for r in rows}


_COUNTS_SQL = (
    "SELECT team, visit_date, period, COUNT(*) AS n FROM visit_bookings"
    f" WHERE status IN {_ACTIVE_SQL} AND visit_date BETWEEN ? AND ?"
    " GROUP BY team, visit_date, period"
)
_ACTIVE_FOR_SQL = (
    "SELECT * FROM visit_bookings WHERE person_key = ? AND service = ?"
    f" AND status IN {_ACTIVE_SQL} AND visit_date >= ? ORDER BY visit_date"
)


class BookingWrites:
    """What may be done inside one ledger transaction (see :meth:`BookingRepository.transaction`)."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float]) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, booking_id: str) -> Booking | None:
        row = self._conn.execute(
            "SELECT * FROM visit_bookings WHERE booking_id = ?", (booking_id,)
        ).fetchone()
        return _booking(row) if row is not None else None

    def active_for(self, person_key: str, service: str, today: date) -> list[Booking]:
        """The person's active bookings of ``service`` from ``today`` on, soonest first."""
        rows = self._conn.execute(_ACTIVE_FOR_SQL, (person_key, service, today.isoformat()))
        return [_booking(r) for r in rows]

    def slot_counts(self, start: date, end: date) -> dict[SlotKey, int]:
        """Active bookings per (team, date, period) between ``start`` and ``end`` inclusive."""
        return _counts(self._conn.execute(_COUNTS_SQL, (start.isoformat(), end.isoformat())))

    def insert(self, new: NewBooking) -> Booking:
        """Hold the slot as ``tentative``; the province's answer moves it on later."""
        now = self._clock()
        booking_id = str(uuid.uuid4())
        self._conn.execute(
            "INSERT INTO visit_bookings (booking_id, person_key, service, team, district, town,"
            " village, visit_date, period, eligibility, staff_override, staff_id, status,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                booking_id,
                new.person_key,
                new.service,
                new.team,
                new.district,
                new.town,
                new.village,
                new.visit_date.isoformat(),
                new.period,
                new.eligibility,
                int(new.staff_override),
                new.staff_id,
                BookingStatus.TENTATIVE.value,
                now,
                now,
            ),
        )
        found = self.get(booking_id)
        assert found is not None  # inserted just above, in this transaction
        return found

    def set_status(self, booking_id: str, status: str) -> Booking | None:
        self._conn.execute(
            "UPDATE visit_bookings SET status = ?, updated_at = ? WHERE booking_id = ?",
            (status, self._clock(), booking_id),
        )
        return self.get(booking_id)


class BookingRepository:
    """The ``visit_bookings`` table; reads are plain, rule-checked writes use :meth:`transaction`."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock

    @contextmanager
    def transaction(self) -> Iterator[BookingWrites]:
        """One write transaction: everything read and written through it commits together."""
        with self.store.atomic() as conn:
            yield BookingWrites(conn, self._clock)

    def person_key_secret(self) -> bytes:
        """The terminal's secret for person keys, made (once, atomically) on first use."""
        existing = self.store.get_meta(SECRET_META_KEY)
        if existing is None:
            with self.store.atomic() as conn:
                row = conn.execute(
                    "SELECT value FROM meta WHERE key = ?", (SECRET_META_KEY,)
                ).fetchone()
                if row is not None:  # another thread or process made it first
                    existing = str(row[0])
                else:
                    existing = secrets.token_hex(32)
                    self.store.set_meta(SECRET_META_KEY, existing, conn=conn)
        return bytes.fromhex(existing)

    def slot_counts(self, start: date, end: date) -> dict[SlotKey, int]:
        return _counts(self.store.query(_COUNTS_SQL, (start.isoformat(), end.isoformat())))

    def get(self, booking_id: str) -> Booking | None:
        rows = self.store.query("SELECT * FROM visit_bookings WHERE booking_id = ?", (booking_id,))
        return _booking(rows[0]) if rows else None

    def by_submission(self, submission_id: str) -> Booking | None:
        rows = self.store.query(
            "SELECT * FROM visit_bookings WHERE submission_id = ?", (submission_id,)
        )
        return _booking(rows[0]) if rows else None

    def first_active_for(self, person_key: str, service: str, today: date) -> Booking | None:
        rows = self.store.query(
            _ACTIVE_FOR_SQL + " LIMIT 1", (person_key, service, today.isoformat())
        )
        return _booking(rows[0]) if rows else None

    def attach_submission(self, booking_id: str, submission_id: str, receipt_code: str) -> bool:
        """Link a booking to its outbox entry; ``False`` when there is no such booking."""
        with self.store.atomic() as conn:
            cur = conn.execute(
                "UPDATE visit_bookings SET submission_id = ?, receipt_code = ?, updated_at = ?"
                " WHERE booking_id = ?",
                (submission_id, receipt_code, self._clock(), booking_id),
            )
            return cur.rowcount > 0

    def delete_before(self, cutoff: date) -> int:
        """Forget bookings whose visit day is before ``cutoff``; returns how many."""
        with self.store.atomic() as conn:
            cur = conn.execute(
                "DELETE FROM visit_bookings WHERE visit_date < ?", (cutoff.isoformat(),)
            )
            return int(cur.rowcount)

    # Last: a method named ``list`` would shadow the builtin in the annotations after it.
    def list(self, *, status: str | None = None, limit: int = 100) -> list[Booking]:
        if status is not None:
            rows = self.store.query(
                "SELECT * FROM visit_bookings WHERE status = ? ORDER BY visit_date, period LIMIT ?",
                (status, limit),
            )
        else:
            rows = self.store.query(
                "SELECT * FROM visit_bookings ORDER BY visit_date, period LIMIT ?", (limit,)
            )
        return [_booking(r) for r in rows]
