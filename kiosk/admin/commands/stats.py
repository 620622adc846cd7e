"""``kiosk-admin stats``: usage statistics without personal data; every export is audited."""

from __future__ import annotations

import argparse

from kiosk.admin.common import CliError, Subparsers, add_command, admin_actor, config_from_args
from kiosk.admin.output import emit
from kiosk.audit import AuditLog
from kiosk.stats import CSV_COLUMNS, export, parse_day, report_lines, to_csv
from kiosk.terminal_clock import clock_of
from offline_cache.store import Store


def cmd_stats(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    try:
        lo, hi = parse_day(args.date_from), parse_day(args.date_to)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if lo > hi:
        raise CliError(f"--from {lo} 晚于 --to {hi}。")
    store = Store(config.db_path)
    rows = export(
        store,
        AuditLog(store, clock=clock_of(store).utcnow),
        lo,
        hi,
        actor=admin_actor(),
        as_csv=args.csv,
    )
    if args.csv:
        print(to_csv(rows, config.terminal_id), end="")
        return 0
    emit(
        args,
        report_lines(rows, lo, hi, config.terminal_id),
        {"columns": list(CSV_COLUMNS), "rows": [r.to_dict(config.terminal_id) for r in rows]},
    )
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "stats",
        cmd_stats,
        help="使用统计：按天、服务、事项和村统计（不含任何个人信息），导出会记入审计日志",
        example="stats --from 2026-11-01 --to 2026-11-30\n"
        "stats --from 2026-11-01 --to 2026-11-30 --csv > cz-wj-0001-2026-11.csv",
        parents=[common],
    )
    p.add_argument(
        "--from", dest="date_from", required=True, metavar="DATE", help="第一天，如 2026-11-01"
    )
    p.add_argument(
        "--to", dest="date_to", required=True, metavar="DATE", help="最后一天，如 2026-11-30"
    )
    p.add_argument("--csv", action="store_true", help="输出 CSV（列名见 docs/cli.md）")
