"""Usage statistics the bureau can analyse, with no resident in them.

Only counters are stored (table ``usage_counts``), never a row per session or per resident:
per day, service, matter category and village — sessions started, completed and abandoned (with
the wizard step where they stopped), sessions that used voice, and session lengths as a
histogram of 5-second buckets (enough for an exact-to-5-s median). A session's id lives only in
memory while it runs. Submissions queued and accepted are counted from the outbox's
non-identifying metadata when a report is made, so they always agree with the outbox.

Labels (service, step, category, village) are ids from the content pack; a value that looks like
it could carry personal data (long digit runs, very long text) is stored as ``other``.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kiosk.audit import EXPORT, AuditLog
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from offline_cache.usage_counts import UsageLabels, UsageRepository

log = logging.getLogger(__name__)

BUCKET_S = 5
MAX_DURATION_S = 4 * 3600
MAX_OPEN_SESSIONS = 200
OTHER = "other"
ALL = "*"
_SAFE_LABEL = re.compile(r"^[\w.\-·（）()]{1,48}$")
_DIGIT_RUN = re.compile(r"\d{6,}")

CSV_COLUMNS = (
    "day",
    "terminal_id",
    "service",
    "matter_category",
    "village",
    "sessions_started",
    "sessions_completed",
    "sessions_abandoned",
    "abandoned_at_step",
    "voice_sessions",
    "median_session_s",
    "submissions_queued",
    "submissions_accepted",
)


def clean_label(value: str | None) -> str:
    """A pack id or place name as stored; anything that might carry personal data becomes ``other``."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if not _SAFE_LABEL.match(text) or _DIGIT_RUN.search(text):
        return OTHER
    return text


@dataclass
class _Open:
    day: str
    started: float
    service: str = ""
    step: str = ""
    voice: bool = False
    services: set[str] = field(default_factory=set)
    steps: set[tuple[str, str]] = field(default_factory=set)


