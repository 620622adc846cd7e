"""Terminal configuration: one TOML file plus ``KIOSK_*`` environment overrides.

Every problem is reported as one plain line naming the key (``ConfigError``), never a traceback:
the person reading it is a station technician, not a developer.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.appliance import parse_time_of_day
from offline_cache.os_errors import plain_reason

FONT_SCALES = {"standard": 1.0, "large": 1.25, "xlarge": 1.5}
THEMES = ("default", "high_contrast")
# none: no reader (residents type the number); serial: SAM frames on a serial/USB-serial port;
# vendor: the reader's own shared library (kiosk/devices/, docs/devices.md).
IDCARD_DRIVERS = ("none", "serial", "vendor")
# The thermal slip printer (kiosk/devices/receipt_printer.py, docs/devices.md): none, raw TCP
# port 9100, USB (vendor:product id), a serial port, or a CUPS queue taking raw ESC/POS.
RECEIPT_PRINTER_DRIVERS = ("none", "network", "usb", "serial", "cups")
PAPER_WIDTHS_MM = (58, 80)
DEFAULT_CONFIG_NAME = "kiosk.toml"
REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A configuration value is missing or wrong; ``str()`` is one line naming the key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"配置项 {key} 有误：{problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class KioskConfig:
    terminal_id: str
    station_name: str
    village: str
    town: str
    district: str
    data_dir: Path
    provincial_endpoint: str
    provincial_credentials_file: Path | None
    provincial_public_key_file: Path | None
    provincial_ca_file: Path | None
    idle_timeout_s: int
    idle_warning_s: int
    font_scale: str
    theme: str
    voice_model_dir: Path
    tts_rate: int
    sync_interval_s: int
    sync_batch_size: int
    retention_days: int
    trusted_pack_keys: tuple[str, ...] = field(default_factory=tuple)
    removable_media_dir: Path | None = None
    staff_pins_file: Path | None = None
    idcard_driver: str = "none"
    idcard_port: str = ""  # serial: a device path; vendor: the library's port number
    idcard_library: Path | None = None
    receipt_printer_driver: str = "none"
    receipt_printer_host: str = ""
    receipt_printer_port: int = 9100
    receipt_printer_device: str = ""  # usb: "0416:5011" (vendor:product); serial: /dev/ttyUSB0
    receipt_printer_baudrate: int = 9600
    receipt_printer_queue: str = ""
    receipt_printer_width_mm: int = 80
    # How long to wait for the printer's status answer; 0 = it can't answer (don't ask).
    receipt_printer_status_timeout_s: int = 3
    # Appliance: the nightly maintenance restart's quiet hour (None = no restart).
    maintenance_restart: time | None = None
    # Random wait (0..this) before the first sync after start-up or after the province was
    # unreachable: a county of terminals coming back at once doesn't arrive as one herd.
    sync_startup_jitter_s: int = 30
    # The A4 printer for the filled-in application form: a CUPS queue ("" = no A4 printing),
    # its CUPS server ("" = the system's default), how long a page may take before it is
    # cancelled (kiosk/printing/a4.py, docs/devices.md).
    a4_queue: str = ""
    a4_server: str = ""
    a4_timeout_s: int = 60

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kiosk.sqlite3"


# key -> (type, default, env var). ``None`` default with required=True means "must be given".
_SPEC: dict[str, tuple[type, Any]] = {
    "terminal.id": (str, "CZ-DEMO-0001"),
    "terminal.station_name": (str, "演示村公共法律服务工作室"),
    "terminal.village": (str, "演示村"),
    "terminal.town": (str, "演示镇"),
    "terminal.district": (str, "wujin"),
    "paths.data_dir": (str, ""),
    "paths.voice_model_dir": (str, ""),
    "paths.removable_media_dir": (str, ""),
    "paths.staff_pins_file": (str, ""),
    "provincial.endpoint": (str, "https://127.0.0.1:8443/api/v1"),
    "provincial.credentials_file": (str, ""),
    "provincial.public_key_file": (str, ""),
    "provincial.ca_file": (str, ""),
    "session.idle_timeout_s": (int, 90),
    "session.idle_warning_s": (int, 30),
    "ui.font_scale": (str, "standard"),
    "ui.theme": (str, "default"),
    "voice.tts_rate": (int, 130),
    "sync.interval_s": (int, 60),
    "sync.batch_size": (int, 50),
    "sync.retention_days": (int, 30),
    "sync.startup_jitter_s": (int, 30),
    "packs.trusted_keys": (list, []),
    "idcard.driver": (str, "none"),
    "idcard.port": (str, ""),
    "idcard.library": (str, ""),
    "appliance.maintenance_restart": (str, ""),
    "receipt_printer.driver": (str, "none"),
    "receipt_printer.host": (str, ""),
    "receipt_printer.port": (int, 9100),
    "receipt_printer.device": (str, ""),
    "receipt_printer.baudrate": (int, 9600),
    "receipt_printer.queue": (str, ""),
    "receipt_printer.width_mm": (int, 80),
    "receipt_printer.status_timeout_s": (int, 3),
    "a4_printer.queue": (str, ""),
    "a4_printer.server": (str, ""),
    "a4_printer.timeout_s": (int, 60),
}

_RANGES: dict[str, tuple[int, int]] = {
    "session.idle_timeout_s": (30, 1800),
    "session.idle_warning_s": (20, 300),
    "voice.tts_rate": (60, 300),
    "sync.interval_s": (5, 86400),
    "sync.batch_size": (1, 500),
    "sync.retention_days": (0, 3650),
    "sync.startup_jitter_s": (0, 3600),
    "receipt_printer.port": (1, 65535),
    "receipt_printer.baudrate": (1200, 921600),
    "receipt_printer.status_timeout_s": (0, 30),
    "a4_printer.timeout_s": (5, 600),
}


# Plain http is allowed only to this machine itself (the simulator in demos and tests).
_LOOPBACK_NAMES = ("localhost",)


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` can't be the provincial endpoint, or None when it can.

    The URL is parsed, not prefix-matched: ``http://127.0.0.1@evil.example/`` (a user name
    in front of another host) and ``http://localhost.evil.example/`` look local to a prefix test
    but send residents' submissions elsewhere. https is required except for an exact loopback
    host; user names or passwords inside the address are never accepted.
    """
    plain = "必须是 https:// 地址（本机测试可用 http://127.0.0.1）"
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        _ = parts.port  # a non-numeric or out-of-range port raises here
    except ValueError:
        return "不是正确的网址：" + plain
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "网址里不能带用户名或密码（“@”前面的部分）"
    if not host:
        return "网址里没有服务器地址：" + plain
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and _is_loopback(host):
        return None
    return plain


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def env_name(key: str) -> str:
    """``session.idle_timeout_s`` -> ``KIOSK_SESSION_IDLE_TIMEOUT_S``."""
    return "KIOSK_" + key.replace(".", "_").upper()


