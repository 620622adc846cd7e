"""One question per page: a wizard's step table (``kiosk.wizards``) rendered step by step.

The page list comes from the table (recomputed after every answer, so skipped pages disappear
from 第N步/共M步) and each page is drawn by the renderer of its step's kind — one per kind below;
a subclass adds the kinds only it has (the legal-aid result, the visit's day and slot tiles).
Answers go straight into the session's draft — in memory only — and the widgets are rebuilt
from it, so a wipe leaves nothing behind in either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from typing import Any, ClassVar

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk import display_text
from kiosk.content import ContentPack, Option
from kiosk.devices.handwriting import HandwritingRecognizer
from kiosk.devices.idcard import CardReader, FailureReason, IdCard, ReadFailure, ReadResult
from kiosk.line_breaking import unbreakable_runs
from kiosk.session import Session, WriteWay
from kiosk.wizards.id_card import (
    card_answers,
    card_step_on,
    page_after_card,
    reads_card,
    sex_and_age,
)
from kiosk.wizards.steps import (
    Context,
    Kind,
    Step,
    Wizard,
    options,
    pack_text,
    pages,
    place_label,
    question_text,
    review_rows,
)
from offline_cache.outbox import Receipt
from screens.base import PageScreen, TourStep
from screens.card_read import CardPicture, CardRead
from screens.widgets import (
    TITLE_MARGIN_PX,
    AnswerBox,
    BigButton,
    BodyLabel,
    ChoiceGrid,
    Keypad,
    KeypadRow,
    NoteLabel,
    PinyinKeyboard,
    ProgressLabel,
    Question,
    TitleLabel,
    column_height,
    ems,
    mark_choice,
    nav_button,
    option_buttons,
    plan_keypad,
    row,
    text_height,
)
from screens.writing_pad import WAY_LABELS, SpeakPad, WritingPad

Validator = Callable[[str], str | None]
Renderer = Callable[[Step], None]
UNAVAILABLE = "unavailable"  # the page shown when the pack (or the ledger) is missing
CONSENT_CHOICES = (("yes", "同意"), ("no", "不同意"))
CONSENT_REFUSED = "不同意就不能提交申请。您可以拨打 12348 咨询，或者点“结束并清除”。"
PLACE_LEVELS = ("district", "town", "village", "detail")
CARD_TILE = "刷身份证"
PUT_CARD = "请把身份证平放在读卡区上。"
TAKE_CARD = "请把身份证拿走。"
TYPE_INSTEAD = "不刷卡，自己填"  # on the tile page: the resident's own words, not "keyboard"
NOT_RIGHT = "不对，自己填"  # on the read-back: the same, after a wrong read
# A read that may work when the card is put down again: the tile stays, the keypad one tap away.
TRY_AGAIN = frozenset(
    {
        FailureReason.NO_CARD,
        FailureReason.LIFT_AND_REPLACE,
        FailureReason.CARD_REMOVED,
        FailureReason.COMMUNICATION,
    }
)


class WizardScreen(PageScreen):
    """A wizard of :attr:`wizard`'s steps; subclasses add their special kinds to ``renderers``."""

    wizard: ClassVar[Wizard]
    unavailable_title: ClassVar[str] = ""
    unavailable_text: ClassVar[str] = ""

    def __init__(
        self,
        *,
        session: Session,
        pack: ContentPack | None,
        home_district: str,
        on_step: Callable[[str, str], None] | None = None,
        today: Callable[[], date] = date.today,
        card_reader: Callable[[], CardReader | None] = lambda: None,
        handwriting: Callable[[], HandwritingRecognizer | None] = lambda: None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.today = today  # the terminal's date: ages on the read-back, the visit's days
        self.card_reader = card_reader
        self.handwriting = handwriting
        self.card_read: CardRead | None = None
        self.pack = pack
        self.home_district = home_district
        self.on_step = on_step
        self.step_id = ""
        self.question = ""
        self.message_text = ""
        self.choices: list[tuple[str, str]] = []
        self.voice_options: list[Option] = []
        self.keypad: Keypad | None = None
        self.keyboard: PinyinKeyboard | None = None
        self.answer_box: AnswerBox | None = None
        self.dictation_target: PinyinKeyboard | WritingPad | SpeakPad | None = None
        self.writing_pad: WritingPad | None = None
        self.progress_label: ProgressLabel | None = None
        self._commit: Callable[[], bool] | None = None
        self._back_override: Callable[[], None] | None = None
        # The keyboard and keypads are built once and moved from page to page: building ~45
        # keys per page would make every 下一步 wait.
        self._shared: dict[str, Any] = {}
        self._bindings: list[tuple[Any, str, Any]] = []
        self.renderers: dict[Kind, Renderer] = {
            Kind.CHOICE: self.render_choice,
            Kind.YES_NO: self.render_yes_no,
            Kind.MULTI: self.render_multi,
            Kind.DIGITS: self.render_digits,
            Kind.TEXT: self.render_text,
            Kind.PLACE: self.render_place,
            Kind.REVIEW: self.render_review,
            Kind.CONSENT: self.render_consent,
        }

    @property
    def kind(self) -> str:
        """The draft's (and the submission's) kind: ``legal_aid``, ``visit_booking``."""
        return self.wizard.kind

    # -- the table -----------------------------------------------------------------------------
    def available(self) -> bool:
        """Whether the wizard can run at all (a pack is loaded)."""
        return self.pack is not None

    def context(self) -> Context:
        assert self.pack is not None
        return Context(self.pack, self.session.staff_id, today=self.today())

    def steps(self) -> list[str]:
        """The page ids on the resident's path now."""
        if not self.available():
            return [UNAVAILABLE]
        return pages(self.wizard, self.answers, self.context())

    def question_values(self, step: Step) -> dict[str, object]:
        """Values the step's question may name (``{who}``, ``{date}``)."""
        return {}

    def question_for(self, step: Step) -> str:
        return question_text(step, self.context(), **self.question_values(step))

    def note_for(self, step: Step) -> str:
        return pack_text(self.context().pack, step.note) if step.note else ""

    def validator(self, step: Step) -> Validator | None:
        rule = step.validate
        if rule is None:
            return None
        ctx = self.context()
        return lambda text: rule(text, ctx)

    def render(self, step_id: str) -> None:
        self.voice_options = []
        if step_id == UNAVAILABLE:
            self.header(self.unavailable_title)
            self.message(self.unavailable_text)
            self.nav(next_text=None)
            return
        card_step = self._card_step_on(step_id)
        if card_step is not None:
            pending = self.answer(f"_{card_step.key}_card")
            if pending:
                self.card_confirm_page(card_step, pending)
            else:
                self.card_page(card_step)
            return
        step = self.wizard.step(step_id)
        self.renderers[step.kind](step)

    def _card_step_on(self, step_id: str) -> Step | None:
        """The ID-number step whose 刷身份证 tile this page shows (a reader is configured and the
        resident hasn't chosen typing for that person)."""
        if self.card_reader() is None:
            return None
        step = card_step_on(self.wizard, step_id, self.answers, self.context())
        if step is None or self.answer(f"_{step.key}_typing"):
            return None
        return step

    # -- state ---------------------------------------------------------------------------------
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

    # -- navigation ----------------------------------------------------------------------------
    def show(self, step_id: str) -> None:
        self.stop_card_read()
        self.step_id = step_id
        self.message_text = ""
        self.choices = []
        self.keypad = self.keyboard = None
        self.writing_pad = None
        self.answer_box = None
        self._commit = None
        self._back_override = None
        self.dictation_target = None
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
        keyboard.half = 0
        keyboard.fit_window()  # a–m / n–z on a short or narrow screen
        return keyboard

    def shared_pad(self, recognizer: HandwritingRecognizer, max_length: int) -> WritingPad:
        pad: WritingPad | None = self._shared.get("pad")
        if pad is not None and pad.recognizer is not recognizer:  # a new recogniser was attached
            pad.stop()
            del self._shared["pad"]
        pad = self._detached("pad", lambda: WritingPad(recognizer, self.style))
        pad.max_length = max_length
        pad.rewrite()
        return pad

    def _write_by(
        self, way: WriteWay | None, key: str, writer: PinyinKeyboard | WritingPad | SpeakPad
    ) -> None:
        """手写 / 拼音 / 说出来 with one tap (``way``; None: the page again as it is), kept for the
        rest of the session on every text page; what was written so far stays."""
        if way is not None:
            self.session.write_way = way
        self.set_answer(key, str(writer.value) or None)
        self.show(self.step_id)

    def shared_keypad(self, max_length: int, allow_x: bool) -> Keypad:
        key = "keypad_x" if allow_x else "keypad"
        keypad: Keypad = self._detached(key, lambda: Keypad(allow_x=allow_x))
        keypad.max_length = max_length
        return keypad

    # -- page pieces ---------------------------------------------------------------------------
    def header(self, question: str) -> None:
        self.question = question
        self.page.add(TitleLabel(text=question))

    def finish_submitted(
        self, receipt: Receipt, title: str, lines: list[str], **extra: Any
    ) -> None:
        """The submission is durably queued: forget the draft, clear the page, show the receipt.
        ``extra``: more for the receipt screen (``slip``: station → the slip to print)."""
        self.session.discard_draft(self.kind)
        self.step_id = ""
        self.page.clear()
        self.report("submitted", receipt=receipt, title=title, lines=lines, **extra)

    def message(self, text: str) -> None:
        self.message_text = text
        if text:
            self.page.add(NoteLabel(text=text))

    def nav(
        self, *, next_text: str | None = "下一步", extra: Sequence[Any] = (), beside: bool = False
    ) -> None:
        """上一步, 第N步/共M步, ``extra`` and 下一步 in the bar at the bottom, or (``beside``: a
        keyboard page on a short landscape screen) in a column at the right."""
        n, m = self.position()
        progress = ProgressLabel(step=n, total=m)
        self.progress_label = progress
        self.page.nav.clear_widgets()
        self.page.nav_beside(beside)
        self.page.nav.add_widget(nav_button("上一步", self.go_back))
        self.page.nav.add_widget(progress)
        if beside:
            self.page.nav.add_widget(Label())  # 下一步 at the bottom, where the eye ends
        for w in extra:
            self.page.nav.add_widget(w)
        if next_text:
            self.page.nav.add_widget(nav_button(next_text, self.go_next, role="accent"))
        if beside:
            self.page.fit_column()
        else:
            self.page.fit_nav()

    def edit_rows(self, rows: Sequence[tuple[str, str]], height: float) -> None:
        """Lines of text each with 修改 right beside it, going back to the step named.

        修改 comes first on its line: at the far end of a wide row it sat a screen's width away
        from a short answer, and a resident couldn't tell which answer it changes.
        """
        from kivy.core.window import Window

        edit_w = self.style.touch_px * 1.4
        # The text's width beside 修改 with the page strip showing (a review runs over turns).
        beside_w = Window.width - 48 - 166 - edit_w - 20
        for text_value, step_id in rows:
            text = BodyLabel(text=text_value, size_hint_x=1)
            edit = BigButton(text="修改", size_hint_x=None, width=edit_w)
            edit.bind(on_release=lambda _w, s=step_id: self.show(s))
            longest = max(ems(run) for run in unbreakable_runs(text_value) or [""])
            if longest * float(self.style.small_px) > beside_w:
                # A number too long for the line beside 修改 (an ID number on 800×1280): the
                # answer on its own line, 修改 right under it, the number whole.
                edit.size_hint_y = None
                line = BoxLayout(orientation="vertical", size_hint_y=None, spacing=8)
                line.add_widget(text)
                line.add_widget(row(edit, Widget(), height=height))
                line.bind(minimum_height=line.setter("height"))
                line.page_row = True
                self.page.add(line)
                continue
            line = row(edit, text, height=height)
            line.page_row = True  # one line of a list: the list may run over page turns
            text.bind(height=lambda _w, h, ln=line: setattr(ln, "height", max(height, h)))
            self.page.add(line)

    # -- one renderer per kind -----------------------------------------------------------------
    def render_choice(self, step: Step) -> None:
        """Pick one; the page moves on by itself (one tap per question)."""
        found = options(step, self.context())
        self.choice_page(
            self.question_for(step),
            step.key,
            [(o.id, o.label) for o in found],
            cols=step.columns,
            min_col_width=step.min_col_width,
            note=self.note_for(step),
        )
        self.voice_options = found

    def render_yes_no(self, step: Step) -> None:
        self.yes_no_page(self.question_for(step), step.key, note=self.note_for(step))

    def render_multi(self, step: Step) -> None:
        found = options(step, self.context())
        self.multi_page(self.question_for(step), step.key, [(o.id, o.label) for o in found])
        self.voice_options = found

    def render_digits(self, step: Step) -> None:
        offer_card = self.card_reader() is not None and reads_card(step)
        self.digits_page(
            self.question_for(step),
            step.key,
            validate=self.validator(step),
            max_length=step.length(self.context()),
            allow_x=step.allow_x,
            note=self.note_for(step),
            normalise=int if step.number else None,
            shown_as=step.shown_as,
            extra=[nav_button("刷身份证", partial(self._use_card, step))] if offer_card else (),
        )

    # -- 刷身份证 --------------------------------------------------------------------------------
    def _use_card(self, step: Step, typing: bool = False) -> None:
        """刷身份证 (``typing`` False) or 自己填 for the person of ``step``, on this page."""
        self.set_answer(f"_{step.key}_typing", typing or None)
        self.set_answer(f"_{step.key}_card", None)
        self.show(self.step_id)

    def card_page(self, step: Step, problem: str = "", *, start: bool = True) -> None:
        """The big 刷身份证 tile with the picture; arriving here (``start``) or tapping the tile
        starts a read."""
        self.header(self.question_for(self.wizard.step(self.step_id)))
        # Where the card goes is in the picture and said in the message below the tile.
        tile = BigButton(text=CARD_TILE)
        tile.font_size = self.style.title_px
        tile.bind(on_release=lambda _w: self.start_card_read(step))
        picture = CardPicture(self.style.text, self.style.accent, size_hint_x=0.4)
        self.page.add(row(picture, tile, height=self.style.touch_px * 2))
        self.message(problem or PUT_CARD)
        self.choices = []
        self.nav(
            next_text=None, extra=[nav_button(TYPE_INSTEAD, partial(self._use_card, step, True))]
        )
        if start:
            self.start_card_read(step)

    def start_card_read(self, step: Step) -> None:
        self.stop_card_read()
        reader = self.card_reader()
        if reader is not None:
            self.card_read = CardRead(reader, partial(self._card_result, step)).start()

    def on_leave(self, *_args: Any) -> None:
        # The resident went elsewhere (home, 结束并清除): a read still waiting stops.
        self.stop_card_read()

    def stop_card_read(self) -> None:
        if self.card_read is not None:
            self.card_read.cancel()
            self.card_read = None

    def _card_result(self, step: Step, result: ReadResult) -> None:
        self.card_read = None
        if self._card_step_on(self.step_id) is not step:
            return
        if isinstance(result, ReadFailure):
            if result.reason is FailureReason.CANCELLED:
                return
            if result.reason in TRY_AGAIN:
                # The tile stays; the next read starts when it is tapped (a reader that
                # answers "no card" at once must not be polled in a loop).
                self.page.clear()
                self.card_page(step, result.message, start=False)
            else:  # a card this kiosk can't take (expired, foreign, mismatch): the keypad
                self.set_answer(f"_{step.key}_typing", True)
                self.show(self.step_id)
                self.message(result.message)
            self.report("say", text=result.message)
            return
        self.set_answer(
            f"_{step.key}_card", card_answers(self.wizard, step, result, self.context())
        )
        self.show(self.step_id)
        self.report("say", text=TAKE_CARD)

    def card_confirm_page(self, step: Step, pending: dict[str, Any]) -> None:
        """What the card said, large, the number in 6-8-4 groups; 确认 takes it all."""
        self.header("身份证上是这些，对吗？")
        number = str(pending[step.key])
        lines = ["身份证号：", display_text.id_number(number)]  # the groups on a line of their own
        if step.card_name:
            name = pending[self.wizard.step(step.card_name).key]
            lines.insert(0, f"姓名：{name}{sex_and_age(number, self.today())}")
        if step.card_address:
            prefix = self.wizard.step(step.card_address).key
            place = place_label(self.context().pack, pending, prefix)
            lines.append(f"住址：{place}")  # place_label ends with the detail (几组几号)
        for line in lines:
            label = TitleLabel(text=line)
            if line[0].isdigit():
                # The number at title size where it fits on one line, else smaller down to the
                # body floor (800×1280), never broken: a body label drawn large.
                label = BodyLabel(text=line, bold=True)
                label.font_size = self.style.title_px
            self.page.add(label)
        self.message(TAKE_CARD)

        def confirm() -> None:
            self.set_answer(f"_{step.key}_card", None)
            for key, value in pending.items():
                self.set_answer(key, value)
            self.show(page_after_card(self.wizard, step, self.answers, self.context()))

        self.nav(
            next_text=None,
            extra=[
                nav_button(NOT_RIGHT, partial(self._use_card, step, True)),
                nav_button("确认", confirm, role="accent"),
            ],
        )

    def render_text(self, step: Step, way: WriteWay | None = None) -> None:
        """The step's text page, in ``way`` (None: the session's way of writing)."""
        self.text_page(
            self.question_for(step),
            step.key,
            validate=self.validator(step),
            max_length=step.length(self.context()),
            optional=step.optional,
            way=way,
        )

    def render_place(self, step: Step) -> None:
        self.address_page(step)

    def render_consent(self, step: Step) -> None:
        def after() -> None:
            if self.answer(step.key) is True:
                self.go_next()
            else:
                self.show(step.id)
                self.message(CONSENT_REFUSED)

        self.choice_page(self.question_for(step), step.key, CONSENT_CHOICES, then=after)

    def render_review(self, step: Step) -> None:
        """Every answer on the path, each with 修改 beside it; what follows is the screen's."""
        self.header(self.question_for(step))
        rows = review_rows(self.wizard, self.answers, self.context())
        self.edit_rows([(f"{r.label}：{r.value}", r.step) for r in rows], self.style.touch_px)
        self.review_footer()

    def review_footer(self) -> None:
        """Below the review rows: by default just 没问题，下一步."""
        self.nav(next_text="没问题，下一步")

    # -- the page shapes the renderers share ---------------------------------------------------
    def choice_page(
        self,
        question: str,
        key: str,
        choices: Sequence[tuple[str, str]],
        *,
        cols: int = 2,
        then: Callable[[], None] | None = None,
        note: str = "",
        min_col_width: float = 340,
    ) -> None:
        self.header(question)
        if note:
            self.page.add(BodyLabel(text=note))
        self.choices = list(choices)
        current = self.answer(key)
        selected = current if isinstance(current, str) else {True: "yes", False: "no"}.get(current)
        grid = ChoiceGrid(
            cols=cols,
            options=list(choices),
            selected=selected or "",
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
        assert self.pack is not None
        self.choices = [
            ("yes" if self.pack.answer_value(o.id) else "no", o.label) for o in self.pack.answers()
        ]
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

    def multi_page(self, question: str, key: str, choices: Sequence[tuple[str, str]]) -> None:
        """Tick any number (✓ and colour); 下一步 when done."""
        self.header(question)
        chosen: list[str] = list(self.answer(key) or [])
        grid = ChoiceGrid(cols=2)

        def toggle(option_id: str) -> None:
            if option_id in chosen:
                chosen.remove(option_id)
            else:
                chosen.append(option_id)
            self.set_answer(key, list(chosen))
            for button in grid.children:
                mark_choice(button, button.option_id in chosen)

        for option_id, label in choices:
            button = BigButton(size_hint_y=None, height=self.style.touch_px)
            button.option_id = option_id
            button.option_label = label
            mark_choice(button, option_id in chosen)
            button.bind(on_release=lambda _w, i=option_id: toggle(i))
            grid.add_widget(button)
        self.choices = list(choices)
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
        way: WriteWay | None = None,
    ) -> None:
        """Chinese text written by hand on the pad, on the pinyin keyboard, or said (说出来):
        the way last used in this session, the others one tap away (``way``: this one, for the
        tour's picture of a way the terminal can't offer right now)."""
        self.question = question
        ways = self.write_ways()
        if way is None:
            way = self.session.write_way if self.session.write_way in ways else ways[0]
        writer: PinyinKeyboard | WritingPad | SpeakPad
        title = Question(text=question)
        show_error: Callable[[Any], None] | None = None  # the error's place beside the answer
        error = NoteLabel(text="", opacity=0)
        if way is WriteWay.HAND:
            recognizer = self.handwriting()
            assert recognizer is not None
            box = AnswerBox(hint="在方框里写字")
            pad = self.shared_pad(recognizer, max_length)
            pad.value = str(self.answer(key) or "")
            self._watch(pad, "value", lambda _p, v: setattr(box, "value", v))
            box.value = pad.value
            self.writing_pad = writer = pad
            self._place_pad(title, box, error, pad)
        elif way is WriteWay.VOICE:
            box = AnswerBox(hint="点下面的“点这里，开始说”，说完停一下")
            speak: SpeakPad = self._detached("speak", lambda: SpeakPad(self.style))
            speak.max_length = max_length
            speak.value = str(self.answer(key) or "")
            self._watch(speak, "value", lambda _p, v: setattr(box, "value", v))
            self._watch(speak, "on_speak", lambda *_: self.report("speak"))
            box.value = speak.value
            writer = speak
            self._place_speak(title, box, error, speak)
        else:
            box = AnswerBox(hint="用拼音键盘输入，点候选的字")
            keyboard = self.shared_keyboard(max_length)
            keyboard.value = str(self.answer(key) or "")

            def show(*_: Any) -> None:
                letters = keyboard.letters
                box.value = keyboard.value + (f"  〔{letters}〕" if letters else "")

            self._watch(keyboard, "value", show)
            self._watch(keyboard, "letters", show)
            show()
            self.keyboard = writer = keyboard
            if keyboard.halves:  # a short or narrow screen: the question at body size at most
                # (given way once the nav is in place: _question_over_keys).
                title.step = "body"
                # The answer heads the keys, the error (when there is one) beside it: a row of
                # its own would push keys off the screen.
                keyboard.answer = box
                show_error = keyboard.show_note
                self.page.add(title, writer)
            elif PinyinKeyboard.answer_beside():
                keyboard.answer = box  # at the head of the candidate row: a row saved
                self.page.add(title, writer)  # the error is added when there is one
            else:
                keyboard.answer = None
                self.page.add(title, box, writer)
        self.answer_box = box
        # 说出来 comes and goes with the voice model: the page is drawn again, what was written kept.
        self._watch(self.top_bar, "voice_ready", lambda *_: self._write_by(None, key, writer))

        def commit() -> bool:
            value = str(writer.value).strip()
            if not value and optional:
                self.set_answer(key, None)
                return True
            problem = validate(value) if validate else None
            if problem:
                error.text, error.opacity = problem, 1
                if error.parent is None:  # only there when it says something: room for keys
                    if show_error is not None:
                        if not box.value:  # the error says what to do: no hint beside it
                            box.hint = ""
                        show_error(error)
                        self._question_over_keys(title, writer, error)
                    else:
                        self.page.body.add_widget(error, index=1)
                self.message_text = problem
                return False
            self.set_answer(key, value)
            return True

        self._commit = commit
        self.dictation_target = writer
        extra = [
            nav_button(WAY_LABELS[other], partial(self._write_by, other, key, writer))
            for other in ways
            if other is not way
        ]
        if optional:
            extra.append(nav_button("跳过", self._skip(key)))
        self.nav(extra=extra, beside=way is WriteWay.PINYIN and PinyinKeyboard.short_screen())
        if show_error is not None:
            self._question_over_keys(title, writer)

    def _question_over_keys(self, question: Any, keyboard: Any, error: Any = None) -> None:
        """The question over the keyboard in halves gives way (Question) to the keys, the
        answer row and ``error`` beside the answer box (two thirds of the row) if shown: what
        the page body has beside the nav column (measured) in landscape, over the nav bar in
        portrait. 事情经过 at 1024×768 特大 is its first sentence, gone under an error."""
        from kivy.core.window import Window

        width = Window.width - 48 - self.page.nav_column_width()
        room = self.page.body_room(nav_beside=self.page.nav_column_width() > 0)
        if error is not None:  # the answer row grows to the error's height
            room -= max(0.0, column_height([error], width * 2 / 3) - 84)
        room -= 16 + keyboard.keys_height()
        question.give_way(width, room, top="body", error=error is not None)

    def write_ways(self) -> list[WriteWay]:
        """The ways of writing this terminal offers now, the default first: 手写 when there is a
        recogniser (many elderly residents can't spell pinyin), then 拼音; 说出来 while the voice
        model is ready."""
        recognizer = self.handwriting()
        ways = [WriteWay.PINYIN]
        if recognizer is not None and recognizer.unavailable_reason is None:
            ways.insert(0, WriteWay.HAND)
        if self.top_bar.voice_ready:
            ways.append(WriteWay.VOICE)
        return ways

    def _place_pad(self, title: Any, box: Any, error: Any, pad: WritingPad) -> None:
        """On a landscape screen the question and the answer box sit beside the pad, the row as
        high as the page's visible part: a page that scrolled would move under the writing
        finger (1280×800 at 特大, 1366×768). In portrait they stand above it."""
        from kivy.core.window import Window

        wide = Window.width > Window.height
        pad.arrange(wide=wide)
        if not wide:
            self._stack_pad(title, box, error, pad)
        else:  # at 特大 a title-size question is four characters a line beside the pad
            self._question_beside(title, box, error, pad, 0.64, self.style.touch_px * 3)
        # A 竖 stroke must draw, not scroll the page away under the finger.
        self.page.hold_drag(True)

    def _stack_pad(self, title: Any, box: Any, error: Any, pad: WritingPad) -> None:
        """Portrait: the question, the answer box and the pad one above the other, all on
        screen at once (a page turn between the question and the pad would leave a resident
        writing blind). The pad takes the height left, from 2 rows of candidates (least a
        finger writes in) to 3; the question gives way (Question) to the whole answer and the
        pad at its full height, then a long answer shows its last lines only, before the pad
        would go below its least."""
        touch = self.style.touch_px
        least, full = WritingPad.portrait_heights(touch)
        # A long answer shows its last lines ("…" and the end) in the height it is given; the
        # box sits in a view of that height, scrolled to its end, should the lines come out
        # one more than measured.
        holder = ScrollView(do_scroll_x=False, size_hint_y=None, bar_width=8)
        holder.add_widget(box)
        pad.size_hint_x, pad.size_hint_y = 1, None
        pad.height = full
        self.page.add(title, holder, pad)  # the error goes above the pad when there is one
        scroll, body = self.page.scroll, self.page.body

        def fit(width: float) -> None:
            gap = body.spacing
            shown_error = error.height + gap if error.parent is body else 0.0
            room = scroll.height - 2 - shown_error - gap  # the gap between holder and pad
            whole = _text_height(box, box.text if not pad.value else pad.value, width)
            one_line = max(84.0, 1.2 * box.font_size + 16)  # the box is at least 84 high
            box_least = min(whole, one_line)
            title.give_way(
                width,
                room - gap - box_least - least,
                title_room=room - gap - whole - full,
                error=bool(shown_error),
            )
            left = room - gap - title.height_of(title.step, width)
            shown_box = whole if left - whole >= full else max(box_least, left - full)
            shown_box = min(whole, shown_box)
            box.value = _tail_within(box, pad.value, width, shown_box)
            holder.height = min(box.height, shown_box)
            holder.scroll_y = 0
            # At most a square writing area over the buttons (4.5 fingers on a narrow screen).
            most = max(touch * 4.5, (width - 16) / 2 + 16 + touch)
            pad.height = min(most, max(least, left - shown_box))

        self._refit(fit, box, error, pad)

    def _refit(self, fit: Callable[[float], None], box: Any, error: Any, writer: Any) -> None:
        """``fit(writer's width)`` once after this frame's layouts, however many of the page's
        height, the answer's, the error's and the writer's width changed; not before the page
        is laid out, nor once it has moved on (the next page reuses the same page body)."""
        scroll, body = self.page.scroll, self.page.body

        def run(*_: Any) -> None:
            laid_out = writer.width >= 2 * self.style.touch_px and scroll.height >= 1
            if laid_out and _within(box, body):
                fit(writer.width)

        refit = Clock.create_trigger(run, -1)
        watched = ((scroll, "height"), (box, "height"), (error, "height"), (writer, "width"))
        for widget, prop in (*watched, (body, "children")):
            self._watch(widget, prop, refit)
        refit()

    def _question_beside(
        self, title: Any, box: Any, error: Any, writer: Any, share: float, least: float
    ) -> None:
        """The question at body size, the answer and the error (empty until one is shown) in a
        column beside ``writer`` (``share`` of the row), the row as high as the page's visible
        part (``least`` at the least): the page — and the writer — never moves. The column
        scrolls by itself if a long question and a long answer need it: the question first;
        once written, the answer's end."""
        title.step = "body"
        column = BoxLayout(orientation="vertical", spacing=16, size_hint_y=None)
        column.bind(minimum_height=column.setter("height"))
        for widget in (title, box, error):
            column.add_widget(widget)
        view = ScrollView(do_scroll_x=False, size_hint_x=1 - share, bar_width=8)
        view.add_widget(column)
        writer.size_hint = (share, 1)
        both = BoxLayout(size_hint_y=None, spacing=24)
        both.add_widget(view)
        both.add_widget(writer)
        scroll = self.page.scroll

        def fit(*_: Any) -> None:
            both.height = max(least, scroll.height - 2)

        def latest(*_: Any) -> None:
            view.scroll_y = 0 if box.value and column.height > view.height else 1

        self._watch(scroll, "height", fit)
        self._watch(column, "height", latest)
        fit()
        self.page.add(both)

    def _place_speak(self, title: Any, box: Any, error: Any, speak: SpeakPad) -> None:
        """说出来: the question, the answer and the big speak tile on screen at once. A short
        screen at 特大: the question at body size, the tile down to one finger's height; where
        that is still too tall (1024×768 with 说话 in the top bar), the question and the answer
        in a column beside the tile, which stands over 删一个字 and 全部重说."""
        from kivy.core.window import Window

        touch = self.style.touch_px
        speak.arrange(column=False)
        speak.size_hint = (1, None)
        self.page.add(title, box, speak)  # the error goes above the tile when there is one
        scroll, body = self.page.scroll, self.page.body
        beside: list[bool] = []  # not empty once the page is laid out side by side

        def side_by_side() -> None:
            beside.append(True)  # first: the removals below set off fit again
            for widget in (title, box, error, speak):
                if widget.parent is not None:
                    widget.parent.remove_widget(widget)
            # The answer at body size, its hint just what the tile beside it doesn't say.
            box.font_factor, box.hint = 1.0, "说完停一下"
            speak.arrange(column=True)
            self._question_beside(title, box, error, speak, 0.55, 1.6 * touch + 16)

        def fit(width: float) -> None:
            if beside:
                return  # side by side already
            gap = body.spacing
            room = scroll.height - 2 - box.height - gap
            if error.parent is body:
                room -= error.height + gap
            # The question at title size over the tile at its full height, else at body size
            # over it at one finger's; else, in landscape, beside it.
            room -= gap
            fits = title.give_way(width, room - touch, title_room=room - touch * 1.5, last="body")
            if not fits and Window.width > Window.height:
                side_by_side()
                return
            head_h = title.height_of(title.step, width)
            speak.min_height = min(touch * 1.5, max(touch, room - head_h))

        self._refit(fit, box, error, speak)

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
        shown_as: Callable[[str], str] | None = None,
        extra: Sequence[Any] = (),
    ) -> None:
        """Numbers on the big keypad (X for ID numbers), the question beside it, shown grouped
        as they are typed."""
        self.question = question
        box = AnswerBox(hint="用数字键输入")
        keypad = self.shared_keypad(max_length, allow_x)
        keypad.value = str(self.answer(key) or "")[:max_length]
        show = shown_as or str
        self._watch(keypad, "value", lambda _k, v: setattr(box, "value", show(v)))
        box.value = show(keypad.value)
        error = NoteLabel(text="", opacity=0)
        from kivy.core.window import Window

        window_w, window_h = Window.size
        body_px = float(self.style.body_px)
        # The nav first (a column beside the keys where they stack): the room is measured.
        stacked = plan_keypad(window_w, window_h, body_px, nav_width=0).mode == "stacked"
        self.nav(extra=extra, beside=stacked)
        nav_width = self.page.nav_column_width()
        plan = plan_keypad(window_w, window_h, body_px, nav_width=nav_width)

        def too_tall(question: str, hint: str) -> bool:  # over the keys, at body size at least
            column = [Question(text=question, step="body"), BodyLabel(text=hint), box]
            room = plan.column_room - TITLE_MARGIN_PX
            return plan.mode != "beside" and column_height(column, plan.column_width) > room

        # Short: too little room for the whole question with its note and the answer box.
        short = plan.short or too_tall(question, note)
        # On a short screen only the question's first sentence is the title, the rest (工资、
        # 养老金……都算上) body text under it: a title-size paragraph beside the keys is taller
        # than the page.
        first, rest = display_text.split_first_sentence(question) if short else (question, "")
        left: list[Any] = [Question(text=first), box, error]
        hint = BodyLabel(text=rest or ("" if short else note))
        if note and short:
            box.hint = note  # a short screen: the hint is shown in the empty box itself
            if too_tall(first, rest):
                # Still too tall over the keys (800×1280 at 特大, the box empty): the note gives
                # way to the question's own words; 朗读 still says it.
                box.hint = "用数字键输入"
        if hint.text:
            left.insert(1, hint)
        self.page.add(KeypadRow(left, keypad, nav_width=nav_width))
        self.answer_box, self.keypad = box, keypad

        def commit() -> bool:
            value = str(keypad.value)
            problem = validate(value) if validate else None
            if problem:
                error.text, error.opacity = problem, 1
                # Over the keys (or beside them on a short screen) the message takes the
                # hint's place: what went wrong matters more now than how to type.
                if (short or plan.mode != "beside") and hint.parent is not None:
                    hint.parent.remove_widget(hint)
                self.message_text = problem
                return False
            self.set_answer(key, normalise(value) if normalise else value)
            return True

        self._commit = commit

    def _skip(self, key: str) -> Callable[[], None]:
        def skip() -> None:
            self.set_answer(key, None)
            self._commit = None
            self.go_next()

        return skip

    def address_page(self, step: Step) -> None:
        """District → town → village from the pack, then free text only for the rest."""
        prefix = step.key
        question = self.question_for(step)
        district = self.answer(f"{prefix}_district")
        town = self.answer(f"{prefix}_town")
        level = self.answer(f"_{prefix}_level") or "district"
        pack = self.context().pack

        def set_level(name: str) -> None:
            self.set_answer(f"_{prefix}_level", name)
            self.show(self.step_id)

        if level != "district":
            # 上一步 inside the address goes up one level, not out of the page.
            up = PLACE_LEVELS[PLACE_LEVELS.index(level) - 1]
            self._back_override = lambda: set_level(up)

        found: list[Option]
        if level == "district":
            found = pack.screen_options("region.district")
            if any(o.id == self.home_district for o in found):
                found.sort(key=lambda o: o.id != self.home_district)  # this station's first

            def picked_district() -> None:
                self.set_answer(f"{prefix}_town", None)
                self.set_answer(f"{prefix}_village", None)
                set_level("town")

            self._choose_place(
                f"{question}（第一步：区）", f"{prefix}_district", found, picked_district
            )
        elif level == "town":
            found = pack.screen_options(f"region.town/{district}")

            def picked_town() -> None:
                self.set_answer(f"{prefix}_village", None)
                set_level("village")

            self._choose_place(
                f"{question}（第二步：镇、街道）", f"{prefix}_town", found, picked_town
            )
        elif level == "village":
            found = pack.screen_options(f"region.village/{district}/{town}")
            self._choose_place(
                f"{question}（第三步：村、社区）",
                f"{prefix}_village",
                found,
                lambda: set_level("detail"),
            )
        else:
            # The place the resident picked; the detail is what this page asks (a card's
            # 3组12号 is already in the box, not in the question too).
            picked = {k: v for k, v in self.answers.items() if k != f"{prefix}_detail"}
            place = place_label(pack, picked, prefix)
            self.text_page(
                f"{place}：几组几号？" + ("" if step.detail_required else "（可以不填）"),
                f"{prefix}_detail",
                max_length=step.length(self.context()),
                optional=not step.detail_required,
                validate=self.validator(step),
            )

    def _choose_place(
        self, question: str, key: str, found: list[Option], then: Callable[[], None]
    ) -> None:
        self.choice_page(question, key, [(o.id, o.label) for o in found], cols=3, then=then)
        self.voice_options = found

    def address_label(self, prefix: str) -> str:
        return place_label(self.context().pack, self.answers, prefix)

    def wants_dictation(self) -> bool:
        """A text page: 说话 fills the answer box (free dictation) instead of picking."""
        return self.dictation_target is not None

    def dictated(self, text: str) -> None:
        target = self.dictation_target
        if target is not None and text:
            room = int(target.max_length) - len(target.value)
            target.value += text[: max(0, room)]

    # -- voice ---------------------------------------------------------------------------------
    def voice_page(self) -> str:
        step = self._current_step()
        return _VOICE_PAGES.get(step.kind, "choice") if step is not None else "choice"

    def voice_screen(self) -> str | None:
        step = self._current_step()
        return (step.options or None) if step is not None else None

    def _current_step(self) -> Step | None:
        if not self.step_id or self.step_id == UNAVAILABLE:
            return None
        return self.wizard.step(self.step_id)

    def voice_choices(self) -> list[Any]:
        from voice.options import VoiceOption

        if self.voice_options:
            return list(self.voice_options)
        if self.choices and {i for i, _ in self.choices} <= {"yes", "no"}:
            if self.pack is None:
                return []
            labels = dict(self.choices)
            if labels.get("yes") in ("是", None):
                return list(self.pack.answers())
            # A page whose buttons say something else (同意 / 不同意): those words are the
            # answers, and the pack's 是/对… and 不是/没有… count for the same side. Without
            # this, 同意 was heard as the nearest of 是 / 不是 — 不是.
            words: dict[str, list[str]] = {"yes": [], "no": []}
            for option in self.pack.answers():
                side = "yes" if self.pack.answer_value(option.id) else "no"
                words[side] += [option.label, *option.synonyms]
            return [
                VoiceOption(value, labels[value], tuple(words[value]))
                for value in ("yes", "no")
                if value in labels
            ]
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

    # -- read aloud ----------------------------------------------------------------------------
    def spoken_text(self) -> str:
        n, m = self.position()
        text = f"第{n}步，共{m}步。{self.question}"
        if self.choices:
            text += "可以选：" + "，".join(label for _, label in self.choices) + "。"
        if self.message_text:
            text += self.message_text
        return text

    def wipe(self) -> None:
        self.stop_card_read()
        self.session.discard_draft(self.kind)
        for widget in self._shared.values():  # what was typed last must not linger in a key
            widget.value = ""
            if isinstance(widget, PinyinKeyboard):
                widget.letters = ""
                widget.forget_notes()  # the last page's error goes with it
            if isinstance(widget, WritingPad):  # the strokes of the last character too
                widget.rewrite()
        for widget, prop, callback in self._bindings:
            widget.unbind(**{prop: callback})
        self._bindings = []
        self.step_id = ""
        self.question = self.message_text = ""
        self.choices = []
        self.voice_options = []
        self.keypad = self.keyboard = None
        self.writing_pad = None
        self.answer_box = None
        self.dictation_target = None
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
            yield step, partial(self.show, step)
            fill(step)

    def states_tour(self, demo: dict[str, Any]) -> Iterator[TourStep]:
        """Tour: the address pick-lists (district → town → village) and the error states of
        the pages that check what is typed (a wrong number, an empty answer)."""
        steps = self.steps()
        if "address" in steps:
            for level in ("district", "town", "village"):

                def pick(level: str = level) -> None:
                    self.show(steps[0])
                    for key, value in demo.items():
                        if key.startswith("address_"):
                            self.set_answer(key, value)
                    self.set_answer("_address_level", level)
                    self.show("address")

                yield f"address_{level}", pick
        wrong = {"id_number": "3204831956", "phone": "139123", "household": "", "name": ""}
        for step_id, typed in wrong.items():
            if step_id not in steps:
                continue

            def error(step_id: str = step_id, typed: str = typed) -> None:
                self.show(step_id)
                writer = self.keypad or self.dictation_target  # keypad, keyboard or pad
                if writer is not None:
                    writer.value = typed
                self.go_next()  # refused: the page says why

            yield f"{step_id}_error", error

    def card_tour(self, card: IdCard) -> Iterator[TourStep]:
        """Tour: the 刷身份证 tile and the read-back of ``card``, on the first card page."""
        step = next(s for s in self.wizard.steps if reads_card(s))
        first = next(p for p in self.steps() if p in (step.id, step.card_name))

        def tile() -> None:
            self.show(first)
            self.page.clear()
            self.card_page(step, start=False)  # no reader in a tour: the page only

        def read_back() -> None:
            self.show(first)
            self.page.clear()
            self.card_confirm_page(step, card_answers(self.wizard, step, card, self.context()))

        yield "id_card", tile
        yield "id_card_confirm", read_back

    def writing_tour(self, step_id: str) -> Iterator[TourStep]:
        """Tour: on the text page ``step_id``, 王 written on the pad with its candidates (where
        handwriting works), the 说出来 way (drawn even without a voice model), and the 拼音
        way, also with its error shown (a one-character name)."""
        step = self.wizard.step(step_id)
        recognizer = self.handwriting()

        def written() -> None:
            from kivy.clock import Clock

            self.session.write_way = WriteWay.HAND
            self.show(step_id)
            pad = self.writing_pad
            if pad is not None:  # strokes in the pad's size: once the page is laid out
                Clock.schedule_once(lambda _dt: pad.pad.replay(TOUR_STROKES), 0.05)

        def said() -> None:
            self.show(step_id)
            self.page.clear()
            self.render_text(step, WriteWay.VOICE)

        def typed(wrong: str | None = None) -> None:  # 拼音, and 拼音 with the page's error
            self.show(step_id)
            self.page.clear()
            self.render_text(step, WriteWay.PINYIN)
            if wrong is not None and self.keyboard is not None:
                self.keyboard.value = wrong
                self.go_next()  # refused: the error beside the answer box

        if recognizer is not None and recognizer.unavailable_reason is None:
            yield "writing_pad", written
        yield "write_by_voice", said
        yield "write_by_pinyin", typed
        yield "write_by_pinyin_error", partial(typed, "王")

    def demo_card(self, name: str, id_number: str, sex: str) -> IdCard:
        """Tour: a fictional card living at this station's demo address."""
        pack = self.context().pack
        where = self.demo_address()
        place = place_label(pack, where, "address")
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        return IdCard(
            name=name,
            sex=sex,
            nation_code="01",
            birth_date=birth,
            address=f"江苏省常州市{place}3组12号",
            id_number=id_number,
            issuing_office="常州市公安局",
            valid_from=date(2016, 3, 1),
            valid_until=None,
        )

    def demo_fill(self, demo: dict[str, Any]) -> Callable[[str], None]:
        """Tour: a ``fill`` that answers each page from ``demo`` (keys by step, address parts)."""

        def fill(step: str) -> None:
            for key, value in demo.items():
                if (
                    key == step
                    or key.startswith(step + "_")
                    or (step == "address" and key.startswith("_address"))
                ):
                    self.set_answer(key, value)

        return fill

    def demo_address(self) -> dict[str, Any]:
        """Tour: this station's district (or the first), its first town and first village."""
        pack = self.context().pack
        districts = pack.districts()
        d = next((o.id for o in districts if o.id == self.home_district), districts[0].id)
        t = pack.towns(d)[0].id
        v = pack.villages(d, t)[0].id
        return {
            "address_district": d,
            "address_town": t,
            "address_village": v,
            "_address_level": "detail",
        }


