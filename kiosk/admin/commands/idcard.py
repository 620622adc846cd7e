"""``kiosk-admin idcard read | check``: the resident ID-card reader from the console (kiosk/devices/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.admin.common import CliError, Subparsers, add_command, add_group, config_from_args
from kiosk.admin.output import emit
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


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    device = argparse.ArgumentParser(add_help=False)
    device.add_argument(
        "--port", help="读卡器的串口（如 /dev/ttyUSB0），厂家驱动时是端口号（如 1001）"
    )
    device.add_argument("--driver", choices=("serial", "vendor"), help="读卡方式（默认按配置文件）")
    device.add_argument("--library", help="厂家驱动方式：读卡器的驱动库文件（.so）")

    actions = add_group(sub, "idcard", help="身份证读卡器：读卡、检查读卡器", parents=[common])
    p = add_command(
        actions,
        "read",
        cmd_read,
        help="读放在读卡器上的身份证（号码只显示前后几位；--json 给出全部字段）",
        example="idcard read --port /dev/ttyUSB0",
        parents=[common, device],
    )
    p.add_argument("--timeout", type=float, default=10.0, help="等卡放上来的秒数（默认 10）")
    add_command(
        actions,
        "check",
        cmd_check,
        help="读卡器在不在、安全模块有没有应答",
        example="idcard check --port /dev/ttyUSB0",
        parents=[common, device],
    )
