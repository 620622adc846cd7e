"""The [idcard] section of kiosk.toml and its KIOSK_IDCARD_* overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.devices.factory import card_reader_from_config
from kiosk.devices.serial_reader import SerialCardReader
from kiosk.devices.stand_ins import NoCardReader
from kiosk.devices.vendor_reader import VendorCardReader


def _toml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_terminal_has_no_reader_unless_one_is_configured() -> None:
    config = load_config(env={})
    assert config.idcard_driver == "none"
    assert isinstance(card_reader_from_config(config), NoCardReader)


def test_a_serial_reader_is_taken_from_the_config_file(tmp_path: Path) -> None:
    config = load_config(
        _toml(tmp_path, '[idcard]\ndriver = "serial"\nport = "/dev/ttyUSB0"\n'), env={}
    )
    reader = card_reader_from_config(config)
    assert isinstance(reader, SerialCardReader) and reader.port == "/dev/ttyUSB0"


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {
        "KIOSK_IDCARD_DRIVER": "vendor",
        "KIOSK_IDCARD_LIBRARY": "/opt/r/libtermb.so",
        "KIOSK_IDCARD_PORT": "1002",
    }
    config = load_config(_toml(tmp_path, '[idcard]\ndriver = "none"\n'), env=env)
    reader = card_reader_from_config(config)
    assert isinstance(reader, VendorCardReader) and reader.port == 1002
    assert reader.library == Path("/opt/r/libtermb.so")


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"KIOSK_IDCARD_DRIVER": "usb"}, "idcard.driver"),
        ({"KIOSK_IDCARD_DRIVER": "serial"}, "idcard.port"),
        ({"KIOSK_IDCARD_DRIVER": "vendor"}, "idcard.library"),
        (
            {
                "KIOSK_IDCARD_DRIVER": "vendor",
                "KIOSK_IDCARD_LIBRARY": "/x.so",
                "KIOSK_IDCARD_PORT": "usb",
            },
            "idcard.port",
        ),
    ],
)
def test_an_incomplete_reader_config_names_the_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env=env)
    assert info.value.key == key


def test_the_example_config_still_loads() -> None:
    from tests.conftest import ROOT

    assert load_config(ROOT / "kiosk.example.toml", env={}).idcard_driver == "none"
