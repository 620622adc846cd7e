"""A real ``NOTIFY_SOCKET``: a datagram socket that records what arrives, and when."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Message:
    at: float  # time.monotonic() on arrival: the same clock as a child's on Linux
    fields: dict[str, str]


@dataclass
class NotifySocket:
    """Bound to a short path (``sun_path`` holds 108 bytes) or, with ``@name``, an abstract one."""

    address: str
    messages: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(target)
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    @classmethod
    def in_temp_dir(cls) -> NotifySocket:
        return cls(str(Path(tempfile.mkdtemp(prefix="ntf")) / "notify"))

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._sock.recv(4096)
            except TimeoutError:
                continue
            lines = data.decode("utf-8").split("\n")
            fields = dict(line.split("=", 1) for line in lines if "=" in line)
            self.messages.append(Message(time.monotonic(), fields))

    def wait_for(self, key: str, timeout: float = 5.0) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.messages:
                if key in m.fields:
                    return m
            time.sleep(0.01)
        raise AssertionError(f"no {key} within {timeout} s; got {self.messages}")

    def times_of(self, key: str) -> list[float]:
        return [m.at for m in self.messages if key in m.fields]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
        if not self.address.startswith("@"):
            Path(self.address).unlink(missing_ok=True)
