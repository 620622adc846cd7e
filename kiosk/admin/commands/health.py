"""``kiosk-admin health``: the terminal's health as the bureau sees it, read locally.

The queue, disk and clock are read fresh from the store; the devices, uptime and memory come
from the running kiosk's snapshot (``health.json``, written every few minutes and after each
sync run). Exit 2 when something needs staff (disk nearly full, a submission waiting for more
than a day, a device that says so — a printer out of paper), so a script or a monitoring check
can act on it.
"""

from __future__ import annotations

import argparse
import dataclasses

from kiosk.admin.common import Subparsers, add_command, config_from_args
from kiosk.admin.output import emit
from kiosk.health import (
    SNAPSHOT_FRESH_S,
    SNAPSHOT_NAME,
    collect,
    describe,
    read_snapshot,
    snapshot_probes,
)
from kiosk.terminal_clock import clock_of
from offline_cache.outbox import Outbox
from offline_cache.store import Store

NEEDS_STAFF = 2


def cmd_health(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    store = Store.for_reading(config.db_path)  # works on a full or read-only disk too
    clock = clock_of(store)
    snapshot = read_snapshot(config.data_dir / SNAPSHOT_NAME, clock.now())
    report = collect(
        terminal_id=config.terminal_id,
        outbox=Outbox(store, None, config.terminal_id, clock=clock.now),
        clock=clock,
        data_dir=config.data_dir,
        pack=snapshot.pack if snapshot is not None else "",
        probes=snapshot_probes(snapshot),
        last_sync_problem=snapshot.last_sync_problem if snapshot is not None else None,
        rss=lambda: snapshot.memory_rss_bytes if snapshot is not None else None,
    )
    if snapshot is not None:
        report = dataclasses.replace(report, uptime_s=snapshot.uptime_s)
    lines = describe(report)
    if snapshot is None:
        minutes = SNAPSHOT_FRESH_S / 60
        lines.insert(
            1, f"终端程序最近 {minutes:.0f} 分钟没有写健康快照（可能没有运行），设备状态不知道"
        )
    emit(args, lines, {**report.to_json(), "kiosk_running": snapshot is not None})
    return NEEDS_STAFF if report.needs_staff else 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    add_command(
        sub,
        "health",
        cmd_health,
        help="终端的运行情况（待发送、最近送达、设备、存储空间、时钟）；需要工作人员处理时退出码为 2",
        example="health\nhealth --json",
        parents=[common],
    )
