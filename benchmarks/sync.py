"""Draining the outbox to the provincial simulator on loopback, against a bare requests loop.

Both run in the same invocation against the same simulator process (no faults, plain HTTP on
127.0.0.1): the sync agent drains N queued submissions in batches (claim → one signed POST →
record the per-item answers, each step a committed transaction); the baseline is a bare
``requests.Session`` loop POSTing the same kind of sealed payloads one per request, signed, with
no database work at all. Prints items/s of both, then one JSON line:
``{"throughput_ratio": …, "agent_items_per_s": …, "bare_items_per_s": …}``. Goal: ratio ≥ 3.

``--terminals N`` (issue 18: a county back online after an outage) instead starts N terminals
at once in this process — each its own SQLite store, outbox, signed HTTP session, sync agent and
health report, as on a real terminal — against ONE simulator process on 127.0.0.1, twice: as a
herd (``sync.startup_jitter_s`` = 0) and spread (``--jitter`` seconds). For each it prints the
time until every queue is drained, the peak requests per second the simulator saw (from the
client side, one-second buckets), failed requests, and checks every submission was accepted
exactly once (each terminal's outbox and the simulator's own table). One JSON line per mode.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

# First: it puts the repository on the import path for the imports below.
from _measure import ROOT

from kiosk.sealing import load_public_key
from kiosk.submissions import queue_sealed
from kiosk.sync.agent import SyncAgent
from kiosk.sync.https_transport import HttpsTransport, batch_body
from kiosk.sync.signing import load_credentials, sign_headers
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tools.provincial_sim.keys import init_keys

PAYLOAD = {
    "applicant": {"name": "王大山", "id_number": "320402197503011213", "phone": "13912345678"},
    "matter": {
        "category": "unpaid_wages",
        "facts": "在工地干了半年，包工头欠了三万块工钱不给。" * 4,
    },
}
META = {"service": "legal_aid", "district": "wujin"}


def fill(outbox: Outbox, n: int) -> None:
    for _ in range(n):
        queue_sealed(outbox, "legal_aid", PAYLOAD, META)


def start_simulator(
    tmp: Path, private_key: Path, terminals: Path
) -> tuple[subprocess.Popen[str], str]:
    sim = subprocess.Popen(
        [sys.executable, "-m", "tools.provincial_sim", "--port", "0", "--db", str(tmp / "sim.sqlite3"),
         "--private-key", str(private_key), "--terminals", str(terminals)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert sim.stdout is not None
    url = re.search(r"http://\S+", sim.stdout.readline())
    if url is None:
        sim.kill()
        raise SystemExit("simulator did not start")
    return sim, url.group(0)


class RequestLog:
    """Every HTTP answer the terminals got, by second (a ``requests`` response hook)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.failed = 0

    def hook(self, response: requests.Response, *_args: object, **_kwargs: object) -> None:
        with self.lock:
            self.times.append(time.monotonic())
            if response.status_code != 200:
                self.failed += 1

    def peak_per_s(self) -> int:
        buckets: dict[int, int] = {}
        for t in self.times:
            buckets[int(t)] = buckets.get(int(t), 0) + 1
        return max(buckets.values(), default=0)


