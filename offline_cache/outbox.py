"""The outbox: every submission a resident was told "已提交" about, until the province accepts it.

One row per submission in the ``outbox`` table with a status column
(queued → sending → accepted | rejected). The payload is sealed to the provincial public key
before it touches the disk; only the kind, receipt code, times, status and non-identifying
metadata stay readable, so staff can answer "where is my application?" offline.

The outbox stores; it does not seal. :func:`kiosk.submissions.submit` validates, mints the
receipt code from the number :meth:`Outbox.queueing` gives it, seals the payload and hands over a
:class:`SealedSubmission`, so nothing readable ever reaches this module.

Rules the sync agent relies on:
- a submission queued in :meth:`Outbox.queueing` is committed (WAL, ``synchronous=FULL``) when
  the block ends, before anyone is told its receipt code;
- nothing leaves the table until the server has explicitly accepted it, and even then only the
  envelope is purged, after the retention period;
- a row is claimed (``sending``) inside one transaction, so two senders never claim the same row;
  rows left in ``sending`` by a crash go back to ``queued`` at start-up (the server deduplicates
  by submission id, so sending twice is harmless, losing one is not).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from offline_cache.store import Store, StoreError, explain_os_error
from offline_cache.vocabulary import KIND_VALUES, OutboxStatus

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

STATUSES = tuple(s.value for s in OutboxStatus)
KINDS = KIND_VALUES


class OutboxError(Exception):
    """A request about the outbox can't be done; ``str()`` is a plain-Chinese sentence."""


@dataclass(frozen=True)
class SealedSubmission:
    """One submission ready to store: sealed already, with only non-identifying facts in clear."""

    submission_id: str
    kind: str
    receipt_code: str
    created_at: float
    envelope: bytes  # the payload sealed to the provincial public key
    metadata: Mapping[str, str]  # non-identifying: service, district, matter category ...
    staff_id: str | None = None


@dataclass(frozen=True)
class DailySubmissions:
    """How many submissions of one kind and clear metadata were queued / accepted on a day."""

    day: str  # local date, ISO
    stage: str  # "queued" (by created_at) | "accepted" (by accepted_at)
    kind: str
    metadata: dict[str, str]
    n: int


@dataclass(frozen=True)
class Receipt:
    code: str
    submission_id: str
    created_at: float


@dataclass(frozen=True)
class OutboxCounts:
    queued: int
    sending: int
    rejected: int
    accepted: int
    last_success_at: float | None

    @property
    def failed(self) -> int:
        """Rows that need a person: the province rejected them."""
        return self.rejected

    @property
    def waiting(self) -> int:
        return self.queued + self.sending


@dataclass(frozen=True)
class StatusView:
    """What "查询办理进度" shows: the last known status and when it was learned.

    Deliberately without the province's case number: whoever holds a slip (or guessed a code)
    at the screen learns only how far the application got; the case number goes to the
    applicant from the office handling it (docs/security.md).
    """

    receipt_code: str
    kind: str
    created_at: float
    local_status: str
    text: str
    remote_status: str | None
    remote_status_at: float | None
    learned_at: float | None


@dataclass(frozen=True)
class OutboxEntry:
    receipt_code: str
    submission_id: str
    kind: str
    created_at: float
    metadata: dict[str, str]
    status: str
    attempts: int
    last_error: str | None
    last_attempt_at: float | None
    next_attempt_at: float
    accepted_at: float | None
    case_number: str | None
    remote_status: str | None
    remote_status_text: str | None
    remote_status_at: float | None
    status_learned_at: float | None
    purged: bool
    staff_id: str | None


@dataclass(frozen=True)
class OutgoingItem:
    """One claimed row as the transport sends it."""

    submission_id: str
    kind: str
    receipt_code: str
    created_at: float
    metadata: dict[str, str]
    envelope: bytes
    content_sha256: str
    attempts: int


@dataclass(frozen=True)
class ItemResult:
    """The server's explicit answer for one item."""

    submission_id: str
    outcome: str  # accepted | duplicate | conflict | rejected
    case_number: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class StatusUpdate:
    submission_id: str
    status: str
    text: str
    updated_at: float
    case_number: str | None = None


