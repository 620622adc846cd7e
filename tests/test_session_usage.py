"""Counting a resident's session (kiosk.usage) and what the admin screen shows (kiosk.admin_info),
without a window: the statistics staff read are what these rules wrote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from kiosk.admin_info import admin_info
from kiosk.config import load_config
from kiosk.session import Session
from kiosk.stats import ALL, StatsRecorder, report
from kiosk.usage import SessionUsage
from offline_cache.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "kiosk.sqlite3")


@pytest.fixture
def usage(store: Store) -> SessionUsage:
    counter = SessionUsage(Session(), run_now)
    counter.recorder = StatsRecorder(store)
    return counter


def run_now(fn: Callable[[], object]) -> None:
    fn()


def totals(store: Store) -> tuple[int, int, int]:
    today = date.today()
    row = next((r for r in report(store, today, today) if r.service == ALL), None)
    if row is None:
        return (0, 0, 0)
    return (row.sessions_started, row.sessions_completed, row.sessions_abandoned)


def test_a_session_is_counted_once_however_many_services_it_visits(
    usage: SessionUsage, store: Store
) -> None:
    usage.screen_shown("home", "knowledge")
    usage.screen_shown("knowledge", "home")
    usage.screen_shown("home", "hotline")
    assert usage.session.service == "hotline"
    usage.ended()
    assert totals(store) == (1, 0, 1)


def test_screens_that_are_not_services_start_no_count(usage: SessionUsage, store: Store) -> None:
    usage.screen_shown("home", "staff_sign_in")
    usage.screen_shown("", "home")
    usage.ended()
    assert totals(store) == (0, 0, 0)


def test_a_submission_completes_the_session_and_it_is_not_also_abandoned(
    usage: SessionUsage, store: Store
) -> None:
    usage.screen_shown("home", "legal_aid")
    usage.submitted("legal_aid", {"matter": {"category": "labour"}, "address": {"village": "v1"}})
    usage.ended()
    assert totals(store) == (1, 1, 0)
    assert usage.session.completed


def test_a_staff_assisted_submission_counts_the_session_even_without_a_tile(
    usage: SessionUsage, store: Store
) -> None:
    usage.submitted("visit_booking", {})
    assert totals(store) == (1, 1, 0)


def test_nothing_is_counted_before_the_statistics_are_attached(store: Store) -> None:
    usage = SessionUsage(Session(), run_now)
    usage.screen_shown("home", "knowledge")
    usage.ended()
    assert totals(store) == (0, 0, 0)


def test_the_admin_info_shows_the_terminal_and_30_days_of_use_by_service(
    usage: SessionUsage, store: Store, tmp_path: Path
) -> None:
    usage.screen_shown("home", "knowledge")
    usage.ended()
    config = load_config(None, env={}, overrides={"paths.data_dir": str(tmp_path)})
    info = admin_info(config, pack=None, pack_error="", voice="已就绪", outbox=None, store=store)
    assert info.terminal_id == config.terminal_id
    assert info.pack_version == "未知" and info.counts is None
    assert info.usage == {"knowledge": 1}


def test_a_visit_left_at_a_step_is_abandoned_under_visit_where_it_started(
    usage: SessionUsage, store: Store
) -> None:
    usage.screen_shown("home", "visit")
    usage.step_reached("visit_booking", "slot")  # the wizard names itself by its kind
    usage.ended()
    today = date.today()
    rows = [r for r in report(store, today, today) if r.service != ALL]
    assert {r.service for r in rows} == {"visit"}
    assert sum(r.abandoned_at_step.get("slot", 0) for r in rows) == 1