def default_data_dir() -> Path:
    """Where the kiosk keeps its database when neither the config nor the caller says.

    On a development checkout that is ``var/kiosk`` inside it — the same folder ``make run``,
    ``make tour``, ``main.py --tour`` and ``.venv/bin/kiosk-admin`` all use, so what one writes
    the others see. An installed terminal uses the XDG data folder (docs/admin-guide.md).
    """
    if _is_checkout(REPO_ROOT):
        return REPO_ROOT / "var" / "kiosk"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "village-legal-kiosk"


def _is_checkout(root: Path) -> bool:
    return (root / "pyproject.toml").is_file() and (root / ".git").exists()


def _flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in doc.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _coerce(key: str, kind: type, raw: Any, from_env: bool) -> Any:
    if kind is int:
        if isinstance(raw, bool):
            raise ConfigError(key, f"应为整数，现在是 {raw!r}")
        if isinstance(raw, int):
            value = raw
        else:
            try:
                value = int(str(raw).strip())
            except ValueError:
                raise ConfigError(key, f"应为整数，现在是 {raw!r}") from None
        lo, hi = _RANGES.get(key, (-(2**63), 2**63))
        if not lo <= value <= hi:
            raise ConfigError(key, f"应在 {lo} 到 {hi} 之间，现在是 {value}")
        return value
    if kind is list:
        if from_env and isinstance(raw, str):
            return [p.strip() for p in raw.split(",") if p.strip()]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise ConfigError(key, "应为字符串列表")
        return raw
    if not isinstance(raw, str):
        raise ConfigError(key, f"应为文字，现在是 {raw!r}")
    return raw.strip()


