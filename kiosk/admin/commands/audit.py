"""``kiosk-admin audit verify | list``: the hash-chained log of what staff and admins did."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from kiosk.admin.common import Subparsers, add_command, add_group, config_from_args
from kiosk.admin.output import emit
from kiosk.audit import AuditLog, entry_line, verify_lines
from offline_cache.store import Store


def _audit(args: argparse.Namespace) -> AuditLog:
    # Only reads: opened read-only, so the log can be checked on a full or read-only disk.
    return AuditLog(Store.for_reading(config_from_args(args).db_path))


def cmd_verify(args: argparse.Namespace) -> int:
    result = _audit(args).verify()
    emit(args, verify_lines(result), asdict(result))
    return 0 if result.ok else 1


def cmd_list(args: argparse.Namespace) -> int:
    entries = _audit(args).entries(limit=args.limit, action=args.action)
    emit(
        args, [entry_line(e) for e in entries] or "审计日志还没有记录。", list(map(asdict, entries))
    )
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(sub, "audit", help="审计日志：核对是否被改动、列出记录", parents=[common])
    add_command(
        actions,
        "verify",
        cmd_verify,
        help="检查审计日志的散列链是否完整（请记下链头）",
        example="audit verify",
        parents=[common],
    )
    p = add_command(
        actions,
        "list",
        cmd_list,
        help="列出最近的审计记录（北京时间）",
        example="audit list --action pack --limit 20",
        parents=[common],
    )
    p.add_argument("--limit", type=int, default=50, help="最多列出多少条（默认 50）")
    p.add_argument("--action", help="只看某类操作（按前缀），如 pack 或 staff.sign_in")