def _entry(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        receipt_code=row["receipt_code"],
        submission_id=row["submission_id"],
        kind=row["kind"],
        created_at=row["created_at"],
        metadata=json.loads(row["metadata"]),
        status=row["status"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        last_attempt_at=row["last_attempt_at"],
        next_attempt_at=row["next_attempt_at"],
        accepted_at=row["accepted_at"],
        case_number=row["case_number"],
        remote_status=row["remote_status"],
        remote_status_text=row["remote_status_text"],
        remote_status_at=row["remote_status_at"],
        status_learned_at=row["status_learned_at"],
        purged=row["purged_at"] is not None,
        staff_id=row["staff_id"],
    )


def _clear_metadata(text: str) -> dict[str, str]:
    try:
        meta = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in meta.items()} if isinstance(meta, dict) else {}


def _cursor_key(scope: str) -> str:
    return f"sync.status_cursor:{scope}" if scope else "sync.status_cursor"


# Codes are stored as bare digits; one typed from the slip may have spaces or dashes in it.
_TYPED_SEPARATORS = re.compile(r"[\s\-]")


def _stored_code(typed: str) -> str:
    return _TYPED_SEPARATORS.sub("", typed)


_ENTRY_COLUMNS = (
    "receipt_code, submission_id, kind, created_at, metadata, status, attempts, last_error,"
    " last_attempt_at, next_attempt_at, accepted_at, case_number, remote_status,"
    " remote_status_text, remote_status_at, status_learned_at, purged_at, staff_id"
)


