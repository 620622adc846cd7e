"""Composition root: read config, open the store, build the services, hand them to the App.

Kivy reads its settings at import time, so everything about the window is decided here before
any ``kivy`` import.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # each is imported where it is built: start-up is measured (issue 2)
    from collections.abc import Callable

    from kiosk.audit import AuditLog
    from kiosk.config import KioskConfig
    from kiosk.devices.handwriting import HandwritingRecognizer
    from kiosk.devices.idcard import CardReader
    from kiosk.health import HealthMonitor
    from kiosk.packs.manifest import Manifest
    from kiosk.packs.switching import PackSwitcher
    from kiosk.printing.a4 import A4Printer
    from kiosk.printing.desk import PrintDesk
    from kiosk.services import Services, StartupServices, SubmitFn
    from kiosk.sync.agent import SyncAgent
    from kiosk.terminal_clock import TerminalClock
    from kiosk.visits import BookingLedger
    from offline_cache.outbox import Outbox, Receipt
    from offline_cache.pack_store import PackStore
    from offline_cache.store import Store
    from screens.app import KioskApp
    from screens.maintenance import MaintenanceRestart
    from screens.tour import TourResult
    from voice.protocols import Recognizer, Speaker


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="乡村法律服务终端")
    p.add_argument("--config", type=Path, help="terminal config TOML (see kiosk.example.toml)")
    p.add_argument(
        "--data-dir",
        type=Path,
        help="data directory (default: KIOSK_DATA_DIR, the config, or var/kiosk in a checkout)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--kiosk", action="store_true", help="fullscreen, no cursor, can't be closed")
    mode.add_argument("--windowed", action="store_true", help="a normal window (development)")
    p.add_argument(
        "--tour", type=Path, metavar="DIR", help="write a PNG of every screen, then exit"
    )
    p.add_argument(
        "--audit",
        action="store_true",
        help="with --tour: check every screen state against the elder-friendly numbers, print "
        "one line per violation (screen/step: what) and exit 1 if there is any",
    )
    p.add_argument("--size", default="1920x1080", help="window size WxH (default 1920x1080)")
    p.add_argument("--font-scale", choices=["standard", "large", "xlarge"])
    p.add_argument("--theme", choices=["default", "high_contrast"])
    args = p.parse_args(argv)
    if args.audit and not args.tour:
        p.error("--audit needs --tour DIR")
    return args


def configure_kivy(args: argparse.Namespace, data_dir: Path) -> None:
    """Environment and Config that must be set before ``kivy.core.window`` is imported."""
    from kiosk import logs

    logs.configure()  # plain journald lines; Kivy in its PYTHON log mode (kiosk/logs.py)
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
        # No Kivy module (inspector, monitor, screenshot keys …) may draw over the kiosk.
        for module in Config.options("modules"):
            Config.remove_option("modules", module)
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "0")
    Config.set("graphics", "resizable", "0" if args.kiosk else "1")


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def open_pack(config: KioskConfig) -> StartupServices:
    """The content pack being served, and the store and switcher that own it.

    This is all the home screen needs, so it is the only service built before the first frame;
    the rest come from ``build_services`` right after it (see ``KioskApp.ensure_services``).
    """
    from kiosk.content import PackError, ValidationCache, load_pack
    from kiosk.packs.checks import open_pack_store
    from kiosk.packs.switching import PackSwitcher
    from kiosk.services import StartupServices
    from offline_cache import BUNDLED_PACK_DIR

    pack_store = open_pack_store(config.data_dir, BUNDLED_PACK_DIR, config.trusted_pack_keys)
    # Contents that passed every check before aren't re-validated at each start (kiosk.content).
    validated = ValidationCache(config.data_dir / "cache" / "validated-packs.txt")
    switcher = PackSwitcher(pack_store, loader=lambda d: load_pack(d, cache=validated))
    pack, problem = None, ""
    try:
        pack = switcher.start()
    except PackError as exc:  # even the bundled pack is broken: a damaged installation
        problem = "；".join(exc.problems[:3])
        _note(f"内容包不能用：{problem}")
    if switcher.problem:
        problem = switcher.problem
        _note(problem)
    return StartupServices(pack_store, switcher, pack, problem)


def build_services(
    config: KioskConfig,
    store: Store,
    *,
    voice: bool = True,
    startup: StartupServices | None = None,
) -> Services:
    """Every collaborator the App needs after its first frame, built here and nowhere else.

    ``startup`` is what ``open_pack`` returned, when that was done already. A part that can't be
    built (no provincial key yet, no voice model) is left out with a one-line note; the screens
    then degrade (说话 hidden, submissions explain to ask staff).
    """
    from kiosk.audit import AuditLog
    from kiosk.housekeeping import PRINT_SPOOL_MAX_AGE_S, purge_old_files
    from kiosk.packs.staff_actions import PackAdmin
    from kiosk.services import Services
    from kiosk.staff import StaffDirectory, StaffError
    from kiosk.stats import StatsRecorder

    startup = startup if startup is not None else open_pack(config)
    pack, switcher = startup.pack, startup.pack_switcher

    _warn_if_not_private(config)
    staff = StaffDirectory(store)
    if config.staff_pins_file is not None:
        try:
            staff.import_file(config.staff_pins_file)
        except StaffError as exc:
            _note(f"工作人员名单没有导入：{exc}")
    from kiosk.terminal_clock import TerminalClock
    from offline_cache.clock_records import ClockRecords

    # The terminal's one clock (system time corrected by the province's answers): receipts,
    # bookings, statistics, the audit log and signed requests are all dated with it.
    clock = TerminalClock(ClockRecords(store))
    audit = AuditLog(store, clock=clock.utcnow)
    # Staff install packs from a USB stick on the admin screen (confirmed there, audited).
    pack_admin = PackAdmin(startup.pack_store, audit, config.removable_media_dir)
    purge_old_files(config.data_dir / "receipts", PRINT_SPOOL_MAX_AGE_S)

    outbox = _build_outbox(config, store, clock)
    submit: SubmitFn | None = None
    ledger: BookingLedger | None = None
    agent: SyncAgent | None = None
    if pack is not None:
        from kiosk.submissions import submit as submit_with_rules
        from kiosk.visits import BookingLedger

        def submit_to_outbox(
            kind: str, payload: dict[str, Any], *, staff_id: str | None = None
        ) -> Receipt:
            # The pack being served now: a new pack switched in between residents applies.
            current = switcher.pack or pack
            return submit_with_rules(kind, payload, pack=current, outbox=outbox, staff_id=staff_id)

        submit = submit_to_outbox
        from kiosk.person_secret import person_secret

        secret = person_secret(store, os.environ)
        if secret.warning:
            _note(secret.warning)
        ledger = BookingLedger(store, pack, secret=secret.secret, clock=clock)

    speaker: Speaker | None = None
    recognizer: Recognizer | None = None
    if voice:
        from voice.asr import Recognizer as VoskRecognizer
        from voice.tts import Speaker as ReadAloud

        # The pack's recorded prompts (a person's voice) are played in preference to synthesis.
        speaker = ReadAloud(
            rate=config.tts_rate, prompts=pack.recorded_prompts() if pack is not None else None
        )
        vosk = VoskRecognizer(config.voice_model_dir)
        vosk.start_loading()
        recognizer = vosk
    card_reader, handwriting = _build_devices(config, clock)
    printer = _build_printer(config)
    a4_printer = _build_a4_printer(config)
    health = _build_health(
        config, outbox, clock, switcher, speaker, recognizer, card_reader, a4_printer, printer
    )
    if ledger is not None and outbox.public_key is not None:
        agent = _build_sync_agent(
            config, store, outbox, ledger, startup.pack_store, audit, clock, health
        )
    health.start()
    return Services(
        staff=staff,
        audit=audit,
        stats=StatsRecorder(store, today=clock.today),
        outbox=outbox,
        pack_admin=pack_admin,
        submit=submit,
        visit_ledger=ledger,
        sync_agent=agent,
        speaker=speaker,
        recognizer=recognizer,
        card_reader=card_reader,
        handwriting=handwriting,
        clock=clock,
        health=health,
        printer=printer,
        a4_printer=a4_printer,
    )


def _build_printer(config: KioskConfig) -> PrintDesk:
    """The slip printer's desk; python-escpos and the font load on a worker thread now, so the
    first 打印 doesn't wait for them. Nothing is opened until a slip is printed."""
    from kiosk.devices.factory import receipt_printer_from_config
    from kiosk.printing.desk import PrintDesk

    desk = PrintDesk(
        receipt_printer_from_config(config),
        configured=config.receipt_printer_driver != "none",
        station=config.station_name,
    )
    desk.warm_up()
    return desk


