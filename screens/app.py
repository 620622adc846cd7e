"""The Kivy App: it holds the ScreenManager and wires each screen to its collaborators.

Collaborators arrive typed from ``main.py`` (:mod:`kiosk.services`): the pack first, the rest
right after the first frame. Each screen is built with only the collaborators it needs (no
service locator). What the App does not decide itself lives in small modules: counting the
session (``kiosk.usage``), submitting (``kiosk.submitting``), what the admin screen shows
(``kiosk.admin_info``) and 说话 (``voice.conversation`` + ``screens.voice_control``). A
collaborator that is missing degrades its feature: 说话 stays hidden, 朗读 is silent,
submitting explains that staff must help.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.logger import Logger
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.config import KioskConfig
from kiosk.services import Services, StartupServices
from kiosk.session import Session
from kiosk.usage import SessionUsage
from offline_cache.store import Store
from screens.background import Background
from screens.base import KioskScreen
from screens.confirm import ConfirmView
from screens.flow import Flow
from screens.idle import IdleWarning, IdleWatcher
from screens.lazy_manager import LazyScreenManager
from screens.quiet_gc import QuietCollector
from screens.style import Style
from screens.theme import next_scale
from screens.voice_control import VoiceControl

if TYPE_CHECKING:  # loaded after the first frame, with the late services
    from kiosk.admin_info import AdminInfo
    from kiosk.content import ContentPack
    from kiosk.devices.handwriting import HandwritingRecognizer
    from kiosk.devices.idcard import CardReader
    from kiosk.printing.a4 import A4Printer, QueueHealth
    from kiosk.printing.desk import PrintDesk
    from kiosk.printing.form_desk import FormDesk
    from kiosk.submitting import SubmissionDesk
    from offline_cache.outbox import Receipt
    from voice.lexicon import Lexicon
    from voice.protocols import Recognizer, Speaker

SCREENS_DIR = Path(__file__).resolve().parent
ICONS_DIR = SCREENS_DIR / "icons"

# The rules of everything but home (pages, pop-ups): not needed for the first frame.
LATER_KV = ("pages", "idle", "confirm")
MORE_BELOW = "这一页下面还有内容，请点右边的“往下翻”。"


def load_kv(stem: str) -> None:
    path = SCREENS_DIR / f"{stem}.kv"
    if path.is_file() and str(path) not in Builder.files:
        Builder.load_file(str(path))


class KioskApp(App):  # type: ignore[misc]
    title = "乡村法律服务终端"

    def __init__(
        self,
        *,
        config: KioskConfig,
        store: Store,
        startup: StartupServices,
        late_services: Callable[[], Services],
        kiosk_mode: bool = False,
        session: Session | None = None,
        receipts_dir: Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.kiosk_mode = kiosk_mode
        self.store = store
        self.startup = startup
        # The pack being served: replaced between residents when a new one was installed.
        self.pack = startup.pack
        self.pack_error = startup.pack_error
        self.services: Services | None = None
        self.desk: SubmissionDesk | None = None
        self.forms: FormDesk | None = None  # the A4 application form (kiosk.printing)
        self.printing: Background | None = None  # its worker: assembly and CUPS off this thread
        self.session = session or Session()
        self.receipts_dir = receipts_dir or (config.data_dir / "receipts")
        self.style = Style(config.theme, config.font_scale)
        self.manager: LazyScreenManager | None = None
        self.flow: Flow | None = None
        self.idle: IdleWatcher | None = None
        self.idle_warning: IdleWarning | None = None
        self.confirm_view: ConfirmView | None = None
        self.background = Background()
        self.collector = QuietCollector()
        self.usage = SessionUsage(self.session, self._defer)
        self.voice = VoiceControl(
            usage=self.usage,
            ask=self.ask,
            read_aloud=self.read_aloud,
            show_speak_button=self._show_speak_button,
            lexicon=self._lexicon,
        )
        self._lexicon_of: tuple[ContentPack, Lexicon] | None = None
        # Builds the collaborators the home screen doesn't need; called once, right after the
        # first frame (or sooner, if another screen is wanted first). See ``ensure_services``.
        self._late_services: Callable[[], Services] | None = late_services

    def attach_services(self, services: Services) -> None:
        """Hand over the collaborators built after the App (``main.build_services``)."""
        from kiosk.submitting import SubmissionDesk

        self.services = services
        self.usage.recorder = services.stats
        self.desk = SubmissionDesk(
            self.session, self.usage, self._defer, submit=services.submit, audit=services.audit
        )
        self.voice.use(services.recognizer, services.speaker)
        from kiosk.printing.form_desk import FormDesk

        if self.forms is None:
            station = self.kiosk_config.station_name
            self.forms = FormDesk(None, self._served_pack, station=station)
        self.forms.printer = services.a4_printer  # the session's kept form stays
        if services.a4_printer is not None and self.printing is None:
            self.printing = Background()

    def use_voice(self, recognizer: Recognizer | None, speaker: Speaker | None) -> None:
        """Replace the voice devices (a stand-in, or none); the other services stay."""
        self.attach_services(
            replace(self.require_services(), recognizer=recognizer, speaker=speaker)
        )

    def ensure_services(self) -> None:
        """Build and attach the late services now, if that hasn't happened yet."""
        build, self._late_services = self._late_services, None
        if build is not None:
            self.attach_services(build())

    def require_services(self) -> Services:
        """The late services, built now if a screen needs them before the first frame's tick."""
        self.ensure_services()
        assert self.services is not None, "late services were never provided"
        return self.services

    # -- building ---------------------------------------------------------------------------
    def build(self) -> ScreenManager:
        Window.clearcolor = self.style.background
        self.style.bind(background=lambda _s, c: setattr(Window, "clearcolor", c))
        if self.kiosk_mode:
            # Residents must not be able to close or leave the app; only staff (PIN) can.
            Window.bind(on_request_close=lambda *_a, **_k: True)
            Window.bind(on_keyboard=self._swallow_keys)
        load_kv("widgets")  # the rest (LATER_KV) loads after the first frame
        self.manager = LazyScreenManager(self._make_attached, transition=NoTransition())
        self.flow = Flow(
            self.manager,
            self.on_unhandled_outcome,
            self.usage.screen_shown,
            is_admin=lambda: self.session.is_admin,
        )
        # Home first, the rest after the first frame (see screens/lazy_manager.py).
        self.manager.add_widget(self._make_attached("home"))
        self.manager.defer(n for n in SCREENS if n != "home")
        self.manager.current = "home"
        Window.bind(on_flip=self._after_first_frame)
        self.collector.start()
        self.session.on_wipe(self._wipe_screens)
        self.session.on_wipe(self._forget_printed)
        self.session.on_wipe(lambda _s: self.forms.forget() if self.forms is not None else None)
        Window.bind(on_touch_down=self._on_any_touch)
        self.idle = IdleWatcher(
            self.session,
            timeout_s=self.kiosk_config.idle_timeout_s,
            warning_s=self.kiosk_config.idle_warning_s,
            should_warn=self._idle_matters,
            warn=self._show_idle_warning,
            tick=self._tick_idle_warning,
            expire=self.end_session,
        )
        self.idle.start()
        self.voice.refresh()
        return self.manager

    def _after_first_frame(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._after_first_frame)

        def rest(_dt: float) -> None:
            for stem in LATER_KV:
                load_kv(stem)
            self.ensure_services()
            assert self.manager is not None
            self.manager.build_rest_when_idle()

        # Not inside on_flip itself: whoever else waits for the first frame hears of it first.
        Clock.schedule_once(rest, 0)

    def on_stop(self) -> None:
        self.collector.stop()
        if self.idle is not None:
            self.idle.stop()
        self.background.stop()
        if self.printing is not None:
            self.printing.stop()
        if self.services is not None and self.services.sync_agent is not None:
            self.services.sync_agent.stop()
        if self.services is not None and self.services.health is not None:
            self.services.health.stop()

    def _make_attached(self, name: str) -> KioskScreen:
        assert self.flow is not None
        screen = self.make_screen(name)
        self.flow.attach(screen)
        return screen

    def make_screen(self, name: str) -> KioskScreen:
        """Build the screen ``name`` (``SCREENS``) with exactly the collaborators it needs."""
        if name != "home":
            self.ensure_services()  # every other screen may need the late services
            load_kv("pages")  # a screen wanted before the first frame's follow-up ran
        load_kv(name)
        return SCREENS[name](self, ScreenBasics(name=name, style=self.style, session=self.session))

    # -- the resident's session ----------------------------------------------------------------
    def _on_any_touch(self, _window: Any, _touch: Any) -> bool:
        if self.idle is not None:
            self.idle.activity()
        if self.idle_warning is not None and self.idle_warning.parent is not None:
            self.idle_warning.dismiss(animation=False)
        return False  # never consume: the touch still reaches the widget

    def _swallow_keys(self, _window: Any, key: int, *_args: Any) -> bool:
        """In kiosk mode no hardware key does anything: Escape, F1 (Kivy's settings), the menu
        key, Alt/Ctrl combinations. Residents only touch; staff leave through 退出程序."""
        return True

    # Kivy's own settings panel (F1, the settings key, ``open_settings``) would let anyone at the
    # screen change the configuration or quit: never in kiosk mode.
    def _install_settings_keys(self, window: Any) -> None:
        if not self.kiosk_mode:
            super()._install_settings_keys(window)

    def open_settings(self, *largs: Any) -> bool:
        """Kivy's settings panel, outside kiosk mode only (development)."""
        if self.kiosk_mode:
            return False
        return bool(super().open_settings(*largs))

    def close_overlays(self) -> None:
        """Close every pop-up and Kivy's settings panel: nothing opened for one resident (or by a
        stray key) outlives their session."""
        from kivy.uix.modalview import ModalView

        self.close_settings()
        for child in list(Window.children):
            if isinstance(child, ModalView):
                child.dismiss(animation=False)
            elif child is not self.root:
                Window.remove_widget(child)

    def _idle_matters(self) -> bool:
        current = self.manager.current if self.manager is not None else "home"
        return self.session.has_input or current != "home" or self.session.assisted

    def _show_idle_warning(self, seconds_left: float) -> None:
        if self.idle_warning is None:
            load_kv("idle")
            self.idle_warning = IdleWarning(on_continue=self._continue_after_warning)
        self.idle_warning.seconds_left = round(seconds_left)
        if self.idle_warning.parent is None:
            self.idle_warning.open(animation=False)
        self.say(f"您还在吗？{round(seconds_left)} 秒后将清除您填写的内容。要继续，请点“继续”。")

    def _tick_idle_warning(self, seconds_left: float) -> None:
        if self.idle_warning is not None:
            self.idle_warning.seconds_left = max(0, round(seconds_left))

    def _continue_after_warning(self) -> None:
        if self.idle_warning is not None:
            self.idle_warning.dismiss(animation=False)
        if self.idle is not None:
            self.idle.activity()

    def end_session(self) -> None:
        """Wipe everything entered (memory and widgets), reset the look, back to home."""
        self.close_overlays()
        self.voice.stop_speaking()
        self.voice.reset_voice()
        self.usage.ended()
        self.session.wipe()
        self.style.apply(self.kiosk_config.theme, self.kiosk_config.font_scale)
        self._switch_pack_if_pending()
        if self.flow is not None:
            self.flow.show("home")

    def _switch_pack_if_pending(self) -> None:
        """Between residents only: a pack installed meanwhile takes over now, never mid-way."""
        switcher = self.startup.pack_switcher
        try:
            new = switcher.switch_if_pending()
        except Exception:  # keep serving the pack we have
            Logger.exception("kiosk: pack switch failed")
            return
        self.pack_error = switcher.problem or ""
        if new is None:
            return
        self.pack = new
        if self.services is not None and self.services.visit_ledger is not None:
            self.services.visit_ledger.pack = new
        if self.services is not None and self.services.speaker is not None:
            # The new pack's recordings: one recorded for the old text is never played.
            self.services.speaker.set_prompts(new.recorded_prompts())
        self._rebuild_screens()

    def _rebuild_screens(self) -> None:
        assert self.manager is not None and self.flow is not None
        self.manager.current = "home"
        for screen in list(self.manager.screens):
            if screen.name != "home":
                self.manager.remove_widget(screen)
        old_home = self.manager.get_screen("home")
        new_home = self._make_attached("home")
        new_home.name = "home-new"
        self.manager.add_widget(new_home)
        # The other screens are rebuilt with the new pack as they are needed.
        self.manager.defer(n for n in SCREENS if n != "home")
        self.manager.build_rest_when_idle()
        self.manager.current = "home-new"
        self.manager.remove_widget(old_home)
        new_home.name = "home"
        self.voice.refresh()

    def _forget_printed(self, _session: Session) -> None:
        """重印上一张 is for the resident being helped, never the next one."""
        if self.services is not None and self.services.printer is not None:
            self.services.printer.forget()

    def _wipe_screens(self, _session: Session) -> None:
        if self.manager is None:
            return
        for screen in self.manager.screens:
            screen.wipe()

    # -- collaborators the screens are given ------------------------------------------------------
    def card_reader(self) -> CardReader | None:
        """The ID-card reader the identity pages offer (``None``: the keypad only)."""
        return self.require_services().card_reader

    def handwriting(self) -> HandwritingRecognizer | None:
        """The recogniser behind 手写 (``None`` or one with a reason: no pad)."""
        return self.require_services().handwriting

    def now(self) -> float:
        """The terminal's clock (corrected by the province's answers; kiosk.terminal_clock)."""
        clock = self.services.clock if self.services is not None else None
        return clock.now() if clock is not None else time.time()

    def today(self) -> date:
        """Today by the terminal's clock (ages on the legal-aid pages, booking days)."""
        return date.fromtimestamp(self.now())

    def use_handwriting(self, recognizer: HandwritingRecognizer | None) -> None:
        """Replace the handwriting recogniser (a stand-in, or none); the other services stay."""
        self.attach_services(replace(self.require_services(), handwriting=recognizer))

    def a4_health(self) -> QueueHealth:
        """The A4 queue's state for staff (blocks on CUPS: call it off the Kivy thread)."""
        from kiosk.printing.a4 import not_configured

        return self.forms.health() if self.forms is not None else not_configured()

    def use_a4_printer(self, printer: A4Printer | None) -> None:
        """Replace the A4 printer (a stand-in, or none); the other services stay."""
        self.attach_services(replace(self.require_services(), a4_printer=printer))

    def use_card_reader(self, reader: CardReader | None) -> None:
        """Replace the ID-card reader (a stand-in, or none); the other services stay."""
        self.attach_services(replace(self.require_services(), card_reader=reader))

    def printer(self) -> PrintDesk | None:
        """The slip printer's desk (``None`` or not configured: no 打印 button)."""
        return self.require_services().printer

    def use_printer(self, desk: PrintDesk | None) -> None:
        """Replace the slip printer (a stand-in, or none); the other services stay."""
        self.attach_services(replace(self.require_services(), printer=desk))

    def submit(self, kind: str, payload: dict[str, Any]) -> Receipt:
        """Screens call this; the rules and the outbox decide (``kiosk.submitting``)."""
        self.ensure_services()
        assert self.desk is not None
        receipt = self.desk.submit(kind, payload)
        forms = self.forms
        if forms is not None and forms.configured:
            staff_id = self.session.staff_id
            # The form is dated like the receipt: by the terminal clock (kiosk.terminal_clock).
            day = date.fromtimestamp(receipt.created_at)
            if forms.remember(kind, payload, receipt.code, staff_id=staff_id, day=day):
                # On the next tick: the receipt screen is showing by then, and says 正在打印.
                Clock.schedule_once(lambda _dt: self.print_form(self._show_print_status), 0)
        return receipt

    def print_form(self, done: Callable[[str], None]) -> bool:
        """Print the session's application form on the A4 printer, off the Kivy thread;
        ``done(plain result)`` is called on the Kivy thread. False: nothing to print."""
        from kiosk.printing.form_desk import PRINTING

        forms, worker = self.forms, self.printing
        if forms is None or worker is None or not forms.has_form:
            return False
        done(PRINTING)

        def work() -> None:
            result = forms.print_current()
            Clock.schedule_once(lambda _dt: done(result.message), 0)

        worker.submit(work)
        return True

    def _show_print_status(self, text: str) -> None:
        from screens.receipt import ReceiptScreen

        screen = self.current_screen()
        if isinstance(screen, ReceiptScreen) and screen.code:
            screen.show_print_status(text)
            self.say(text)

    def _served_pack(self) -> ContentPack:
        if self.pack is None:
            from kiosk.printing.application_form import FormUnavailable

            raise FormUnavailable("内容包没有加载，不能打印申请表。")
        return self.pack

    def audit_staff(self, staff_id: str, action: str, detail: dict[str, Any]) -> None:
        """A staff action for the audit log, written in the background."""
        from kiosk.submitting import staff_actor

        audit = self.require_services().audit
        self._defer(partial(audit.append, staff_actor(staff_id), action, detail))

    def admin_info(self) -> AdminInfo:
        """Everything the admin screen shows (``kiosk.admin_info``); no personal data."""
        from kiosk.admin_info import admin_info

        return admin_info(
            self.kiosk_config,
            pack=self.pack,
            pack_error=self.pack_error,
            voice=self.voice.status_text(),
            outbox=self.require_services().outbox,
            store=self.store,
            handwriting=self.require_services().handwriting,
            clock=self.require_services().clock,
        )

    # -- app-wide outcomes ----------------------------------------------------------------------
    def on_unhandled_outcome(self, screen: str, outcome: str, data: dict[str, Any]) -> None:
        if outcome == "read_aloud":
            self.read_aloud()
        elif outcome == "speak":
            current = self.current_screen()
            if current is not None:
                self.voice.start_listening(current)
        elif outcome == "cycle_font":
            self.style.apply(scale_name=next_scale(self.style.scale_name))
            self.say(f"字号：{self.style.scale_label}")
        elif outcome == "toggle_theme":
            theme = "default" if self.style.theme_name == "high_contrast" else "high_contrast"
            self.style.apply(theme_name=theme)
            self.say("已换成高对比颜色" if theme == "high_contrast" else "已换回标准颜色")
        elif outcome == "say":  # a screen's own sentence (请把身份证拿走)
            self.say(str(data.get("text", "")))
        elif outcome == "louder":
            self.voice.louder()
        elif outcome == "slower":
            self.voice.slower()
        elif outcome == "clearer":  # 听不清
            self.voice.clearer()
        elif outcome == "refused":
            self.say("这一项只有管理员可以打开。")
        elif outcome == "end_session":
            self.confirm_end_session()
        elif outcome == "exit_app":
            self.audit_staff(self.session.staff_id or "", "exit_app", {})
            self.stop()

    def _defer(self, fn: Callable[[], object]) -> None:
        """Statistics and audit entries: written by the background worker, never waited for."""
        self.background.submit(fn)

    def confirm_end_session(self) -> None:
        if not self.session.has_input:
            self.end_session()
            return

        def answered(yes: bool) -> None:
            if yes:
                self.end_session()

        self.ask(
            question="要结束并清除吗？",
            detail="您填写的内容会全部清除，不会保存。",
            yes_text="清除",
            no_text="不清除",
            on_answer=answered,
        )

    def ask(
        self,
        *,
        question: str,
        on_answer: Callable[[bool], None],
        detail: str = "",
        yes_text: str = "是",
        no_text: str = "不是",
    ) -> None:
        """The one kind of pop-up: a question with two big answers, read aloud as it opens."""
        load_kv("confirm")
        self.confirm_view = ConfirmView(
            on_answer, question=question, detail=detail, yes_text=yes_text, no_text=no_text
        )
        self.confirm_view.open(animation=False)
        self.say(self.confirm_view.spoken_text())

    def current_screen(self) -> KioskScreen | None:
        return self.manager.current_screen if self.manager is not None else None

    # -- voice -------------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.voice.say(text)

    def _lexicon(self) -> Lexicon | None:
        """The served pack's dialect lexicon, built once per pack (a new pack brings its own)."""
        if self.pack is None:
            return None
        if self._lexicon_of is None or self._lexicon_of[0] is not self.pack:
            from voice.lexicon import Lexicon

            self._lexicon_of = (self.pack, Lexicon.from_pack(self.pack))
        return self._lexicon_of[1]

    def read_aloud(self) -> None:
        if self.confirm_view is not None and self.confirm_view.parent is not None:
            self.say(self.confirm_view.spoken_text())
            return
        screen = self.current_screen()
        if screen is not None:
            self.say(screen.spoken_text() + (MORE_BELOW if screen.goes_on_below() else ""))

    def _show_speak_button(self, ready: bool) -> None:
        if self.manager is None:
            return
        for screen in self.manager.screens:
            screen.top_bar.voice_ready = ready

    def screen_names(self) -> list[str]:
        assert self.manager is not None
        return [n for n in SCREENS if self.manager.has_screen(n)]


