"""systemd's notify protocol over a real datagram socket (kiosk.appliance.notify)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from kiosk.appliance.notify import Notifier, watchdog_interval_s
from tests.appliance.notify_socket import NotifySocket


@pytest.fixture
def listener() -> Iterator[NotifySocket]:
    sock = NotifySocket.in_temp_dir()
    yield sock
    sock.close()


def test_ready_with_a_status_line_arrives_as_one_datagram(listener: NotifySocket) -> None:
    notifier = Notifier.from_environment({"NOTIFY_SOCKET": listener.address})
    assert notifier.ready("首页已显示")
    message = listener.wait_for("READY")
    assert message.fields == {"READY": "1", "STATUS": "首页已显示"}


def test_an_abstract_namespace_socket_is_reached_by_its_at_sign_name() -> None:
    listener = NotifySocket(f"@kiosk-test-{uuid.uuid4().hex}")
    try:
        Notifier(listener.address).watchdog()
        assert listener.wait_for("WATCHDOG").fields == {"WATCHDOG": "1"}
    finally:
        listener.close()


def test_without_notify_socket_nothing_is_sent_and_nothing_fails() -> None:
    notifier = Notifier.from_environment({})
    assert not notifier.enabled
    assert not notifier.ready() and not notifier.watchdog() and not notifier.stopping()


def test_a_vanished_service_manager_is_reported_once_and_never_raises(
    listener: NotifySocket, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = Notifier(listener.address)
    listener.close()
    assert not notifier.watchdog() and not notifier.watchdog()
    warnings = [r.getMessage() for r in caplog.records if "无法通知 systemd" in r.getMessage()]
    assert len(warnings) == 1 and listener.address in warnings[0]


def test_the_watchdog_interval_comes_from_watchdog_usec() -> None:
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 30.0
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "soon"}) is None


def test_the_watchdog_is_ours_when_meant_for_us_or_for_the_compositor_that_started_us() -> None:
    usec = {"WATCHDOG_USEC": "2000000"}
    assert watchdog_interval_s({**usec, "WATCHDOG_PID": str(os.getpid())}) == 2.0
    assert watchdog_interval_s({**usec, "WATCHDOG_PID": str(os.getppid())}) == 2.0
    # Inherited by some other process (e.g. a helper program started from the kiosk): not ours.
    other = str(max(os.getpid(), os.getppid()) + 1)
    assert watchdog_interval_s({**usec, "WATCHDOG_PID": other}) is None