def _build_a4_printer(config: KioskConfig) -> A4Printer | None:
    """The A4 queue for the application form (``[a4_printer]``); nothing is contacted here."""
    from kiosk.printing.a4 import queue_from_config

    return queue_from_config(config.a4_queue, config.a4_server, config.a4_timeout_s)


def _build_health(
    config: KioskConfig,
    outbox: Outbox,
    clock: TerminalClock,
    switcher: PackSwitcher,
    speaker: Speaker | None,
    recognizer: Recognizer | None,
    card_reader: CardReader | None,
    a4_printer: A4Printer | None,
    printer: PrintDesk,
) -> HealthMonitor:
    """The health monitor with a probe per device this kiosk has (a device added later adds
    its own with ``add_probe``); its snapshot timer is started by the caller."""
    from kiosk.health import HealthMonitor, device_probes
    from kiosk.sync.setup import pack_label

    return HealthMonitor(
        terminal_id=config.terminal_id,
        outbox=outbox,
        clock=clock,
        data_dir=config.data_dir,
        pack=lambda: pack_label(switcher.pack),
        probes=device_probes(
            recognizer=recognizer,
            speaker=speaker,
            card_reader=card_reader,
            a4_printer=a4_printer,
            receipt_printer=printer,
        ),
    )


def _build_devices(
    config: KioskConfig, clock: TerminalClock
) -> tuple[CardReader | None, HandwritingRecognizer]:
    """The ID-card reader (``None`` when none is configured: the keypad only) and the
    handwriting recogniser (a stand-in saying why, when zinnia or its model is missing).

    Nothing is opened here: the reader's port on its first read, off the Kivy thread.
    """
    from kiosk.devices.factory import card_reader_from_config
    from kiosk.devices.handwriting import load_recognizer

    reader = (
        card_reader_from_config(config, today=clock.today)
        if config.idcard_driver != "none"
        else None
    )
    handwriting = load_recognizer()
    if handwriting.unavailable_reason:
        _note(f"手写输入不能用：{handwriting.unavailable_reason}")
    return reader, handwriting


