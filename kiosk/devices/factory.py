"""The devices a terminal's config asks for (``[idcard]``, ``[receipt_printer]`` in kiosk.toml)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import IDCARD_DRIVERS, RECEIPT_PRINTER_DRIVERS, KioskConfig
from kiosk.devices.idcard import CardReader
from kiosk.devices.receipt_printer import (
    EscposReceiptPrinter,
    ReceiptPrinter,
    cups_queue,
    serial_port,
)


def open_card_reader(
    driver: str,
    port: str = "",
    library: Path | None = None,
    *,
    today: Callable[[], date] = date.today,
) -> CardReader:
    """A reader for ``driver`` (``none``/``serial``/``vendor``). Nothing is opened yet: the port
    or library is opened on the first ``status()`` or ``read()``, off the Kivy thread. ``today``
    judges a card's validity dates (the terminal clock, kiosk.terminal_clock)."""
    if driver not in IDCARD_DRIVERS:
        raise ValueError(f"unknown ID-card driver {driver!r}")
    if driver == "serial" and port:
        from kiosk.devices.serial_reader import SerialCardReader

        return SerialCardReader(port, today=today)
    if driver == "vendor" and library is not None:
        from kiosk.devices.vendor_reader import DEFAULT_USB_PORT, VendorCardReader

        return VendorCardReader(library, int(port) if port else DEFAULT_USB_PORT, today=today)
    from kiosk.devices.stand_ins import NoCardReader

    return NoCardReader()


def card_reader_from_config(
    config: KioskConfig, *, today: Callable[[], date] = date.today
) -> CardReader:
    """The terminal's reader, or the "not configured" stand-in."""
    return open_card_reader(
        config.idcard_driver, config.idcard_port, config.idcard_library, today=today
    )


def receipt_printer_from_config(config: KioskConfig) -> ReceiptPrinter:
    """The terminal's slip printer, or the "not configured" stand-in. Nothing is opened yet:
    each job opens the connection (off the Kivy thread) and closes it after."""
    driver, width = config.receipt_printer_driver, config.receipt_printer_width_mm
    if driver not in RECEIPT_PRINTER_DRIVERS:
        raise ValueError(f"unknown receipt printer driver {driver!r}")
    timeout = config.receipt_printer_status_timeout_s or 10
    asks = config.receipt_printer_status_timeout_s > 0
    if driver == "network":
        host, port = config.receipt_printer_host, config.receipt_printer_port

        def network() -> Any:
            from escpos.printer import Network

            return Network(host, port=port, timeout=timeout)

        return EscposReceiptPrinter(
            network, width_mm=width, name=f"{host}:{port}", asks_status=asks
        )
    if driver == "usb":
        vid, _, pid = config.receipt_printer_device.partition(":")

        def usb() -> Any:
            from escpos.printer import Usb

            return Usb(int(vid, 16), int(pid, 16), timeout=timeout * 1000)

        name = f"USB {config.receipt_printer_device}"
        return EscposReceiptPrinter(usb, width_mm=width, name=name, asks_status=asks)
    if driver == "serial":
        path, baud = config.receipt_printer_device, config.receipt_printer_baudrate

        def serial() -> Any:
            return serial_port(path, baud, timeout)

        return EscposReceiptPrinter(serial, width_mm=width, name=path, asks_status=asks)
    if driver == "cups":
        queue = config.receipt_printer_queue

        def cups() -> Any:
            # `lp -d QUEUE -o raw`: a raw queue hands the ESC/POS bytes to the printer as they are.
            return cups_queue(queue)

        name = f"CUPS 队列 {queue}"
        return EscposReceiptPrinter(cups, width_mm=width, name=name, asks_status=False)
    from kiosk.devices.stand_ins import NoReceiptPrinter

    return NoReceiptPrinter(width)


def receipt_printer_named(name: str, config: KioskConfig) -> ReceiptPrinter:
    """The printer ``name`` names instead of the configured one (``kiosk-admin print test
    --printer``): ``HOST[:PORT]`` on the network, a device path (serial), ``usb:VID:PID`` or
    ``cups:QUEUE``; the paper width and status timeout stay the config's."""
    from dataclasses import replace

    if name.startswith("cups:"):
        changes: dict[str, Any] = {
            "receipt_printer_driver": "cups",
            "receipt_printer_queue": name[5:],
        }
    elif name.startswith("usb:"):
        changes = {"receipt_printer_driver": "usb", "receipt_printer_device": name[4:]}
    elif name.startswith("/"):
        changes = {"receipt_printer_driver": "serial", "receipt_printer_device": name}
    else:
        host, _, port = name.rpartition(":") if ":" in name else (name, "", "9100")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(
                f"打印机 {name!r} 看不懂：写 地址[:端口]、/dev/…、usb:厂家号:产品号 或 cups:队列名"
            )
        changes = {
            "receipt_printer_driver": "network",
            "receipt_printer_host": host,
            "receipt_printer_port": int(port),
        }
    if changes["receipt_printer_driver"] == "usb":
        vid, sep, pid = str(changes["receipt_printer_device"]).partition(":")
        if not sep or not all(
            x and all(c in "0123456789abcdefABCDEF" for c in x) for x in (vid, pid)
        ):
            raise ValueError(
                f"USB 打印机要写 usb:厂家号:产品号，例如 usb:0416:5011，不能是 {name!r}"
            )
    return receipt_printer_from_config(replace(config, **changes))