# 王 in its stroke order (横, 横, 竖, 横) as fractions of the pad: the tour's written character.
TOUR_STROKES = [
    [(0.25 + i * 0.1, 0.22) for i in range(6)],
    [(0.3 + i * 0.08, 0.5) for i in range(6)],
    [(0.5, 0.22 + i * 0.12) for i in range(6)],
    [(0.18 + i * 0.13, 0.82) for i in range(6)],
]

# What each kind of page asks, for the voice safety rules (voice.rules.PageKind values): a spoken
# 是 on the consent page or 提交 on the review is a legal act, so it must be unmistakable.
_VOICE_PAGES = {
    Kind.YES_NO: "yes_no",
    Kind.CONSENT: "consent",
    Kind.REVIEW: "confirm",
    Kind.RESULT: "submit",
}


def _text_height(label: Any, text: str, width: float) -> float:
    """The height ``label`` (an AnswerBox: padding inside its texture) would have with ``text``
    at ``width``."""
    return max(text_height(label, text or " ", width), 84.0)


def _tail_within(label: Any, text: str, width: float, height: float) -> str:
    """``text``, or "…" and as much of its end as ``label`` shows in ``height`` at ``width``
    (what was written last is what a resident checks)."""
    if not text or _text_height(label, text, width) <= height + 1:
        return text
    lo, hi = 1, len(text)  # the fewest characters cut off so that the rest fits
    while lo < hi:
        mid = (lo + hi) // 2
        if _text_height(label, "…" + text[mid:], width) <= height + 1:
            hi = mid
        else:
            lo = mid + 1
    return "…" + text[lo:].lstrip("，。、；：,.;: ")  # not "…，老板…"


def _within(widget: Any, ancestor: Any) -> bool:
    """Whether ``widget`` is (still) somewhere inside ``ancestor``: a refit scheduled for a page
    must not touch the next one, which reuses the same page body."""
    for _ in range(32):
        if widget is None:
            return False
        if widget is ancestor:
            return True
        widget = widget.parent
    return False
