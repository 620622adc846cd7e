"""``kiosk-admin idcard read|check`` — the ID-card reader from the console (kiosk/devices/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.admin.cli import CliError, config_from_args, emit
from kiosk.devices.factory import open_card_reader
from kiosk.devices.idcard import CardReader, ReadFailure


def _reader(args: argparse.Namespace) -> CardReader:
    """The reader named on the command line, else the one the terminal's config names."""
    config = config_from_args(args)
    driver = args.driver or (config.idcard_driver if not args.port else "serial")
    port = args.port or config.idcard_port
    library = Path(args.library) if args.library else config.idcard_library
    if driver == "serial" and not port:
        raise CliError("请用 --port 指定读卡器的串口，例如 /dev/ttyUSB0。")
    if driver == "vendor" and library is None:
        raise CliError("厂家驱动方式请用 --library 指定驱动库文件（.so）。")
    if driver == "vendor" and port and not port.isdigit():
        raise CliError("厂家驱动方式的 --port 是数字，例如 USB 口为 1001。")
    return open_card_reader(driver, port, library)


def cmd_read(args: argparse.Namespace) -> int:
    reader = _reader(args)
    try:
        # Staff get the reader's state in staff words; only a card problem is the resident's.
        status = reader.status()
        if not status.ok:
            raise CliError(status.message)
        result = reader.read(args.timeout)
    finally:
        reader.close()
    if isinstance(result, ReadFailure):
        raise CliError(result.message)
    human = (
        f"姓名：{result.name}\n性别：{result.sex}\n民族：{result.nation}\n"
        f"出生：{result.birth_date.year}年{result.birth_date.month}月{result.birth_date.day}日\n"
        f"住址：{result.address}\n公民身份号码：{result.masked_number}\n"
        f"签发机关：{result.issuing_office}\n有效期限：{result.validity_text}"
    )
    emit(args, human, result.to_dict())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    reader = _reader(args)
    try:
        status = reader.status()
    finally:
        reader.close()
    emit(
        args,
        status.message + (f"（{status.detail}）" if status.detail else ""),
        {
            "state": status.state.value,
            "ok": status.ok,
            "message": status.message,
            "detail": status.detail,
        },
    )
    return 0 if status.ok else 1


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    device = argparse.ArgumentParser(add_help=False)
    device.add_argument("--port", help="serial device (e.g. /dev/ttyUSB0) or vendor port number")
    device.add_argument("--driver", choices=("serial", "vendor"), help="default: from the config")
    device.add_argument("--library", help="vendor driver: the reader's shared library (.so)")

    group = sub.add_parser("idcard", help="resident ID-card reader")
    actions = group.add_subparsers(dest="idcard_command", metavar="ACTION", required=True)
    p = actions.add_parser(
        "read",
        parents=[common, device],
        help="read the card on the reader (number masked; --json gives every field)",
        epilog="example: kiosk-admin idcard read --port /dev/ttyUSB0",
    )
    p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a card")
    p.set_defaults(func=cmd_read)
    p = actions.add_parser(
        "check",
        parents=[common, device],
        help="is the reader there, and does its security module answer",
        epilog="example: kiosk-admin idcard check --port /dev/ttyUSB0",
    )
    p.set_defaults(func=cmd_check)
