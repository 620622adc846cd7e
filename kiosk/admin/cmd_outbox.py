"""``kiosk-admin submit | outbox ... | sync | status`` (issue 4)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk import receipts
from kiosk.admin.cli import CliError, config_from_args, emit, load_active_pack
from kiosk.config import KioskConfig
from kiosk.sync.agent import SyncAgent, SyncReport
from kiosk.sync.setup import SyncSetupError, agent_from_config, outbox_from_config
from offline_cache.outbox import STATUSES, Outbox, OutboxEntry, OutboxError
from offline_cache.store import Store
from offline_cache.vocabulary import KIND_VALUES, OutboxStatus, kind_label


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "—"


def _outbox(config: KioskConfig, *, need_key: bool) -> Outbox:
    try:
        return outbox_from_config(config, Store(config.db_path), need_key=need_key)
    except SyncSetupError as exc:
        raise CliError(str(exc)) from None


def _receipt(text: str) -> str:
    problem = receipts.problem(text)
    if problem:
        raise CliError(problem)
    code = receipts.normalize(text)
    assert code is not None
    return code


def _entry_dict(e: OutboxEntry) -> dict[str, Any]:
    return {
        "receipt_code": e.receipt_code,
        "submission_id": e.submission_id,
        "kind": e.kind,
        "created_at": e.created_at,
        "metadata": e.metadata,
        "status": e.status,
        "attempts": e.attempts,
        "last_error": e.last_error,
        "last_attempt_at": e.last_attempt_at,
        "next_attempt_at": e.next_attempt_at,
        "accepted_at": e.accepted_at,
        "case_number": e.case_number,
        "remote_status": e.remote_status,
        "remote_status_text": e.remote_status_text,
        "remote_status_at": e.remote_status_at,
        "status_learned_at": e.status_learned_at,
        "ciphertext_purged": e.purged,
        "staff_id": e.staff_id,
    }


# -- submit ---------------------------------------------------------------------------------
def cmd_submit(args: argparse.Namespace) -> int:
    from kiosk.submissions import InvalidSubmission, describe, submit

    try:
        doc = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"读不到文件 {args.file}：{exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError):
        raise CliError(f"{args.file} 不是有效的 UTF-8 JSON 文件") from None
    kind = args.kind
    payload = doc
    if isinstance(doc, dict) and "payload" in doc and "kind" in doc:
        kind, payload = kind or doc["kind"], doc["payload"]
    if not kind:
        raise CliError(
            f"请用 --kind 指明申请类型（{' 或 '.join(KIND_VALUES)}），或在文件里写 kind 和 payload"
        )
    config = config_from_args(args)
    outbox = _outbox(config, need_key=True)
    pack = load_active_pack(config)
    try:
        receipt = submit(kind, payload, pack=pack, outbox=outbox, staff_id=args.staff)
    except InvalidSubmission as exc:
        lines = [describe(p) for p in exc.problems]
        if getattr(args, "json", False):
            emit(
                args,
                "",
                {
                    "ok": False,
                    "problems": [{"field": p.field, "message": p.message} for p in exc.problems],
                },
            )
        else:
            print("申请内容有误，没有保存：", file=sys.stderr)
            for line in lines:
                print(f"  - {line}", file=sys.stderr)
        return 1
    except OutboxError as exc:
        raise CliError(str(exc)) from None
    emit(
        args,
        f"已保存，回执号码：{receipts.display(receipt.code)}（联网后自动发送到省系统）",
        {
            "ok": True,
            "receipt_code": receipt.code,
            "submission_id": receipt.submission_id,
            "created_at": receipt.created_at,
        },
    )
    return 0


# -- outbox ---------------------------------------------------------------------------------
def cmd_outbox_list(args: argparse.Namespace) -> int:
    outbox = _outbox(config_from_args(args), need_key=False)
    try:
        entries = outbox.list(status=args.status, limit=args.limit)
    except OutboxError as exc:
        raise CliError(str(exc)) from None
    counts = outbox.counts()
    lines = [
        f"等待发送 {counts.queued}，发送中 {counts.sending}，被拒收 {counts.rejected}，"
        f"已接收 {counts.accepted}；最近一次成功：{_when(counts.last_success_at)}"
    ]
    for e in entries:
        extra = f"  {e.last_error}" if e.last_error and e.status != "accepted" else ""
        lines.append(
            f"{receipts.display(e.receipt_code)}  {kind_label(e.kind)}  "
            f"{_when(e.created_at)}  {e.status}  尝试{e.attempts}次"
            f"{'  ' + e.case_number if e.case_number else ''}{extra}"
        )
    emit(
        args,
        "\n".join(lines),
        {
            "counts": {
                "queued": counts.queued,
                "sending": counts.sending,
                "rejected": counts.rejected,
                "accepted": counts.accepted,
                "last_success_at": counts.last_success_at,
            },
            "entries": [_entry_dict(e) for e in entries],
        },
    )
    return 0


def _show(args: argparse.Namespace, e: OutboxEntry) -> None:
    lines = [
        f"回执号码：{receipts.display(e.receipt_code)}",
        f"类型：{kind_label(e.kind)}",
        f"提交时间：{_when(e.created_at)}",
        f"本机状态：{e.status}（{OutboxStatus(e.status).staff_text}）",
        f"尝试发送：{e.attempts} 次，最近一次 {_when(e.last_attempt_at)}",
    ]
    if e.status == "queued":
        lines.append(f"下次发送：{_when(e.next_attempt_at)}")
    if e.last_error:
        lines.append(f"最近的问题：{e.last_error}")
    if e.case_number:
        lines.append(f"省系统案件号：{e.case_number}")
    if e.remote_status_text:
        lines.append(f"办理进度：{e.remote_status_text}（{_when(e.status_learned_at)} 获知）")
    if e.metadata:
        lines.append("公开信息：" + "，".join(f"{k}={v}" for k, v in sorted(e.metadata.items())))
    lines.append(
        "申请内容：已加密（只有省系统能解开）" + ("，密文已按保留期清除" if e.purged else "")
    )
    emit(args, "\n".join(lines), _entry_dict(e))


def cmd_outbox_show(args: argparse.Namespace) -> int:
    code = _receipt(args.receipt)
    e = _outbox(config_from_args(args), need_key=False).get(code)
    if e is None:
        raise CliError(f"本机没有回执号码为 {receipts.display(code)} 的申请。")
    _show(args, e)
    return 0


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    code = _receipt(args.receipt)
    try:
        e = _outbox(config_from_args(args), need_key=False).retry(code)
    except OutboxError as exc:
        raise CliError(str(exc)) from None
    emit(
        args,
        f"回执 {receipts.display(e.receipt_code)} 已重新排队，下次同步时发送。",
        _entry_dict(e),
    )
    return 0


# -- status ---------------------------------------------------------------------------------
def cmd_status(args: argparse.Namespace) -> int:
    code = _receipt(args.receipt)
    view = _outbox(config_from_args(args), need_key=False).status(code)
    if view is None:
        raise CliError(f"本机没有回执号码为 {receipts.display(code)} 的申请。")
    human = f"回执 {receipts.display(view.receipt_code)}：{view.text}"
    if view.learned_at:
        human += f"（{_when(view.learned_at)} 更新）"
    if view.case_number:
        human += f"\n省系统案件号：{view.case_number}"
    emit(
        args,
        human,
        {
            "receipt_code": view.receipt_code,
            "kind": view.kind,
            "created_at": view.created_at,
            "local_status": view.local_status,
            "text": view.text,
            "case_number": view.case_number,
            "remote_status": view.remote_status,
            "remote_status_at": view.remote_status_at,
            "learned_at": view.learned_at,
        },
    )
    return 0


# -- sync -----------------------------------------------------------------------------------
def _pack_or_none(config: KioskConfig) -> Any:
    """The active content pack, or ``None`` if it can't be loaded (syncing still works)."""
    try:
        return load_active_pack(config)
    except CliError as exc:
        print(f"kiosk-admin: {exc}（上门预约的状态本次不更新）", file=sys.stderr)
        return None


