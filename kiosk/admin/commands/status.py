"""``kiosk-admin status``: what a resident asking 查询办理进度 is told, from local records."""

from __future__ import annotations

import argparse

from kiosk.admin.commands.outbox import open_outbox
from kiosk.admin.common import CliError, Subparsers, add_command
from kiosk.admin.output import as_data, emit
from kiosk.status_lookup import StatusLookup
from kiosk.sync.describe import status_lines
from offline_cache.store import StoreError


def cmd_status(args: argparse.Namespace) -> int:
    # The same throttled lookup as the status screen: a shell is not a way around it. The
    # throttle's count needs a writable store; on a read-only disk the query still answers.
    try:
        outbox = open_outbox(args, write=True)
    except StoreError:
        outbox = open_outbox(args)
    answer = StatusLookup(outbox).look_up(args.receipt)
    if answer.view is None:
        raise CliError(answer.message)
    emit(args, status_lines(answer.view), as_data(answer.view))
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "status",
        cmd_status,
        help="一张回执最近知道的办理进度（不用联网）",
        example='status "2586 4376 2345"',
        parents=[common],
    )
    p.add_argument("receipt", metavar="RECEIPT", help="回执号码，可以带空格")
