"""systemd's watchdog through the real app: READY after the first frame, pings from the Kivy loop.

Runs ``main.main`` in a child process (SDL offscreen) with ``NOTIFY_SOCKET`` pointing at a real
datagram socket, as systemd would start it, then blocks the Kivy thread for a while, as a hang
would: the pings must stop for exactly that long, and come back after it.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.appliance.notify_socket import NotifySocket
from tests.conftest import ROOT

WATCHDOG_S = 3.0  # WatchdogSec= as systemd passes it (WATCHDOG_USEC)
RUN_BEFORE_S = 4.5  # after the first frame, before the hang
BLOCK_S = 5.0  # the hang: longer than WatchdogSec, when systemd would restart the kiosk
RUN_AFTER_S = 3.0

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import main as kiosk_main

RUN_BEFORE, BLOCK, RUN_AFTER = (float(x) for x in sys.argv[3:6])
original = kiosk_main.configure_kivy

def emit(**event):
    os.write(1, (json.dumps(event) + "\n").encode())

def configure(args, path):
    original(args, path)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    def first_flip(*_a):
        Window.unbind(on_flip=first_flip)
        emit(event="first_frame", at=time.monotonic(), screen=App.get_running_app().manager.current)
        Clock.schedule_once(hang, RUN_BEFORE)

    def hang(_dt):
        emit(event="hang_start", at=time.monotonic())
        time.sleep(BLOCK)  # the Kivy thread is stuck: no frames, no touches, no clock
        emit(event="hang_end", at=time.monotonic())
        Clock.schedule_once(lambda _dt: App.get_running_app().stop(), RUN_AFTER)

    Window.bind(on_flip=first_flip)

kiosk_main.configure_kivy = configure
sys.exit(kiosk_main.main(["--data-dir", sys.argv[2], "--size", "1280x800"]))
"""


def _run_kiosk_under(listener: NotifySocket, data_dir: Path) -> dict[str, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "WATCHDOG_"))}
    env.update(
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_ARGS="1",
        NOTIFY_SOCKET=listener.address,
        WATCHDOG_USEC=str(int(WATCHDOG_S * 1_000_000)),
    )
    timings = [str(x) for x in (RUN_BEFORE_S, BLOCK_S, RUN_AFTER_S)]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), str(data_dir), *timings],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    events = [json.loads(ln) for ln in out.stdout.splitlines() if ln.startswith("{")]
    return {e["event"]: e for e in events}


def test_ready_follows_the_first_frame_and_pings_stop_while_the_kivy_loop_hangs(
    tmp_path: Path,
) -> None:
    listener = NotifySocket.in_temp_dir()
    try:
        events = _run_kiosk_under(listener, tmp_path / "data")
    finally:
        listener.close()
    first, hang_start, hang_end = (events[k] for k in ("first_frame", "hang_start", "hang_end"))
    ready = listener.times_of("READY")
    pings = listener.times_of("WATCHDOG")

    # READY once, only after the home screen's first frame; no ping before it.
    assert first["screen"] == "home"
    assert len(ready) == 1 and ready[0] >= first["at"]
    assert pings and min(pings) > ready[0]
    # Pings keep coming at half the watchdog interval while the loop runs...
    before = [t for t in pings if t < hang_start["at"]]
    assert len(before) >= 2
    assert max(b - a for a, b in itertools.pairwise(before)) < WATCHDOG_S
    # ...none while the Kivy thread is blocked (systemd would restart the kiosk)...
    assert not [t for t in pings if hang_start["at"] + 0.2 < t < hang_end["at"]]
    # ...and they come back when it runs again. The deliberate exit says STOPPING=1.
    assert [t for t in pings if t > hang_end["at"]]
    assert listener.times_of("STOPPING")