def build_agent(
    config: KioskConfig,
    args: argparse.Namespace,
    on_report: Callable[[SyncReport], None] | None = None,
) -> SyncAgent:
    """The agent with the same hooks as the kiosk app (pack puller, bookings follow-up)."""
    from kiosk.audit import AuditLog
    from kiosk.sync.hooks import build_sync_hooks

    store = Store(config.db_path)
    try:
        outbox = outbox_from_config(config, store, need_key=False)
    except SyncSetupError as exc:
        raise CliError(str(exc)) from None
    if config.provincial_credentials_file is None:  # say so before loading the pack
        raise CliError("没有配置终端凭据（provincial.credentials_file），不能同步。")
    hooks = build_sync_hooks(
        store,
        _pack_or_none(config),
        config,
        AuditLog(store),
        pull_packs=not getattr(args, "no_pack_pull", False),
    )
    try:
        return agent_from_config(
            config,
            outbox,
            batch_size=args.batch_size,
            backoff_base_s=args.backoff_base,
            read_timeout_s=args.timeout,
            on_report=on_report,
            pack_puller=hooks.pack_puller,
            after_run=hooks.after_run,
        )
    except SyncSetupError as exc:
        raise CliError(str(exc)) from None


def _report_dict(report: SyncReport) -> dict[str, Any]:
    return {
        "drained": report.drained,
        "recovered": report.recovered,
        "sent": report.sent,
        "accepted": report.accepted,
        "rejected": report.rejected,
        "conflicts": report.conflicts,
        "unanswered": report.unanswered,
        "failed_batches": report.failed_batches,
        "auth_failed": report.auth_failed,
        "status_updates": report.status_updates,
        "purged": report.purged,
        "remaining": report.remaining,
        "errors": report.errors,
        "pack_installed": report.pack_installed,
        "pack_problem": report.pack_problem,
        "notes": report.notes,
        **report.facts,
    }