class Queueing:
    """The open transaction of :meth:`Outbox.queueing`."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn

    def unused_code(self, mint: Callable[[], str], tries: int = 16) -> str:
        """A receipt code from ``mint`` that no submission on this terminal has yet.

        Checked inside this write transaction, so two submissions can't both take one code; a
        collision (rare: 8.6 × 10⁹ codes) just draws again.
        """
        for _ in range(tries):
            code = mint()
            taken = self._conn.execute(
                "SELECT 1 FROM outbox WHERE receipt_code = ?", (code,)
            ).fetchone()
            if taken is None:
                return code
        raise OutboxError("没能生成新的回执号码，请再提交一次。")

    def put(self, sealed: SealedSubmission) -> Receipt:
        """Store one sealed submission, status ``queued``, due now; durable once the block ends."""
        if sealed.kind not in KINDS:
            raise OutboxError(f"不认识的申请类型：{sealed.kind}")
        clean_meta = {str(k): str(v) for k, v in sealed.metadata.items()}
        self._conn.execute(
            "INSERT INTO outbox (submission_id, receipt_code, kind, created_at, metadata,"
            " staff_id, envelope, content_sha256, status, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)",
            (
                sealed.submission_id,
                sealed.receipt_code,
                sealed.kind,
                sealed.created_at,
                json.dumps(clean_meta, ensure_ascii=False, sort_keys=True),
                sealed.staff_id,
                sealed.envelope,
                hashlib.sha256(sealed.envelope).hexdigest(),
                sealed.created_at,
            ),
        )
        return Receipt(
            code=sealed.receipt_code,
            submission_id=sealed.submission_id,
            created_at=sealed.created_at,
        )


class Outbox:
    """The durable outbox over the terminal's :class:`Store`.

    ``public_key`` and ``terminal_id`` say whom the submissions queued here are sealed for and
    from which terminal (read by :func:`kiosk.submissions.submit`); ``public_key`` is ``None``
    for read-only use (listing, status queries), and then no new submission can be sealed.
    """

    def __init__(
        self,
        store: Store,
        public_key: X25519PublicKey | None,
        terminal_id: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.public_key = public_key
        self.terminal_id = terminal_id
        self._clock = clock

    def now(self) -> float:
        """The outbox's clock (due times, and the time a submission is made)."""
        return self._clock()

    # -- queueing ----------------------------------------------------------------------------
    @contextmanager
    def queueing(self) -> Iterator[Queueing]:
        """One write transaction for choosing a receipt code and storing the sealed submission.

        The code is checked unused and the row inserted in the same transaction (one fsynced
        commit), so a receipt code is handed out exactly when its row is on disk. Nothing is
        committed if the block raises. Use it as::

            with outbox.queueing() as q:
                code = q.unused_code(receipts.new_code)  # kiosk.receipts mints
                ...  # seal (kiosk.submissions)
                receipt = q.put(sealed)
            # committed here
        """
        try:
            with self.store.atomic() as conn:
                yield Queueing(self.store, conn)
        except sqlite3.Error as exc:
            # Errors inside the transaction body (disk full while inserting) come here raw.
            raise StoreError(explain_os_error(exc, self.store.path)) from exc

    # -- reading -----------------------------------------------------------------------------
    def counts(self) -> OutboxCounts:
        rows = self.store.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        by = {r["status"]: int(r["n"]) for r in rows}
        last = self.store.get_meta("outbox.last_success_at")
        return OutboxCounts(
            queued=by.get("queued", 0),
            sending=by.get("sending", 0),
            rejected=by.get("rejected", 0),
            accepted=by.get("accepted", 0),
            last_success_at=float(last) if last else None,
        )

    def oldest_waiting_at(self) -> float | None:
        """When the oldest submission still waiting to be sent (queued or sending) was made."""
        rows = self.store.query(
            "SELECT MIN(created_at) AS t FROM outbox WHERE status IN ('queued', 'sending')"
        )
        value = rows[0]["t"] if rows else None
        return float(value) if value is not None else None

    def remaining(self) -> int:
        """Submissions not yet accepted or rejected by the province."""
        c = self.counts()
        return c.queued + c.sending

    def get(self, receipt_code: str) -> OutboxEntry | None:
        rows = self.store.query(
            f"SELECT {_ENTRY_COLUMNS} FROM outbox WHERE receipt_code = ?",
            (_stored_code(receipt_code),),
        )
        return _entry(rows[0]) if rows else None

    def status(self, receipt_code: str) -> StatusView | None:
        """Last known status of a receipt, readable with no network."""
        e = self.get(receipt_code)
        if e is None:
            return None
        text = e.remote_status_text or OutboxStatus(e.status).staff_text
        if e.status == "rejected" and e.remote_status_text is None:
            text = OutboxStatus.REJECTED.staff_text
        return StatusView(
            receipt_code=e.receipt_code,
            kind=e.kind,
            created_at=e.created_at,
            local_status=e.status,
            text=text,
            remote_status=e.remote_status,
            remote_status_at=e.remote_status_at,
            learned_at=e.status_learned_at or e.accepted_at,
        )

    def envelope(self, submission_id: str) -> bytes | None:
        rows = self.store.query(
            "SELECT envelope FROM outbox WHERE submission_id = ?", (submission_id,)
        )
        return bytes(rows[0]["envelope"]) if rows and rows[0]["envelope"] is not None else None

    def submissions_per_day(self, date_from: date, date_to: date) -> list[DailySubmissions]:
        """Counts per local day, kind and clear metadata, queued and accepted (for statistics)."""
        stages = (
            ("queued", "created_at", "1=1"),
            ("accepted", "accepted_at", "status = 'accepted' AND accepted_at IS NOT NULL"),
        )
        out: list[DailySubmissions] = []
        for stage, column, condition in stages:
            rows = self.store.query(
                f"SELECT date({column}, 'unixepoch', 'localtime') AS day, kind, metadata,"
                f" COUNT(*) AS n FROM outbox WHERE {condition}"
                f" AND date({column}, 'unixepoch', 'localtime') BETWEEN ? AND ?"
                " GROUP BY day, kind, metadata",
                (date_from.isoformat(), date_to.isoformat()),
            )
            out += [
                DailySubmissions(
                    str(r["day"]),
                    stage,
                    str(r["kind"]),
                    _clear_metadata(r["metadata"] or "{}"),
                    int(r["n"]),
                )
                for r in rows
            ]
        return out

    # -- staff actions -----------------------------------------------------------------------
    def retry(self, receipt_code: str) -> OutboxEntry:
        """Put a rejected (or waiting) submission back in the queue, due now."""
        e = self.get(receipt_code)
        if e is None:
            raise OutboxError(f"本机没有回执号码为 {receipt_code} 的申请。")
        if e.status == "accepted":
            raise OutboxError(f"回执 {e.receipt_code} 已被省系统接收，不需要重发。")
        if e.status == "sending":
            raise OutboxError(f"回执 {e.receipt_code} 正在发送中，请稍后再看。")
        with self.store.atomic() as conn:
            conn.execute(
                "UPDATE outbox SET status = 'queued', next_attempt_at = ?"
                " WHERE receipt_code = ? AND status IN ('queued', 'rejected')",
                (self._clock(), e.receipt_code),
            )
        found = self.get(e.receipt_code)
        assert found is not None
        return found

    # -- used by the sync agent --------------------------------------------------------------
    def recover_interrupted(self, older_than_s: float | None = None) -> int:
        """Rows a crashed sender left in ``sending`` go back to ``queued``, due now.

        With ``older_than_s`` only rows claimed at least that long ago (a run that died in this
        process, or another process that never finished) — not a batch in flight right now.
        """
        now = self._clock()
        cutoff = now if older_than_s is None else now - older_than_s
        with self.store.atomic() as conn:
            # The claim that a crash cut short is not a failed attempt: it never got an answer,
            # so it must not lengthen the row's backoff (a few crashes would reach the cap).
            cur = conn.execute(
                "UPDATE outbox SET status = 'queued', next_attempt_at = ?,"
                " attempts = MAX(attempts - 1, 0),"
                " last_error = COALESCE(last_error, '上次发送被中断')"
                " WHERE status = 'sending' AND COALESCE(last_attempt_at, 0) <= ?",
                (now, cutoff),
            )
            return cur.rowcount

    def make_all_due(self, now: float | None = None) -> int:
        """Every waiting row due now (staff pressed 立即同步): backoff never outlasts a person."""
        now = self._clock() if now is None else now
        with self.store.atomic() as conn:
            cur = conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE status = 'queued' AND next_attempt_at > ?",
                (now, now),
            )
            return cur.rowcount

    def set_aside(self, submission_ids: Iterable[str], reason: str) -> None:
        """A permanent failure (the province can never take this request as it is): the row
        leaves the queue as ``rejected`` with ``reason`` for staff, instead of retrying forever.
        ``outbox list`` shows it and ``outbox retry`` can queue it again."""
        with self.store.atomic() as conn:
            conn.executemany(
                "UPDATE outbox SET status = 'rejected', last_error = ?"
                " WHERE submission_id = ? AND status = 'sending'",
                [(reason, sid) for sid in submission_ids],
            )

    def next_due_at(self) -> float | None:
        rows = self.store.query(
            "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'queued'"
        )
        t = rows[0]["t"] if rows else None
        return float(t) if t is not None else None

    def claim_due(self, limit: int, now: float | None = None) -> list[OutgoingItem]:
        """Mark up to ``limit`` due rows ``sending`` (oldest first) and return them."""
        now = self._clock() if now is None else now
        with self.store.atomic() as conn:
            rows = conn.execute(
                "SELECT id, submission_id, kind, receipt_code, created_at, metadata, envelope,"
                " content_sha256, attempts FROM outbox"
                " WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                (now, int(limit)),
            ).fetchall()
            if not rows:
                return []
            conn.executemany(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
                " last_attempt_at = ? WHERE id = ?",
                [(now, r["id"]) for r in rows],
            )
        return [
            OutgoingItem(
                submission_id=r["submission_id"],
                kind=r["kind"],
                receipt_code=r["receipt_code"],
                created_at=r["created_at"],
                metadata=json.loads(r["metadata"]),
                envelope=bytes(r["envelope"]),
                content_sha256=r["content_sha256"],
                attempts=int(r["attempts"]) + 1,
            )
            for r in rows
        ]

    def release(
        self,
        items: Iterable[tuple[str, float]],
        error: str,
        now: float | None = None,
        *,
        counts_as_attempt: bool = True,
    ) -> None:
        """Transient failure: back to ``queued`` with the error and each item's next time.

        ``counts_as_attempt=False`` when the row was not at fault (the province asked us to slow
        down, or refused our credentials): the claim is undone so the backoff does not grow.
        """
        undo = 0 if counts_as_attempt else 1
        with self.store.atomic() as conn:
            conn.executemany(
                "UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ?,"
                " attempts = MAX(attempts - ?, 0)"
                " WHERE submission_id = ? AND status = 'sending'",
                [(error, due, undo, sid) for sid, due in items],
            )

    def apply_results(self, results: Sequence[ItemResult], now: float | None = None) -> None:
        """Record explicit per-item answers; only accepted/duplicate mark a row accepted."""
        now = self._clock() if now is None else now
        accepted_any = False
        with self.store.atomic() as conn:
            for r in results:
                if r.outcome in ("accepted", "duplicate"):
                    cur = conn.execute(
                        "UPDATE outbox SET status = 'accepted', accepted_at = ?, case_number = ?,"
                        " last_error = NULL,"
                        " remote_status = COALESCE(remote_status, 'received'),"
                        " status_learned_at = COALESCE(status_learned_at, ?)"
                        " WHERE submission_id = ? AND status IN ('sending', 'queued')",
                        (now, r.case_number, now, r.submission_id),
                    )
                    accepted_any = accepted_any or cur.rowcount > 0
                elif r.outcome in ("rejected", "conflict"):
                    prefix = "省系统拒收" if r.outcome == "rejected" else "省系统报告内容冲突"
                    message = f"{prefix}：{r.message}" if r.message else prefix
                    conn.execute(
                        "UPDATE outbox SET status = 'rejected', last_error = ?"
                        " WHERE submission_id = ? AND status = 'sending'",
                        (message, r.submission_id),
                    )
            if accepted_any:
                self.store.set_meta("outbox.last_success_at", repr(now), conn)

    def record_status_updates(
        self,
        updates: Sequence[StatusUpdate],
        cursor: str,
        now: float | None = None,
        *,
        scope: str = "",
    ) -> int:
        """Store pulled status updates and the new cursor in one transaction.

        ``scope`` names the server the cursor belongs to (its endpoint): a cursor means nothing
        to another server, e.g. after the terminal is pointed at a new one.
        """
        now = self._clock() if now is None else now
        changed = 0
        with self.store.atomic() as conn:
            for u in updates:
                cur = conn.execute(
                    "UPDATE outbox SET remote_status = ?, remote_status_text = ?,"
                    " remote_status_at = ?, status_learned_at = ?,"
                    " case_number = COALESCE(?, case_number)"
                    " WHERE submission_id = ?"
                    " AND (remote_status_at IS NULL OR remote_status_at <= ?)",
                    (
                        u.status,
                        u.text,
                        u.updated_at,
                        now,
                        u.case_number,
                        u.submission_id,
                        u.updated_at,
                    ),
                )
                changed += cur.rowcount
            self.store.set_meta(_cursor_key(scope), cursor, conn)
        return changed

    def status_cursor(self, scope: str = "") -> str:
        return self.store.get_meta(_cursor_key(scope), "0") or "0"

    def purge_accepted(self, retention_days: int, now: float | None = None) -> int:
        """Drop the ciphertext of submissions accepted more than ``retention_days`` ago."""
        now = self._clock() if now is None else now
        cutoff = now - retention_days * 86400
        with self.store.atomic() as conn:
            cur = conn.execute(
                "UPDATE outbox SET envelope = NULL, purged_at = ?"
                " WHERE status = 'accepted' AND envelope IS NOT NULL AND accepted_at <= ?",
                (now, cutoff),
            )
            return cur.rowcount

    # Last: a method named ``list`` would shadow the builtin in the annotations after it.
    def list(self, status: str | None = None, limit: int = 100) -> list[OutboxEntry]:
        """Newest first; ``status`` filters to one state."""
        if status is not None and status not in STATUSES:
            raise OutboxError(f"状态只能是 {'/'.join(STATUSES)} 之一")
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = self.store.query(
            f"SELECT {_ENTRY_COLUMNS} FROM outbox {where} ORDER BY id DESC LIMIT ?",
            (*params, int(limit)),
        )
        return [_entry(r) for r in rows]