def _build_outbox(config: KioskConfig, store: Store, clock: TerminalClock) -> Outbox:
    from kiosk.sync.setup import SyncSetupError, outbox_from_config
    from offline_cache.outbox import Outbox

    if config.provincial_public_key_file is None:
        _note("没有配置省系统公钥（provincial.public_key_file）：本机可以查询，但不能保存新申请。")
    try:
        return outbox_from_config(config, store, need_key=False, clock=clock)
    except SyncSetupError as exc:
        _note(f"省系统公钥不能用：{exc}")
    # Without a key the outbox is read-only: status queries work, new submissions are refused
    # with a plain message.
    return Outbox(store, None, config.terminal_id, clock=clock.now)


def _build_sync_agent(
    config: KioskConfig,
    store: Store,
    outbox: Outbox,
    ledger: BookingLedger,
    pack_store: PackStore[Manifest],
    audit: AuditLog,
    clock: TerminalClock,
    health: HealthMonitor,
) -> SyncAgent | None:
    """The agent ``kiosk-admin sync`` builds too (``kiosk.sync.setup.build_agent``), started.

    The App's own ledger goes in, so a pack switched in between residents reaches the bookings
    hook as well.
    """
    from kiosk.sync.setup import SyncSetupError, build_agent

    try:
        agent = build_agent(
            config,
            store,
            outbox,
            pack=ledger.pack,
            audit=audit,
            pack_store=pack_store,
            ledger=ledger,
            clock=clock,
            health=health,
        )
    except SyncSetupError as exc:
        _note(f"{exc}申请存在本机，暂不上报。")
        return None
    agent.start()
    return agent


