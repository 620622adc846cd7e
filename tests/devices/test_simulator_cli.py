"""``python -m tools.idcard_sim`` as a technician starts it for the demo."""

from __future__ import annotations

import subprocess
import sys

from kiosk.devices.idcard import IdCard, ReadFailure
from kiosk.devices.serial_reader import SerialCardReader
from tests.conftest import ROOT
from tests.devices.conftest import CARDS_FILE, TODAY


def test_the_simulator_prints_its_pty_and_serves_cards_placed_from_stdin() -> None:
    command = [
        sys.executable,
        "-m",
        "tools.idcard_sim",
        "--cards",
        str(CARDS_FILE),
        "--read-time",
        "0.05",
    ]
    sim = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert sim.stdin is not None and sim.stdout is not None
    try:
        path = sim.stdout.readline().strip()
        assert path.startswith("/dev/")
        reader = SerialCardReader(path, poll_interval_s=0.02, today=lambda: TODAY)
        assert isinstance(reader.read(0.3), ReadFailure)  # nothing placed yet
        sim.stdin.write("place x-digit\n")
        sim.stdin.flush()
        card = reader.read(15)  # returns as soon as the card is there
        assert isinstance(card, IdCard) and card.id_number.endswith("X")
        reader.close()
        sim.stdin.write("quit\n")
        sim.stdin.flush()
        assert sim.wait(timeout=30) == 0
    finally:
        if sim.poll() is None:
            sim.kill()
            sim.wait()
        sim.stdin.close()
        sim.stdout.close()
