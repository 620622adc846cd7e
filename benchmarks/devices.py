"""Devices benchmark: ID card on the reader → card decoded and checked; handwriting stroke end →
candidates.

- **card read**: the serial driver (`kiosk.devices.serial_reader`) against the reader simulator
  (`tools/idcard_sim`) through a real pty, the simulator taking a realistic 0.5–1 s per chip
  read. Reported apart: the simulator's own read time, and what the kiosk adds to it (frames,
  checksum, decoding, the python-stdnum check) — `overhead_ms` = total − simulated read time.
  `placed_to_card_ms` is from the card being put down while the driver polls to the decoded
  card (includes up to one 0.2 s poll interval), and the same without the simulated read.
- **card page**: the real kiosk (``main.py``'s composition root, SDL offscreen, in a child
  process) with the serial driver on the simulator, waiting on the legal-aid 刷身份证 page; the
  card is put down and the time to the first frame flipped with the read-back page on it
  (姓名、身份证号、住址, grouped and large) is taken. Reported apart: the simulated chip read,
  the rest (poll, frames, decoding, the page built and drawn), and the last part alone — the
  driver's ``read()`` returning → the page drawn, and of that the page built and drawn once the
  result is on the Kivy thread.
- **handwriting**: for every stroke end of every fixture character (the pad asks after each
  stroke), `Ink` built from the points and handed to a worker thread running
  `ZinniaRecognizer.recognize` (what a screen does off the Kivy thread), until the candidates
  are back — next to zinnia's bare `zinnia_recognizer_classify` on the same strokes in the same
  run; `ratio` = ours / bare (medians). `recognize_direct_ms` is the same call made on the
  measuring thread, to tell the binding's cost from the thread hand-off's. Goal (issue 13): ≤ 100 ms median on this machine.

Usage: .venv/bin/python benchmarks/devices.py [--reads N] [--page-reads N]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# First: it puts the repository on the import path for the imports below.
from _measure import ROOT, child_result, kivy_child_env, ms, ratio

from kiosk.devices.handwriting import (
    DEFAULT_LIBRARY,
    DEFAULT_MODEL,
    Candidate,
    Ink,
    ZinniaRecognizer,
    _bind,
)
from kiosk.devices.idcard import IdCard
from kiosk.devices.serial_reader import SerialCardReader
from tools.idcard_sim import ReaderSimulator, load_cards

STROKES = ROOT / "tests" / "devices" / "fixtures" / "handwriting"
CARDS = ROOT / "tools" / "idcard_sim" / "cards.json"


def bench_card(reads: int) -> dict[str, float]:
    sim = ReaderSimulator(load_cards(CARDS), read_time_s=(0.5, 1.0)).start()
    reader = SerialCardReader(sim.path)
    totals, sim_times, overheads, placed, placed_over = [], [], [], [], []
    try:
        for i in range(reads):
            sim.place("wang")
            started = time.perf_counter()
            card = reader.read(5)
            total = time.perf_counter() - started
            assert isinstance(card, IdCard), card
            totals.append(total)
            sim_times.append(sim.last_read_time_s)
            overheads.append(total - sim.last_read_time_s)
            # The resident puts the card down while the reader waits for one.
            sim.lift()
            result: list[float] = []
            waiter = threading.Thread(target=lambda out=result: out.append(_read_at(reader)))
            waiter.start()
            time.sleep(0.05 + 0.013 * (i % 10))  # land anywhere in the poll interval
            placed_at = time.perf_counter()
            sim.place("x-digit")
            waiter.join()
            placed.append(result[0] - placed_at)
            placed_over.append(result[0] - placed_at - sim.last_read_time_s)
    finally:
        reader.close()
        sim.stop()
    return {
        "reads": reads,
        "total_ms": ms(totals),
        "simulated_read_ms": ms(sim_times),
        "overhead_ms": ms(overheads),
        "placed_to_card_ms": ms(placed),
        "placed_to_card_without_read_ms": ms(placed_over),
    }


def _read_at(reader: SerialCardReader) -> float:
    card = reader.read(5)
    assert isinstance(card, IdCard), card
    return time.perf_counter()


def bench_card_page(reads: int) -> dict[str, Any]:
    """The card-page figures, measured in a child process (Kivy owns its process)."""
    with tempfile.TemporaryDirectory(prefix="bench-card-page-") as tmp:
        env = kivy_child_env(Path(tmp) / "kivy-home")
        done = subprocess.run(
            [sys.executable, __file__, "--page-child", str(reads), "--data-dir", tmp],
            env=env,
            capture_output=True,
            text=True,
            timeout=60 + reads * 10,
        )
        return child_result("card page child", done.returncode, done.stdout, done.stderr)


class _TimedReader:
    """The serial driver, noting when each ``read()`` returned (on the card-read thread)."""

    def __init__(self, reader: SerialCardReader) -> None:
        self.reader = reader
        self.returned_at = 0.0

    def status(self) -> Any:
        return self.reader.status()

    def read(self, timeout_s: float = 10.0) -> Any:
        result = self.reader.read(timeout_s)
        self.returned_at = time.perf_counter()
        return result

    def cancel(self) -> None:
        self.reader.cancel()

    def close(self) -> None:
        self.reader.close()


def child_card_page(reads: int, data_dir: Path) -> None:
    """In the child: the kiosk, the card page, ``reads`` cards put down one after another."""
    from benchmarks.ui import run_kiosk

    sim = ReaderSimulator(load_cards(CARDS), read_time_s=(0.5, 1.0)).start()
    reader = _TimedReader(SerialCardReader(sim.path))
    totals: list[float] = []
    sim_times: list[float] = []
    drawn_after_read: list[float] = []
    drawn_after_delivery: list[float] = []

    def drive(app: Any) -> None:
        from kivy.clock import Clock
        from kivy.core.window import Window

        app.use_card_reader(reader)
        state: dict[str, Any] = {}

        def open_card_page(_dt: float = 0) -> None:
            if len(totals) >= reads:
                Window.unbind(on_flip=flipped)
                reader.close()
                sim.stop()
                figures = _page_figures(totals, sim_times, drawn_after_read)
                figures["result_on_kivy_thread_to_page_drawn_ms"] = ms(drawn_after_delivery)
                print(json.dumps(figures))
                app.stop()
                return
            sim.lift()
            app.end_session()
            app.flow.show("legal_aid")
            screen = app.manager.get_screen("legal_aid")
            step = next(s for s in screen.wizard.steps if s.card_name)
            first = next(p for p in screen.steps() if p in (step.id, step.card_name))
            if "delivered" not in state:  # note when the result reaches the Kivy thread
                handler = screen._card_result

                def delivered(*args: Any) -> None:
                    state["delivered"] = time.perf_counter()
                    handler(*args)

                screen._card_result = delivered
            screen.show(first)  # the 刷身份证 page: the read starts, the driver polls
            Clock.schedule_once(put_card_down, 0.3 + 0.013 * (len(totals) % 10))

        def put_card_down(_dt: float) -> None:
            state["placed_at"] = time.perf_counter()
            sim.place("wang")

        def flipped(*_: Any) -> None:
            placed = state.get("placed_at")
            screen = app.manager.current_screen
            if placed is None or getattr(screen, "question", "") != "身份证上是这些，对吗？":
                return
            now = time.perf_counter()
            state["placed_at"] = None
            totals.append(now - placed)
            sim_times.append(sim.last_read_time_s)
            drawn_after_read.append(now - reader.returned_at)
            drawn_after_delivery.append(now - state["delivered"])
            Clock.schedule_once(open_card_page, 0.2)

        Window.bind(on_flip=flipped)
        Clock.schedule_once(open_card_page, 1.0)

    run_kiosk(data_dir, drive)


def _page_figures(
    totals: list[float], sim_times: list[float], drawn_after_read: list[float]
) -> dict[str, Any]:
    return {
        "reads": len(totals),
        "placed_to_page_drawn_ms": ms(totals),
        "simulated_read_ms": ms(sim_times),
        "without_read_ms": ms([t - s for t, s in zip(totals, sim_times, strict=True)]),
        "read_returned_to_page_drawn_ms": ms(drawn_after_read),
        "read_returned_to_page_drawn_max_ms": round(max(drawn_after_read) * 1000, 1),
    }


def bench_handwriting() -> dict[str, float]:
    inks = [Ink.load(p) for p in sorted(STROKES.glob("*.json"))]
    prefixes = [
        [[list(p) for p in s] for s in ink.strokes[: k + 1]]
        for ink in inks
        for k in range(len(ink.strokes))
    ]
    recognizer = ZinniaRecognizer.open(DEFAULT_MODEL)
    jobs: queue.Queue[tuple[Ink, Callable[[list[Candidate]], None]] | None] = queue.Queue()

    def worker() -> None:
        while (job := jobs.get()) is not None:
            ink, done = job
            done(recognizer.recognize(ink, 10))

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    lib = _bind(DEFAULT_LIBRARY)
    handle = lib.zinnia_recognizer_new()
    assert lib.zinnia_recognizer_open(handle, str(DEFAULT_MODEL).encode())

    def bare_classify(strokes: list[list[list[int]]]) -> float:
        character = lib.zinnia_character_new()
        lib.zinnia_character_set_width(character, 400)
        lib.zinnia_character_set_height(character, 400)
        for index, stroke in enumerate(strokes):
            for x, y in stroke:
                lib.zinnia_character_add(character, index, x, y)
        started = time.perf_counter()
        result = lib.zinnia_recognizer_classify(handle, character, 10)
        elapsed = time.perf_counter() - started
        lib.zinnia_result_destroy(result)
        lib.zinnia_character_destroy(character)
        return elapsed

    # Interleaved, so both see the same load on this shared machine.
    ours: list[float] = []
    direct: list[float] = []
    bare: list[float] = []
    for strokes in prefixes:
        ready = threading.Event()
        started = time.perf_counter()
        ink = Ink.from_json({"width": 400, "height": 400, "strokes": strokes})
        jobs.put((ink, lambda _c, ev=ready: ev.set()))
        ready.wait()
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        recognizer.recognize(ink, 10)  # the same call without the thread hand-off
        direct.append(time.perf_counter() - started)
        bare.append(bare_classify(strokes))
    jobs.put(None)
    thread.join()
    recognizer.close()
    lib.zinnia_recognizer_destroy(handle)
    return {
        "stroke_ends": len(prefixes),
        "stroke_end_to_candidates_ms": ms(ours),
        "p90_ms": round(sorted(ours)[int(len(ours) * 0.9)] * 1000, 1),
        "recognize_direct_ms": ms(direct),
        "bare_classify_ms": ms(bare),
        "ratio": ratio(ours, bare),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=15, help="card reads (default 15)")
    parser.add_argument(
        "--page-reads", type=int, default=10, help="cards read onto the page (default 10)"
    )
    parser.add_argument("--page-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.page_child:
        child_card_page(args.page_child, args.data_dir)
        return 0
    card = bench_card(args.reads)
    print(f"card read: total {card['total_ms']} ms median, of which simulated chip read "
          f"{card['simulated_read_ms']} ms; kiosk overhead {card['overhead_ms']} ms; "
          f"card put down → decoded card {card['placed_to_card_ms']} ms "
          f"({card['placed_to_card_without_read_ms']} ms without the chip read)")  # fmt: skip
    page = bench_card_page(args.page_reads)
    print(f"card page: card put down → read-back page drawn {page['placed_to_page_drawn_ms']} ms "
          f"median, of which simulated chip read {page['simulated_read_ms']} ms; without it "
          f"{page['without_read_ms']} ms; read() returned → page drawn "
          f"{page['read_returned_to_page_drawn_ms']} ms "
          f"(max {page['read_returned_to_page_drawn_max_ms']} ms), of which page built and "
          f"drawn {page['result_on_kivy_thread_to_page_drawn_ms']} ms")  # fmt: skip
    hand = bench_handwriting()
    print(f"handwriting: stroke end → candidates {hand['stroke_end_to_candidates_ms']} ms median "
          f"(p90 {hand['p90_ms']} ms) over {hand['stroke_ends']} stroke ends; recognize() called "
          f"directly {hand['recognize_direct_ms']} ms; bare zinnia classify "
          f"{hand['bare_classify_ms']} ms; ratio {hand['ratio']}")  # fmt: skip
    print(json.dumps({"card": card, "card_page": page, "handwriting": hand}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