def _resume_gc_after_first_frame() -> None:
    """Cyclic garbage collection is off while starting up (``main``); back on at the first frame.

    Importing Kivy and our modules allocates hundreds of thousands of objects, none of them
    garbage, and the collector kept re-scanning them (≈ 50 ms of the wait for the home screen).
    ``gc.freeze`` then keeps those long-lived objects out of every later full collection, which
    would otherwise stall a touch now and then (issue 5).
    """
    import gc

    from kivy.core.window import Window

    def resume(*_args: Any) -> None:
        Window.unbind(on_flip=resume)
        gc.freeze()
        gc.enable()

    Window.bind(on_flip=resume)


def _warn_if_not_private(config: KioskConfig) -> None:
    """One plain line in the log if another user could read the terminal's files."""
    from offline_cache.private_files import (
        loose_permissions,
        loose_permissions_line,
        terminal_files,
    )

    keys = (config.provincial_credentials_file,)
    line = loose_permissions_line(
        loose_permissions(terminal_files(config.data_dir, config.db_path, keys))
    )
    if line:
        _note(line)


def main(argv: list[str] | None = None) -> int:
    import gc

    gc.disable()  # until the first frame: see _resume_gc_after_first_frame
    try:
        return _run(parse_args(sys.argv[1:] if argv is None else argv))
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, load_config
    from offline_cache.private_files import PRIVATE_UMASK
    from offline_cache.store import Store, StoreError

    # Before anything is created: every file and directory this process makes is its own.
    os.umask(PRIVATE_UMASK)

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
    _resume_gc_after_first_frame()

    from screens.fonts import FontMissing, register_default_font

    try:
        register_default_font()
    except FontMissing as exc:
        print(f"无法启动：{exc}", file=sys.stderr)
        return 2

    from screens.app import KioskApp

    # The home screen needs only the pack; every other service is built right after its first
    # frame, so a resident sees the kiosk as soon as Kivy can draw (issue 2: start-up time).
    startup = open_pack(config)
    app = KioskApp(
        config=config,
        store=store,
        startup=startup,
        late_services=lambda: build_services(config, store, startup=startup),
        kiosk_mode=args.kiosk,
    )
    tour: TourResult | None = None
    if args.tour:
        from screens.tour import TourResult, run_tour

        tour = TourResult()

        def start_tour(*_: Any) -> None:
            assert tour is not None
            found = run_tour(app, args.tour, check=args.audit)
            tour.written, tour.problems = found.written, found.problems

        app.bind(on_start=start_tour)
    nightly = _start_appliance(app, config)
    app.run()
    if tour is not None and tour.problems:
        return 1
    return nightly[0].exit_code if nightly else 0


def _start_appliance(app: KioskApp, config: KioskConfig) -> list[MaintenanceRestart]:
    """systemd readiness and watchdog pings, and the nightly restart (docs/deploy.md).

    The restart (hours away) is armed on the tick after home's first frame, so its rules don't
    load before it; the list holds it from then on.
    """
    from screens.watchdog import start_watchdog

    watchdog = start_watchdog(app)
    nightly: list[MaintenanceRestart] = []
    at = config.maintenance_restart
    if at is None:
        return nightly

    def arm(_dt: float) -> None:
        from screens.maintenance import start_maintenance_restart

        restart = start_maintenance_restart(
            app, at, quiet_s=config.idle_timeout_s, before_exit=watchdog.stop
        )
        if restart is not None:
            nightly.append(restart)
            restart.start()  # the App's on_start, which it also waits for, is over

    _on_the_tick_after_first_frame(arm)
    return nightly


def _on_the_tick_after_first_frame(then: Callable[[float], None]) -> None:
    """``then(dt)`` once, on the tick after the first frame was flipped (not inside on_flip:
    whoever else waits for the first frame hears of it first)."""
    from kivy.clock import Clock
    from kivy.core.window import Window

    def flipped(*_args: Any) -> None:
        Window.unbind(on_flip=flipped)
        Clock.schedule_once(then, 0)

    Window.bind(on_flip=flipped)


if __name__ == "__main__":
    sys.exit(main())