class StatsRecorder:
    """Receives the UI's session events; each call is one small transaction, never raising."""

    def __init__(
        self,
        store: Store,
        *,
        village: str = "",
        today: Callable[[], date] = date.today,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.usage = UsageRepository(store)
        self.default_village = clean_label(village)
        self._today = today
        self._monotonic = monotonic
        self._open: dict[str, _Open] = {}
        self._lock = threading.Lock()

    # -- events (contract 5) -----------------------------------------------------------------
    def session_started(self, session_id: str) -> None:
        with self._lock:
            if len(self._open) >= MAX_OPEN_SESSIONS:  # the UI lost track; don't grow forever
                self._open.pop(next(iter(self._open)))
            s = _Open(day=self._today().isoformat(), started=self._monotonic())
            self._open[session_id] = s
        self._bump(s.day, "", "", self.default_village, "sessions_started")

    def service_chosen(self, session_id: str, service: str) -> None:
        service = clean_label(service)
        with self._lock:
            s = self._open.get(session_id)
            if s is None:
                return
            s.service, s.step = service, ""
            first = service not in s.services
            s.services.add(service)
        if first:
            self._bump(s.day, service, "", self.default_village, "service_started")

    def step_reached(self, session_id: str, service: str, step_id: str) -> None:
        service, step = clean_label(service), clean_label(step_id)
        with self._lock:
            s = self._open.get(session_id)
            if s is None:
                return
            s.service, s.step = service, step
            first = (service, step) not in s.steps
            s.steps.add((service, step))
        if first:
            self._bump(s.day, service, "", self.default_village, "step_reached", step)

    def voice_used(self, session_id: str) -> None:
        with self._lock:
            s = self._open.get(session_id)
            if s is not None:
                s.voice = True

    def ask_missed(self) -> None:
        """问一问 had no vetted answer: one more miss today. The question itself is never passed
        here, so nothing a resident said is kept (``voice.ask.AskIndex(on_miss=...)``)."""
        self._bump(self._today().isoformat(), "ask", "", self.default_village, "ask_missed")

    def session_completed(
        self,
        session_id: str,
        service: str,
        matter_category: str | None = None,
        village: str | None = None,
    ) -> None:
        with self._lock:
            s = self._open.pop(session_id, None)
        if s is None:
            return
        self._finish(
            s,
            "sessions_completed",
            clean_label(service),
            clean_label(matter_category),
            clean_label(village) or self.default_village,
            "",
        )

    def session_abandoned(self, session_id: str) -> None:
        with self._lock:
            s = self._open.pop(session_id, None)
        if s is None:
            return
        self._finish(s, "sessions_abandoned", s.service, "", self.default_village, s.step)

    # -- storage -----------------------------------------------------------------------------
    def _finish(
        self, s: _Open, metric: str, service: str, category: str, village: str, step: str
    ) -> None:
        seconds = min(max(self._monotonic() - s.started, 0.0), MAX_DURATION_S)
        bucket = str(round(seconds / BUCKET_S))
        bumps = [(metric, step), ("duration_5s", bucket)]
        if s.voice:
            bumps.append(("voice_sessions", ""))
        self._bump_many(s.day, service, category, village, bumps)

    def _bump(
        self, day: str, service: str, category: str, village: str, metric: str, step: str = ""
    ) -> None:
        self._bump_many(day, service, category, village, [(metric, step)])

    def _bump_many(
        self, day: str, service: str, category: str, village: str, bumps: list[tuple[str, str]]
    ) -> None:
        try:
            self.usage.bump(UsageLabels(day, service, category, village), bumps)
        except Exception:  # statistics must never interrupt a resident's session
            log.exception("usage statistics not recorded")


# -- reports ---------------------------------------------------------------------------------
@dataclass
class StatsRow:
    day: str
    service: str
    matter_category: str
    village: str
    sessions_started: int = 0
    sessions_completed: int = 0
    sessions_abandoned: int = 0
    abandoned_at_step: dict[str, int] = field(default_factory=dict)
    voice_sessions: int = 0
    durations: Counter[int] = field(default_factory=Counter)
    submissions_queued: int = 0
    submissions_accepted: int = 0

    @property
    def median_session_s(self) -> int | None:
        return median_from_buckets(self.durations)

    def to_dict(self, terminal_id: str = "") -> dict[str, Any]:
        return {
            "day": self.day,
            "terminal_id": terminal_id,
            "service": self.service,
            "matter_category": self.matter_category,
            "village": self.village,
            "sessions_started": self.sessions_started,
            "sessions_completed": self.sessions_completed,
            "sessions_abandoned": self.sessions_abandoned,
            "abandoned_at_step": dict(sorted(self.abandoned_at_step.items())),
            "voice_sessions": self.voice_sessions,
            "median_session_s": self.median_session_s,
            "submissions_queued": self.submissions_queued,
            "submissions_accepted": self.submissions_accepted,
        }


def median_from_buckets(buckets: Counter[int]) -> int | None:
    total = sum(buckets.values())
    if total == 0:
        return None
    ordered = sorted(buckets.items())

    def nth(k: int) -> int:
        seen = 0
        for bucket, n in ordered:
            seen += n
            if seen > k:
                return bucket * BUCKET_S
        return ordered[-1][0] * BUCKET_S

    if total % 2:
        return nth(total // 2)
    return round((nth(total // 2 - 1) + nth(total // 2)) / 2)


def report(store: Store, date_from: date, date_to: date) -> list[StatsRow]:
    """One row per day/service/category/village, plus a ``*`` total row per day, ordered by day."""
    rows: dict[tuple[str, str, str, str], StatsRow] = {}
    totals: dict[str, StatsRow] = {}

    def row(day: str, service: str, category: str, village: str) -> StatsRow:
        key = (day, service, category, village)
        if key not in rows:
            rows[key] = StatsRow(day, service, category, village)
        return rows[key]

    def total(day: str) -> StatsRow:
        if day not in totals:
            totals[day] = StatsRow(day, ALL, "", "")
        return totals[day]

    for c in UsageRepository(store).between(date_from, date_to):
        day, metric, n, step = c.labels.day, c.metric, c.n, c.step
        t = total(day)
        if metric == "sessions_started":
            t.sessions_started += n
            continue
        target = row(day, c.labels.service, c.labels.matter_category, c.labels.village)
        if metric == "service_started":
            target.sessions_started += n
        elif metric == "sessions_completed":
            target.sessions_completed += n
            t.sessions_completed += n
        elif metric == "sessions_abandoned":
            target.sessions_abandoned += n
            t.sessions_abandoned += n
            label = step or "home"
            target.abandoned_at_step[label] = target.abandoned_at_step.get(label, 0) + n
            t.abandoned_at_step[label] = t.abandoned_at_step.get(label, 0) + n
        elif metric == "voice_sessions":
            target.voice_sessions += n
            t.voice_sessions += n
        elif metric == "duration_5s":
            target.durations[int(step)] += n
            t.durations[int(step)] += n
    for day, service, category, village, metric, n in _outbox_counts(store, date_from, date_to):
        target = row(day, service, category, village)
        t = total(day)
        if metric == "queued":
            target.submissions_queued += n
            t.submissions_queued += n
        else:
            target.submissions_accepted += n
            t.submissions_accepted += n
    ordered = sorted(rows.values(), key=lambda x: (x.day, x.service, x.matter_category, x.village))
    out: list[StatsRow] = []
    for day in sorted(totals):
        out.append(totals[day])
        out += [r for r in ordered if r.day == day]
    return out


def _outbox_counts(
    store: Store, date_from: date, date_to: date
) -> Iterable[tuple[str, str, str, str, str, int]]:
    """Submissions per day from the outbox's clear metadata (never the sealed envelope)."""
    # Read-only: listing needs neither the provincial key nor the terminal id.
    found = Outbox(store, None, "").submissions_per_day(date_from, date_to)
    grouped: Counter[tuple[str, str, str, str, str]] = Counter()
    for g in found:
        service = clean_label(g.metadata.get("service") or g.kind)
        category = clean_label(g.metadata.get("matter_category"))
        village = clean_label(g.metadata.get("village"))
        grouped[(g.day, service, category, village, g.stage)] += g.n
    for (day, service, category, village, stage), n in grouped.items():
        yield day, service, category, village, stage, n


def to_csv(rows: list[StatsRow], terminal_id: str = "") -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        d = r.to_dict(terminal_id)
        d["abandoned_at_step"] = ";".join(f"{k}:{v}" for k, v in d["abandoned_at_step"].items())
        d["median_session_s"] = "" if d["median_session_s"] is None else d["median_session_s"]
        writer.writerow(d)
    return buf.getvalue()


def parse_day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"日期 {text!r} 应写成 2026-11-28 这样") from None


# -- exports (kiosk-admin stats) --------------------------------------------------------------
def export(
    store: Store, audit: AuditLog, date_from: date, date_to: date, *, actor: str, as_csv: bool
) -> list[StatsRow]:
    """The report for these days; the export itself is audited (what and which days, no data)."""
    rows = report(store, date_from, date_to)
    audit.append(
        actor,
        EXPORT,
        {"what": "stats", "from": date_from.isoformat(), "to": date_to.isoformat(), "csv": as_csv},
    )
    return rows


def report_lines(
    rows: list[StatsRow], date_from: date, date_to: date, terminal_id: str
) -> list[str]:
    """The report as plain lines for an administrator (one per day, service, matter, village)."""
    lines = [f"{date_from} 至 {date_to} 使用统计（终端 {terminal_id}，不含任何居民个人信息）："]
    if not rows:
        lines.append("  这段时间没有记录。")
    for r in rows:
        service = "合计" if r.service == ALL else (r.service or "未选服务")
        where = " ".join(x for x in (r.matter_category, r.village) if x)
        median = f"{r.median_session_s} 秒" if r.median_session_s is not None else "—"
        steps = "，".join(f"{k}:{v}" for k, v in sorted(r.abandoned_at_step.items()))
        lines.append(
            f"  {r.day} {service}{(' ' + where) if where else ''}：开始 {r.sessions_started}，"
            f"完成 {r.sessions_completed}，中途离开 {r.sessions_abandoned}"
            f"{'（' + steps + '）' if steps else ''}，用语音 {r.voice_sessions}，"
            f"时长中位数 {median}，申请排队 {r.submissions_queued}，已受理 {r.submissions_accepted}"
        )
    return lines
