"""``kiosk-admin print test|receipt``: the thermal slip printer, for staff at the console."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.admin.commands.outbox import known
from kiosk.admin.common import CliError, Subparsers, add_command, add_group, config_from_args
from kiosk.admin.output import emit

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.devices.receipt_printer import ReceiptPrinter
    from kiosk.printing.slip import Slip


def _printer(args: argparse.Namespace) -> tuple[KioskConfig, ReceiptPrinter]:
    """The configured printer, or the one ``--printer`` names."""
    from kiosk.devices.factory import receipt_printer_from_config, receipt_printer_named

    config = config_from_args(args)
    name = getattr(args, "printer", None)
    if not name:
        return config, receipt_printer_from_config(config)
    try:
        return config, receipt_printer_named(name, config)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def print_and_report(args: argparse.Namespace, printer: ReceiptPrinter, slip: Slip) -> int:
    """Print ``slip`` now and say what happened; a slip that didn't print is a plain error."""
    from kiosk.printing.desk import PrintDesk

    job = PrintDesk(printer).print_slip(slip)
    if not job.printed:
        raise CliError(f"没有打出来。{job.status.staff_line}")
    emit(
        args, f"已打印（{job.kind}）。{job.status.staff_line}", {"printed": True, "kind": job.kind}
    )
    return 0


def cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk.printing.desk import printer_health
    from kiosk.printing.layouts import printer_test_slip

    config, printer = _printer(args)
    status = printer_health(printer)
    if not args.json:
        print(status.staff_line)
    slip = printer_test_slip(
        station=config.station_name,
        printer=status.detail or config.receipt_printer_driver,
        width_mm=printer.width_mm,
        when=datetime.now(),
    )
    return print_and_report(args, printer, slip)


def cmd_print_receipt(args: argparse.Namespace) -> int:
    from kiosk.admin.common import active_pack
    from kiosk.printing.layouts import hotline_hours, receipt_slip
    from offline_cache.vocabulary import kind_label

    entry = known(args, lambda outbox, code: outbox.get(code))
    config, printer = _printer(args)
    slip = receipt_slip(
        code=entry.receipt_code,
        title=f"{kind_label(entry.kind)}已提交",
        lines=["这是补打的回执。"],
        station=config.station_name,
        when=datetime.fromtimestamp(entry.created_at),
        hours=hotline_hours(active_pack(args)),
    )
    return print_and_report(args, printer, slip)


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(sub, "print", help="小票打印机：打测试页、补打回执", parents=[common])
    which = argparse.ArgumentParser(add_help=False)
    which.add_argument(
        "--printer",
        metavar="NAME",
        help="换一台打印机：地址[:端口]、/dev/ttyUSB0、usb:0416:5011 或 cups:队列名"
        "（默认用配置里的 [receipt_printer]）",
    )
    add_command(
        actions,
        "test",
        cmd_print_test,
        help="打一张测试小票，先显示打印机的状态（连得上吗、有没有纸、盖子）",
        example="print test --printer 192.168.1.50",
        parents=[common, which],
    )
    p = add_command(
        actions,
        "receipt",
        cmd_print_receipt,
        help="补打一张回执（只有回执号、用途和查询办法，没有个人信息）",
        example='print receipt "2586 4376 2345"',
        parents=[common, which],
    )
    p.add_argument("receipt", metavar="RECEIPT", help="回执号码，可以带空格")
