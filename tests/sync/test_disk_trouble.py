"""A full or read-only data directory: a plain message for staff, and nothing queued is lost.

As root (the CI container) a real tmpfs is mounted, filled up and remounted read-only; without
the right to mount, file permissions and SQLite's page limit stand in for the same failures.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.sealing import load_public_key
from kiosk.submissions import queue_sealed
from offline_cache.outbox import Outbox
from offline_cache.store import Store, StoreError
from tests.conftest import ROOT
from tests.sync.conftest import KIOSK_ADMIN, TERMINAL, resident
from tests.sync.test_cli import VALID_CASE
from tools.provincial_sim.keys import KeyFiles


def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
    )
    return done.returncode == 0


@contextlib.contextmanager
def small_filesystem(directory: Path, size: str) -> Iterator[bool]:
    directory.mkdir(parents=True, exist_ok=True)
    mounted = _mount(directory, f"size={size}")
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(directory)], check=False)


def _read_only(directory: Path, mounted: bool) -> None:
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(directory)], check=True)
    else:
        for p in [directory, *directory.iterdir()]:
            p.chmod(0o555 if p.is_dir() else 0o444)


def _writable(directory: Path, mounted: bool) -> None:
    if mounted:
        subprocess.run(["mount", "-o", "remount,rw", str(directory)], check=True)
    else:
        for p in [directory, *directory.iterdir()]:
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_full_disk_refuses_new_submissions_plainly_and_keeps_the_queued_ones(
    tmp_path: Path, keys: KeyFiles
) -> None:
    data = tmp_path / "data"
    with small_filesystem(data, "1m") as mounted:
        box = Outbox(Store(data / "kiosk.sqlite3"), load_public_key(keys.public_key), TERMINAL)
        if not mounted:
            box.store.conn.execute("PRAGMA max_page_count = 60")
        queued: list[str] = []
        with pytest.raises(StoreError) as info:
            for i in range(5000):
                queued.append(
                    queue_sealed(box, "legal_aid", resident(i) | {"facts": "欠薪" * 400}, {}).code
                )
        message = str(info.value)
        assert "存储空间已满" in message and "已保存的申请都还在" in message
        assert len(queued) > 5
        # The CLI says the same in one plain line, no traceback.
        if mounted:
            case = tmp_path / "case.json"
            case.write_text(json.dumps({"kind": "legal_aid", "payload": VALID_CASE}), "utf-8")
            cli = subprocess.run(
                [*KIOSK_ADMIN, "submit", str(case), "--data-dir", str(data)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "KIOSK_PROVINCIAL_PUBLIC_KEY_FILE": str(keys.public_key)},
            )
            assert cli.returncode == 1
            assert "存储空间已满" in cli.stderr and "Traceback" not in cli.stderr
            assert "请工作人员联系管理员清理存储空间" in cli.stderr
            said = cli.stderr.replace(str(data), "").lower()  # the path may hold any word
            assert "disk" not in said and "error" not in said
            # Looking still works on the full disk: the outbox list and 查询办理进度.
            env = {**os.environ, "KIOSK_PROVINCIAL_PUBLIC_KEY_FILE": str(keys.public_key)}
            listed = subprocess.run(
                [
                    *KIOSK_ADMIN,
                    "outbox",
                    "list",
                    "--json",
                    "--limit",
                    "9999",
                    "--data-dir",
                    str(data),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
            )
            assert listed.returncode == 0, listed.stderr
            assert len(json.loads(listed.stdout)["entries"]) == len(queued)
            status = subprocess.run(
                [*KIOSK_ADMIN, "status", queued[0], "--data-dir", str(data)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
            )
            assert status.returncode == 0, status.stderr
        # Every receipt handed out before the disk filled is still there, readable.
        again = Outbox(Store(data / "kiosk.sqlite3"), None, TERMINAL)
        assert again.counts().queued == len(queued)
        assert all(again.status(code) is not None for code in queued)


def test_read_only_data_directory_gives_a_plain_message_in_library_and_cli(
    tmp_path: Path, keys: KeyFiles
) -> None:
    data = tmp_path / "data"
    with small_filesystem(data, "8m") as mounted:
        box = Outbox(Store(data / "kiosk.sqlite3"), load_public_key(keys.public_key), TERMINAL)
        codes = [queue_sealed(box, "legal_aid", resident(i), {}).code for i in range(5)]
        box.store.close()
        _read_only(data, mounted)
        try:
            with pytest.raises(StoreError) as info:
                ro = Outbox(
                    Store(data / "kiosk.sqlite3"), load_public_key(keys.public_key), TERMINAL
                )
                queue_sealed(ro, "legal_aid", resident(99), {})
            assert "数据目录不能写入" in str(info.value)
            cli = subprocess.run(
                [*KIOSK_ADMIN, "outbox", "list", "--data-dir", str(data)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "KIOSK_PROVINCIAL_PUBLIC_KEY_FILE": str(keys.public_key)},
            )
            # Looking needs no write: the list and 查询办理进度 work on the read-only disk.
            assert cli.returncode == 0, cli.stderr
            assert all(code in cli.stdout.replace(" ", "") for code in codes)
            status = subprocess.run(
                [*KIOSK_ADMIN, "status", codes[0], "--data-dir", str(data)],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            assert status.returncode == 0, status.stderr
            retry = subprocess.run(
                [*KIOSK_ADMIN, "outbox", "retry", codes[0], "--data-dir", str(data)],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            assert retry.returncode == 1
            assert "数据目录不能写入" in retry.stderr and "Traceback" not in retry.stderr
        finally:
            _writable(data, mounted)
        after = Outbox(Store(data / "kiosk.sqlite3"), None, TERMINAL)
        assert sorted(e.receipt_code for e in after.list()) == sorted(codes)
