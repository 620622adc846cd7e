"""The sync agent: drains the outbox to the provincial system, off the UI thread.

- one lock: the timer and a staff "立即同步" never overlap (the second waits its turn);
- due rows oldest first, in batches; only an explicit per-item accepted/duplicate answer marks a
  row accepted (see docs/sync-protocol.md);
- transient failures (network, 5xx, timeouts, captive portals, malformed answers) put the
  rows back with exponential backoff and jitter, honouring Retry-After, with no retry limit —
  a resident's application is never given up on; a 429 (slow down) and a claim a crash cut
  short are not failed attempts and don't lengthen the backoff, and a person's "sync now"
  makes every waiting row due;
- a permanent failure (413 too large, another 4xx) sets the row aside as ``rejected`` with a
  plain reason for staff (a batch is first split, so only the row at fault is set aside);
- an auth failure stops the run (retrying with bad credentials only gets the terminal locked out);
- rows a crash left in ``sending`` are recovered on the agent's first run (start-up);
- status updates are pulled since the stored cursor, so 查询办理进度 works offline afterwards;
- the ciphertext of accepted rows is purged after the retention period;
- then, optionally, a newer content pack is pulled (``pack_puller``, only after a run that met
  no problem) and the ``after_run`` hooks see the report (e.g. home-visit bookings follow the
  province's answers, old bookings are purged). Both are plain callables given by the
  composition root (:mod:`kiosk.sync.hooks`), so this module knows nothing of packs or visits.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.sync.transport import BatchAnswer, Transport, TransportFailure
from offline_cache.outbox import Outbox, OutboxCounts, OutgoingItem
from offline_cache.store import StoreError

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What one run did; the UI and ``kiosk-admin sync`` show it."""

    started_at: float
    finished_at: float = 0.0
    recovered: int = 0
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    conflicts: int = 0
    unanswered: int = 0
    failed_batches: int = 0
    set_aside: int = 0  # rows the province can never take as they are (413, other 4xx)
    made_due: int = 0  # waiting rows a person's "sync now" made due before their backoff ended
    auth_failed: bool = False
    status_updates: int = 0
    purged: int = 0
    remaining: int = 0
    errors: list[str] = field(default_factory=list)
    # Filled by the pack puller and the after-run hooks (see SyncAgent):
    pack_installed: str | None = None  # e.g. "changzhou 2.1.0", active from the next idle switch
    pack_problem: str | None = None  # why an offered pack was not downloaded or installed
    notes: list[str] = field(default_factory=list)  # plain sentences for staff
    facts: dict[str, Any] = field(default_factory=dict)  # the same as numbers, for --json

    @property
    def succeeded(self) -> bool:
        """Every request of the run got a usable answer (nothing failed, credentials fine)."""
        return not self.auth_failed and not self.errors

    @property
    def drained(self) -> bool:
        return self.remaining == 0 and not self.auth_failed

    @property
    def last_error(self) -> str | None:
        return self.errors[-1] if self.errors else None


@dataclass(frozen=True)
class PackPullOutcome:
    """What the pack puller did: installed a pack (``installed`` label and staff message) or
    met a problem (``problem``, plain words); ``None`` instead of this means nothing to do."""

    installed: str | None = None
    message: str | None = None
    problem: str | None = None


PackPuller = Callable[[Transport], PackPullOutcome | None]
AfterRunHook = Callable[[SyncReport], None]


