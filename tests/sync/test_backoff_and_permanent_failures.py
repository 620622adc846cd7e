"""Backoff counts only real failed attempts; a request the province can never take is set aside.

Item 11: a claim a crash cut short and a 429 are not failed attempts, and a person's "sync now"
makes every waiting row due. Item 9 (terminal side): a 413 or another permanent answer sets the
row aside as rejected with a plain reason (``outbox list`` shows it), it is not retried forever,
and a dropped encrypted connection is never blamed on a forged certificate.
"""

from __future__ import annotations

import http.server
import sqlite3
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import requests

from kiosk import display_text
from kiosk.audit import AuditLog
from kiosk.submissions import queue_sealed
from kiosk.sync.agent import SyncAgent
from kiosk.sync.describe import entry_line
from kiosk.sync.https_transport import HttpsTransport
from kiosk.sync.runs import sync_by_hand
from kiosk.sync.signing import load_credentials
from kiosk.sync.transport import BatchAnswer, TransportFailure
from offline_cache.outbox import ItemResult, Outbox, OutgoingItem
from tests.fakes import ScriptedTransport
from tests.sync.conftest import KeyFiles, resident

BUSY = TransportFailure(
    "transient", "省系统繁忙，要求稍后再发", retry_after_s=None, counts_as_attempt=False
)
DOWN = TransportFailure("transient", "连不上省系统（网络中断或服务器未开）")


def accept_all(items: Sequence[OutgoingItem]) -> BatchAnswer:
    return BatchAnswer(
        [ItemResult(i.submission_id, "accepted", f"C{i.receipt_code}") for i in items]
    )


def attempts(outbox: Outbox) -> list[int]:
    return [e.attempts for e in outbox.list()]


def test_claims_cut_short_by_crashes_do_not_count_as_failed_attempts(outbox: Outbox) -> None:
    queue_sealed(outbox, "legal_aid", resident(1), {})
    for _ in range(6):  # six power cuts in the middle of a send
        assert len(outbox.claim_due(10)) == 1
        assert outbox.recover_interrupted() == 1
    assert attempts(outbox) == [0]
    due = outbox.next_due_at()
    assert due is not None and due <= outbox.now()


def wait_after_failing(outbox: Outbox, failure: TransportFailure, times: int) -> float:
    """Seconds until one queued row is due after ``times`` runs that each met ``failure``."""
    queue_sealed(outbox, "legal_aid", resident(1), {})
    transport = ScriptedTransport(*[lambda items: failure] * times)
    agent = SyncAgent(outbox, transport, backoff_base_s=5, backoff_max_s=3600)
    for _ in range(times):
        agent.sync_now(everything_due=True)
    due = outbox.next_due_at()
    assert due is not None
    return due - outbox.now()


def test_rate_limiting_never_pushes_a_row_towards_the_backoff_cap(outbox: Outbox) -> None:
    assert wait_after_failing(outbox, BUSY, 8) <= 5  # the first step, not an hour
    assert attempts(outbox) == [0]


def test_real_failures_still_back_off_longer_each_time(outbox: Outbox) -> None:
    assert wait_after_failing(outbox, DOWN, 6) >= 5 * 2**5 / 2
    assert attempts(outbox) == [6]


def test_staff_sync_now_sends_every_waiting_row_whatever_its_backoff(
    outbox: Outbox, tmp_path: Path
) -> None:
    for i in range(3):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    transport = ScriptedTransport(lambda items: DOWN, accept_all)
    agent = SyncAgent(outbox, transport, backoff_base_s=600, backoff_max_s=3600)
    agent.sync_now()
    assert agent.sync_now().sent == 0  # the timer's run respects the backoff
    run = sync_by_hand(agent, AuditLog(outbox.store), "admin-cli:test")
    assert run.report.made_due == 3 and run.report.accepted == 3
    assert outbox.counts().accepted == 3


def test_a_sync_the_audit_log_could_not_record_is_said_in_chinese(outbox: Outbox) -> None:
    class BrokenAudit(AuditLog):
        def append(self, *_args: object, **_kwargs: object) -> None:  # type: ignore[override]
            raise sqlite3.OperationalError("database is locked")

    agent = SyncAgent(outbox, ScriptedTransport(accept_all))
    run = sync_by_hand(agent, BrokenAudit(outbox.store), "admin-cli:test")
    assert run.audit_problem is not None and "审计日志没有记下这次同步" in run.audit_problem
    assert "database" not in run.audit_problem and "locked" not in run.audit_problem


