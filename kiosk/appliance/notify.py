"""systemd's service notification protocol (``sd_notify``), written out in a few lines.

The protocol is one datagram per message, newline-separated ``KEY=VALUE`` assignments, sent to
the ``AF_UNIX`` socket named by ``$NOTIFY_SOCKET``; a name starting with ``@`` is in Linux's
abstract namespace (a leading NUL byte). See ``man 3 sd_notify``. We write it ourselves rather
than take a binding: ``systemd-python`` is a C extension that needs libsystemd's headers to
build, and ``sdnotify`` (pure Python, the same dozen lines) has not been released since 2017.

Outside systemd (development, tests, ``make run``) ``NOTIFY_SOCKET`` is unset and every call is
a no-op, so the app never needs to know how it was started.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    """Sends ``READY=1``, ``WATCHDOG=1``, ``STATUS=…`` to the service manager, if there is one.

    A failed send is logged once (the journal) and otherwise ignored: the service
    manager going away must never take the kiosk down with it.
    """

    def __init__(self, address: str | None) -> None:
        self.address = address or None
        self._socket: socket.socket | None = None
        self._warned = False

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Notifier:
        """The notifier systemd set up for this process (``$NOTIFY_SOCKET``), or a silent one."""
        env = os.environ if env is None else env
        return cls(env.get("NOTIFY_SOCKET"))

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, *assignments: str) -> bool:
        """Send one datagram of ``KEY=VALUE`` lines; True when it was handed to the socket."""
        if self.address is None:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            if self._socket is None:
                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                )
            self._socket.sendto("\n".join(assignments).encode("utf-8"), target)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning("无法通知 systemd（%s）：%s", self.address, exc)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        """Start-up is over: systemd considers the service started (``Type=notify``)."""
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        """Still alive: resets systemd's ``WatchdogSec=`` timer."""
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        """One line shown by ``systemctl status``."""
        return self.notify(f"STATUS={text}")

    def stopping(self, status: str = "") -> bool:
        """The service is shutting down on purpose (a restart is not a hang)."""
        return self.notify("STOPPING=1", *([f"STATUS={status}"] if status else []))

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def watchdog_interval_s(env: Mapping[str, str] | None = None) -> float | None:
    """How often systemd expects ``WATCHDOG=1``: ``$WATCHDOG_USEC`` in seconds, or None if off.

    ``$WATCHDOG_PID`` names the process meant to ping. Under the kiosk compositor the service's
    main process is ``cage`` and the kiosk is its child, so the kiosk also accepts its parent's
    pid (the unit sets ``NotifyAccess=all`` for the same reason); any other pid means the
    variable was inherited by a process it wasn't meant for.
    """
    env = os.environ if env is None else env
    raw_usec, raw_pid = env.get("WATCHDOG_USEC", ""), env.get("WATCHDOG_PID", "")
    try:
        usec = int(raw_usec)
        pid = int(raw_pid) if raw_pid else None
    except ValueError:
        return None
    if usec <= 0 or (pid is not None and pid not in (os.getpid(), os.getppid())):
        return None
    return usec / 1_000_000
