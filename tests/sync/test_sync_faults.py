"""Sync against a real simulator process on 127.0.0.1, with the faults villages actually see."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.submissions import queue_sealed
from offline_cache.outbox import Outbox
from tests.sync.conftest import Sim, drain, make_agent, resident
from tools.provincial_sim.keys import KeyFiles, self_signed_certificate


def test_thousand_submissions_through_5xx_lost_answers_429s_and_timeouts_all_end_accepted_once(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    receipts = [
        queue_sealed(outbox, "legal_aid", resident(i), {"service": "legal_aid"})
        for i in range(1000)
    ]
    sim = start_sim(
        "--fail-rate", "0.3",
        "--drop-after-commit", "0.1",
        "--rate-limit", "20",
        "--stall-rate", "0.1",
        "--stall-ms", "600",
        "--latency-ms", "2",
    )  # fmt: skip
    agent = make_agent(outbox, keys, sim, batch_size=25, read_timeout_s=0.3)
    errors = drain(agent)
    counts = outbox.counts()
    assert (counts.accepted, counts.queued, counts.sending, counts.rejected) == (1000, 0, 0, 0)
    ids = sim.ids()
    assert len(ids) == len(set(ids)) == 1000
    assert set(ids) == {r.submission_id for r in receipts}
    # Every receipt has a case number the resident can be told.
    assert all(e.case_number for e in outbox.list(limit=1000))
    # The faults really happened: 5xx, 429, timeouts and lost answers, so rows were re-sent.
    for seen in ("暂时出错（503）", "繁忙", "超时", "连不上"):
        assert any(seen in e for e in errors), seen
    assert any(e.attempts > 1 for e in outbox.list(limit=1000))


def test_captive_portal_html_pages_never_mark_anything_accepted(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    for i in range(10):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    sim = start_sim("--captive-portal", "1.0")
    report = make_agent(outbox, keys, sim).sync_now()
    assert report.accepted == 0 and report.failed_batches >= 1
    assert any("网络登录页面" in e for e in report.errors)
    counts = outbox.counts()
    assert (counts.accepted, counts.queued) == (0, 10)
    assert counts.last_success_at is None


def test_auth_failure_stops_the_run_and_tells_staff(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    for i in range(30):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    sim = start_sim("--reject-auth")
    report = make_agent(outbox, keys, sim, batch_size=5).sync_now()
    assert report.auth_failed and not report.drained
    assert report.sent == 5  # one batch, then the run stopped
    assert "凭据" in (report.last_error or "")
    assert outbox.counts().queued == 30
    assert outbox.next_due_at() is not None


def test_conflicting_content_for_the_same_id_is_never_marked_accepted(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    receipt = queue_sealed(outbox, "legal_aid", resident(1), {})
    sim = start_sim()
    agent = make_agent(outbox, keys, sim)
    assert agent.sync_now().accepted == 1
    # Same submission id, different ciphertext (a restored backup, a bug): the server says conflict.
    with outbox.store.atomic() as c:
        c.execute(
            "UPDATE outbox SET status = 'queued', accepted_at = NULL, case_number = NULL,"
            " envelope = ?, content_sha256 = ? WHERE submission_id = ?",
            (b"KS1" + b"\0" * 80, "0" * 64, receipt.submission_id),
        )
    report = agent.sync_now()
    assert report.conflicts == 1 and report.accepted == 0
    entry = outbox.get(receipt.code)
    assert entry is not None and entry.status == "rejected" and "冲突" in (entry.last_error or "")
    assert sim.count() == 1


def test_resending_after_a_lost_answer_gives_the_original_case_number(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    for i in range(20):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    sim = start_sim("--drop-after-commit", "1.0")
    report = make_agent(outbox, keys, sim, batch_size=20).sync_now()
    assert report.accepted == 0 and sim.count() == 20  # committed, but we never heard it
    assert outbox.counts().queued == 20
    sim.proc.terminate()
    sim.proc.wait()
    fixed = start_sim()  # same database file, answers arrive now
    drain(make_agent(outbox, keys, fixed, batch_size=20))
    assert fixed.count() == 20
    import sqlite3

    with sqlite3.connect(fixed.db) as c:
        server_cases = dict(c.execute("SELECT submission_id, case_number FROM submissions"))
    assert {e.submission_id: e.case_number for e in outbox.list()} == server_cases


def test_https_with_a_pinned_certificate_works_and_a_stranger_certificate_is_refused(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    for i in range(3):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    sim = start_sim(tls=True)
    assert sim.url.startswith("https://127.0.0.1:")
    other_cert, other_key = tmp_path / "other.pem", tmp_path / "other.key"
    self_signed_certificate(other_cert, other_key)
    refused = make_agent(outbox, keys, sim, ca_file=other_cert).sync_now()
    assert refused.accepted == 0 and "证书" in (refused.last_error or "")
    # Without a CA file the system trust store is used: a self-signed server is refused too.
    assert make_agent(outbox, keys, sim).sync_now().accepted == 0
    ok = make_agent(outbox, keys, sim, ca_file=keys.tls_cert)
    drain(ok)
    assert outbox.counts().accepted == 3 and sim.count() == 3


def test_status_updates_are_pulled_and_answer_offline_afterwards(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    receipt = queue_sealed(outbox, "legal_aid", resident(1), {})
    sim = start_sim("--progress-seconds", "0.2")
    agent = make_agent(outbox, keys, sim)
    agent.sync_now()
    time.sleep(0.7)
    agent.sync_now()
    sim.proc.terminate()
    sim.proc.wait()
    view = outbox.status(receipt.code)  # the network is gone now
    assert view is not None
    assert view.remote_status in ("reviewing", "approved")
    assert "审查" in view.text and view.learned_at is not None


class _Watching:
    """Wraps a transport and records the most calls ever in flight at once."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.in_flight = 0
        self.most = 0
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        def watched(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.in_flight += 1
                self.most = max(self.most, self.in_flight)
            try:
                return method(*args, **kwargs)
            finally:
                with self.lock:
                    self.in_flight -= 1

        return watched


def test_timer_and_manual_sync_never_overlap(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    for i in range(60):
        queue_sealed(outbox, "legal_aid", resident(i), {})
    sim = start_sim("--latency-ms", "20")
    agent = make_agent(outbox, keys, sim, batch_size=5)
    watch = _Watching(agent.transport)
    agent.transport = watch
    agent.interval_s = 0.05
    agent.start()
    manual = [threading.Thread(target=agent.sync_now) for _ in range(3)]
    for t in manual:
        t.start()
    agent.request_sync()
    for t in manual:
        t.join()
    deadline = time.monotonic() + 30
    while outbox.remaining() and time.monotonic() < deadline:
        time.sleep(0.05)
    agent.stop()
    assert outbox.counts().accepted == 60 and sim.count() == 60
    assert watch.most == 1


def test_the_latest_pack_manifest_is_fetched_signed_and_absent_means_none(
    keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    from kiosk.sync.https_transport import HttpsTransport
    from kiosk.sync.signing import load_credentials

    creds = load_credentials(keys.credentials)
    bare = start_sim()
    assert HttpsTransport(bare.url, creds).latest_pack_manifest() is None
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"id": "changzhou", "version": "1.2.0"}), "utf-8")
    (tmp_path / "manifest.json.sig").write_text("c2lnbmF0dXJl\n", "utf-8")
    published = start_sim("--pack-manifest", str(manifest), db_name="pack.sqlite3")
    answer = HttpsTransport(published.url, creds).latest_pack_manifest()
    assert answer == {
        "manifest": {"id": "changzhou", "version": "1.2.0"},
        "signature": "c2lnbmF0dXJl",
    }


def test_a_terminal_clock_off_by_an_hour_is_reported_as_a_clock_problem_not_bad_keys(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim]
) -> None:
    from kiosk.sync.agent import SyncAgent
    from kiosk.sync.https_transport import HttpsTransport
    from kiosk.sync.signing import load_credentials

    queue_sealed(outbox, "legal_aid", resident(1), {})
    sim = start_sim()
    late = HttpsTransport(
        sim.url, load_credentials(keys.credentials), clock=lambda: time.time() - 3600
    )
    report = SyncAgent(outbox, late).sync_now()
    assert report.auth_failed
    assert "校准终端的日期和时间" in (report.last_error or "") and "60 分钟" in (
        report.last_error or ""
    )
    assert outbox.counts().queued == 1
