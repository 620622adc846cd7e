"""``kiosk-admin status``: what a resident asking 查询办理进度 is told, from local records."""

from __future__ import annotations

import argparse

from kiosk.admin.commands.outbox import known
from kiosk.admin.common import Subparsers, add_command
from kiosk.admin.output import as_data, emit
from kiosk.sync.describe import status_lines
from offline_cache.outbox import Outbox


def cmd_status(args: argparse.Namespace) -> int:
    view = known(args, Outbox.status)
    emit(args, status_lines(view), as_data(view))
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "status",
        cmd_status,
        help="一张回执最近知道的办理进度（不用联网）",
        example='status "2586 4376"',
        parents=[common],
    )
    p.add_argument("receipt", metavar="RECEIPT", help="回执号码，可以带空格")
