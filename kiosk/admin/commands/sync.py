"""``kiosk-admin sync``: send queued submissions and pull status updates — the app's own agent."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from kiosk.admin.common import (
    CliError,
    Subparsers,
    add_command,
    admin_actor,
    config_from_args,
    load_active_pack,
    positive_float,
)
from kiosk.admin.output import as_data, emit, error
from kiosk.audit import AuditLog
from kiosk.config import KioskConfig
from kiosk.content import ContentPack
from kiosk.sync.agent import SyncAgent, SyncReport
from kiosk.sync.describe import report_lines
from kiosk.sync.runs import sync_by_hand
from kiosk.sync.setup import build_agent, credentials_file, outbox_from_config
from kiosk.terminal_clock import clock_of
from offline_cache.store import Store


def _pack_or_none(config: KioskConfig) -> ContentPack | None:
    """The active content pack, or ``None`` if it can't be loaded (syncing still works)."""
    try:
        return load_active_pack(config)
    except CliError as exc:
        error(f"{exc}（上门预约的状态本次不更新）")
        return None


def _show(args: argparse.Namespace, report: SyncReport) -> None:
    data = as_data(
        report, drop=["started_at", "finished_at", "facts"], drained=report.drained, **report.facts
    )
    emit(args, report_lines(report), data)
    sys.stdout.flush()


def _agent(args: argparse.Namespace, *, show_each_run: bool) -> SyncAgent:
    config = config_from_args(args)
    store = Store(config.db_path)
    clock = clock_of(store)  # one clock for the outbox, the agent and the audit entry
    outbox = outbox_from_config(config, store, need_key=False, clock=clock)
    credentials_file(config)  # missing credentials are said before the pack is even loaded
    return build_agent(
        config,
        store,
        outbox,
        pack=_pack_or_none(config),
        audit=AuditLog(store, clock=clock.utcnow),
        pull_packs=not args.no_pack_pull,
        batch_size=args.batch_size,
        backoff_base_s=args.backoff_base,
        read_timeout_s=args.timeout,
        on_report=(lambda report: _show(args, report)) if show_each_run else None,
        clock=clock,
    )


def cmd_sync(args: argparse.Namespace) -> int:
    if args.once:
        agent = _agent(args, show_each_run=False)
        store = agent.outbox.store
        run = sync_by_hand(agent, AuditLog(store, clock=clock_of(store).utcnow), admin_actor())
        if run.audit_problem:
            error(run.audit_problem)
        _show(args, run.report)
        if run.report.auth_failed:
            error(f"同步已停止：{run.report.last_error}")
            return 1
        return 0 if run.report.drained else 2
    agent = _agent(args, show_each_run=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    agent.start()
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    agent.stop()
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "sync",
        cmd_sync,
        help="把等待的申请发送到省系统，取回办理进度（--once 只做一次）",
        example="sync --once\nsync --once --no-pack-pull --json",
        parents=[common],
    )
    p.add_argument(
        "--once",
        action="store_true",
        help="只同步一次就退出：0 全部发完 / 2 还有等待的 / 1 出错",
    )
    p.add_argument("--batch-size", type=int, help="每次请求发送的条数（默认 sync.batch_size）")
    p.add_argument(
        "--backoff-base",
        type=positive_float,
        default=5.0,
        help="失败后第一次重试前等待的秒数（默认 5）",
    )
    p.add_argument("--timeout", type=positive_float, default=30.0, help="等待回答的秒数（默认 30）")
    p.add_argument("--no-pack-pull", action="store_true", help="这次不下载省系统提供的新内容包")
