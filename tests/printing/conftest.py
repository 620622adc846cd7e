"""Shared set-up for the printing tests: the bundled pack, a loopback printer, a QR reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image

from kiosk.config import load_config
from kiosk.content import ContentPack, load_pack
from kiosk.devices.factory import receipt_printer_from_config
from kiosk.devices.receipt_printer import ReceiptPrinter
from tests.conftest import ROOT
from tools.escpos_listener import EscposListener

STATION = "演示村公共法律服务工作室"


def legal_aid_answers() -> dict[str, Any]:
    """A wizard's answers for an unpaid-wages application (a fictional person)."""
    from tests.rules.wizard_answers import PERSONAL

    return {
        "role": "self",
        "exemption": "none",
        "matter": "unpaid_wages",
        "migrant": False,
        "exempt_matter": "none",
        "household": 3,
        "income": 4500,
        **PERSONAL,
        "opposing": "company",
        "opposing_name": "某建筑劳务公司",
        "facts": "包工头欠了三万块工钱。",
        "evidence": ["iou"],
        "consent": True,
    }


@pytest.fixture(scope="session")
def pack() -> ContentPack:
    return load_pack(ROOT / "offline_cache" / "packs" / "changzhou")


def qr_texts(image: Image.Image) -> list[str]:
    """What the QR codes in ``image`` hold, read by zbar (a real decoder, not our encoder)."""
    from pyzbar.pyzbar import ZBarSymbol, decode

    return [d.data.decode("utf-8") for d in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]


def network_printer(
    port: int, width_mm: int = 80, timeout_s: int = 1, **more: Any
) -> ReceiptPrinter:
    """The printer the config ``[receipt_printer] driver = "network"`` builds, at ``port``."""
    overrides = {
        "receipt_printer.driver": "network",
        "receipt_printer.host": "127.0.0.1",
        "receipt_printer.port": port,
        "receipt_printer.width_mm": width_mm,
        "receipt_printer.status_timeout_s": timeout_s,
        **more,
    }
    return receipt_printer_from_config(load_config(env={}, overrides=overrides))


@pytest.fixture
def listener() -> Iterator[Callable[..., EscposListener]]:
    started: list[EscposListener] = []

    def start(mode: str = "ok", **kwargs: Any) -> EscposListener:
        started.append(EscposListener(mode, **kwargs).start())
        return started[-1]

    yield start
    for each in started:
        each.stop()
