"""The idle watcher's promise: a warning always gets its full time, even when its timer is late."""

from __future__ import annotations

from kiosk.session import Session
from screens.idle import IdleWatcher
from tests.fakes import FakeClock


def _watcher(clock: FakeClock, events: list[tuple[str, float]]) -> IdleWatcher:
    watcher = IdleWatcher(
        Session(clock=clock),
        timeout_s=90,
        warning_s=30,
        should_warn=lambda: True,  # the resident has typed something
        warn=lambda left: events.append(("warn", left)),
        tick=lambda left: events.append(("tick", left)),
        expire=lambda: events.append(("expire", 0)),
    )
    return watcher


def _kinds(events: list[tuple[str, float]]) -> list[str]:
    return [kind for kind, _ in events if kind != "tick"]


def test_a_timer_firing_late_still_warns_for_the_whole_warning_time() -> None:
    clock = FakeClock()
    events: list[tuple[str, float]] = []
    watcher = _watcher(clock, events)
    try:
        clock.now += 200  # the machine was stalled well past the whole idle time
        watcher._check(0)
        # Warned, with all 30 s on the countdown — not wiped unwarned.
        assert events[0] == ("warn", 30) and _kinds(events) == ["warn"]
        clock.now += 29
        watcher._check(0)
        assert events[-1] == ("tick", 1)
        clock.now += 1
        watcher._check(0)
        assert events[-1] == ("expire", 0)
    finally:
        watcher.stop()


def test_on_time_the_warning_comes_after_60_seconds_and_the_wipe_at_90() -> None:
    clock = FakeClock()
    events: list[tuple[str, float]] = []
    watcher = _watcher(clock, events)
    try:
        clock.now += 59
        watcher._check(0)
        assert events == []
        clock.now += 1
        watcher._check(0)
        assert events[0] == ("warn", 30)
        watcher.activity()  # 继续: the warning ends, nothing is wiped
        assert not watcher.warning
        clock.now += 59
        watcher._check(0)
        assert _kinds(events) == ["warn"]
        clock.now += 31
        watcher._check(0)  # warns again at 60 s…
        clock.now += 30
        watcher._check(0)  # …and wipes at 90 s
        assert _kinds(events) == ["warn", "warn", "expire"]
    finally:
        watcher.stop()
