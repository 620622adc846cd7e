"""Start-up benchmark: process start → first frame of the home screen, peak RSS, idle CPU.

Measured for the kiosk and, in the same run and the same way, for a bare Kivy app showing one
Label. Prints the figures and the ratios (medians over --runs), then one JSON line:
``{"start_ratio": …, "idle_cpu_ratio": …, "peak_rss_mb": …}``. Goals: start ≤ 1.3×, idle ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import child_result

HERE = Path(__file__).resolve().parent
PACKAGES = ("kiosk", "offline_cache", "screens", "voice")  # as `make bytecode`


def compile_ours() -> None:
    """Our modules compiled to bytecode first, as `make setup` leaves them on a kiosk. Where
    PYTHONDONTWRITEBYTECODE is set (this build machine) a missing or stale .pyc is compiled from
    source at every start and never saved: session 6 measured 1.44–1.47 from a checkout with 14
    stale .pyc on the way to the home screen, 1.25 once they were compiled."""
    root = HERE.parent
    ok = compileall.compile_file(str(root / "main.py"), quiet=2)
    for package in PACKAGES:
        ok = compileall.compile_dir(str(root / package), quiet=2) and ok
    if not ok:
        sys.exit("benchmarks/startup.py: our modules don't compile")


def probe(which: str, mode: str, data_dir: Path, idle_s: float) -> dict[str, float]:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, str(HERE / "_probe.py"), which, mode, str(data_dir), str(idle_s)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    figures: dict[str, float] = child_result(
        f"{which} {mode}", out.returncode, out.stdout, out.stderr
    )
    figures["start_s"] = figures["first_frame"] - t0
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5, help="start-up runs per app (median)")
    ap.add_argument("--idle-runs", type=int, default=2)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    args = ap.parse_args()
    if args.runs < 1 or args.idle_runs < 1:
        ap.error("--runs and --idle-runs must be at least 1 (the figures are medians)")

    compile_ours()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        data = Path(tmp)
        # Warm the OS file cache and create the store once, so run 1 isn't an outlier.
        probe("kiosk", "start", data, 0)
        probe("bare", "start", data, 0)
        start: dict[str, list[float]] = {"kiosk": [], "bare": []}
        rss: dict[str, list[float]] = {"kiosk": [], "bare": []}
        idle: dict[str, list[float]] = {"kiosk": [], "bare": []}
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            for which in ("kiosk", "bare"):
                f = probe(which, "start", data, 0)
                start[which].append(f["start_s"])
                rss[which].append(f["peak_rss_mb"])
        for _ in range(args.idle_runs):
            for which in ("kiosk", "bare"):
                f = probe(which, "idle", data, args.idle_seconds)
                idle[which].append(f["idle_cpu_s"] / args.idle_seconds * 100)

    med = {k: {n: statistics.median(v[k]) for n, v in (("start", start), ("rss", rss), ("idle", idle))}
           for k in ("kiosk", "bare")}  # fmt: skip
    start_ratio = med["kiosk"]["start"] / med["bare"]["start"]
    idle_ratio = med["kiosk"]["idle"] / max(med["bare"]["idle"], 1e-6)
    print(f"{'':10}{'kiosk':>12}{'bare Kivy':>12}{'ratio':>8}")
    print(
        f"{'start s':10}{med['kiosk']['start']:12.3f}{med['bare']['start']:12.3f}{start_ratio:8.2f}"
    )
    print(
        f"{'idle CPU%':10}{med['kiosk']['idle']:12.2f}{med['bare']['idle']:12.2f}{idle_ratio:8.2f}"
    )
    print(f"{'peak MB':10}{med['kiosk']['rss']:12.1f}{med['bare']['rss']:12.1f}"
          f"{med['kiosk']['rss'] / med['bare']['rss']:8.2f}")  # fmt: skip
    print(
        f"(medians of {args.runs} start-up runs and {args.idle_runs} idle runs of {args.idle_seconds:.0f} s)"
    )
    print(json.dumps({
        "start_ratio": round(start_ratio, 3),
        "idle_cpu_ratio": round(idle_ratio, 3),
        "peak_rss_mb": round(med["kiosk"]["rss"], 1),
        "start_s": round(med["kiosk"]["start"], 3),
        "bare_start_s": round(med["bare"]["start"], 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
