"""``kiosk-admin staff add|deactivate|list|hash`` — provisioning staff PINs on a terminal.

PINs are read from the terminal (asked twice, not echoed) or, for scripts, one line from stdin
with ``--pin-stdin``; never from the command line, where they would end up in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.admin.cli import CliError, config_from_args, emit
from kiosk.audit import AuditLog
from kiosk.staff import ROLES, StaffDirectory, StaffError, hash_pin, pin_problem
from offline_cache.store import Store


def _read_pin(args: argparse.Namespace) -> str:
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        if not sys.stdin.isatty():
            raise CliError("没有终端可以输入密码：请加 --pin-stdin，从标准输入给一行密码。")
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("再输一次: ") != pin:
            raise CliError("两次输入的密码不一样。")
    problem = pin_problem(pin)
    if problem:
        raise CliError(problem)
    return pin


def _open(args: argparse.Namespace) -> tuple[StaffDirectory, AuditLog]:
    store = Store(config_from_args(args).db_path)
    return StaffDirectory(store), AuditLog(store)


def cmd_add(args: argparse.Namespace) -> int:
    pin = _read_pin(args)
    directory, audit = _open(args)
    try:
        member = directory.add(args.staff_id, pin, args.role)
    except StaffError as exc:
        raise CliError(str(exc)) from None
    audit.append(
        "admin-cli", "staff.provisioned", {"staff_id": member.staff_id, "role": member.role}
    )
    emit(
        args,
        f"工号 {member.staff_id}（{member.role}）已保存。",
        {"staff_id": member.staff_id, "role": member.role},
    )
    return 0


def cmd_deactivate(args: argparse.Namespace) -> int:
    directory, audit = _open(args)
    if not directory.deactivate(args.staff_id):
        raise CliError(f"没有工号 {args.staff_id}。")
    audit.append("admin-cli", "staff.deactivated", {"staff_id": args.staff_id})
    emit(
        args,
        f"工号 {args.staff_id} 已停用，不能再登录。",
        {"staff_id": args.staff_id, "active": False},
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    directory, _audit = _open(args)
    members = directory.members()
    lines = [f"{m.staff_id}\t{m.role}\t{'在用' if m.active else '停用'}" for m in members]
    data = [{"staff_id": m.staff_id, "role": m.role, "active": m.active} for m in members]
    emit(args, "\n".join(lines) if lines else "还没有工作人员。", data)
    return 0


def cmd_hash(args: argparse.Namespace) -> int:
    hashed = hash_pin(_read_pin(args))
    emit(args, hashed, {"hash": hashed})
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    staff = sub.add_parser("staff", help="工作人员：添加、停用、列出（PIN 只存散列）")
    ss = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = ss.add_parser("add", parents=[common], help="添加或更换工作人员的 PIN")
    p.add_argument("staff_id")
    p.add_argument("--role", choices=ROLES, default="staff")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line from stdin")
    p.set_defaults(func=cmd_add)
    p = ss.add_parser("deactivate", parents=[common], help="停用一个工号")
    p.add_argument("staff_id")
    p.set_defaults(func=cmd_deactivate)
    p = ss.add_parser("list", parents=[common], help="列出工号和角色")
    p.set_defaults(func=cmd_list)
    p = ss.add_parser("hash", parents=[common], help="打印 PIN 的散列，用于 paths.staff_pins_file")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line from stdin")
    p.set_defaults(func=cmd_hash)
