"""Power cuts at any moment: the running kiosk is SIGKILLed during residents' sessions, then restarted.

The real app (``main.main``, SDL offscreen) runs in a child process driven by
``resident_driver.py``, which taps through legal-aid applications and home-visit bookings and
notes each 提交 and each receipt shown. The power goes at a random moment of a run: while
starting, at a random tap, just after 提交, or just after the receipt appeared. After the last
cut the kiosk is started once more, and then:

- every submission whose receipt was shown is in the outbox exactly once, with its own answers;
- nothing else is, except the one whose 提交 was tapped just before that run's power cut (its
  commit may have been reached before the receipt could be drawn: a resident who saw no
  receipt may still find the application queued, never the other way round);
- no home-visit slot is held by a booking that has no submission in the outbox;
- the store passes ``PRAGMA integrity_check`` and the kiosk comes up on home.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiosk.sealing import generate_private_key, open_sealed, public_key_pem
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

DRIVER = Path(__file__).with_name("resident_driver.py")
# What each run waits for before its power cut; shuffled with a fixed seed.
PLAN = ["submit"] * 6 + ["receipt"] * 3 + ["tap"] * 7 + ["starting"] * 5
RUN_TIMEOUT_S = 120  # one run reaching its moment, however loaded the machine
POLL_S = 0.002


@dataclass
class Run:
    number: int
    events_file: Path
    proc: subprocess.Popen[bytes]
    events: list[dict[str, Any]] = field(default_factory=list)
    _read: int = 0

    def poll_events(self) -> list[dict[str, Any]]:
        text = self.events_file.read_text(encoding="utf-8") if self.events_file.exists() else ""
        complete = text[: text.rfind("\n") + 1]
        new = [json.loads(line) for line in complete[self._read :].splitlines() if line]
        self._read = len(complete)
        self.events += new
        return new

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]

    def failure(self, stderr: Path) -> str:
        errors = [e["message"] for e in self.of("error")]
        return f"run {self.number}: {errors or stderr.read_text(errors='replace')[-3000:]}"


def _start(data_dir: Path, tmp: Path, number: int, mode: str, key_file: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "NOTIFY_"))}
    env.update(
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_ARGS="1",
        KIOSK_PROVINCIAL_PUBLIC_KEY_FILE=str(key_file),
    )
    events = tmp / f"events-{number}.jsonl"
    with (tmp / f"stderr-{number}.txt").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, str(DRIVER), str(data_dir), str(events), str(number), mode],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    return Run(number, events, proc)


def _wait_for_moment(run: Run, moment: str, rng: random.Random, stderr: Path) -> None:
    """Until the moment this run's power goes; then a short random extra delay."""
    spawned = time.monotonic()
    if moment == "starting":  # somewhere in imports, opening the store, the first frame
        time.sleep(rng.uniform(0.1, 1.5))
        return
    target_tap = rng.randint(1, 80)  # a session is 55–65 taps: some runs get past a receipt
    while time.monotonic() - spawned < RUN_TIMEOUT_S:
        assert run.proc.poll() is None, run.failure(stderr)
        run.poll_events()
        if moment == "tap" and any(e["n"] >= target_tap for e in run.of("tap")):
            time.sleep(rng.uniform(0, 0.1))
            return
        if moment in ("submit", "receipt") and run.of(moment):
            time.sleep(rng.uniform(0, 0.1))
            return
        time.sleep(POLL_S)
    raise AssertionError(f"run {run.number} never reached {moment!r}: {run.failure(stderr)}")


def _phone_of(document: dict[str, Any]) -> str:
    payload = document["payload"]
    person = payload.get("applicant") or payload.get("person")
    return str(person["phone"])


def test_power_cuts_at_random_moments_lose_no_receipt_and_invent_no_submission(
    tmp_path: Path,
) -> None:
    private = generate_private_key()
    key_file = tmp_path / "provincial-public.pem"
    key_file.write_bytes(public_key_pem(private.public_key()))
    data_dir = tmp_path / "data"
    rng = random.Random(18)
    plan = list(PLAN)
    rng.shuffle(plan)

    runs: list[Run] = []
    cut_between_submit_and_receipt = 0
    for number, moment in enumerate(plan):
        run = _start(data_dir, tmp_path, number, "sessions", key_file)
        stderr = tmp_path / f"stderr-{number}.txt"
        try:
            _wait_for_moment(run, moment, rng, stderr)
            with contextlib.suppress(ProcessLookupError):
                os.kill(run.proc.pid, signal.SIGKILL)
            code = run.proc.wait(30)
        finally:
            if run.proc.poll() is None:
                run.proc.kill()
                run.proc.wait(30)
        run.poll_events()
        assert code == -signal.SIGKILL, run.failure(stderr)
        runs.append(run)
        submits, shown = run.of("submit"), {e["phone"] for e in run.of("receipt")}
        cut_between_submit_and_receipt += bool(submits and submits[-1]["phone"] not in shown)

    # Power back: the kiosk comes up on its home screen.
    last = _start(data_dir, tmp_path, len(plan), "look", key_file)
    assert last.proc.wait(RUN_TIMEOUT_S) == 0, last.failure(tmp_path / f"stderr-{len(plan)}.txt")
    last.poll_events()
    assert [e["screen"] for e in last.of("home")] == ["home"]

    store = Store(data_dir / "kiosk.sqlite3")
    assert [tuple(r) for r in store.query("PRAGMA integrity_check")] == [("ok",)]
    outbox = Outbox(store, None, "CZ-DEMO-0001")
    rows = outbox.list(limit=10_000)
    phone_of_row = {
        r.receipt_code: _phone_of(
            json.loads(
                open_sealed(private, r.submission_id, r.kind, outbox.envelope(r.submission_id))
            )
        )
        for r in rows
    }
    receipts = [e for run in runs for e in run.of("receipt")]
    in_flight = {
        run.of("submit")[-1]["phone"]
        for run in runs
        if run.of("submit")
        and run.of("submit")[-1]["phone"] not in {e["phone"] for e in run.of("receipt")}
    }

    # The cuts fell where they matter: receipts were shown, and power went mid-提交.
    assert len(receipts) >= PLAN.count("receipt") and cut_between_submit_and_receipt >= 1
    # Every receipt shown: its submission is there, once, with that resident's answers.
    for shown in receipts:
        assert phone_of_row.get(shown["code"]) == shown["phone"], shown
    counts = Counter(phone_of_row.values())
    assert all(n == 1 for n in counts.values()), counts
    # Nothing else, except at most the submission in flight at each cut.
    assert set(counts) - {e["phone"] for e in receipts} <= in_flight
    # No slot is held by a booking that never reached the outbox.
    submission_ids = {r.submission_id for r in rows}
    holding = store.query(
        "SELECT booking_id, submission_id FROM visit_bookings"
        " WHERE status IN ('tentative', 'confirmed')"
    )
    assert all(b["submission_id"] in submission_ids for b in holding), [dict(b) for b in holding]
    store.close()
