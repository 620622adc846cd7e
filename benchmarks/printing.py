"""Printing benchmark: tap 打印 → first byte of the slip at the printer, next to python-escpos
printing the same image bare, in the same run.

- **tap → first byte**: what :class:`kiosk.printing.desk.PrintDesk` does after a tap — build the
  slip (the layout of a receipt and of the notary list), draw it with Pillow, hand it to the
  worker thread, ask the printer's status (``DLE EOT`` ×3), send ``GS v 0`` — until the first
  byte of the image reaches the loopback printer (``tools/escpos_listener``). The Kivy tap
  itself (a few ms, docs/performance.md "Touch screens") is not in it.
- **slip image**: the layout + Pillow drawing alone (`render`).
- **bare python-escpos**: ``escpos.printer.Network`` already open, ``image(same image,
  impl="bitImageRaster")`` — the library's own floor — until the first byte arrives, and until
  the whole job has been sent.
- **cold first tap**: a fresh process's first 打印 with and without the desk's warm-up (python-
  escpos import and the font, done on a worker thread at start-up).

``ratio`` = ours / bare (medians of first-byte times). Usage:
``.venv/bin/python benchmarks/printing.py [--runs N]``. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime

# First: it puts the repository on the import path for the imports below.
from _measure import ROOT, ms

from kiosk import notary, receipts
from kiosk.content import load_pack
from kiosk.printing import layouts
from kiosk.printing.desk import PrintDesk, PrintJob
from kiosk.printing.slip import Slip, render
from tools.escpos_listener import EscposListener

STATION = "演示村公共法律服务工作室"
PACK = load_pack(ROOT / "offline_cache" / "packs" / "changzhou")


def receipt() -> Slip:
    return layouts.receipt_slip(
        code=receipts.with_check("23456789234"),
        title="法律援助申请已提交",
        lines=["初步判断：符合。", "网络不通也没关系，申请已保存在本机，网络恢复后自动上报。"],
        station=STATION,
        when=datetime.now(),
        hours=layouts.hotline_hours(PACK),
    )


def notary_list() -> Slip:
    first = notary.checklist(PACK, "inheritance")
    answers = {q.id: True for q in first.unanswered}
    result = notary.checklist(PACK, "inheritance", answers, district="wujin")
    return layouts.notary_slip(result, set(), station=STATION, when=datetime.now())


def _printer(port: int):  # type: ignore[no-untyped-def]
    """The network printer ``kiosk-admin print test --printer 127.0.0.1:PORT`` would use."""
    from kiosk.config import load_config
    from kiosk.devices.factory import receipt_printer_named

    return receipt_printer_named(f"127.0.0.1:{port}", load_config(env={}))


def tap_to_first_byte(listener: EscposListener, desk: PrintDesk, make: Callable[[], Slip]) -> float:
    done = threading.Event()
    jobs_before = len(listener.jobs)
    result: list[PrintJob] = []
    start = time.perf_counter()
    desk.start(make(), lambda job: (result.append(job), done.set()))
    done.wait(30)
    assert result and result[0].printed, result
    listener.wait_closed(jobs_before + 1)
    first = listener.jobs[jobs_before].first_byte_at
    assert first is not None
    return first - start


def bare_escpos(listener: EscposListener, image) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from escpos.printer import Network

    jobs_before = len(listener.jobs)
    printer = Network("127.0.0.1", port=listener.port, timeout=10)
    printer.profile.profile_data["media"]["width"]["pixels"] = image.width  # (quiets a warning)
    printer.open()
    start = time.perf_counter()
    printer.image(image, impl="bitImageRaster")
    sent = time.perf_counter() - start
    printer.close()
    listener.wait_closed(jobs_before + 1)
    first = listener.jobs[jobs_before].first_byte_at
    assert first is not None
    return first - start, sent


COLD = r"""
import sys, threading, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/benchmarks"]
warm = sys.argv[3] == "warm"
t0 = time.perf_counter()
from benchmarks.printing import _printer, receipt
from kiosk.printing.desk import PrintDesk
from tools.escpos_listener import EscposListener
listener = EscposListener().start()
desk = PrintDesk(_printer(listener.port), station="x")
if warm:
    desk.warm_up()
    time.sleep(2.0)  # the resident reads the receipt before tapping
done = threading.Event()
start = time.perf_counter()
desk.start(receipt(), lambda job: done.set())
done.wait(30)
listener.wait_closed(1)
print(round((listener.jobs[0].first_byte_at - start) * 1000, 1))
"""


def cold_first_tap(warm: bool) -> float:
    out = subprocess.run(
        [sys.executable, "-c", COLD, str(ROOT), "", "warm" if warm else "cold"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with EscposListener() as listener:
        desk = PrintDesk(_printer(listener.port), station=STATION)
        desk.warm_up()
        time.sleep(1.0)
        for name, make in (("receipt", receipt), ("notary", notary_list)):
            image = render(make(), 80)
            taps, renders, bares, sends = [], [], [], []
            for _ in range(args.runs):  # interleaved: the same load for both
                taps.append(tap_to_first_byte(listener, desk, make))
                t = time.perf_counter()
                render(make(), 80)
                renders.append(time.perf_counter() - t)
                first, sent = bare_escpos(listener, image)
                bares.append(first)
                sends.append(sent)
            figures.update(
                {
                    f"{name}_size": f"{image.width}x{image.height}",  # type: ignore[dict-item]
                    f"{name}_tap_to_first_byte_ms": ms(taps),
                    f"{name}_slip_image_ms": ms(renders),
                    f"{name}_bare_escpos_first_byte_ms": ms(bares),
                    f"{name}_bare_escpos_whole_job_ms": ms(sends),
                    f"{name}_ratio": round(ms(taps) / max(ms(bares), 0.1), 1),
                }
            )
            print(
                f"{name} ({image.width}×{image.height}): tap → first byte {ms(taps)} ms "
                f"(slip image {ms(renders)} ms); bare python-escpos: first byte {ms(bares)} ms, "
                f"whole job {ms(sends)} ms; ratio {figures[f'{name}_ratio']}"
            )
    figures["cold_first_tap_ms"] = cold_first_tap(False)
    figures["warm_first_tap_ms"] = cold_first_tap(True)
    print(
        f"first tap in a fresh process: {figures['cold_first_tap_ms']} ms without warm-up, "
        f"{figures['warm_first_tap_ms']} ms with it"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