def backoff_delay(attempts: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, capped at ``max_s``."""
    cap = min(max_s, base_s * float(2 ** max(0, min(attempts - 1, 30))))
    return cap / 2 + rng.uniform(0, cap / 2)


def _log_changes(before: SyncReport | None, now: SyncReport) -> None:
    """One plain INFO line per change of state a station or the bureau cares about.

    A run every minute must not fill the journal, so only transitions are logged: the province
    became reachable or unreachable, the queue emptied, a pack was installed. The first run
    after start logs where things stand.
    """
    if before is None or before.succeeded != now.succeeded:
        if now.succeeded:
            log.info("省系统联系上了：待发送 %d 条", now.remaining)
        else:
            log.info(
                "联系不上省系统：%s；待发送 %d 条", now.last_error or "原因不明", now.remaining
            )
    if now.drained and now.sent:  # this run emptied a queue that had something in it
        log.info("待发送的申请都已送到省系统")
    if now.pack_installed:
        log.info("新内容包已下载：%s（下一位居民开始前换上）", now.pack_installed)


class SyncAgent:
    """Sends queued submissions and pulls status updates; see the module docstring.

    ``on_report`` is called with each run's :class:`SyncReport` from the thread that ran it
    (the background thread after ``start()``/``request_sync()``): a Kivy caller must hop back to
    the UI thread (``Clock.schedule_once``). ``last_report`` and ``last_problem`` can be polled.

    ``pack_puller(transport)`` runs after a run that :attr:`~SyncReport.succeeded`; it may
    install a newer pack into the pack store (which never switches the pack being served: the
    running kiosk does that at idle). ``after_run`` hooks run after every run, in order, before
    ``on_report``. Both run in the run's thread, under the run lock; an exception in either is
    logged and added to the report's errors, never breaking the sync itself.
    """

    def __init__(
        self,
        outbox: Outbox,
        transport: Transport,
        *,
        interval_s: float = 60.0,
        batch_size: int = 50,
        retention_days: int = 30,
        backoff_base_s: float = 5.0,
        backoff_max_s: float = 3600.0,
        max_failed_batches_per_run: int = 3,
        stale_sending_s: float = 900.0,
        cursor_scope: str = "",
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
        pack_puller: PackPuller | None = None,
        after_run: Sequence[AfterRunHook] = (),
        startup_jitter_s: float = 0.0,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.interval_s = interval_s
        self.batch_size = batch_size
        self.retention_days = retention_days
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.max_failed_batches_per_run = max_failed_batches_per_run
        self.stale_sending_s = stale_sending_s
        self.cursor_scope = cursor_scope
        # The timer's first run after start, and its next run after the province could not be
        # reached, wait a random 0..this first: a county of terminals powered on (or back
        # online) at once reaches the province spread out, not as one herd (issue 18).
        self.startup_jitter_s = max(0.0, startup_jitter_s)
        self._clock = clock
        self._rng = rng or random.Random()
        self._on_report = on_report
        self.pack_puller = pack_puller
        self.after_run: list[AfterRunHook] = list(after_run)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._staff_asked = threading.Event()  # the next run makes every waiting row due
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._recovered = False
        self.last_report: SyncReport | None = None
        # A background run that failed outright (full or read-only disk): a plain-Chinese
        # sentence for the staff screen, cleared by the next run that completes.
        self.last_problem: str | None = None

    # -- public ------------------------------------------------------------------------------
    def counts(self) -> OutboxCounts:
        return self.outbox.counts()

    def sync_now(self, *, everything_due: bool = False) -> SyncReport:
        """Run one sync now, in the calling thread (waits if the timer's run is in progress).

        ``everything_due``: a person asked (staff's 立即同步, ``kiosk-admin sync --once``), so
        every waiting row is sent now, whatever its backoff.
        """
        if everything_due:
            self._staff_asked.set()
        with self._lock:
            with self._process_lock():
                report = self._run()
            # Outside the cross-process lock: a slow pack download must not hold up the other
            # process's outbox run; the thread lock still keeps this process's runs apart.
            self._extras(report)
        _log_changes(self.last_report, report)
        self.last_report = report
        if self._on_report is not None:
            self._on_report(report)
        return report

    def request_sync(self) -> None:
        """Non-blocking "sync now" for staff on the UI: the background thread runs as soon as it
        can, with every waiting row due (as :meth:`sync_now` with ``everything_due``)."""
        self._staff_asked.set()
        if self._thread is not None and self._thread.is_alive():
            self._wake.set()
            return
        threading.Thread(target=self._safe_sync, name="sync-once", daemon=True).start()

    def start(self) -> None:
        """Start the background timer thread (recovers interrupted rows on its first run)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="sync-agent", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    @contextlib.contextmanager
    def _process_lock(self) -> Iterator[None]:
        """Serialise runs across processes too (the kiosk app and ``kiosk-admin sync``).

        Without it, one process's start-up recovery could put the other's in-flight rows back
        in the queue; the server would deduplicate them, but it is cleaner never to send twice.
        The lock file sits beside the database; the OS releases it if the holder is killed.
        """
        lock_path = self.outbox.store.path.parent / "sync.lock"
        try:
            handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the whole run
        except OSError:  # read-only data dir: the run itself will report the disk problem
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()

    def _extras(self, report: SyncReport) -> None:
        """The pack puller (after a clean run) and the after-run hooks; never raises."""
        if self.pack_puller is not None and report.succeeded and not self._stopping.is_set():
            try:
                outcome = self.pack_puller(self.transport)
            except Exception as exc:
                log.exception("pack puller failed")
                outcome = PackPullOutcome(problem=f"内容包更新出错：{type(exc).__name__}")
            if outcome is not None:
                report.pack_installed = outcome.installed
                report.pack_problem = outcome.problem
                if outcome.message:
                    report.notes.append(outcome.message)
                if outcome.problem:
                    report.errors.append(outcome.problem)
        for hook in self.after_run:
            try:
                hook(report)
            except StoreError as exc:
                log.error("after-run hook failed: %s", exc)
                report.errors.append(str(exc))
            except Exception as exc:
                log.exception("after-run hook failed")
                report.errors.append(f"同步后的处理出错：{type(exc).__name__}")
        report.finished_at = self._clock()

    # -- background --------------------------------------------------------------------------
    def _safe_sync(self) -> None:
        try:
            self.sync_now()
            self.last_problem = None
        except StoreError as exc:  # the timer thread must survive a full disk and retry later
            self.last_problem = str(exc)
            log.error("sync run failed: %s", exc)
        except Exception as exc:
            self.last_problem = f"同步出错：{type(exc).__name__}"
            log.exception("sync run failed")

    def _loop(self) -> None:
        # A person's "sync now" (request_sync sets _wake) doesn't wait for the jitter.
        if self.startup_jitter_s > 0:
            self._wake.wait(self._jitter())
            self._wake.clear()
        while not self._stopping.is_set():
            self._safe_sync()
            self._wake.wait(self._seconds_until_next_run())
            self._wake.clear()

    def _jitter(self) -> float:
        return self._rng.uniform(0, self.startup_jitter_s)

    def _seconds_until_next_run(self) -> float:
        wait = self.interval_s
        try:
            due = self.outbox.next_due_at()
        except Exception:
            return wait
        if due is not None and not (self.last_report and self.last_report.auth_failed):
            wait = min(wait, max(0.5, due - self._clock()))
        if self.last_report is not None and self.last_report.failed_batches:
            # Unreachable: when the network comes back, don't arrive with everyone else.
            wait += self._jitter()
        return wait

    # -- one run -----------------------------------------------------------------------------
    def _delay_for(self, item: OutgoingItem, failure: TransportFailure | None) -> float:
        # A throttled request is not a failed attempt: wait what the province asked (or the
        # first step), not a backoff that grows with every 429.
        attempts = item.attempts if failure is None or failure.counts_as_attempt else 1
        delay = backoff_delay(attempts, self.backoff_base_s, self.backoff_max_s, self._rng)
        if failure is not None and failure.retry_after_s is not None:
            delay = max(delay, failure.retry_after_s)
        return delay

    def _send(self, items: Sequence[OutgoingItem]) -> BatchAnswer | TransportFailure:
        try:
            return self.transport.send_batch(items)
        except Exception as exc:  # a transport bug must not strand rows in "sending"
            log.exception("transport raised")
            return TransportFailure("transient", f"发送出错：{type(exc).__name__}")

    def _settle(
        self,
        items: Sequence[OutgoingItem],
        answer: BatchAnswer | TransportFailure,
        report: SyncReport,
    ) -> bool:
        """Record what ``answer`` means for the claimed ``items``; False: end this run."""
        now = self._clock()
        if isinstance(answer, TransportFailure):
            if answer.kind == "permanent":
                if len(items) > 1:
                    # The batch as a whole may be what the province can't take (its size):
                    # each item alone tells which one is at fault; the others go through.
                    for n, item in enumerate(items):
                        if not self._settle([item], self._send([item]), report):
                            # The run ends here: the rest are still claimed, and not at fault.
                            self.outbox.release(
                                [(i.submission_id, now) for i in items[n + 1 :]],
                                answer.message,
                                counts_as_attempt=False,
                            )
                            return False
                    return True
                self.outbox.set_aside([items[0].submission_id], answer.message)
                report.set_aside += 1
                report.errors.append(answer.message)
                return True
            report.failed_batches += 1
            report.errors.append(answer.message)
            if answer.kind == "auth":
                # Not the items' fault: due again as soon as the credentials are fixed.
                self.outbox.release(
                    [(i.submission_id, now) for i in items], answer.message, counts_as_attempt=False
                )
                report.auth_failed = True
                return False
            self.outbox.release(
                [(i.submission_id, now + self._delay_for(i, answer)) for i in items],
                answer.message,
                counts_as_attempt=answer.counts_as_attempt,
            )
            return report.failed_batches < self.max_failed_batches_per_run
        self.outbox.apply_results(answer.results, now)
        for r in answer.results:
            if r.outcome in ("accepted", "duplicate"):
                report.accepted += 1
            elif r.outcome == "rejected":
                report.rejected += 1
            else:
                report.conflicts += 1
        answered = {r.submission_id for r in answer.results}
        missing = [i for i in items if i.submission_id not in answered]
        if missing:
            report.unanswered += len(missing)
            self.outbox.release(
                [(i.submission_id, now + self._delay_for(i, None)) for i in missing],
                "省系统没有明确答复这一条，稍后重发",
            )
        return True

    def _run(self) -> SyncReport:
        report = SyncReport(started_at=self._clock())
        if not self._recovered:
            report.recovered = self.outbox.recover_interrupted()
            self._recovered = True
        else:  # rows orphaned by a run that failed outright (e.g. disk full mid-batch)
            report.recovered = self.outbox.recover_interrupted(older_than_s=self.stale_sending_s)
        if self._staff_asked.is_set():
            self._staff_asked.clear()
            report.made_due = self.outbox.make_all_due()
        while not self._stopping.is_set():
            items = self.outbox.claim_due(self.batch_size)
            if not items:
                break
            report.sent += len(items)
            if not self._settle(items, self._send(items), report):
                break
        if not report.auth_failed and not self._stopping.is_set():
            self._pull_status(report)
        if self.retention_days >= 0:
            report.purged = self.outbox.purge_accepted(self.retention_days)
        report.remaining = self.outbox.remaining()
        report.finished_at = self._clock()
        return report

    def _pull_status(self, report: SyncReport, max_pages: int = 20) -> None:
        cursor = self.outbox.status_cursor(self.cursor_scope)
        for _ in range(max_pages):
            page = self.transport.status_updates(cursor)
            if isinstance(page, TransportFailure):
                report.errors.append(page.message)
                if page.kind == "auth":
                    report.auth_failed = True
                return
            report.status_updates += self.outbox.record_status_updates(
                page.updates, page.next_cursor, scope=self.cursor_scope
            )
            cursor = page.next_cursor
            if not page.more:
                return
