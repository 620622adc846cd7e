"""The outbox, a receipt's status and a sync run in the words staff read at the console.

``kiosk-admin outbox``, ``status`` and ``sync`` print these; the kinds' and statuses' Chinese
names come from :mod:`offline_cache.vocabulary`. Only non-identifying data is ever shown: the
applications themselves are sealed.
"""

from __future__ import annotations

import time

from kiosk import display_text
from kiosk.sync.agent import SyncReport
from offline_cache.outbox import OutboxCounts, OutboxEntry, StatusView
from offline_cache.vocabulary import OutboxStatus, kind_label


def when(t: float | None) -> str:
    """A stored Unix time as the terminal's wall clock, minutes only; ``—`` for never."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "—"


def counts_line(counts: OutboxCounts) -> str:
    """The outbox in one line: waiting, sending, rejected, accepted, last success."""
    return (
        f"等待发送 {counts.queued}，发送中 {counts.sending}，被拒收 {counts.rejected}，"
        f"已接收 {counts.accepted}；最近一次成功：{when(counts.last_success_at)}"
    )


def entry_line(e: OutboxEntry) -> str:
    """One submission as a row of ``outbox list``."""
    case = f"  {e.case_number}" if e.case_number else ""
    problem = f"  {e.last_error}" if e.last_error and e.status != "accepted" else ""
    return (
        f"{display_text.receipt_code(e.receipt_code)}  {kind_label(e.kind)}  "
        f"{when(e.created_at)}  {e.status}  尝试{e.attempts}次{case}{problem}"
    )


def entry_lines(e: OutboxEntry) -> list[str]:
    """Everything the terminal knows about one submission (``outbox show``)."""
    lines = [
        f"回执号码：{display_text.receipt_code(e.receipt_code)}",
        f"类型：{kind_label(e.kind)}",
        f"提交时间：{when(e.created_at)}",
        f"本机状态：{e.status}（{OutboxStatus(e.status).staff_text}）",
        f"尝试发送：{e.attempts} 次，最近一次 {when(e.last_attempt_at)}",
    ]
    if e.status == "queued":
        lines.append(f"下次发送：{when(e.next_attempt_at)}")
    if e.last_error:
        lines.append(f"最近的问题：{e.last_error}")
    if e.case_number:
        lines.append(f"省系统案件号：{e.case_number}")
    if e.remote_status_text:
        lines.append(f"办理进度：{e.remote_status_text}（{when(e.status_learned_at)} 获知）")
    if e.metadata:
        lines.append("公开信息：" + "，".join(f"{k}={v}" for k, v in sorted(e.metadata.items())))
    lines.append(
        "申请内容：已加密（只有省系统能解开）" + ("，密文已按保留期清除" if e.purged else "")
    )
    return lines


def status_lines(view: StatusView) -> list[str]:
    """What a resident asking 查询办理进度 is told, as staff read it (``status``)."""
    first = f"回执 {display_text.receipt_code(view.receipt_code)}：{view.text}"
    if view.learned_at:
        first += f"（{when(view.learned_at)} 更新）"
    return [first]


def report_lines(report: SyncReport) -> list[str]:
    """What one sync run did (``sync``)."""
    lines = [
        f"本次发送 {report.sent} 条：省系统接收 {report.accepted}，拒收 {report.rejected}，"
        f"冲突 {report.conflicts}；还有 {report.remaining} 条等待发送；"
        f"更新办理进度 {report.status_updates} 条",
        *report.notes,
    ]
    if report.last_error:
        lines.append(f"最近的问题：{report.last_error}")
    return lines
