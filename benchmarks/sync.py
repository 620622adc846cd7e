"""Draining the outbox to the provincial simulator on loopback, against a bare requests loop.

Both run in the same invocation against the same simulator process (no faults, plain HTTP on
127.0.0.1): the sync agent drains N queued submissions in batches (claim → one signed POST →
record the per-item answers, each step a committed transaction); the baseline is a bare
``requests.Session`` loop POSTing the same kind of sealed payloads one per request, signed, with
no database work at all. Prints items/s of both, then one JSON line:
``{"throughput_ratio": …, "agent_items_per_s": …, "bare_items_per_s": …}``. Goal: ratio ≥ 3.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from kiosk.sealing import load_public_key  # noqa: E402
from kiosk.submissions import queue_sealed  # noqa: E402
from kiosk.sync.agent import SyncAgent  # noqa: E402
from kiosk.sync.https_transport import HttpsTransport, batch_body  # noqa: E402
from kiosk.sync.signing import load_credentials, sign_headers  # noqa: E402
from offline_cache.outbox import Outbox  # noqa: E402
from offline_cache.store import Store  # noqa: E402
from tools.provincial_sim.keys import init_keys  # noqa: E402

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=10_000, help="submissions the agent drains")
    ap.add_argument("--bare-n", type=int, default=2_000, help="submissions the bare loop posts")
    ap.add_argument("--batch-size", type=int, default=50, help="default: sync.batch_size")
    args = ap.parse_args()
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
