"""Fixtures for the outbox and sync tests: keys, a real simulator process on 127.0.0.1, outboxes."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskConfig, load_config
from kiosk.sealing import load_private_key, load_public_key
from kiosk.sync.agent import SyncAgent
from kiosk.sync.https_transport import HttpsTransport
from kiosk.sync.signing import load_credentials
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tests.conftest import ROOT
from tools.provincial_sim.keys import KeyFiles, init_keys

TERMINAL = "CZ-TEST-0001"
# ``python -m kiosk.admin.cli`` would run the module as ``__main__`` with its own CliError class;
# this is what the installed ``kiosk-admin`` script does.
KIOSK_ADMIN = [
    sys.executable,
    "-c",
    "import sys; from kiosk.admin.cli import main; sys.exit(main())",
]
# The simulator is a tool beside the product (docs/provincial-sim.md), run from the source tree.
PROVINCIAL_SIM = [sys.executable, "-m", "tools.provincial_sim"]

# What a resident types into an application: none of it may reach the disk in clear.
RESIDENT = {
    "name": "王秀英",
    "id_number": "320402195803121527",
    "phone": "13861234567",
    "address": "武进区湖塘镇新华村12号",
    "facts": "工地拖欠工资三个月，共计一万二千元",
}


def resident(i: int) -> dict[str, str]:
    """A distinct resident per index (distinct phone and ID number)."""
    return {
        **RESIDENT,
        "name": f"王秀英{i}",
        "phone": f"138{i:08d}",
        "id_number": f"3204021958{i:07d}X",
    }


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    return init_keys(tmp_path_factory.mktemp("keys"), TERMINAL, tls=True)


@dataclass
class Sim:
    url: str
    db: Path
    proc: subprocess.Popen[str]

    def count(self) -> int:
        with sqlite3.connect(self.db) as c:
            return int(c.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])

    def ids(self) -> list[str]:
        with sqlite3.connect(self.db) as c:
            return [r[0] for r in c.execute("SELECT submission_id FROM submissions")]


def _start_sim(keys: KeyFiles, db: Path, args: list[str], tls: bool) -> Sim:
    cmd = [
        *PROVINCIAL_SIM,
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--db",
        str(db),
        "--private-key",
        str(keys.private_key),
        "--terminals",
        str(keys.terminals),
        "--seed",
        "7",
        *args,
    ]
    if tls:
        cmd += ["--tls-cert", str(keys.tls_cert), "--tls-key", str(keys.tls_key)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(https?://127\.0\.0\.1:\d+/api/v1)", line)
    if not match:
        proc.kill()
        raise AssertionError(
            f"simulator did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    return Sim(match.group(1), db, proc)


@pytest.fixture
def start_sim(keys: KeyFiles, tmp_path: Path) -> Iterator[Callable[..., Sim]]:
    started: list[Sim] = []

    def start(*args: str, tls: bool = False, db_name: str = "sim.sqlite3") -> Sim:
        sim = _start_sim(keys, tmp_path / db_name, list(args), tls)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.proc.terminate()
        try:
            sim.proc.wait(5)
        except subprocess.TimeoutExpired:
            sim.proc.kill()
            sim.proc.wait()


@pytest.fixture
def outbox(keys: KeyFiles, tmp_path: Path) -> Outbox:
    store = Store(tmp_path / "data" / "kiosk.sqlite3")
    return Outbox(store, load_public_key(keys.public_key), TERMINAL)


def terminal_config(keys: KeyFiles, data: Path, **settings: Any) -> KioskConfig:
    """A terminal's config as an installer writes it: data directory, terminal id and credentials;
    ``settings`` (dotted keys, e.g. ``**{"provincial.endpoint": sim.url}``) on top."""
    overrides = {
        "paths.data_dir": str(data),
        "terminal.id": TERMINAL,
        "provincial.credentials_file": str(keys.credentials),
        **settings,
    }
    return load_config(None, env={}, overrides=overrides)


def make_agent(
    outbox: Outbox,
    keys: KeyFiles,
    sim: Sim,
    *,
    batch_size: int = 50,
    read_timeout_s: float = 5.0,
    backoff_base_s: float = 0.02,
    ca_file: Path | None = None,
) -> SyncAgent:
    transport = HttpsTransport(
        sim.url,
        load_credentials(keys.credentials),
        ca_file=ca_file,
        connect_timeout_s=2.0,
        read_timeout_s=read_timeout_s,
    )
    return SyncAgent(
        outbox,
        transport,
        batch_size=batch_size,
        backoff_base_s=backoff_base_s,
        backoff_max_s=0.5,
        max_failed_batches_per_run=1000,
    )


def drain(agent: SyncAgent, deadline_s: float = 90.0) -> list[str]:
    """Run the agent until nothing is queued; returns every error message the runs met."""
    end = time.monotonic() + deadline_s
    errors: list[str] = []
    while time.monotonic() < end:
        report = agent.sync_now()
        errors += report.errors
        if report.remaining == 0:
            return errors
        due = agent.outbox.next_due_at()
        if due is not None:
            time.sleep(min(1.0, max(0.0, due - time.time())))
    raise AssertionError(f"queue not drained in {deadline_s}s: {agent.counts()}")


def private_key(keys: KeyFiles):  # type: ignore[no-untyped-def]
    return load_private_key(keys.private_key)
