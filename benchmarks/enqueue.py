"""Durable enqueue latency: ``kiosk.submissions.queue_sealed`` — what 提交 costs after the rules.

That is, in one ``Outbox.queueing`` transaction: the receipt counter, sealing (X25519 + HKDF +
AES-GCM), the INSERT of the sealed envelope, and one fsynced COMMIT.

Measured next to a baseline in the same run: a bare INSERT of a blob of the same size into a
WAL + ``synchronous=FULL`` SQLite file, one committed transaction each — the floor any durable
queue on this disk pays. Prints p50/p99 of both, then one JSON line:
``{"p50_ms": …, "p99_ms": …, "baseline_p99_ms": …, "p99_ratio": …}``. Goal: p99 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import sealing
from kiosk.submissions import queue_sealed
from offline_cache.outbox import Outbox
from offline_cache.store import Store

PAYLOAD = {
    "applicant": {
        "name": "王大山",
        "id_number": "320402197503011213",
        "phone": "13912345678",
        "address": {"district": "wujin", "town": "xueyan", "village": "wuj_xueyan_chengwan"},
    },
    "matter": {
        "category": "unpaid_wages",
        "facts": "在工地干了半年，包工头欠了三万块工钱不给。" * 8,
    },
    "economy": {"household_size": 3, "monthly_income_yuan": 9000},
    "consent": {"truthful": True, "verification": True},
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=2000, help="submissions to enqueue")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent) as tmp:
        key = sealing.generate_private_key().public_key()
        outbox = Outbox(Store(Path(tmp) / "kiosk.sqlite3"), key, "CZ-BENCH-0001")
        meta = {"service": "legal_aid", "district": "wujin", "matter_category": "unpaid_wages"}
        kiosk: list[float] = []
        for _ in range(args.n):
            t = time.perf_counter()
            receipt = queue_sealed(outbox, "legal_aid", PAYLOAD, meta)
            kiosk.append((time.perf_counter() - t) * 1000)
        size = len(outbox.envelope(receipt.submission_id) or b"")

        conn = sqlite3.connect(Path(tmp) / "bare.sqlite3", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE q (id INTEGER PRIMARY KEY, body BLOB)")
        blob = b"x" * size
        bare: list[float] = []
        for _ in range(args.n):
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO q (body) VALUES (?)", (blob,))
            conn.execute("COMMIT")
            bare.append((time.perf_counter() - t) * 1000)
        conn.close()

    p50, p99 = statistics.median(kiosk), percentile(kiosk, 99)
    b50, b99 = statistics.median(bare), percentile(bare, 99)
    print(f"{'':22}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'queue_sealed':22}{p50:10.2f}{p99:10.2f}")
    print(f"{'bare fsynced INSERT':22}{b50:10.2f}{b99:10.2f}")
    print(f"({args.n} each, envelope {size} bytes; goal p99 ≤ 20 ms)")
    print(json.dumps({
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "baseline_p50_ms": round(b50, 3),
        "baseline_p99_ms": round(b99, 3),
        "p99_ratio": round(p99 / b99, 3) if b99 else None,
        "n": args.n,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