def test_a_request_too_large_for_the_province_is_set_aside_with_a_plain_reason(
    outbox: Outbox,
) -> None:
    codes = [queue_sealed(outbox, "legal_aid", resident(i), {}).code for i in range(3)]
    too_large = TransportFailure(
        "permanent", "省系统不收这份申请：内容太大（413），不会再自动重发。"
    )

    def refuse_the_batch_and_the_second_alone(items: Sequence[OutgoingItem]) -> object:
        if len(items) > 1 or items[0].receipt_code == codes[1]:
            return too_large
        return accept_all(items)

    transport = ScriptedTransport(*[refuse_the_batch_and_the_second_alone] * 4)
    agent = SyncAgent(outbox, transport, batch_size=10)
    report = agent.sync_now()
    assert transport.batches == [codes, [codes[0]], [codes[1]], [codes[2]]]
    assert (report.accepted, report.set_aside, report.remaining) == (2, 1, 0)
    aside = outbox.get(codes[1])
    assert aside is not None and aside.status == "rejected"
    assert aside.last_error is not None and "内容太大" in aside.last_error
    assert "证书" not in aside.last_error
    assert agent.sync_now().sent == 0  # not retried forever


class _StandIn(http.server.BaseHTTPRequestHandler):
    """A province that answers every batch with one status (413 unless told otherwise)."""

    status = 413

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


@pytest.fixture
def stand_in() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "kind", "counts"),
    [
        (413, "permanent", True),
        (400, "permanent", True),
        (422, "permanent", True),
        (429, "transient", False),  # slow down: not a failed attempt
        (503, "transient", True),
        (404, "transient", True),  # a wrong endpoint must not set every application aside
    ],
)
def test_the_transport_tells_permanent_answers_from_transient_ones(
    stand_in: str,
    keys: KeyFiles,
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    kind: str,
    counts: bool,
) -> None:
    monkeypatch.setattr(_StandIn, "status", status)
    queue_sealed(outbox, "legal_aid", resident(1), {})
    items = outbox.claim_due(1)
    answer = HttpsTransport(stand_in, load_credentials(keys.credentials)).send_batch(items)
    assert isinstance(answer, TransportFailure)
    assert (answer.kind, answer.counts_as_attempt) == (kind, counts)
    assert "证书" not in answer.message
    if kind == "permanent":
        assert str(status) in answer.message and "不会再自动重发" in answer.message


def test_an_encrypted_connection_dropped_mid_request_is_not_called_a_forged_certificate(
    keys: KeyFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dropped(*args: object, **kwargs: object) -> requests.Response:
        raise requests.exceptions.SSLError(
            ssl.SSLEOFError(8, "EOF occurred in violation of protocol (_ssl.c:2427)")
        )

    def forged(*args: object, **kwargs: object) -> requests.Response:
        raise requests.exceptions.SSLError(
            ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")
        )

    transport = HttpsTransport("https://127.0.0.1:9", load_credentials(keys.credentials))
    monkeypatch.setattr(transport.session, "request", dropped)
    answer = transport.send_batch([])
    assert isinstance(answer, TransportFailure) and "证书" not in answer.message
    monkeypatch.setattr(transport.session, "request", forged)
    answer = transport.send_batch([])
    assert isinstance(answer, TransportFailure) and "证书" in answer.message


def test_a_set_aside_row_and_its_reason_are_in_the_outbox_list_staff_read(outbox: Outbox) -> None:
    code = queue_sealed(outbox, "legal_aid", resident(1), {}).code
    too_large = TransportFailure(
        "permanent", "省系统不收这份申请：内容太大（413），不会再自动重发。"
    )
    SyncAgent(outbox, ScriptedTransport(lambda items: too_large)).sync_now()
    (line,) = [entry_line(e) for e in outbox.list(status="rejected")]
    assert display_text.receipt_code(code) in line and "内容太大（413）" in line


def test_the_staff_screens_sync_now_makes_every_waiting_row_due(outbox: Outbox) -> None:
    for i in range(2):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    agent = SyncAgent(outbox, ScriptedTransport(lambda items: DOWN, accept_all), backoff_base_s=600)
    agent.sync_now()  # the timer's run: both rows now wait about ten minutes
    agent.request_sync()  # 立即同步: runs on a thread of its own
    deadline = time.monotonic() + 10
    while outbox.counts().accepted < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert outbox.counts().accepted == 2