_TOML_WHERE = re.compile(r"at line (\d+), column (\d+)")


def _toml_where(exc: tomllib.TOMLDecodeError) -> str:
    """Where the TOML went wrong, in Chinese: tomllib's own explanation is English."""
    found = _TOML_WHERE.search(str(exc))
    return f"：第 {found[1]} 行第 {found[2]} 列写法有误" if found else ""


def load_config(
    path: Path | None = None,
    env: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> KioskConfig:
    """Read the TOML file (if any), apply ``KIOSK_*`` env vars, then explicit overrides."""
    env = dict(os.environ) if env is None else env
    doc: dict[str, Any] = {}
    if path is not None:
        if not path.is_file():
            raise ConfigError("config", f"找不到配置文件 {path}")
        try:
            doc = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("config", f"{path} 不是有效的 TOML{_toml_where(exc)}") from None
        except OSError as exc:
            raise ConfigError("config", f"读不到配置文件 {path}：{plain_reason(exc)}") from None
        except UnicodeDecodeError:
            raise ConfigError("config", f"{path} 不是 UTF-8 文本") from None
    unknown = sorted(set(doc) - set(_SPEC))
    if unknown:
        raise ConfigError(unknown[0], "不认识这个配置项（拼写错了吗？）")

    values: dict[str, Any] = {}
    for key, (kind, default) in _SPEC.items():
        raw, from_env = doc.get(key, default), False
        if env_name(key) in env:
            raw, from_env = env[env_name(key)], True
        if overrides and overrides.get(key) is not None:
            raw = overrides[key]
        values[key] = _coerce(key, kind, raw, from_env)

    for key in ("terminal.id", "terminal.station_name", "terminal.district"):
        if not values[key]:
            raise ConfigError(key, "不能为空")
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in values["terminal.id"]):
        raise ConfigError("terminal.id", "只能用英文字母、数字、- 和 _")
    scale = values["ui.font_scale"]
    if scale not in FONT_SCALES:
        raise ConfigError("ui.font_scale", f"应为 {'/'.join(FONT_SCALES)} 之一，现在是 {scale!r}")
    if values["ui.theme"] not in THEMES:
        raise ConfigError("ui.theme", f"应为 {'/'.join(THEMES)} 之一")
    endpoint = values["provincial.endpoint"]
    problem = endpoint_problem(endpoint)
    if problem is not None:
        raise ConfigError("provincial.endpoint", problem)
    if values["session.idle_warning_s"] >= values["session.idle_timeout_s"]:
        raise ConfigError("session.idle_warning_s", "必须小于 session.idle_timeout_s")

    try:
        maintenance_restart = parse_time_of_day(values["appliance.maintenance_restart"])
    except ValueError as exc:
        raise ConfigError("appliance.maintenance_restart", str(exc)) from None

    def opt_path(key: str) -> Path | None:
        return Path(values[key]).expanduser() if values[key] else None

    _check_idcard(values)
    _check_receipt_printer(values)
    queue = values["a4_printer.queue"]
    if queue and not all(c.isascii() and (c.isalnum() or c in "-_.") for c in queue):
        raise ConfigError(
            "a4_printer.queue", "打印队列名只能用英文字母、数字、- _ .（lpstat -p 列出的名字）"
        )

    data_dir = opt_path("paths.data_dir") or default_data_dir()
    model_dir = opt_path("paths.voice_model_dir") or (
        REPO_ROOT / "offline_cache" / "models" / "vosk-model-small-cn-0.22"
    )
    return KioskConfig(
        terminal_id=values["terminal.id"],
        station_name=values["terminal.station_name"],
        village=values["terminal.village"],
        town=values["terminal.town"],
        district=values["terminal.district"],
        data_dir=data_dir,
        provincial_endpoint=endpoint,
        provincial_credentials_file=opt_path("provincial.credentials_file"),
        provincial_public_key_file=opt_path("provincial.public_key_file"),
        provincial_ca_file=opt_path("provincial.ca_file"),
        idle_timeout_s=values["session.idle_timeout_s"],
        idle_warning_s=values["session.idle_warning_s"],
        font_scale=scale,
        theme=values["ui.theme"],
        voice_model_dir=model_dir,
        tts_rate=values["voice.tts_rate"],
        sync_interval_s=values["sync.interval_s"],
        sync_batch_size=values["sync.batch_size"],
        retention_days=values["sync.retention_days"],
        sync_startup_jitter_s=values["sync.startup_jitter_s"],
        trusted_pack_keys=tuple(values["packs.trusted_keys"]),
        removable_media_dir=opt_path("paths.removable_media_dir"),
        staff_pins_file=opt_path("paths.staff_pins_file"),
        idcard_driver=values["idcard.driver"],
        idcard_port=values["idcard.port"],
        idcard_library=opt_path("idcard.library"),
        maintenance_restart=maintenance_restart,
        receipt_printer_driver=values["receipt_printer.driver"],
        receipt_printer_host=values["receipt_printer.host"],
        receipt_printer_port=values["receipt_printer.port"],
        receipt_printer_device=values["receipt_printer.device"],
        receipt_printer_baudrate=values["receipt_printer.baudrate"],
        receipt_printer_queue=values["receipt_printer.queue"],
        receipt_printer_width_mm=values["receipt_printer.width_mm"],
        receipt_printer_status_timeout_s=values["receipt_printer.status_timeout_s"],
        a4_queue=values["a4_printer.queue"],
        a4_server=values["a4_printer.server"],
        a4_timeout_s=values["a4_printer.timeout_s"],
    )


