"""The simulator's own SQLite: each submission stored exactly once, plus a status-update log.

The submission id is the primary key, so "exactly once" is a database constraint rather than a
hope. The same id with the same envelope digest is a duplicate (answered with the original case
number); with a different digest it is a conflict and nothing changes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.sync import signing
from offline_cache.private_files import create_private, private_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    submission_id  TEXT PRIMARY KEY,
    terminal_id    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    receipt_code   TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    case_number    TEXT NOT NULL UNIQUE,
    document       TEXT NOT NULL,
    received_at    REAL NOT NULL,
    deliveries     INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS status_updates (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id  TEXT NOT NULL REFERENCES submissions(submission_id),
    terminal_id    TEXT NOT NULL,
    status         TEXT NOT NULL,
    text           TEXT NOT NULL,
    updated_at     REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS status_by_terminal ON status_updates (terminal_id, seq);
-- Nonces seen inside the replay window: kept on disk so a restarted simulator still refuses a
-- request captured just before the restart.
CREATE TABLE IF NOT EXISTS nonces (
    terminal_id    TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    seen_at        REAL NOT NULL,
    PRIMARY KEY (terminal_id, nonce)
);
-- Each terminal's latest health report (POST /health): replaced by the next one.
CREATE TABLE IF NOT EXISTS terminal_health (
    terminal_id    TEXT PRIMARY KEY,
    received_at    REAL NOT NULL,
    report         TEXT NOT NULL
);
"""

# The case-worker's steps for each kind: (status, what the resident is told).
STATUS_CHAINS: dict[str, list[tuple[str, str]]] = {
    "legal_aid": [
        ("received", "省法律援助中心已收到申请，等待审查"),
        ("reviewing", "法律援助中心正在审查您的申请"),
        ("approved", "审查通过，法律援助中心将指派律师，会有工作人员电话联系您"),
    ],
    "visit_booking": [
        ("received", "上门服务预约已收到"),
        ("scheduled", "上门时间已安排，工作人员会提前电话联系您"),
    ],
}


@dataclass(frozen=True)
class Stored:
    case_number: str
    content_sha256: str


class SimStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # The province's copy of residents' applications: for this user only, like the
        # terminal's own store (WAL and SHM inherit the database file's mode).
        private_dir(self.path.parent)
        if not self.path.exists():
            create_private(self.path)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self.lock = threading.Lock()

    def first_use(self, terminal_id: str, nonce: str, now: float) -> bool:
        """Record ``nonce``; ``False`` if it was already seen within the replay window
        (:class:`kiosk.sync.signing.Nonces`, persisted)."""
        with self.lock:
            self.conn.execute(
                "DELETE FROM nonces WHERE seen_at < ?", (now - 2 * signing.REPLAY_WINDOW_S,)
            )
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO nonces (terminal_id, nonce, seen_at) VALUES (?, ?, ?)",
                (terminal_id, nonce, now),
            )
            return cur.rowcount == 1

    def find(self, submission_id: str) -> Stored | None:
        row = self.conn.execute(
            "SELECT case_number, content_sha256 FROM submissions WHERE submission_id = ?",
            (submission_id,),
        ).fetchone()
        return Stored(row[0], row[1]) if row else None

    def count_delivery(self, submission_id: str) -> None:
        self.conn.execute(
            "UPDATE submissions SET deliveries = deliveries + 1 WHERE submission_id = ?",
            (submission_id,),
        )

    def insert(
        self,
        submission_id: str,
        terminal_id: str,
        kind: str,
        receipt_code: str,
        content_sha256: str,
        document: dict[str, Any],
    ) -> str:
        """Store one new submission with its first status; returns the case number."""
        now = time.time()
        seq = self.conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] + 1
        prefix = "CZLA" if kind == "legal_aid" else "CZFW"
        case_number = f"{prefix}{time.strftime('%Y', time.localtime(now))}{seq:07d}"
        self.conn.execute(
            "INSERT INTO submissions (submission_id, terminal_id, kind, receipt_code,"
            " content_sha256, case_number, document, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                submission_id,
                terminal_id,
                kind,
                receipt_code,
                content_sha256,
                case_number,
                json.dumps(document, ensure_ascii=False),
                now,
            ),
        )
        status, text = STATUS_CHAINS[kind][0]
        self.conn.execute(
            "INSERT INTO status_updates (submission_id, terminal_id, status, text, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (submission_id, terminal_id, status, text, now),
        )
        return case_number

    def updates_since(
        self, terminal_id: str, cursor: int, limit: int
    ) -> tuple[list[dict[str, Any]], int, bool]:
        rows = self.conn.execute(
            "SELECT u.seq, u.submission_id, u.status, u.text, u.updated_at, s.case_number"
            " FROM status_updates u JOIN submissions s USING (submission_id)"
            " WHERE u.terminal_id = ? AND u.seq > ? ORDER BY u.seq LIMIT ?",
            (terminal_id, cursor, limit + 1),
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        updates = [
            {
                "submission_id": r[1],
                "status": r[2],
                "text": r[3],
                "updated_at": r[4],
                "case_number": r[5],
            }
            for r in rows
        ]
        return updates, (rows[-1][0] if rows else cursor), more

    def advance_statuses(self, older_than_s: float) -> int:
        """Move every case whose latest status is older than ``older_than_s`` one step on."""
        now = time.time()
        moved = 0
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                rows = self.conn.execute(
                    "SELECT s.submission_id, s.terminal_id, s.kind, u.status, u.updated_at"
                    " FROM submissions s JOIN status_updates u ON u.seq = ("
                    "  SELECT MAX(seq) FROM status_updates WHERE submission_id = s.submission_id)"
                ).fetchall()
                for sid, terminal, kind, status, at in rows:
                    chain = STATUS_CHAINS[kind]
                    steps = [s for s, _ in chain]
                    i = steps.index(status) if status in steps else len(steps) - 1
                    if i + 1 < len(chain) and now - at >= older_than_s:
                        nxt, text = chain[i + 1]
                        self.conn.execute(
                            "INSERT INTO status_updates (submission_id, terminal_id, status, text,"
                            " updated_at) VALUES (?, ?, ?, ?, ?)",
                            (sid, terminal, nxt, text, now),
                        )
                        moved += 1
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return moved

    def save_health(self, terminal_id: str, report: dict[str, Any]) -> None:
        """Keep ``report`` as the terminal's latest health (the previous one is replaced)."""
        with self.lock:
            self.conn.execute(
                "INSERT INTO terminal_health (terminal_id, received_at, report) VALUES (?, ?, ?)"
                " ON CONFLICT(terminal_id) DO UPDATE SET received_at = excluded.received_at,"
                " report = excluded.report",
                (terminal_id, time.time(), json.dumps(report, ensure_ascii=False)),
            )

    def latest_health(self) -> list[tuple[str, float, dict[str, Any]]]:
        """(terminal id, when received, report) of every terminal that has reported."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT terminal_id, received_at, report FROM terminal_health ORDER BY terminal_id"
            ).fetchall()
        return [(str(t), float(at), json.loads(r)) for t, at, r in rows]

    def stats(self) -> dict[str, int]:
        total, deliveries = self.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(deliveries), 0) FROM submissions"
        ).fetchone()
        return {"submissions": int(total), "deliveries": int(deliveries)}
