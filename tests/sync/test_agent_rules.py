"""The agent's rules over answers, with an in-memory transport (no network)."""

from __future__ import annotations

import errno
import random
import time
from collections.abc import Sequence
from typing import Any

import pytest

from kiosk.submissions import queue_sealed
from kiosk.sync.agent import SyncAgent, backoff_delay
from kiosk.sync.https_transport import parse_results
from kiosk.sync.transport import BatchAnswer, TransportFailure
from offline_cache.outbox import ItemResult, Outbox, OutgoingItem
from offline_cache.store import StoreError, explain_os_error
from tests.fakes import ScriptedTransport
from tests.sync.conftest import resident


def accept_all(items: Sequence[OutgoingItem]) -> BatchAnswer:
    return BatchAnswer(
        [ItemResult(i.submission_id, "accepted", f"C{i.receipt_code}") for i in items]
    )


def test_retry_after_is_a_lower_bound_for_the_next_attempt(outbox: Outbox) -> None:
    queue_sealed(outbox, "legal_aid", resident(1), {})
    busy = TransportFailure("transient", "省系统繁忙，要求稍后再发", retry_after_s=120)
    agent = SyncAgent(outbox, ScriptedTransport(lambda items: busy), backoff_base_s=0.01)
    before = time.time()
    report = agent.sync_now()
    assert report.remaining == 1 and report.failed_batches == 1
    due = outbox.next_due_at()
    assert due is not None and due >= before + 120


def test_items_the_server_did_not_answer_are_sent_again_and_oldest_go_first(outbox: Outbox) -> None:
    codes = [queue_sealed(outbox, "legal_aid", resident(i), {}).code for i in range(4)]

    def answer_first_only(items: Sequence[OutgoingItem]) -> BatchAnswer:
        return BatchAnswer([ItemResult(items[0].submission_id, "accepted", "C1")])

    transport = ScriptedTransport(answer_first_only, accept_all)
    agent = SyncAgent(outbox, transport, batch_size=10, backoff_base_s=0.2, backoff_max_s=0.4)
    first = agent.sync_now()
    assert (first.accepted, first.unanswered, first.remaining) == (1, 3, 3)
    time.sleep(0.45)  # past their backoff
    agent.sync_now()
    assert transport.batches == [codes, codes[1:]]
    assert outbox.counts().accepted == 4


def test_only_explicit_answers_about_items_we_sent_with_a_case_number_count() -> None:
    sent = {"a", "b", "c"}
    doc = {
        "results": [
            {"submission_id": "a", "outcome": "accepted", "case_number": "CZ1"},
            {"submission_id": "b", "outcome": "accepted"},  # no case number: not an acceptance
            {"submission_id": "zzz", "outcome": "accepted", "case_number": "CZ9"},  # not ours
            {"submission_id": "c", "outcome": "duplicate", "case_number": "CZ0"},
        ]
    }
    results = parse_results(doc, sent)
    assert results is not None
    assert [(r.submission_id, r.outcome) for r in results] == [
        ("a", "accepted"),
        ("c", "duplicate"),
    ]
    assert parse_results({"results": [{"submission_id": "a", "outcome": "ok"}]}, sent) is None
    assert parse_results({"status": "ok"}, sent) is None


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(1)
    for attempts, cap in ((1, 5), (2, 10), (3, 20), (20, 3600)):
        delays = [backoff_delay(attempts, 5, 3600, rng) for _ in range(50)]
        assert all(cap / 2 <= d <= cap for d in delays)
        assert len({round(d, 6) for d in delays}) > 1  # jittered, so terminals don't stampede


def test_a_background_run_that_hits_disk_trouble_leaves_a_plain_problem_and_keeps_running(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_sealed(outbox, "legal_aid", resident(1), {})
    real_claim = outbox.claim_due
    full = StoreError(explain_os_error(OSError(errno.ENOSPC, "No space left"), outbox.store.path))

    def disk_full(*args: Any, **kwargs: Any) -> Any:
        raise full

    monkeypatch.setattr(outbox, "claim_due", disk_full)
    agent = SyncAgent(outbox, ScriptedTransport(accept_all, accept_all), interval_s=0.05)
    agent.start()
    time.sleep(0.3)
    assert agent.last_problem is not None and "存储空间已满" in agent.last_problem
    monkeypatch.setattr(outbox, "claim_due", real_claim)  # the administrator freed some space
    deadline = time.monotonic() + 5
    while outbox.counts().accepted == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    agent.stop()
    assert outbox.counts().accepted == 1 and agent.last_problem is None


def test_a_transport_that_raises_leaves_no_row_stuck_in_sending(outbox: Outbox) -> None:
    queue_sealed(outbox, "legal_aid", resident(1), {})

    def broken(items: Sequence[OutgoingItem]) -> BatchAnswer:
        raise ValueError("bug")

    agent = SyncAgent(outbox, ScriptedTransport(broken), backoff_base_s=60)
    report = agent.sync_now()
    assert report.failed_batches == 1 and "发送出错" in (report.last_error or "")
    assert (outbox.counts().queued, outbox.counts().sending) == (1, 0)


def test_rows_orphaned_in_sending_by_a_failed_run_are_recovered_by_a_later_run(
    outbox: Outbox,
) -> None:
    queue_sealed(outbox, "legal_aid", resident(1), {})
    agent = SyncAgent(outbox, ScriptedTransport(accept_all, accept_all), stale_sending_s=0.05)
    agent.sync_now()  # start-up run: nothing to do yet... then a run dies after claiming
    queue_sealed(outbox, "legal_aid", resident(2), {})
    outbox.claim_due(10)
    assert outbox.counts().sending == 1
    time.sleep(0.1)
    report = agent.sync_now()
    assert report.recovered == 1 and outbox.counts().accepted == 2


def test_after_start_up_the_first_run_waits_a_random_jitter_but_a_person_never_waits(
    outbox: Outbox,
) -> None:
    """A county of terminals powered on together must not reach the province as one herd
    (sync.startup_jitter_s), while staff pressing 立即同步 are served at once."""
    queue_sealed(outbox, "legal_aid", resident(1), {})
    waits: list[float] = []

    class Recording(random.Random):
        def uniform(self, a: float, b: float) -> float:
            waits.append(b)
            return 30.0  # the longest wait a jitter of 30 s allows

    agent = SyncAgent(outbox, ScriptedTransport(accept_all), startup_jitter_s=30.0, rng=Recording())
    agent.start()
    try:
        # Until the agent's thread has drawn its jitter (a busy machine starts it late), bounded.
        deadline = time.monotonic() + 30
        while not waits and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waits == [30.0] and outbox.counts().accepted == 0  # still waiting its turn
        agent.request_sync()  # staff: now
        deadline = time.monotonic() + 15  # half the jitter: an unheard request still fails
        while outbox.counts().accepted == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert outbox.counts().accepted == 1
    finally:
        agent.stop()
