"""``kiosk-admin staff add | deactivate | list | hash``: provisioning staff PINs on a terminal.

PINs are read from the terminal (asked twice, not echoed) or, for scripts, one line from stdin
with ``--pin-stdin``; never from the command line, where they would end up in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk import staff
from kiosk.admin.common import CliError, Subparsers, add_command, add_group, config_from_args
from kiosk.admin.output import as_data, emit
from kiosk.audit import AuditLog
from kiosk.staff import ROLES, StaffDirectory, hash_pin, pin_problem
from kiosk.terminal_clock import clock_of
from offline_cache.store import Store

# Staff changes have always been audited under this actor (no console user name).
ACTOR = "admin-cli"


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
    return StaffDirectory(store), AuditLog(store, clock=clock_of(store).utcnow)


def cmd_add(args: argparse.Namespace) -> int:
    pin = _read_pin(args)
    member = staff.provision(*_open(args), args.staff_id, pin, args.role, actor=ACTOR)
    emit(args, f"工号 {member.staff_id}（{member.role}）已保存。", as_data(member, drop=["active"]))
    return 0


def cmd_deactivate(args: argparse.Namespace) -> int:
    staff.deactivate(*_open(args), args.staff_id, actor=ACTOR)
    emit(
        args,
        f"工号 {args.staff_id} 已停用，不能再登录。",
        {"staff_id": args.staff_id, "active": False},
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    members = _open(args)[0].members()
    lines = [f"{m.staff_id}\t{m.role}\t{'在用' if m.active else '停用'}" for m in members]
    emit(args, lines or "还没有工作人员。", [as_data(m) for m in members])
    return 0


def cmd_hash(args: argparse.Namespace) -> int:
    hashed = hash_pin(_read_pin(args))
    emit(args, hashed, {"hash": hashed})
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(
        sub, "staff", help="工作人员：添加、停用、列出（PIN 只存散列）", parents=[common]
    )
    pin_stdin = argparse.ArgumentParser(add_help=False)
    pin_stdin.add_argument(
        "--pin-stdin", action="store_true", help="从标准输入读一行 PIN（供脚本使用）"
    )
    p = add_command(
        actions,
        "add",
        cmd_add,
        help="添加工作人员，或更换他的 PIN",
        example="staff add 1001 --role admin\nstaff add 1002 --pin-stdin < pin.txt",
        parents=[common, pin_stdin],
    )
    p.add_argument("staff_id", metavar="STAFF_ID", help="工号，3 到 8 位数字")
    p.add_argument("--role", choices=ROLES, default="staff", help="角色（admin 还能打开管理页面）")
    p = add_command(
        actions,
        "deactivate",
        cmd_deactivate,
        help="停用一个工号（记录保留，用于审计）",
        example="staff deactivate 1002",
        parents=[common],
    )
    p.add_argument("staff_id", metavar="STAFF_ID", help="工号")
    add_command(
        actions,
        "list",
        cmd_list,
        help="列出工号、角色和是否在用",
        example="staff list",
        parents=[common],
    )
    add_command(
        actions,
        "hash",
        cmd_hash,
        help="打印 PIN 的散列，用于 paths.staff_pins_file",
        example="staff hash --pin-stdin < pin.txt",
        parents=[common, pin_stdin],
    )