class ScreenBasics(TypedDict):
    """What every screen is built with."""

    name: str
    style: Style
    session: Session


ScreenFactory = Callable[[KioskApp, ScreenBasics], KioskScreen]

# Constructor injection, one small factory per screen. Each imports its screen's module when the
# screen is first built, so that only home's is loaded before the first frame.


def _home(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.home import HomeScreen

    c = app.kiosk_config
    return HomeScreen(**basics, station_name=c.station_name, pack=app.pack, icons_dir=ICONS_DIR)


def _legal_aid(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.legal_aid import LegalAidScreen

    return LegalAidScreen(
        **basics,
        pack=app.pack,
        submit=app.submit,
        printer=app.printer,
        say=app.say,
        home_district=app.kiosk_config.district,
        on_step=app.usage.step_reached,
        card_reader=app.card_reader,
        handwriting=app.handwriting,
        today=app.today,
        now=app.now,
    )


def _notary(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.notary import NotaryScreen

    return NotaryScreen(
        **basics,
        pack=app.pack,
        icons_dir=ICONS_DIR,
        home_district=app.kiosk_config.district,
        on_step=app.usage.step_reached,
        now=app.now,
    )


def _visit(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.visit import VisitScreen

    return VisitScreen(
        **basics,
        pack=app.pack,
        submit=app.submit,
        ledger=app.require_services().visit_ledger,
        home_district=app.kiosk_config.district,
        on_step=app.usage.step_reached,
        card_reader=app.card_reader,
        handwriting=app.handwriting,
        today=app.today,
    )


def _status(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from kiosk.status_lookup import StatusLookup
    from screens.status import StatusScreen

    return StatusScreen(
        **basics, lookup=StatusLookup(app.require_services().outbox).look_up, now=app.now
    )


def _knowledge(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.knowledge import KnowledgeScreen

    return KnowledgeScreen(**basics, pack=app.pack, printer=app.printer, say=app.say, now=app.now)


def _ask(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.ask import AskScreen

    return AskScreen(
        **basics,
        pack=app.pack,
        in_background=app.background.submit,
        # Runs on the background worker already, where the statistics are written anyway.
        on_miss=app.require_services().stats.ask_missed,
        say=app.say,
    )


def _hotline(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.hotline import HotlineScreen

    return HotlineScreen(**basics, pack=app.pack)


def _receipt(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from kiosk.printing.layouts import hotline_hours
    from screens.receipt import ReceiptScreen

    return ReceiptScreen(
        **basics,
        receipts_dir=app.receipts_dir,
        station_name=app.kiosk_config.station_name,
        printer=app.printer,
        say=app.say,
        hotline_hours=lambda: hotline_hours(app.pack),
        now=app.now,
    )


def _staff_sign_in(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.staff_sign_in import StaffSignInScreen

    return StaffSignInScreen(**basics, staff=app.require_services().staff, audit=app.audit_staff)


def _staff(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.staff import StaffScreen

    services = app.require_services()
    return StaffScreen(
        **basics,
        audit=app.audit_staff,
        outbox=services.outbox,
        sync_agent=services.sync_agent,
        kiosk_mode=app.kiosk_mode,
        printer=app.printer,
        say=app.say,
        print_form=app.print_form,
        has_form=lambda: app.forms is not None and app.forms.configured and app.forms.has_form,
    )


def _admin(app: KioskApp, basics: ScreenBasics) -> KioskScreen:
    from screens.admin import AdminScreen

    pack_admin = app.require_services().pack_admin
    return AdminScreen(
        **basics,
        info=app.admin_info,
        pack_admin=pack_admin,
        confirm=app.ask,
        printer=app.printer,
        card_reader=app.card_reader,
        a4_health=app.a4_health,
    )


# name -> factory, in tour order. A screen's module and kv file are named after it.
SCREENS: dict[str, ScreenFactory] = {
    "home": _home,
    "legal_aid": _legal_aid,
    "notary": _notary,
    "visit": _visit,
    "status": _status,
    "knowledge": _knowledge,
    "ask": _ask,
    "hotline": _hotline,
    "receipt": _receipt,
    "staff_sign_in": _staff_sign_in,
    "staff": _staff,
    "admin": _admin,
}
