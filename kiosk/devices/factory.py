"""The ID-card reader a terminal's config asks for (``[idcard]`` in kiosk.toml)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from kiosk.config import IDCARD_DRIVERS, KioskConfig
from kiosk.devices.idcard import CardReader


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
