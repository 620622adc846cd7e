"""A staff `kiosk-admin sync` while the kiosk's own agent is sending waits its turn."""

from __future__ import annotations

import fcntl
import threading
import time
from pathlib import Path

from kiosk.sync.agent import SyncAgent
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tests.fakes import ScriptedTransport


def test_a_run_waits_while_another_process_holds_the_sync_lock(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    agent = SyncAgent(Outbox(store, None, "T1"), ScriptedTransport())  # nothing queued to send
    with open(tmp_path / "sync.lock", "a+b") as other_process:
        fcntl.flock(other_process.fileno(), fcntl.LOCK_EX)
        finished = threading.Event()
        runner = threading.Thread(target=lambda: (agent.sync_now(), finished.set()))
        runner.start()
        time.sleep(0.5)
        assert not finished.is_set(), "the run must wait for the other process"
        fcntl.flock(other_process.fileno(), fcntl.LOCK_UN)
    runner.join(10)
    assert finished.is_set()