def county(args: argparse.Namespace) -> None:
    """N terminals back online at once against one simulator: herd vs jitter."""
    from kiosk.health import HealthMonitor
    from kiosk.sync.setup import health_hook
    from kiosk.sync.signing import new_credentials
    from kiosk.terminal_clock import TerminalClock

    with tempfile.TemporaryDirectory(dir=ROOT) as tmp_name:
        tmp = Path(tmp_name)
        keys = init_keys(tmp / "keys", "CZ-BENCH-0000")
        public = load_public_key(keys.public_key)
        modes = [("herd", 0.0), ("jitter", args.jitter)]
        creds = {
            mode: [new_credentials(f"CZ-{mode.upper()}-{i:04d}") for i in range(args.terminals)]
            for mode, _ in modes
        }
        registry = json.loads(keys.terminals.read_text(encoding="utf-8"))
        for c in (c for group in creds.values() for c in group):
            registry[c.terminal_id] = base64.b64encode(c.secret).decode()
        keys.terminals.write_text(json.dumps(registry), encoding="utf-8")
        print(
            f"queueing {args.per_terminal} submissions on each of 2 × {args.terminals} terminals ...",
            flush=True,
        )
        boxes: dict[str, list[Outbox]] = {}
        for mode, _ in modes:
            boxes[mode] = []
            for c in creds[mode]:
                store = Store(tmp / mode / c.terminal_id / "kiosk.sqlite3")
                box = Outbox(store, public, c.terminal_id)
                fill(box, args.per_terminal)
                boxes[mode].append(box)
        sim, base = start_simulator(tmp, keys.private_key, keys.terminals)
        results = []
        try:
            for mode, jitter in modes:
                log = RequestLog()
                agents = []
                for c, box in zip(creds[mode], boxes[mode], strict=True):
                    session = requests.Session()
                    session.hooks["response"].append(log.hook)
                    clock = TerminalClock()
                    transport = HttpsTransport(
                        base, c, session=session, terminal_clock=clock, read_timeout_s=60
                    )
                    agent = SyncAgent(box, transport, interval_s=3600, startup_jitter_s=jitter, backoff_base_s=1.0, backoff_max_s=10.0, clock=clock.now)  # fmt: skip
                    monitor = HealthMonitor(terminal_id=c.terminal_id, outbox=box, clock=clock, data_dir=box.store.path.parent)  # fmt: skip
                    agent.after_run = [health_hook(monitor, agent)]
                    agents.append(agent)
                t0 = time.monotonic()
                for agent in agents:
                    agent.start()
                deadline = t0 + args.deadline
                left = list(boxes[mode])
                while left and time.monotonic() < deadline:
                    time.sleep(0.25)
                    left = [b for b in left if b.counts().accepted < args.per_terminal]
                drained_s = time.monotonic() - t0
                for agent in agents:
                    agent.stop()
                if left:
                    raise SystemExit(
                        f"{mode}: {len(left)} terminals not drained in {args.deadline} s"
                    )
                results.append({
                    "mode": mode, "terminals": args.terminals, "jitter_s": jitter,
                    "submissions": args.terminals * args.per_terminal,
                    "drain_s": round(drained_s, 2), "peak_requests_per_s": log.peak_per_s(),
                    "requests": len(log.times), "failed_requests": log.failed,
                })  # fmt: skip
        finally:
            sim.terminate()
            sim.wait(10)
        with sqlite3.connect(tmp / "sim.sqlite3") as db:
            stored, deliveries = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(deliveries), 0) FROM submissions"
            ).fetchone()
            reported = db.execute("SELECT COUNT(*) FROM terminal_health").fetchone()[0]
    expected = 2 * args.terminals * args.per_terminal
    if stored != expected:
        raise SystemExit(f"the simulator stored {stored} submissions, expected {expected}")
    print(
        f"{'':8}{'terminals':>10}{'jitter s':>9}{'drain s':>9}{'peak req/s':>11}{'requests':>9}{'failed':>7}"
    )
    for r in results:
        print(f"{r['mode']:8}{r['terminals']:10}{r['jitter_s']:9.0f}{r['drain_s']:9.2f}{r['peak_requests_per_s']:11}{r['requests']:9}{r['failed_requests']:7}")  # fmt: skip
    print(f"every submission stored exactly once: {stored} stored, {deliveries} deliveries "
          f"(a delivery > 1 is a resend answered 'duplicate'); {reported} terminals reported health")  # fmt: skip
    for r in results:
        print(
            json.dumps(
                {
                    **r,
                    "stored_once_both_modes": stored == expected,
                    "deliveries_both_modes": deliveries,
                }
            )
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=10_000, help="submissions the agent drains")
    ap.add_argument("--bare-n", type=int, default=2_000, help="submissions the bare loop posts")
    ap.add_argument("--batch-size", type=int, default=50, help="default: sync.batch_size")
    ap.add_argument("--terminals", type=int, help="county mode: this many terminals at once")
    ap.add_argument("--per-terminal", type=int, default=3, help="county mode: queued on each")
    ap.add_argument("--jitter", type=float, default=30.0, help="county mode: startup_jitter_s")
    ap.add_argument("--deadline", type=float, default=300.0, help="county mode: give up after")
    args = ap.parse_args()
    if args.terminals:
        county(args)
        return
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp_name:
        tmp = Path(tmp_name)
        keys = init_keys(tmp / "keys", "CZ-BENCH-0001")
        creds = load_credentials(keys.credentials)
        public = load_public_key(keys.public_key)
        agent_box = Outbox(Store(tmp / "agent" / "kiosk.sqlite3"), public, creds.terminal_id)
        bare_box = Outbox(Store(tmp / "bare" / "kiosk.sqlite3"), public, creds.terminal_id)
        print(f"queueing {args.n} + {args.bare_n} submissions ...", flush=True)
        fill(agent_box, args.n)
        fill(bare_box, args.bare_n)
        bare_items = bare_box.claim_due(args.bare_n)

        sim = subprocess.Popen(
            [sys.executable, "-m", "tools.provincial_sim", "--port", "0", "--db", str(tmp / "sim.sqlite3"),
             "--private-key", str(keys.private_key), "--terminals", str(keys.terminals)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert sim.stdout is not None
            url = re.search(r"http://\S+", sim.stdout.readline())
            if url is None:
                raise SystemExit("simulator did not start")
            base = url.group(0)

            session = requests.Session()
            path = "/api/v1/submissions"
            t = time.perf_counter()
            for item in bare_items:
                body = batch_body([item])
                headers = sign_headers(creds, "POST", path, body)
                headers["Content-Type"] = "application/json"
                answer = session.post(base + "/submissions", data=body, headers=headers, timeout=30)
                if answer.json()["results"][0]["outcome"] != "accepted":
                    raise SystemExit(f"bare loop: unexpected answer {answer.text[:200]}")
            bare_s = time.perf_counter() - t

            agent = SyncAgent(
                agent_box,
                HttpsTransport(base, creds),
                batch_size=args.batch_size,
                backoff_base_s=0.05,
            )
            t = time.perf_counter()
            while agent.sync_now().remaining:
                pass
            agent_s = time.perf_counter() - t
            if agent_box.counts().accepted != args.n:
                raise SystemExit(f"agent drained only {agent_box.counts()}")
        finally:
            sim.terminate()
            sim.wait(10)

    agent_rate, bare_rate = args.n / agent_s, args.bare_n / bare_s
    ratio = agent_rate / bare_rate
    print(f"{'':34}{'items':>8}{'seconds':>10}{'items/s':>10}")
    print(
        f"{'sync agent, batches of ' + str(args.batch_size):34}{args.n:8}{agent_s:10.2f}{agent_rate:10.0f}"
    )
    print(f"{'bare requests loop, one per POST':34}{args.bare_n:8}{bare_s:10.2f}{bare_rate:10.0f}")
    print(f"throughput ratio {ratio:.2f} (goal ≥ 3; agent includes status pull and all DB commits)")
    print(json.dumps({
        "throughput_ratio": round(ratio, 3),
        "agent_items_per_s": round(agent_rate, 1),
        "bare_items_per_s": round(bare_rate, 1),
        "n": args.n,
        "bare_n": args.bare_n,
        "batch_size": args.batch_size,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
