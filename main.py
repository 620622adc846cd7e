"""Composition root: read config, open the store, build the services, hand them to the App.

Kivy reads its settings at import time, so everything about the window is decided here before
any ``kivy`` import.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="乡村法律服务终端")
    p.add_argument("--config", type=Path, help="terminal config TOML (see kiosk.example.toml)")
    p.add_argument(
        "--data-dir", type=Path, help="data directory (default: KIOSK_DATA_DIR or ~/.local/share)"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--kiosk", action="store_true", help="fullscreen, no cursor, can't be closed")
    mode.add_argument("--windowed", action="store_true", help="a normal window (development)")
    p.add_argument(
        "--tour", type=Path, metavar="DIR", help="write a PNG of every screen, then exit"
    )
    p.add_argument("--size", default="1920x1080", help="window size WxH (default 1920x1080)")
    p.add_argument("--font-scale", choices=["standard", "large", "xlarge"])
    p.add_argument("--theme", choices=["default", "high_contrast"])
    return p.parse_args(argv)


def configure_kivy(args: argparse.Namespace, data_dir: Path) -> None:
    """Environment and Config that must be set before ``kivy.core.window`` is imported."""
    # Our own Kivy home: never read or write the user's ~/.kivy.
    kivy_home = data_dir / "kivy-home"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and "SDL_VIDEODRIVER" not in os.environ:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
        print(
            "没有找到显示器：以 SDL offscreen 模式启动（画面照常渲染，可用 --tour 截图）。",
            file=sys.stderr,
        )

    from kivy.config import Config

    width, height = (int(x) for x in args.size.lower().split("x"))
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "exit_on_escape", "0" if args.kiosk else "1")
    Config.set("kivy", "keyboard_mode", "system")
    if args.kiosk:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "0")
    Config.set("graphics", "resizable", "0" if args.kiosk else "1")


def build_services(config: Any, store: Any) -> dict[str, Any]:
    """Every collaborator the App needs, built here and nowhere else."""
    from kiosk.content import PackError, load_pack
    from kiosk.staff import StaffDirectory, StaffError
    from offline_cache import BUNDLED_PACK_DIR

    services: dict[str, Any] = {}
    try:
        services["pack"] = load_pack(BUNDLED_PACK_DIR)
    except PackError as exc:
        services["pack_error"] = str(exc)
        print(f"内容包不能用：{exc}", file=sys.stderr)
    staff = StaffDirectory(store)
    if config.staff_pins_file is not None:
        try:
            staff.import_file(config.staff_pins_file)
        except StaffError as exc:
            print(f"工作人员名单没有导入：{exc}", file=sys.stderr)
    services["staff"] = staff
    return services


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)

    from kiosk.config import ConfigError, load_config
    from offline_cache.store import Store, StoreError

    overrides = {
        "paths.data_dir": str(args.data_dir) if args.data_dir else os.environ.get("KIOSK_DATA_DIR"),
        "ui.font_scale": args.font_scale,
        "ui.theme": args.theme,
    }
    try:
        config = load_config(args.config, overrides=overrides)
        store = Store(config.db_path)
    except (ConfigError, StoreError) as exc:
        print(f"无法启动：{exc}", file=sys.stderr)
        return 2

    configure_kivy(args, config.data_dir)

    from screens.fonts import FontMissing, register_default_font

    try:
        register_default_font()
    except FontMissing as exc:
        print(f"无法启动：{exc}", file=sys.stderr)
        return 2

    from screens.app import KioskApp

    app = KioskApp(
        config=config, store=store, kiosk_mode=args.kiosk, **build_services(config, store)
    )
    if args.tour:
        from screens.tour import run_tour

        app.bind(on_start=lambda *_: run_tour(app, args.tour))
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
