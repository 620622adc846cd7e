"""The outbox on a real SQLite file: durable, sealed, readable offline, never losing a row."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk import display_text, receipts, sealing
from kiosk.submissions import queue_sealed
from offline_cache.outbox import ItemResult, Outbox, OutboxError, SealedSubmission, StatusUpdate
from offline_cache.store import Store
from tests.sync.conftest import RESIDENT, TERMINAL, private_key, resident
from tools.provincial_sim.keys import KeyFiles


def test_enqueue_returns_a_valid_unique_receipt_and_the_row_is_committed(
    outbox: Outbox,
) -> None:
    codes = {
        queue_sealed(outbox, "legal_aid", resident(i), {"service": "legal_aid"}).code
        for i in range(50)
    }
    assert len(codes) == 50
    assert all(receipts.is_valid(c) for c in codes)
    # Another connection (another process after a power cut) sees every row.
    with sqlite3.connect(outbox.store.path) as c:
        assert c.execute("SELECT COUNT(*) FROM outbox WHERE status = 'queued'").fetchone()[0] == 50


def test_the_outbox_keeps_the_sealed_envelope_it_is_handed_byte_for_byte(outbox: Outbox) -> None:
    envelope = (
        b"KS1" + bytes(range(256)) * 4
    )  # whatever the sealing made; the outbox never opens it
    with outbox.queueing() as q:
        code = q.unused_code(receipts.new_code)
        receipt = q.put(
            SealedSubmission(
                submission_id="6f1c1d7e-0000-4000-8000-000000000001",
                kind="legal_aid",
                receipt_code=code,
                created_at=1_700_000_000.0,
                envelope=envelope,
                metadata={"service": "legal_aid", "district": "wujin"},
            )
        )
    assert outbox.envelope(receipt.submission_id) == envelope
    entry = outbox.get(code)
    assert entry is not None and entry.status == "queued"
    assert entry.metadata == {"service": "legal_aid", "district": "wujin"}
    [item] = outbox.claim_due(10, now=1_700_000_001.0)
    assert item.content_sha256 == hashlib.sha256(envelope).hexdigest()


def test_a_submission_that_fails_before_it_is_stored_leaves_nothing_behind(
    outbox: Outbox,
) -> None:
    with pytest.raises(RuntimeError), outbox.queueing() as q:
        code = q.unused_code(receipts.new_code)
        raise RuntimeError("sealing failed")  # e.g. a broken key: nothing may be committed
    assert outbox.get(code) is None
    queue_sealed(outbox, "legal_aid", RESIDENT, {})
    assert outbox.counts().queued == 1


def test_a_receipt_code_already_issued_on_this_terminal_is_drawn_again(outbox: Outbox) -> None:
    first = queue_sealed(outbox, "legal_aid", RESIDENT, {})
    fresh = receipts.new_code()
    drawn = iter([first.code, first.code, fresh])
    with outbox.queueing() as q:
        assert q.unused_code(lambda: next(drawn)) == fresh


def test_only_the_provincial_private_key_opens_a_queued_application(
    outbox: Outbox, keys: KeyFiles
) -> None:
    receipt = queue_sealed(outbox, "legal_aid", RESIDENT, {"district": "wujin"})
    envelope = outbox.envelope(receipt.submission_id)
    assert envelope is not None
    document = json.loads(
        sealing.open_sealed(private_key(keys), receipt.submission_id, "legal_aid", envelope)
    )
    assert document["payload"] == RESIDENT
    assert document["receipt_code"] == receipt.code
    # Bound to its id and kind: replaying it under another id or kind fails.
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(private_key(keys), receipt.submission_id, "visit_booking", envelope)
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(
            private_key(keys), "00000000-0000-4000-8000-000000000000", "legal_aid", envelope
        )
    # Altering one byte is detected.
    bad = envelope[:-1] + bytes([envelope[-1] ^ 1])
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(private_key(keys), receipt.submission_id, "legal_aid", bad)
    # Another key pair cannot read it.
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(
            sealing.generate_private_key(), receipt.submission_id, "legal_aid", envelope
        )


def test_raw_database_and_wal_bytes_hold_no_resident_name_id_number_or_phone(
    outbox: Outbox,
) -> None:
    people = [resident(i) for i in range(20)]
    for p in people:
        queue_sealed(outbox, "legal_aid", p, {"service": "legal_aid", "district": "wujin"})
    db = outbox.store.path
    wal = db.with_name(db.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the rows are still in the WAL, check it too
    raw = db.read_bytes() + wal.read_bytes()
    for p in people:
        for field in ("name", "id_number", "phone", "address", "facts"):
            for encoding in ("utf-8", "utf-16-le"):
                assert p[field].encode(encoding) not in raw, (field, encoding)
    # The clear metadata is there (what status queries and statistics need).
    assert b"wujin" in raw


def test_counts_status_and_list_answer_without_any_network(outbox: Outbox) -> None:
    a = queue_sealed(outbox, "legal_aid", resident(1), {})
    b = queue_sealed(outbox, "visit_booking", resident(2), {})
    counts = outbox.counts()
    assert (counts.queued, counts.accepted, counts.last_success_at) == (2, 0, None)
    view = outbox.status(a.code)
    assert view is not None and "等待联网发送" in view.text
    assert outbox.status("23456789") is None
    assert [e.receipt_code for e in outbox.list()] == [b.code, a.code]  # newest first
    # The province accepts one and later reports progress: both are remembered offline.
    claimed = outbox.claim_due(10)
    outbox.apply_results([ItemResult(a.submission_id, "accepted", "CZLA1")])
    outbox.release([(b.submission_id, time.time() + 60)], "省系统暂时出错（503）")
    outbox.record_status_updates(
        [StatusUpdate(a.submission_id, "reviewing", "法律援助中心正在审查您的申请", time.time())],
        "7",
    )
    assert len(claimed) == 2
    view = outbox.status(display_text.receipt_code(a.code))  # "2345 6789" as typed from the slip
    assert view is not None
    assert view.text == "法律援助中心正在审查您的申请"
    assert "CZLA1" not in str(view)  # the case number is not for whoever holds the screen
    assert view.learned_at is not None
    assert outbox.status_cursor() == "7"
    counts = outbox.counts()
    assert (counts.queued, counts.accepted) == (1, 1)
    assert counts.last_success_at is not None
    entry = outbox.get(b.code)
    assert entry is not None and entry.last_error == "省系统暂时出错（503）" and entry.attempts == 1


def test_rows_left_sending_by_a_crash_are_queued_again_at_start_up(outbox: Outbox) -> None:
    for i in range(3):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    assert len(outbox.claim_due(2)) == 2
    assert outbox.counts().sending == 2
    assert outbox.recover_interrupted() == 2
    assert outbox.counts().queued == 3
    assert len(outbox.claim_due(10)) == 3  # all due now, oldest first


def test_rejected_submission_can_be_retried_but_an_accepted_one_cannot(outbox: Outbox) -> None:
    a = queue_sealed(outbox, "legal_aid", resident(1), {})
    b = queue_sealed(outbox, "legal_aid", resident(2), {})
    outbox.claim_due(10)
    outbox.apply_results(
        [
            ItemResult(a.submission_id, "rejected", message="密文无法解开"),
            ItemResult(b.submission_id, "conflict", message="内容不同"),
        ]
    )
    entry = outbox.get(a.code)
    assert (
        entry is not None
        and entry.status == "rejected"
        and "密文无法解开" in (entry.last_error or "")
    )
    entry = outbox.get(b.code)
    assert entry is not None and entry.status == "rejected" and "冲突" in (entry.last_error or "")
    assert outbox.envelope(a.submission_id) is not None  # nothing deleted without acceptance
    assert outbox.retry(a.code).status == "queued"
    outbox.claim_due(10)
    outbox.apply_results([ItemResult(a.submission_id, "accepted", "CZLA9")])
    with pytest.raises(OutboxError, match="已被省系统接收"):
        outbox.retry(a.code)
    with pytest.raises(OutboxError, match="没有回执号码"):
        outbox.retry("23456789")


def test_ciphertext_of_accepted_submissions_is_purged_only_after_retention(
    outbox: Outbox,
) -> None:
    a = queue_sealed(outbox, "legal_aid", resident(1), {})
    b = queue_sealed(outbox, "legal_aid", resident(2), {})
    outbox.claim_due(10)
    accepted_at = time.time()
    outbox.apply_results([ItemResult(a.submission_id, "accepted", "CZLA1")], now=accepted_at)
    outbox.release([(b.submission_id, 0.0)], "网络中断")
    assert outbox.purge_accepted(30, now=accepted_at + 29 * 86400) == 0
    assert outbox.purge_accepted(30, now=accepted_at + 31 * 86400) == 1
    assert outbox.envelope(a.submission_id) is None
    assert outbox.envelope(b.submission_id) is not None  # never purged before acceptance
    entry = outbox.get(a.code)
    assert entry is not None and entry.purged and entry.case_number == "CZLA1"
    view = outbox.status(a.code)
    assert view is not None and view.local_status == "accepted"  # still answers status queries


def test_queueing_without_the_provincial_public_key_is_refused_plainly(tmp_path: Path) -> None:
    box = Outbox(Store(tmp_path / "k.sqlite3"), None, TERMINAL)
    with pytest.raises(OutboxError, match="公钥"):
        queue_sealed(box, "legal_aid", RESIDENT, {})
    assert box.counts().queued == 0
