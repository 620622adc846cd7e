"""A kiosk killed at any moment of an install still has a valid active pack, old or new."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from kiosk.packs.checks import open_pack_store
from kiosk.packs.verify import check_pack_dir
from offline_cache import BUNDLED_PACK_DIR
from tests.packs.conftest import Keys, MakePack, SignPack

RUNS = 24


def _install_forever(data_dir: str, key: str, zips: list[str], ready: object) -> None:
    store = open_pack_store(Path(data_dir), BUNDLED_PACK_DIR, [key])
    ready.set()  # type: ignore[attr-defined]
    while True:
        for z in zips:
            store.install(Path(z), allow_downgrade=True)


@pytest.mark.slow
def test_sigkill_at_random_moments_of_installs_always_leaves_a_valid_active_pack(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    zips = [str(sign_pack(make_pack("2.0.0"))), str(sign_pack(make_pack("3.0.0")))]
    # Measure one install so the kills spread over whole installs, not just their start.
    probe = open_pack_store(data_dir / "probe", BUNDLED_PACK_DIR, [bureau.public])
    started = time.monotonic()
    probe.install(Path(zips[0]))
    one_install = time.monotonic() - started

    rng = random.Random(7)
    ctx = multiprocessing.get_context("fork")
    seen_versions: set[str] = set()
    killed_mid_install = 0
    for run in range(RUNS):
        ready = ctx.Event()
        # Alternate which version goes first, so both end up active even on a slow machine
        # where most kills land in the first install of a run.
        order = zips if run % 2 == 0 else zips[::-1]
        child = ctx.Process(
            target=_install_forever, args=(str(data_dir), bureau.public, order, ready)
        )
        child.start()
        assert ready.wait(10), "installer did not start"
        time.sleep(rng.uniform(0, 2.5 * one_install))
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL, f"run {run}: the installer was not killed"

        # A fresh terminal start after the crash:
        store = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
        if store.staging_dir.exists() and any(store.staging_dir.iterdir()):
            killed_mid_install += 1
        state_file = store.root / "state.json"
        if state_file.exists():
            json.loads(state_file.read_text(encoding="utf-8"))  # never half-written
        active = store.active_dir()
        assert store.verify_active() == [], f"run {run}: active pack damaged"
        if active != BUNDLED_PACK_DIR:
            seen_versions.add(check_pack_dir(active, [bureau.public]).manifest.version)
        assert store.begin_serving() == active
        store.close()

    assert seen_versions == {"2.0.0", "3.0.0"}, "kills never landed between the two installs"
    assert killed_mid_install >= RUNS // 2, "too few kills landed in the middle of an install"
    # Whatever the crashes left behind, the next install works and cleans up after them.
    store = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    store.install(Path(zips[1]), allow_downgrade=True)
    assert list(store.staging_dir.iterdir()) == []
    assert len(list(store.versions_dir.iterdir())) <= 4
