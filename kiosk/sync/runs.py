"""A sync run started by a person (``kiosk-admin sync --once``).

It is a staff/admin action, so it goes to the audit log — with counts only, never content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.audit import SYNC_MANUAL, AuditLog
from kiosk.sync.agent import SyncAgent, SyncReport
from offline_cache.store import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ManualRun:
    """A run started by hand: its report, and why it is missing from the audit log (if it is)."""

    report: SyncReport
    audit_problem: str | None = None


def sync_by_hand(agent: SyncAgent, audit: AuditLog, actor: str) -> ManualRun:
    """Run once now and write one ``sync.manual`` audit entry (counts, never content)."""
    report = agent.sync_now(everything_due=True)
    try:
        audit.append(
            actor,
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
    except Exception as exc:  # the run itself happened; say so rather than lose its report
        log.error("sync.manual audit entry not written: %s", exc)
        # A StoreError is already a plain Chinese sentence; anything else is a library's English.
        why = f"：{exc}" if isinstance(exc, StoreError) else "（详情见日志）。"
        return ManualRun(report, f"审计日志没有记下这次同步{why}")
    return ManualRun(report)
