"""The devices a terminal's config asks for (``[idcard]``, ``[receipt_printer]`` in kiosk.toml)."""

from __future__ import annotations

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


def open_card_reader(driver: str, port: str = "", library: Path | None = None) -> CardReader:
    """A reader for ``driver`` (``none``/``serial``/``vendor``). Nothing is opened yet: the port
    or library is opened on the first ``status()`` or ``read()``, off the Kivy thread."""
    if driver not in IDCARD_DRIVERS:
        raise ValueError(f"unknown ID-card driver {driver!r}")
    if driver == "serial" and port:
        from kiosk.devices.serial_reader import SerialCardReader

        return SerialCardReader(port)
    if driver == "vendor" and library is not None:
        from kiosk.devices.vendor_reader import DEFAULT_USB_PORT, VendorCardReader

        return VendorCardReader(library, int(port) if port else DEFAULT_USB_PORT)
    from kiosk.devices.stand_ins import NoCardReader

    return NoCardReader()


def card_reader_from_config(config: KioskConfig) -> CardReader:
    """The terminal's reader, or the "not configured" stand-in."""
    return open_card_reader(config.idcard_driver, config.idcard_port, config.idcard_library)


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
