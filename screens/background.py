"""One worker thread for side effects the resident must never wait for (usage statistics,
audit entries): each is a SQLite commit with fsync, far too slow for the Kivy thread."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
_STOP = object()


class Background:
    def __init__(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="kiosk-background", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` soon, in order with everything submitted before it."""
        self._queue.put((fn, args))

    def drain(self, timeout_s: float = 5.0) -> None:
        """Wait until everything submitted so far is done (tests, shutdown)."""
        done = threading.Event()
        self._queue.put((done.set, ()))
        done.wait(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            fn, args = item
            try:
                fn(*args)
            except Exception:  # a statistic lost must not take the kiosk down
                log.exception("background task failed")
