"""One question per page: the shared machinery of the legal-aid and home-visit wizards.

A wizard screen lists its pages (:meth:`WizardScreen.steps`, recomputed after every answer, so
skipped pages disappear from 第N步/共M步) and renders each with the page kinds below. Answers go
straight into the session's draft — in memory only — and the widgets are rebuilt from it, so a
wipe leaves nothing behind in either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from screens.base import PageScreen, TourStep
from screens.widgets import (
    AnswerBox,
    BigButton,
    BodyLabel,
    ChoiceGrid,
    Keypad,
    NoteLabel,
    PinyinKeyboard,
    ProgressLabel,
    TitleLabel,
    beside_keypad,
    mark_choice,
    nav_button,
    option_buttons,
)

Validator = Callable[[str], str | None]


class WizardScreen(PageScreen):
    kind = ""  # the draft's kind: "legal_aid", "visit_booking"

    def __init__(self, *, session: Any, pack: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.pack = pack
        self.step_id = ""
        self.question = ""
        self.message_text = ""
        self.choices: list[tuple[str, str]] = []
        self.keypad: Keypad | None = None
        self.keyboard: PinyinKeyboard | None = None
        self.answer_box: AnswerBox | None = None
        self._commit: Callable[[], bool] | None = None
        self._back_override: Callable[[], None] | None = None
        # The keyboard and keypads are built once and moved from page to page: building ~45
        # keys per page would make every 下一步 wait.
        self._shared: dict[str, Any] = {}
        self._bindings: list[tuple[Any, str, Any]] = []
        self.on_step: Callable[[str, str], None] | None = None

    # -- what subclasses provide ------------------------------------------------------------
    def steps(self) -> list[str]:
        raise NotImplementedError

    def render(self, step_id: str) -> None:
        raise NotImplementedError

    # -- state ------------------------------------------------------------------------------
    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.session.draft(self.kind).answers)

    def answer(self, key: str) -> Any:
        return self.session.draft(self.kind).get(key)

    def set_answer(self, key: str, value: Any) -> None:
        self.session.draft(self.kind).set(key, value)

    def prepare(self, data: dict[str, Any]) -> None:
        if not self.step_id or data.get("restart", True):
            self.show(self.steps()[0])

    # -- navigation --------------------------------------------------------------------------
    def show(self, step_id: str) -> None:
        self.step_id = step_id
        self.message_text = ""
        self.choices = []
        self.keypad = self.keyboard = None
        self.answer_box = None
        self._commit = None
        self._back_override = None
        self.dictation_target: Any = None
        for widget, prop, callback in self._bindings:
            widget.unbind(**{prop: callback})
        self._bindings = []
        self.page.clear()
        self.render(step_id)
        if self.on_step is not None:
            self.on_step(self.kind, step_id)

    def position(self) -> tuple[int, int]:
        steps = self.steps()
        return (steps.index(self.step_id) + 1 if self.step_id in steps else 1), len(steps)

    def go_next(self) -> None:
        if self._commit is not None and not self._commit():
            return
        steps = self.steps()
        i = steps.index(self.step_id) if self.step_id in steps else -1
        if i + 1 < len(steps):
            self.show(steps[i + 1])

    def go_back(self) -> None:
        if self._back_override is not None:
            self._back_override()
            return
        steps = self.steps()
        i = steps.index(self.step_id) if self.step_id in steps else 0
        if i == 0:
            self.report("home")
        else:
            self.show(steps[i - 1])

    def _watch(self, widget: Any, prop: str, callback: Any) -> None:
        widget.bind(**{prop: callback})
        self._bindings.append((widget, prop, callback))

    def _detached(self, key: str, make: Callable[[], Any]) -> Any:
        widget = self._shared.get(key)
        if widget is None:
            widget = self._shared[key] = make()
        if widget.parent is not None:
            widget.parent.remove_widget(widget)
        return widget

    def shared_keyboard(self, max_length: int) -> PinyinKeyboard:
        keyboard: PinyinKeyboard = self._detached("keyboard", PinyinKeyboard)
        keyboard.max_length = max_length
        keyboard.mode = "pinyin"
        keyboard.letters = ""
        keyboard.page = 0
        return keyboard

    def shared_keypad(self, max_length: int, allow_x: bool) -> Keypad:
        key = "keypad_x" if allow_x else "keypad"
        keypad: Keypad = self._detached(key, lambda: Keypad(allow_x=allow_x))
        keypad.max_length = max_length
        return keypad

    # -- page pieces -------------------------------------------------------------------------
    def header(self, question: str) -> None:
        self.question = question
        self.page.add(TitleLabel(text=question))

    def finish_submitted(self, receipt: Any, title: str, lines: list[str]) -> None:
        """The submission is durably queued: forget the draft, clear the page, show the receipt."""
        self.session.discard_draft(self.kind)
        self.step_id = ""
        self.page.clear()
        self.report("submitted", receipt=receipt, title=title, lines=lines)

    def message(self, text: str) -> None:
        self.message_text = text
        if text:
            self.page.add(NoteLabel(text=text))

    def nav(self, *, next_text: str | None = "下一步", extra: Sequence[Any] = ()) -> None:
        n, m = self.position()
        progress = ProgressLabel(text=f"第{n}步/共{m}步")
        self.progress_label = progress
        self.page.nav.clear_widgets()
        self.page.nav.add_widget(nav_button("上一步", self.go_back))
        self.page.nav.add_widget(progress)
        for w in extra:
            self.page.nav.add_widget(w)
        if next_text:
            self.page.nav.add_widget(nav_button(next_text, self.go_next, role="accent"))

    def choice_page(
        self,
        question: str,
        key: str,
        options: Sequence[tuple[str, str]],
        *,
        cols: int = 2,
        then: Callable[[], None] | None = None,
        note: str = "",
        min_col_width: float = 340,
    ) -> None:
        """Pick one; the page moves on by itself (one tap per question)."""
        self.header(question)
        if note:
            self.page.add(BodyLabel(text=note))
        self.choices = list(options)
        current = self.answer(key)
        grid = ChoiceGrid(
            cols=cols,
            options=list(options),
            selected=str(current or ""),
            min_col_width=min_col_width,
        )

        def picked(_g: Any, option_id: str) -> None:
            value: Any = option_id
            if option_id in ("yes", "no"):
                value = option_id == "yes"
            self.set_answer(key, value)
            if then is not None:
                then()
            else:
                self.go_next()

        grid.bind(on_choice=picked)
        self.page.add(grid)
        self.nav(next_text="下一步" if current is not None else None)

    def yes_no_page(self, question: str, key: str, note: str = "") -> None:
        current = self.answer(key)
        self.header(question)
        if note:
            self.page.add(BodyLabel(text=note))
        self.choices = [("yes", "是"), ("no", "不是")]
        selected = "" if current is None else ("yes" if current else "no")

        def pick(option_id: str) -> None:
            self.set_answer(key, option_id == "yes")
            self.go_next()

        box = ChoiceGrid(cols=2)
        box.clear_widgets()
        for button in option_buttons(self.choices, pick, selected or None):
            button.size_hint_y = None
            button.set_min_height(self.style.touch_px * 1.5)
            button.font_size = self.style.title_px
            box.add_widget(button)
        self.page.add(box)
        self.nav(next_text="下一步" if current is not None else None)

    def multi_page(self, question: str, key: str, options: Sequence[tuple[str, str]]) -> None:
        """Tick any number (✓ and colour); 下一步 when done."""
        self.header(question)
        chosen: list[str] = list(self.answer(key) or [])
        grid = ChoiceGrid(cols=2)

        def toggle(label: str) -> None:
            if label in chosen:
                chosen.remove(label)
            else:
                chosen.append(label)
            self.set_answer(key, list(chosen))
            for button in grid.children:
                mark_choice(button, button.option_label in chosen)

        for option_id, label in options:
            button = BigButton(size_hint_y=None, height=self.style.touch_px)
            button.option_id = option_id
            button.option_label = label
            mark_choice(button, label in chosen)
            button.bind(on_release=lambda _w, lab=label: toggle(lab))
            grid.add_widget(button)
        self.choices = list(options)
        self.page.add(grid)
        self.nav()

    def text_page(
        self,
        question: str,
        key: str,
        *,
        validate: Validator | None = None,
        max_length: int = 30,
        optional: bool = False,
    ) -> None:
        """Chinese text on the on-screen pinyin keyboard."""
        self.header(question)
        box = AnswerBox(hint="用下面的拼音键盘输入，点候选的字")
        keyboard = self.shared_keyboard(max_length)
        keyboard.value = str(self.answer(key) or "")

        def show(*_: Any) -> None:
            box.value = keyboard.value + (f"  〔{keyboard.letters}〕" if keyboard.letters else "")

        self._watch(keyboard, "value", show)
        self._watch(keyboard, "letters", show)
        show()
        self.answer_box, self.keyboard = box, keyboard
        error = NoteLabel(text="", opacity=0)
        self.page.add(box, error, keyboard)

        def commit() -> bool:
            value = keyboard.value.strip()
            if not value and optional:
                self.set_answer(key, None)
                return True
            problem = validate(value) if validate else None
            if problem:
                error.text, error.opacity = problem, 1
                self.message_text = problem
                return False
            self.set_answer(key, value)
            return True

        self._commit = commit
        self.dictation_target = keyboard
        extra = []
        if optional:
            extra.append(nav_button("跳过", self._skip(key)))
        self.nav(extra=extra)

    def digits_page(
        self,
        question: str,
        key: str,
        *,
        validate: Validator | None = None,
        max_length: int = 18,
        allow_x: bool = False,
        note: str = "",
        normalise: Callable[[str], Any] | None = None,
    ) -> None:
        """Numbers on the big keypad (X for ID numbers)."""
        self.header(question)
        box = AnswerBox(hint="用右边的数字键输入")
        keypad = self.shared_keypad(max_length, allow_x)
        keypad.value = str(self.answer(key) or "")[:max_length]
        self._watch(keypad, "value", lambda _k, v: setattr(box, "value", v))
        box.value = keypad.value
        error = NoteLabel(text="", opacity=0)
        left: list[Any] = [box, error]
        if note:
            left.insert(0, BodyLabel(text=note))
        self.page.add(beside_keypad(left, keypad))
        self.answer_box, self.keypad = box, keypad

        def commit() -> bool:
            value = keypad.value
            problem = validate(value) if validate else None
            if problem:
                error.text, error.opacity = problem, 1
                self.message_text = problem
                return False
            self.set_answer(key, normalise(value) if normalise else value)
            return True

        self._commit = commit
        self.nav()

    def _skip(self, key: str) -> Callable[[], None]:
        def skip() -> None:
            self.set_answer(key, None)
            self._commit = None
            self.go_next()

        return skip

    def address_page(
        self,
        question: str,
        prefix: str,
        district_hint: str = "",
        *,
        detail_required: bool = False,
    ) -> None:
        """District → town → village from the pack, then free text only for the rest."""
        district = self.answer(f"{prefix}_district")
        town = self.answer(f"{prefix}_town")
        level = self.answer(f"_{prefix}_level") or "district"
        pack = self.pack

        def set_level(name: str) -> None:
            self.set_answer(f"_{prefix}_level", name)
            self.show(self.step_id)

        if level != "district":
            # 上一步 inside the address goes up one level, not out of the page.
            up = {"town": "district", "village": "town", "detail": "village"}[level]
            self._back_override = lambda: set_level(up)

        if level == "district":
            options = [(o.id, o.label) for o in pack.districts()]
            if district_hint and any(i == district_hint for i, _ in options):
                options.sort(key=lambda o: o[0] != district_hint)  # this station's district first

            def picked_district() -> None:
                self.set_answer(f"{prefix}_town", None)
                self.set_answer(f"{prefix}_village", None)
                set_level("town")

            self.choice_page(
                f"{question}（第一步：区）",
                f"{prefix}_district",
                options,
                cols=3,
                then=picked_district,
            )
            self.voice_options_id = "region.district"
        elif level == "town":
            options = [(o.id, o.label) for o in pack.towns(district)]

            def picked_town() -> None:
                self.set_answer(f"{prefix}_village", None)
                set_level("village")

            self.choice_page(
                f"{question}（第二步：镇、街道）",
                f"{prefix}_town",
                options,
                cols=3,
                then=picked_town,
            )
            self.voice_options_id = f"region.town/{district}"
        elif level == "village":
            options = [(o.id, o.label) for o in pack.villages(district, town)]
            self.choice_page(
                f"{question}（第三步：村、社区）",
                f"{prefix}_village",
                options,
                cols=3,
                then=lambda: set_level("detail"),
            )
            self.voice_options_id = f"region.village/{district}/{town}"
        else:
            place = self.address_label(prefix)
            from kiosk.validation import text_problem

            self.text_page(
                f"{place}：几组几号？" + ("" if detail_required else "（可以不填）"),
                f"{prefix}_detail",
                max_length=60,
                optional=not detail_required,
                validate=lambda v: text_problem(v, "详细地址", max_chars=60),
            )
            self.voice_options_id = ""

    def address_label(self, prefix: str) -> str:
        pack = self.pack
        d, t, v = (self.answer(f"{prefix}_{k}") for k in ("district", "town", "village"))
        parts = []
        try:
            if d:
                parts.append(pack.district(d)["label"])
            if d and t:
                parts.append(pack.town(d, t)["label"])
            if d and t and v:
                parts.append(pack.village(d, t, v)["label"])
        except KeyError:
            pass
        detail = self.answer(f"{prefix}_detail")
        return "".join(parts) + (detail or "")

    def wants_dictation(self) -> bool:
        """A text page: 说话 fills the answer box (free dictation) instead of picking."""
        return getattr(self, "dictation_target", None) is not None

    def dictated(self, text: str) -> None:
        target = self.dictation_target
        if target is not None and text:
            room = int(target.max_length) - len(target.value)
            target.value += text[: max(0, room)]

    # -- voice --------------------------------------------------------------------------------
    def voice_choices(self) -> list[Any]:
        from voice.options import VoiceOption

        if self.pack is not None and getattr(self, "voice_options_id", ""):
            try:
                return list(self.pack.screen_options(self.voice_options_id))
            except KeyError:
                pass
        if self.choices and {i for i, _ in self.choices} <= {"yes", "no"}:
            return [o for o in self.pack.answers()] if self.pack is not None else []
        return [VoiceOption(i, label) for i, label in self.choices]

    def choose_by_voice(self, option_id: str) -> None:
        if self.pack is not None and option_id in {o.id for o in self.pack.answers()}:
            option_id = "yes" if self.pack.answer_value(option_id) else "no"
        grid = next((w for w in self.page.body.children if isinstance(w, ChoiceGrid)), None)
        if grid is None:
            return
        for button in grid.children:
            if getattr(button, "option_id", None) == option_id:
                button.dispatch("on_release")
                return

    # -- read aloud ---------------------------------------------------------------------------
    def spoken_text(self) -> str:
        n, m = self.position()
        text = f"第{n}步，共{m}步。{self.question}"
        if self.choices:
            text += "可以选：" + "，".join(label for _, label in self.choices) + "。"
        if self.message_text:
            text += self.message_text
        return text

    def wipe(self) -> None:
        self.session.discard_draft(self.kind)
        for widget in self._shared.values():  # what was typed last must not linger in a key
            widget.value = ""
            if isinstance(widget, PinyinKeyboard):
                widget.letters = ""
        for widget, prop, callback in self._bindings:
            widget.unbind(**{prop: callback})
        self._bindings = []
        self.step_id = ""
        self.question = self.message_text = ""
        self.choices = []
        self.keypad = self.keyboard = None
        self.answer_box = None
        self.page.clear()

    def walk(self, fill: Callable[[str], None]) -> Iterator[TourStep]:
        """Tour: every page in order, ``fill(step_id)`` answering it before moving on."""
        self.wipe()
        seen: list[str] = []
        while True:
            pending = [s for s in self.steps() if s not in seen]
            if not pending:
                return
            step = pending[0]
            seen.append(step)
            yield step, lambda s=step: self.show(s)
            fill(step)
