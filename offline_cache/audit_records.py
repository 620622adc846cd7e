"""The audit log on disk (table ``audit_log``, append-only by trigger) and its head in ``meta``.

Only storage: what an entry may say, how its hash is made and how the chain is verified are in
:mod:`kiosk.audit`. The entry's detail is kept as the exact JSON text that was hashed, so a
verifier recomputes the hash over the same bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from offline_cache.store import Store

HEAD_KEY = "audit.head_hash"
COUNT_KEY = "audit.count"


@dataclass(frozen=True)
class AuditRecord:
    """One stored entry, as written (``detail_json`` is the hashed text)."""

    seq: int
    at: str
    actor: str
    action: str
    detail_json: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditHead:
    """The newest hash and the entry count kept beside the table (``None``: not recorded)."""

    head_hash: str | None
    count: int | None


def _record(row: sqlite3.Row) -> AuditRecord:
    return AuditRecord(
        seq=int(row["seq"]),
        at=str(row["at"]),
        actor=str(row["actor"]),
        action=str(row["action"]),
        detail_json=str(row["detail"]),
        prev_hash=str(row["prev_hash"]),
        hash=str(row["hash"]),
    )


class AuditRepository:
    """The ``audit_log`` table; safe to use from several threads and processes."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def append(self, make: Callable[[int, str | None], AuditRecord]) -> AuditRecord:
        """Add the entry ``make(seq, prev_hash)`` returns, with the head, in one transaction.

        ``prev_hash`` is ``None`` for the first entry.

        The next sequence number and the previous hash are read inside the same write
        transaction the entry is written in, so two writers can never fork the chain.
        """
        with self.store.atomic() as conn:
            row = conn.execute(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev = (int(row["seq"]) + 1, str(row["hash"])) if row else (1, None)
            record = make(seq, prev)
            conn.execute(
                "INSERT INTO audit_log(seq, at, actor, action, detail, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.seq,
                    record.at,
                    record.actor,
                    record.action,
                    record.detail_json,
                    record.prev_hash,
                    record.hash,
                ),
            )
            self.store.set_meta(HEAD_KEY, record.hash, conn)
            self.store.set_meta(COUNT_KEY, str(record.seq), conn)
        return record

    def newest_first(
        self, *, limit: int | None = None, action_prefix: str | None = None
    ) -> list[AuditRecord]:
        sql = "SELECT * FROM audit_log"
        params: list[object] = []
        if action_prefix:
            sql += " WHERE action LIKE ? ESCAPE '\\'"
            escaped = action_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(escaped + "%")
        sql += " ORDER BY seq DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_record(r) for r in self.store.query(sql, tuple(params))]

    def in_order(self) -> list[AuditRecord]:
        """Every entry, oldest first (for verifying the chain)."""
        return [_record(r) for r in self.store.query("SELECT * FROM audit_log ORDER BY seq")]

    def head(self) -> AuditHead:
        count = self.store.get_meta(COUNT_KEY)
        return AuditHead(self.store.get_meta(HEAD_KEY), int(count) if count is not None else None)
