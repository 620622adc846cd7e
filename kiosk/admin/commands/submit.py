"""``kiosk-admin submit``: queue a submission from a JSON file, through the wizard's own path."""

from __future__ import annotations

import argparse

from kiosk import display_text
from kiosk.admin.common import (
    CliError,
    Subparsers,
    add_command,
    config_from_args,
    load_active_pack,
    read_json_file,
    unwrap_submission,
)
from kiosk.admin.output import as_data, emit, error
from kiosk.sync.setup import outbox_from_config
from kiosk.terminal_clock import clock_of
from offline_cache.store import Store
from offline_cache.vocabulary import KIND_VALUES


def cmd_submit(args: argparse.Namespace) -> int:
    from kiosk.submissions import InvalidSubmission, describe, submit

    kind, payload = unwrap_submission(read_json_file(args.file), args.kind)
    if not kind:
        raise CliError(
            f"请用 --kind 指明申请类型（{' 或 '.join(KIND_VALUES)}），或在文件里写 kind 和 payload"
        )
    config = config_from_args(args)
    store = Store(config.db_path)
    outbox = outbox_from_config(config, store, need_key=True, clock=clock_of(store))
    try:
        receipt = submit(
            kind, payload, pack=load_active_pack(config), outbox=outbox, staff_id=args.staff
        )
    except InvalidSubmission as exc:
        if getattr(args, "json", False):
            problems = [{"field": p.field, "message": p.message} for p in exc.problems]
            emit(args, "", {"ok": False, "problems": problems})
        else:
            error(
                f"申请内容有 {len(exc.problems)} 处问题，没有保存：",
                [describe(p) for p in exc.problems],
            )
        return 1
    emit(
        args,
        f"已保存，回执号码：{display_text.receipt_code(receipt.code)}（联网后自动发送到省系统）",
        as_data(receipt, drop=["code"], ok=True, receipt_code=receipt.code),
    )
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "submit",
        cmd_submit,
        help="从 JSON 文件保存一份申请（与触摸屏相同的校验），联网后发送到省系统",
        example="submit case.json --kind legal_aid --staff zhang",
        parents=[common],
    )
    p.add_argument(
        "file",
        metavar="FILE.json",
        help='{"kind": …, "payload": {…}}，或只有 payload（这时要加 --kind）',
    )
    p.add_argument("--kind", choices=KIND_VALUES, help="申请类型")
    p.add_argument("--staff", metavar="STAFF_ID", help="代为填写的工作人员工号")
