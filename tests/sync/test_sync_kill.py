"""Power cuts mid-sync: the syncing process is SIGKILLed at random moments and restarted."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.submissions import queue_sealed
from offline_cache.outbox import Outbox
from tests.conftest import ROOT
from tests.sync.conftest import TERMINAL, Sim, resident
from tools.provincial_sim.keys import KeyFiles


def _config(tmp_path: Path, keys: KeyFiles, sim: Sim, data_dir: Path) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[terminal]\nid = "{TERMINAL}"\n'
        f'[paths]\ndata_dir = "{data_dir}"\n'
        f'[provincial]\nendpoint = "{sim.url}"\n'
        f'credentials_file = "{keys.credentials}"\n'
        f'public_key_file = "{keys.public_key}"\n',
        encoding="utf-8",
    )
    return cfg


def _wait_for_a_delivered_batch(outbox: Outbox, accepted_before: int, timeout: float = 20) -> None:
    """Until the running sync has had at least one batch accepted (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and outbox.counts().accepted <= accepted_before:
        time.sleep(0.005)


def _sync_args(cfg: Path, batch_size: int) -> list[str]:
    return [
        "sync", "--once", "--config", str(cfg),
        "--batch-size", str(batch_size), "--backoff-base", "0.05", "--timeout", "2",
    ]  # fmt: skip


def test_sync_killed_twenty_times_mid_drain_still_delivers_each_submission_exactly_once(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim], tmp_path: Path
) -> None:
    receipts = [queue_sealed(outbox, "legal_aid", resident(i), {}) for i in range(1000)]
    outbox.store.close()
    # Each child is killed shortly after its first accepted batch: twenty kills leave most of
    # the 1,000 items for the final drain, however fast or loaded the machine is.
    sim = start_sim("--latency-ms", "30", "--drop-after-commit", "0.1")
    cfg = _config(tmp_path, keys, sim, outbox.store.path.parent)
    rng = random.Random(4)
    zygote = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("zygote.py"))],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert zygote.stdin is not None and zygote.stdout is not None

    def spawn(batch_size: int) -> int:
        zygote.stdin.write(json.dumps(_sync_args(cfg, batch_size)) + "\n")  # type: ignore[union-attr]
        zygote.stdin.flush()  # type: ignore[union-attr]
        return int(json.loads(zygote.stdout.readline())["pid"])  # type: ignore[union-attr]

    def exit_code() -> int:
        return int(json.loads(zygote.stdout.readline())["exit"])  # type: ignore[union-attr]

    try:
        kills = 0
        found_sending = 0
        started = time.monotonic()
        while kills < 20:
            assert outbox.remaining() > 0, f"drained after only {kills} kills; slow the drain down"
            assert time.monotonic() - started < 240, f"only {kills} kills"
            accepted_before = outbox.counts().accepted
            pid = spawn(5)
            # Kill relative to the child's own progress, not to wall time: a loaded machine
            # (CI) may take a second just to start it; a quiet one drains fast.
            _wait_for_a_delivered_batch(outbox, accepted_before)
            time.sleep(rng.uniform(0.0, 0.12))
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            code = exit_code()
            assert code in (-signal.SIGKILL, 0, 2), code
            kills += code == -signal.SIGKILL
            found_sending += outbox.counts().sending
        # The kills were spread over a real drain: progress between them, rows caught mid-batch.
        assert outbox.counts().accepted > 0 and found_sending > 0
        for _ in range(40):
            spawn(50)
            code = exit_code()
            assert code in (0, 2), code
            if code == 0:
                break
    finally:
        zygote.stdin.close()
        zygote.wait(10)
    counts = outbox.counts()
    assert (counts.accepted, counts.queued, counts.sending) == (1000, 0, 0)
    ids = sim.ids()
    assert len(ids) == len(set(ids)) == 1000
    assert set(ids) == {r.submission_id for r in receipts}