def _check_idcard(values: dict[str, Any]) -> None:
    driver, port = values["idcard.driver"], values["idcard.port"]
    if driver not in IDCARD_DRIVERS:
        raise ConfigError(
            "idcard.driver", f"应为 {'/'.join(IDCARD_DRIVERS)} 之一，现在是 {driver!r}"
        )
    if driver == "serial" and not port:
        raise ConfigError("idcard.port", "串口读卡器要写端口，例如 /dev/ttyUSB0")
    if driver == "vendor":
        if not values["idcard.library"]:
            raise ConfigError("idcard.library", "厂家驱动方式要写驱动库文件的路径（.so 文件）")
        if port and not port.isdigit():
            raise ConfigError("idcard.port", "厂家驱动方式的端口是数字，例如 USB 口为 1001")


def _check_receipt_printer(values: dict[str, Any]) -> None:
    driver = values["receipt_printer.driver"]
    if driver not in RECEIPT_PRINTER_DRIVERS:
        raise ConfigError(
            "receipt_printer.driver",
            f"应为 {'/'.join(RECEIPT_PRINTER_DRIVERS)} 之一，现在是 {driver!r}",
        )
    if values["receipt_printer.width_mm"] not in PAPER_WIDTHS_MM:
        raise ConfigError("receipt_printer.width_mm", "纸宽只能是 58 或 80（毫米）")
    needs = {
        "network": ("receipt_printer.host", "网络打印机要写地址，例如 192.168.1.50"),
        "usb": ("receipt_printer.device", "USB 打印机要写厂家号:产品号，例如 0416:5011"),
        "serial": ("receipt_printer.device", "串口打印机要写端口，例如 /dev/ttyUSB0"),
        "cups": ("receipt_printer.queue", "CUPS 方式要写打印队列的名字，例如 receipt"),
    }
    if driver in needs and not values[needs[driver][0]]:
        raise ConfigError(*needs[driver])
    if driver == "usb":
        vid, sep, pid = values["receipt_printer.device"].partition(":")
        try:
            int(vid, 16), int(pid, 16)
        except ValueError:
            sep = ""
        if not sep:
            raise ConfigError(
                "receipt_printer.device", "USB 打印机要写厂家号:产品号，例如 0416:5011"
            )
