"""``[receipt_printer]``: a technician's mistake is one plain line naming the key."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.devices.factory import receipt_printer_from_config, receipt_printer_named
from kiosk.devices.receipt_printer import PrinterState


def test_no_printer_is_the_default_and_says_so() -> None:
    config = load_config(env={})
    assert config.receipt_printer_driver == "none" and config.receipt_printer_width_mm == 80
    assert receipt_printer_from_config(config).status().state is PrinterState.NOT_CONFIGURED


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"receipt_printer.driver": "bluetooth"}, "receipt_printer.driver", "network"),
        ({"receipt_printer.driver": "network"}, "receipt_printer.host", "地址"),
        ({"receipt_printer.driver": "serial"}, "receipt_printer.device", "/dev/ttyUSB0"),
        (
            {"receipt_printer.driver": "usb", "receipt_printer.device": "printer"},
            "receipt_printer.device",
            "0416:5011",
        ),
        ({"receipt_printer.driver": "cups"}, "receipt_printer.queue", "队列"),
        ({"receipt_printer.width_mm": 70}, "receipt_printer.width_mm", "58 或 80"),
        ({"receipt_printer.port": 70000}, "receipt_printer.port", "65535"),
    ],
)
def test_a_wrong_printer_setting_names_the_key(
    overrides: dict[str, object], key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env={}, overrides=overrides)
    assert caught.value.key == key and words in str(caught.value)


def test_the_environment_sets_the_printer_like_every_other_key() -> None:
    env = {
        "KIOSK_RECEIPT_PRINTER_DRIVER": "network",
        "KIOSK_RECEIPT_PRINTER_HOST": "192.168.1.50",
        "KIOSK_RECEIPT_PRINTER_WIDTH_MM": "58",
    }
    config = load_config(env=env)
    printer = receipt_printer_from_config(config)
    assert printer.width_mm == 58 and config.receipt_printer_port == 9100


@pytest.mark.parametrize("name", ["", ":9100", "host:port", "usb:12", "usb:zz:01"])
def test_a_printer_name_that_makes_no_sense_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        receipt_printer_named(name, load_config(env={}))
