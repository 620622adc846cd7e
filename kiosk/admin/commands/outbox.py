"""``kiosk-admin outbox list | show | retry``: the terminal's sealed outbox, as staff see it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from kiosk import display_text
from kiosk.admin.common import (
    CliError,
    Subparsers,
    add_command,
    add_group,
    config_from_args,
    receipt_code,
)
from kiosk.admin.output import as_data, emit
from kiosk.sync.describe import counts_line, entry_line, entry_lines
from kiosk.sync.setup import outbox_from_config
from kiosk.terminal_clock import clock_of
from offline_cache.outbox import STATUSES, Outbox, OutboxEntry
from offline_cache.store import Store

T = TypeVar("T")


def open_outbox(args: argparse.Namespace, *, write: bool = False) -> Outbox:
    """The terminal's outbox, to look at (opened read-only: it works on a full or read-only
    disk) or, with ``write``, to change; queueing new rows is ``submit``'s."""
    config = config_from_args(args)
    store = Store(config.db_path) if write else Store.for_reading(config.db_path)
    return outbox_from_config(config, store, need_key=False, clock=clock_of(store))


def known(args: argparse.Namespace, find: Callable[[Outbox, str], T | None]) -> T:
    """What ``find`` knows about the receipt typed in ``args.receipt``; unknown is a plain error."""
    code = receipt_code(args.receipt)
    found = find(open_outbox(args), code)
    if found is None:
        raise CliError(f"本机没有回执号码为 {display_text.receipt_code(code)} 的申请。")
    return found


def entry_data(e: OutboxEntry) -> dict[str, object]:
    """One row for ``--json`` (``ciphertext_purged``: the name scripts know ``purged`` by)."""
    return as_data(e, drop=["purged"], ciphertext_purged=e.purged)


def cmd_list(args: argparse.Namespace) -> int:
    outbox = open_outbox(args)
    entries = outbox.list(status=args.status, limit=args.limit)
    counts = outbox.counts()
    emit(
        args,
        [counts_line(counts), *map(entry_line, entries)],
        {"counts": as_data(counts), "entries": [entry_data(e) for e in entries]},
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    entry = known(args, Outbox.get)
    emit(args, entry_lines(entry), entry_data(entry))
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    entry = open_outbox(args, write=True).retry(receipt_code(args.receipt))
    emit(
        args,
        f"回执 {display_text.receipt_code(entry.receipt_code)} 已重新排队，下次同步时发送。",
        entry_data(entry),
    )
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(sub, "outbox", help="发件箱：查看和处理等待发送的申请", parents=[common])
    p = add_command(
        actions,
        "list",
        cmd_list,
        help="发件箱的统计和申请列表（最新的在前）",
        example="outbox list --status queued --limit 20",
        parents=[common],
    )
    p.add_argument("--status", choices=STATUSES, help="只列出这种状态的申请")
    p.add_argument("--limit", type=int, default=50, help="最多列出多少条（默认 50）")
    p = add_command(
        actions,
        "show",
        cmd_show,
        help="一张回执的全部情况（申请内容已加密，不显示）",
        example="outbox show 25864376",
        parents=[common],
    )
    p.add_argument("receipt", metavar="RECEIPT", help="回执号码，可以带空格，如 2586 4376 2345")
    p = add_command(
        actions,
        "retry",
        cmd_retry,
        help="把被拒收或等待中的申请重新排队，下次同步时发送",
        example="outbox retry 73596465",
        parents=[common],
    )
    p.add_argument("receipt", metavar="RECEIPT", help="回执号码")
