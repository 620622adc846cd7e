"""The Kivy App: one ScreenManager, collaborators passed in, no service locator.

Every service arrives as a keyword argument from ``main.py``; each screen is built with only the
collaborators it needs. A collaborator that is missing (no voice model, no outbox yet) degrades
its feature: 说话 stays hidden, 朗读 is silent, submitting explains that staff must help.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.logger import Logger
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.config import KioskConfig
from kiosk.session import Session
from offline_cache.store import Store
from offline_cache.vocabulary import Service, SubmissionKind
from screens.background import Background
from screens.base import KioskScreen
from screens.confirm import ConfirmView
from screens.flow import Flow
from screens.idle import IdleWarning, IdleWatcher
from screens.lazy_manager import LazyScreenManager
from screens.quiet_gc import QuietCollector
from screens.style import Style
from screens.theme import next_scale

SCREENS_DIR = Path(__file__).resolve().parent
ICONS_DIR = SCREENS_DIR / "icons"

# name -> "module:Class". A screen's kv file has the module's stem. Order = tour order.
SCREEN_CLASSES: dict[str, str] = {
    "home": "screens.home:HomeScreen",
    "legal_aid": "screens.legal_aid:LegalAidScreen",
    "notary": "screens.notary:NotaryScreen",
    "visit": "screens.visit:VisitScreen",
    "status": "screens.status:StatusScreen",
    "knowledge": "screens.knowledge:KnowledgeScreen",
    "hotline": "screens.hotline:HotlineScreen",
    "receipt": "screens.receipt:ReceiptScreen",
    "staff_sign_in": "screens.staff_sign_in:StaffSignInScreen",
    "staff": "screens.staff:StaffScreen",
    "admin": "screens.admin:AdminScreen",
}
# The rules of everything but home (pages, pop-ups): not needed for the first frame.
LATER_KV = ("pages", "idle", "confirm")


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
        kiosk_mode: bool = False,
        session: Session | None = None,
        pack: Any = None,
        pack_error: str = "",
        submit: Callable[..., Any] | None = None,
        outbox: Any = None,
        sync_agent: Any = None,
        speaker: Any = None,
        recognizer: Any = None,
        stats: Any = None,
        audit: Any = None,
        staff: Any = None,
        pack_store: Any = None,
        pack_switcher: Any = None,
        pack_admin: Any = None,
        visit_ledger: Any = None,
        receipts_dir: Path | None = None,
        late_services: Callable[[], dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.kiosk_mode = kiosk_mode
        self.store = store
        self.session = session or Session()
        self.pack = pack
        self.pack_error = pack_error
        self.submit = submit
        self.outbox = outbox
        self.sync_agent = sync_agent
        self.speaker = speaker
        self.recognizer = recognizer
        self.stats = stats
        self.audit = audit
        self.staff = staff
        self.pack_store = pack_store
        self.pack_switcher = pack_switcher
        self.pack_admin = pack_admin
        self.visit_ledger = visit_ledger
        self.receipts_dir = receipts_dir or (config.data_dir / "receipts")
        self.style = Style(config.theme, config.font_scale)
        self.manager: LazyScreenManager | None = None
        self.flow: Flow | None = None
        self.idle: IdleWatcher | None = None
        self.idle_warning: IdleWarning | None = None
        self.confirm_view: ConfirmView | None = None
        self._voice_poll: Any = None
        self._listening = False
        self._session_counted = False
        self.background = Background()
        self.collector = QuietCollector()
        # Builds the collaborators the home screen doesn't need; called once, right after the
        # first frame (or sooner, if another screen is wanted first). See ``attach_services``.
        self._late_services = late_services

    def attach_services(self, **services: Any) -> None:
        """Hand over collaborators built after the App (the same names as the constructor's)."""
        known = _collaborator_names()
        for name, value in services.items():
            if name not in known:
                raise TypeError(f"KioskApp has no collaborator called {name!r}")
            setattr(self, name, value)
        self._watch_voice()

    def ensure_services(self) -> None:
        """Build and attach the late services now, if that hasn't happened yet."""
        build, self._late_services = self._late_services, None
        if build is not None:
            self.attach_services(**build())

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
        self.flow = Flow(self.manager, self.on_unhandled_outcome, self._on_switch)
        # Home first, the rest after the first frame (see screens/lazy_manager.py).
        self.manager.add_widget(self._make_attached("home"))
        self.manager.defer(n for n in SCREEN_CLASSES if n != "home")
        self.manager.current = "home"
        Window.bind(on_flip=self._after_first_frame)
        self.collector.start()
        self.session.on_wipe(self._wipe_screens)
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
        self._watch_voice()
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
        if self.sync_agent is not None and hasattr(self.sync_agent, "stop"):
            self.sync_agent.stop()

    def _make_attached(self, name: str) -> KioskScreen:
        assert self.flow is not None
        if name != "home":  # every other screen may need the late services
            self.ensure_services()
        screen = self.make_screen(name, SCREEN_CLASSES[name])
        self.flow.attach(screen)
        return screen

    def make_screen(self, name: str, target: str) -> KioskScreen:
        module_name, class_name = target.split(":")
        if name != "home":  # a screen wanted before the first frame's follow-up ran
            load_kv("pages")
        load_kv(module_name.rsplit(".", 1)[1])
        cls = getattr(importlib.import_module(module_name), class_name)
        screen: KioskScreen = cls(name=name, style=self.style, **self._screen_kwargs(name))
        return screen

    def _screen_kwargs(self, name: str) -> dict[str, Any]:
        """Exactly the collaborators each screen needs — constructor injection, no locator."""
        c = self.kiosk_config
        common: dict[str, Any] = {"session": self.session}
        per_screen: dict[str, dict[str, Any]] = {
            "home": {"station_name": c.station_name, "pack": self.pack, "icons_dir": ICONS_DIR},
            "legal_aid": {
                "pack": self.pack,
                "submit": self._submit,
                "home_district": c.district,
                "on_step": self.step_reached,
            },
            "notary": {
                "pack": self.pack,
                "icons_dir": ICONS_DIR,
                "home_district": c.district,
                "on_step": self.step_reached,
            },
            "visit": {
                "pack": self.pack,
                "submit": self._submit,
                "ledger": self.visit_ledger,
                "home_district": c.district,
                "on_step": self.step_reached,
            },
            "status": {"lookup": self._status_of},
            "knowledge": {"pack": self.pack},
            "hotline": {"pack": self.pack},
            "receipt": {"receipts_dir": self.receipts_dir, "station_name": c.station_name},
            "staff_sign_in": {"staff": self.staff, "audit": self._audit},
            "staff": {
                "audit": self._audit,
                "outbox": self.outbox,
                "sync_agent": self.sync_agent,
                "kiosk_mode": self.kiosk_mode,
            },
            "admin": {"info": self.admin_info, "pack_admin": self.pack_admin, "confirm": self.ask},
        }
        return {**common, **per_screen.get(name, {})}

    # -- the resident's session ----------------------------------------------------------------
    def _on_any_touch(self, _window: Any, _touch: Any) -> bool:
        if self.idle is not None:
            self.idle.activity()
        if self.idle_warning is not None and self.idle_warning.parent is not None:
            self.idle_warning.dismiss(animation=False)
        return False  # never consume: the touch still reaches the widget

    def _swallow_keys(self, _window: Any, key: int, *_args: Any) -> bool:
        return key == 27  # Escape does nothing in kiosk mode

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
        if self.idle_warning is not None and self.idle_warning.parent is not None:
            self.idle_warning.dismiss(animation=False)
        if self.confirm_view is not None and self.confirm_view.parent is not None:
            self.confirm_view.dismiss(animation=False)
        if self.speaker is not None:
            _safe(self.speaker.stop)
        if self.stats is not None and self._session_counted and not self.session.completed:
            self._later(self.stats.session_abandoned, self.session.id)
        self._session_counted = False
        self.session.wipe()
        self.style.apply(self.kiosk_config.theme, self.kiosk_config.font_scale)
        self._switch_pack_if_pending()
        if self.flow is not None:
            self.flow.show("home")

    def _switch_pack_if_pending(self) -> None:
        """Between residents only: a pack installed meanwhile takes over now, never mid-way."""
        if self.pack_switcher is None:
            return
        try:
            new = self.pack_switcher.switch_if_pending()
        except Exception:  # keep serving the pack we have
            Logger.exception("kiosk: pack switch failed")
            return
        self.pack_error = self.pack_switcher.problem or ""
        if new is None:
            return
        self.pack = new
        if self.visit_ledger is not None:
            self.visit_ledger.pack = new
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
        self.manager.defer(n for n in SCREEN_CLASSES if n != "home")
        self.manager.build_rest_when_idle()
        self.manager.current = "home-new"
        self.manager.remove_widget(old_home)
        new_home.name = "home"
        self._set_voice_ready(self.voice_ready())

    def _wipe_screens(self, _session: Session) -> None:
        if self.manager is None:
            return
        for screen in self.manager.screens:
            screen.wipe()

    def _on_switch(self, source: str, target: str) -> None:
        if self.stats is None:
            return
        if source == "home" and target in set(Service):
            if not self._session_counted:
                self._later(self.stats.session_started, self.session.id)
                self._session_counted = True
            self.session.service = target
            self._later(self.stats.service_chosen, self.session.id, target)

    def step_reached(self, service: str, step_id: str) -> None:
        if self.stats is not None and self._session_counted:
            self._later(self.stats.step_reached, self.session.id, service, step_id)

    # -- submissions -----------------------------------------------------------------------------
    def _submit(self, kind: str, payload: dict[str, Any]) -> Any:
        """Screens call this; the rules and the outbox decide. Raises what ``submit`` raises."""
        if self.submit is None:
            raise RuntimeError("本机还不能提交申请（发件箱未就绪），请联系工作人员。")
        receipt = self.submit(kind, payload, staff_id=self.session.staff_id)
        self.session.completed = True
        if self.stats is not None:
            if not self._session_counted:
                self._later(self.stats.session_started, self.session.id)
                self._session_counted = True
            # Only the pack's ids leave for the statistics: matter category and village.
            matter = payload.get("matter") or {}
            address = payload.get("address") or (payload.get("applicant") or {}).get("address")
            self._later(
                self.stats.session_completed,
                self.session.id,
                SubmissionKind(kind).service.value,
                matter.get("category") if isinstance(matter, dict) else None,
                address.get("village") if isinstance(address, dict) else None,
            )
        if self.audit is not None and self.session.staff_id:
            self._later(
                self.audit.append,
                f"staff:{self.session.staff_id}",
                "assisted_submission",
                {"kind": kind, "receipt": getattr(receipt, "code", "")},
            )
        return receipt

    def _status_of(self, code: str) -> Any:
        if self.outbox is None:
            return None
        return self.outbox.status(code)

    def admin_info(self) -> dict[str, Any]:
        """Everything the admin screen shows; no personal data."""
        c = self.kiosk_config
        info: dict[str, Any] = {
            "terminal_id": c.terminal_id,
            "station_name": c.station_name,
            "pack_version": getattr(self.pack, "version", None) or "未知",
            "pack_id": getattr(self.pack, "pack_id", None) or "",
            "pack_error": self.pack_error,
            "voice": self.voice_status_text(),
            "counts": None,
            "stats": None,
        }
        if self.outbox is not None:
            info["counts"] = _safe(self.outbox.counts)
        if self.stats is not None:
            info["stats"] = _safe(self._usage_by_service)
        return info

    def _usage_by_service(self) -> dict[str, int]:
        from datetime import date, timedelta

        from kiosk.stats import ALL, report

        today = date.today()
        usage: dict[str, int] = {}
        for r in report(self.store, today - timedelta(days=30), today):
            if r.service != ALL and r.service:
                usage[r.service] = usage.get(r.service, 0) + r.sessions_started
        return {k: v for k, v in usage.items() if v}

    # -- app-wide outcomes ----------------------------------------------------------------------
    def on_unhandled_outcome(self, screen: str, outcome: str, data: dict[str, Any]) -> None:
        if outcome == "read_aloud":
            self.read_aloud()
        elif outcome == "speak":
            self.start_listening()
        elif outcome == "cycle_font":
            self.style.apply(scale_name=next_scale(self.style.scale_name))
            self.say(f"字号：{self.style.scale_label}")
        elif outcome == "toggle_theme":
            theme = "default" if self.style.theme_name == "high_contrast" else "high_contrast"
            self.style.apply(theme_name=theme)
            self.say("已换成高对比颜色" if theme == "high_contrast" else "已换回标准颜色")
        elif outcome == "end_session":
            self.confirm_end_session()
        elif outcome == "exit_app":
            self._audit(self.session.staff_id or "", "exit_app", {})
            self.stop()

    def _later(self, fn: Callable[..., Any], *args: Any) -> None:
        """Statistics and audit entries: written by the background worker, never waited for."""
        self.background.submit(fn, *args)

    def _audit(self, staff_id: str, action: str, detail: dict[str, Any]) -> None:
        if self.audit is not None:
            self._later(self.audit.append, f"staff:{staff_id}", action, detail)

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
        if self.speaker is not None and text:
            _safe(self.speaker.say, text)

    def read_aloud(self) -> None:
        if self.confirm_view is not None and self.confirm_view.parent is not None:
            self.say(self.confirm_view.spoken_text())
            return
        screen = self.current_screen()
        if screen is not None:
            self.say(screen.spoken_text() + _more_below(screen))

    def voice_status_text(self) -> str:
        status = getattr(self.recognizer, "status", None) if self.recognizer else None
        if status is None:
            return "未安装语音识别"
        state = getattr(status, "state", status)
        reason = getattr(status, "reason", "")
        text = {"ready": "已就绪", "loading": "正在加载"}.get(str(state), "不可用")
        return f"{text}（{reason}）" if reason and text == "不可用" else text

    def voice_ready(self) -> bool:
        status = getattr(self.recognizer, "status", None) if self.recognizer else None
        return str(getattr(status, "state", status)) == "ready"

    def _watch_voice(self) -> None:
        """Show 说话 once the model has loaded in the background; stop polling after that."""

        def poll(_dt: float) -> bool:
            ready = self.voice_ready()
            self._set_voice_ready(ready)
            status = getattr(self.recognizer, "status", None) if self.recognizer else None
            still_loading = str(getattr(status, "state", status)) == "loading"
            return bool(still_loading)  # returning False unschedules the interval

        if self.recognizer is None:
            self._set_voice_ready(False)
            return
        if hasattr(self.recognizer, "add_status_listener"):
            # Called from the loader thread: hop onto Kivy's thread. No polling.
            self.recognizer.add_status_listener(
                lambda _status: Clock.schedule_once(lambda _dt: poll(0), 0)
            )
            poll(0)
            return
        if poll(0):
            self._voice_poll = Clock.schedule_interval(poll, 1.0)

    def _set_voice_ready(self, ready: bool) -> None:
        if self.manager is None:
            return
        for screen in self.manager.screens:
            bar = getattr(screen, "top_bar", None)
            if bar is not None:
                bar.voice_ready = ready

    def start_listening(self) -> None:
        if not self.voice_ready() or self._listening:
            return
        screen = self.current_screen()
        if screen is None:
            return
        from voice.commands import NAVIGATION

        dictation = bool(getattr(screen, "wants_dictation", lambda: False)())
        options = list(screen.voice_choices()) + list(NAVIGATION)
        phrases: list[str] | None = None
        if not dictation:  # choices: listen for exactly these words (fast and accurate)
            phrases = []
            for option in options:
                phrases += [option.label, *option.synonyms]
        self._listening = True
        self.session.voice_used = True
        if self.stats is not None and self._session_counted:
            self._later(self.stats.voice_used, self.session.id)
        self.say("请说")

        def on_result(result: Any) -> None:  # background thread
            if dictation:
                Clock.schedule_once(lambda _dt: self._dictated(screen, result), 0)
            else:
                Clock.schedule_once(lambda _dt: self._heard(screen, options, result), 0)

        def on_error(_message: str) -> None:  # background thread
            Clock.schedule_once(lambda _dt: self._listen_failed(), 0)

        try:
            self.recognizer.listen(phrases, on_result, on_error=on_error)
        except Exception:  # a device problem must never take the kiosk down
            self._listening = False
            self.say("没有听清，请用手点一下。")

    def _dictated(self, screen: Any, result: Any) -> None:
        self._listening = False
        text = result if isinstance(result, str) else getattr(result, "text", "") or ""
        if not text:
            self.say("没有听清，请再说一次，或者用拼音键盘输入。")
            return
        screen.dictated(text)
        self.say(f"您说的是：{text}。不对的话，点“删除”改一下。")

    def _listen_failed(self) -> None:
        self._listening = False
        self.say("没有听清，请用手点一下。")

    def _heard(self, screen: KioskScreen, options: list[Any], result: Any) -> None:
        from voice.matching import match

        self._listening = False
        text = result if isinstance(result, str) else getattr(result, "text", "") or ""
        if not text:
            self.say("没有听清，请再说一次，或者用手点一下。")
            return
        found = match(text, options)
        option = getattr(found, "option", None)
        if option is None:
            self.say("没有听懂，请再说一次，或者用手点一下。")
            return
        if getattr(found, "needs_confirmation", False):

            def answered(yes: bool) -> None:
                if yes:
                    self._act_on_voice(screen, option.id)

            load_kv("confirm")
            self.confirm_view = ConfirmView(answered, question=f"您说的是“{option.label}”吗？")
            self.confirm_view.open(animation=False)
            self.say(self.confirm_view.spoken_text())
            return
        self._act_on_voice(screen, option.id)

    def _act_on_voice(self, screen: KioskScreen, option_id: str) -> None:
        if option_id == "cmd.back":
            screen.report("home")
        elif option_id == "cmd.previous":
            screen.go_back()
        elif option_id == "cmd.next":
            screen.go_next()
        elif option_id in ("cmd.repeat", "cmd.help"):
            self.read_aloud()
        else:
            screen.choose_by_voice(option_id)

    def screen_names(self) -> list[str]:
        assert self.manager is not None
        return [n for n in SCREEN_CLASSES if self.manager.has_screen(n)]


def _collaborator_names() -> set[str]:
    """What ``attach_services`` accepts: the constructor's keyword collaborators."""
    import inspect

    params = inspect.signature(KioskApp.__init__).parameters
    return set(params) - {"self", "config", "store", "kiosk_mode", "late_services", "kwargs"}


def _more_below(screen: Any) -> str:
    """Said after a page that goes on below the screen: where the rest is and how to get there."""
    page = getattr(screen, "page", None)
    down = getattr(page, "down_button", None)
    if down is not None and down.parent is not None:
        return "这一页下面还有内容，请点右边的“往下翻”。"
    return ""


def _safe(fn: Callable[..., Any], *args: Any) -> Any:
    """Statistics, audit and speech are side concerns: their failure must not stop a resident."""
    try:
        return fn(*args)
    except Exception:
        from kivy.logger import Logger

        Logger.exception("kiosk: side service failed")
        return None