def _report_text(report: SyncReport) -> str:
    text = (
        f"本次发送 {report.sent} 条：省系统接收 {report.accepted}，拒收 {report.rejected}，"
        f"冲突 {report.conflicts}；还有 {report.remaining} 条等待发送；"
        f"更新办理进度 {report.status_updates} 条"
    )
    for note in report.notes:
        text += f"\n{note}"
    if report.last_error:
        text += f"\n最近的问题：{report.last_error}"
    return text


def _audit_manual_sync(agent: SyncAgent, report: SyncReport) -> None:
    """A manual sync is a staff/admin action (issue 7): one audit entry, counts only."""
    import getpass

    from kiosk.audit import SYNC_MANUAL, AuditLog

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    try:
        AuditLog(agent.outbox.store).append(
            f"admin-cli:{user}"[:80],
            SYNC_MANUAL,
            {
                "sent": report.sent,
                "accepted": report.accepted,
                "rejected": report.rejected,
                "remaining": report.remaining,
                "auth_failed": report.auth_failed,
                "pack_installed": report.pack_installed,
            },
        )
    except Exception as exc:  # the sync itself happened; say so rather than fail the command
        print(f"kiosk-admin: 审计日志没有记下这次同步：{exc}", file=sys.stderr)


def cmd_sync(args: argparse.Namespace) -> int:
    config = config_from_args(args)

    def show(report: SyncReport) -> None:
        emit(args, _report_text(report), _report_dict(report))
        sys.stdout.flush()

    if args.once:
        agent = build_agent(config, args)
        report = agent.sync_now()
        _audit_manual_sync(agent, report)
        emit(args, _report_text(report), _report_dict(report))
        if report.auth_failed:
            print(f"kiosk-admin: 同步已停止：{report.last_error}", file=sys.stderr)
            return 1
        return 0 if report.drained else 2
    agent = build_agent(config, args, on_report=show)
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


# -- registration ---------------------------------------------------------------------------
def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("submit", parents=[common], help="queue a submission from a JSON file")
    p.add_argument(
        "file", help='JSON: {"kind": ..., "payload": {...}} or a bare payload with --kind'
    )
    p.add_argument("--kind", choices=KIND_VALUES)
    p.add_argument("--staff", help="staff id recorded with the submission")
    p.set_defaults(func=cmd_submit)

    outbox = sub.add_parser("outbox", help="inspect and manage the outbox")
    osub = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    p = osub.add_parser("list", parents=[common], help="list submissions, newest first")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_outbox_list)
    p = osub.add_parser("show", parents=[common], help="everything known about one receipt")
    p.add_argument("receipt")
    p.set_defaults(func=cmd_outbox_show)
    p = osub.add_parser(
        "retry", parents=[common], help="put a rejected submission back in the queue"
    )
    p.add_argument("receipt")
    p.set_defaults(func=cmd_outbox_retry)

    p = sub.add_parser(
        "sync", parents=[common], help="send queued submissions, pull status updates"
    )
    p.add_argument(
        "--once",
        action="store_true",
        help="one run, then exit 0 drained / 2 items remain / 1 error",
    )
    p.add_argument("--batch-size", type=int, help="items per request (default: sync.batch_size)")
    p.add_argument(
        "--backoff-base", type=_positive_float, default=5.0, help="first retry delay, seconds"
    )
    p.add_argument(
        "--timeout", type=_positive_float, default=30.0, help="seconds to wait for an answer"
    )
    p.add_argument(
        "--no-pack-pull",
        action="store_true",
        help="don't download a newer content pack the province offers",
    )
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("status", parents=[common], help="last known status of a receipt (offline)")
    p.add_argument("receipt")
    p.set_defaults(func=cmd_status)
