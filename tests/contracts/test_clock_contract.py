"""The clocks the session and the staff directory take (``time.monotonic``, ``time.time``) and
``tests.fakes.FakeClock`` answer alike: seconds as a float, never going backwards."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.fakes import FakeClock


def _real(clock: Callable[[], float]) -> tuple[Callable[[], float], Callable[[float], None]]:
    return clock, time.sleep


def _fake() -> tuple[Callable[[], float], Callable[[float], None]]:
    clock = FakeClock()
    return clock, clock.advance


@pytest.mark.parametrize(
    "make",
    [lambda: _real(time.monotonic), lambda: _real(time.time), _fake],
    ids=["monotonic", "time", "fake"],
)
def test_a_clock_gives_seconds_that_move_forward_by_the_time_waited(
    make: Callable[[], tuple[Callable[[], float], Callable[[float], None]]],
) -> None:
    clock, wait = make()
    first = clock()
    assert isinstance(first, float)
    wait(0.05)
    second = clock()
    assert second - first >= 0.049  # float rounding aside, at least the time waited
    assert second - first < 5  # seconds, not milliseconds
