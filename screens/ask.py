"""问一问: the resident says or writes a question; the pack's vetted answers are offered.

The ranking is :mod:`voice.ask`'s; this screen only shows it. The index (jieba, bm25s, numpy)
is built on the background worker the first time a question is asked — about 1.6 s — and every
question is ranked there too, so a touch is never held up: meanwhile the page says 请稍等. The
question is the resident's: it lives in the keyboard's box only, goes to the worker once and is
never kept; :meth:`AskScreen.wipe` clears it with the session, and an answer still on its way
for a question asked before the wipe is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

from kiosk import display_text
from screens.base import PageScreen, TourStep
from screens.widgets import (
    AnswerBox,
    BigButton,
    BodyLabel,
    ChoiceGrid,
    NoteLabel,
    PinyinKeyboard,
    TitleLabel,
    nav_button,
)

if TYPE_CHECKING:  # voice.ask loads the matcher; jieba and bm25s come with the first question
    from kiosk.content import ContentPack
    from kiosk.session import Session
    from voice.ask import AskIndex, AskResult, QaEntry

log = logging.getLogger(__name__)

MAX_QUESTION = 60  # characters: a question, not a story
PLEASE_WAIT = "请稍等，正在找答案……"
UNAVAILABLE = "问一问暂时用不了。"
# What 找工作人员 means on this kiosk: nobody is called by the machine; the resident goes to the
# people of the village or the town who give legal help (the pack's local_help), or staff come
# to the terminal and sign in to help them fill in a form here.
# (outcome, button) of the not-found page: the flow routes hotline and visit.
WAYS = (("hotline", "拨打12348热线"), ("visit", "预约上门服务"), ("staff", "找工作人员"))
# 您是想问 buttons picked by voice: by place (第一个 …) or by their words; 都不是 for none.
ORDINALS = (
    ("第一个", "第一条", "第一", "头一个", "上面那个"),
    ("第二个", "第二条", "第二", "中间那个"),
    ("第三个", "第三条", "第三", "最后一个", "下面那个"),
)
ONLY_ONE = ("是", "是的", "对", "对的", "就是这个", "就这个")
NONE_OF_THESE = ("都不对", "不是这些", "没有我要问的", "都没有")
STAFF_INTRO = "这台机器不会自动叫人。请您去找下面这些人，他们可以当面帮您，也可以陪您来这里办："


def checked_text(entry: QaEntry) -> str:
    """When a lawyer last checked the answer, as the resident reads a date."""
    return f"这条答案{display_text.date_words(entry.checked)}核对过。"


class AskScreen(PageScreen):
    """问一问: question → 您是想问……？ → the answer read verbatim; or honestly no answer."""

    def __init__(
        self,
        *,
        pack: ContentPack | None,
        session: Session,
        in_background: Callable[[Callable[[], None]], None],
        on_miss: Callable[[], None],
        say: Callable[[str], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.in_background = in_background
        self.on_miss = on_miss
        self.say = say  # the App's read-aloud: what a page says as it opens
        self.not_found_text = ""
        self.voice_screen_id = "ask"
        self.title = "问一问"
        self.state = "question"  # question, results, answer, not_found, staff
        self.result: AskResult | None = None
        self.entry: QaEntry | None = None
        # Touched by the background worker only (one thread: built once, then ranked in order).
        self._index: AskIndex | None = None
        self._broken = False
        # Bumped by every wipe and every new question: a late answer to an old one is dropped.
        self._generation = 0
        self.keyboard = PinyinKeyboard(max_length=MAX_QUESTION)
        self.box = AnswerBox(hint="用拼音键盘写，或者点上面的“说话”说出来")
        self.keyboard.bind(value=self._show_question, letters=self._show_question)
        self.message = NoteLabel(text="", opacity=0)
        self.show_question()

    # -- states --------------------------------------------------------------------------------
    def show_question(self) -> None:
        """The question box and the keyboard (what was typed stays, for a second try)."""
        self.state = "question"
        self.title = "问一问：您想问什么法律问题？"
        page = self.page
        page.clear()
        short = PinyinKeyboard.short_screen()  # 回首页 / 问一问 in a column beside the keys
        keyboard = self.keyboard
        keyboard.fit_window()  # letters in halves on a short or narrow screen
        halves = keyboard.halves
        # Where the keys come in halves the question at body size: a title-size one takes a row.
        page.add((BodyLabel if halves else TitleLabel)(text=self.title))
        if self.pack is None:
            page.add(NoteLabel(text="内容包没有装好，暂时问不了。请拨打12348，或者找工作人员。"))
        self.box.font_factor = 1.0 if halves or PinyinKeyboard.answer_beside() else 1.25
        if halves:  # the answer box heads the keys, a message beside it: room for the keys
            keyboard.answer = self.box
            page.add(keyboard)
        elif PinyinKeyboard.answer_beside():
            keyboard.answer = self.box  # at the head of the candidate row
            page.add(self.message, keyboard)
        else:
            keyboard.answer = None
            page.add(self.box, self.message, keyboard)
        self._tell("")
        page.set_nav(
            left=[nav_button("回首页", lambda: self.report("home"))],
            right=[nav_button("问一问", self.ask, role="accent")],
            beside=short,
        )

    def ask(self) -> None:
        """问一问 on the question page: rank the question on the worker, 请稍等 meanwhile."""
        question = self.keyboard.value.strip()
        if not question:
            self._tell("请先说出或者写下您的问题。")
            return
        if self.pack is None:
            self._tell(UNAVAILABLE)
            return
        self._generation += 1
        generation = self._generation
        self._tell(PLEASE_WAIT)
        pack = self.pack
        self.in_background(lambda: self._rank(pack, question, generation))

    def _rank(self, pack: ContentPack, question: str, generation: int) -> None:
        """On the background worker: build the index the first time, then rank."""
        result: AskResult | None = None
        try:
            if self._index is None and not self._broken:
                from voice.ask import AskIndex

                self._index = AskIndex.from_pack(pack, on_miss=self.on_miss)
            if self._index is not None:
                result = self._index.ask(question)
        except Exception as exc:  # a broken qa.json must not take the kiosk down
            # The kind of failure only: a traceback's locals or message could hold the question.
            log.error("ask: the question index could not be used (%s)", type(exc).__name__)
            self._broken = True
        Clock.schedule_once(lambda _dt: self._answered(generation, result), 0)

    def _answered(self, generation: int, result: AskResult | None) -> None:
        if generation != self._generation or self.state != "question":
            return  # wiped, or asked again meanwhile: this answer is for nobody any more
        if result is None:
            self.show_not_found(f"{UNAVAILABLE}您可以拨打12348，或者预约上门服务，或者找工作人员。")
        elif result.found:
            self.show_results(result)
        else:
            self.show_not_found(result.not_found_text)

    def show_results(self, result: AskResult) -> None:
        """Up to three big 您是想问……？ buttons, the best first."""
        self.state = "results"
        self.result = result
        self.title = "您是想问……？"
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        page.add(BodyLabel(text="点一下您想问的那一条，我读给您听。"))
        for hit in result.hits:
            button = BigButton(text=hit.prompt, size_hint_y=None, height=140)
            button.bind(on_release=lambda _w, e=hit.entry: self.show_answer(e))
            button.page_row = True  # one choice of a list
            page.add(button)
        others = BigButton(text="都不是", size_hint_y=None, height=124)
        others.page_row = True  # the last choice of the list
        others.bind(on_release=lambda _w: self.show_not_found(result.not_found_text))
        page.add(others)
        page.set_nav(left=[nav_button("重新问", self.show_question)])
        self.say(result.say)

    def show_answer(self, entry: QaEntry) -> None:
        """The answer as the pack has it, read aloud word for word, with its legal basis."""
        self.state = "answer"
        self.entry = entry
        self.title = entry.title
        page = self.page
        page.clear()
        page.add(TitleLabel(text=entry.title))
        page.add(BodyLabel(text=entry.answer))
        basis = "、".join(b.spoken for b in entry.basis)
        page.add(NoteLabel(text=f"依据：{basis}\n{checked_text(entry)}"))
        left = [nav_button("上一步", self._back_to_results)] if self.result else []
        page.set_nav(
            left=[*left, nav_button("重新问", self.show_question)],
            right=[nav_button("再读一遍", lambda: self.report("read_aloud"), role="accent")],
        )
        self.say(entry.spoken)

    def _back_to_results(self) -> None:
        if self.result is not None:
            self.show_results(self.result)

    def show_not_found(self, text: str) -> None:
        """No vetted answer: said honestly, with the three ways to a person who can answer."""
        self.state = "not_found"
        self.title = "这个问题本机答不了"
        self.not_found_text = text
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        # The three ways first, where they are seen without scrolling at any font size; the
        # pack's words (said aloud as the page opens) below them.
        ways = ChoiceGrid(cols=3, options=list(WAYS))
        ways.bind(on_choice=lambda _g, way: self._take_way(way))
        page.add(ways)
        page.add(BodyLabel(text=text))
        page.set_nav(left=[nav_button("重新问", self.show_question)])
        self.say(text)

    def _take_way(self, way: str) -> None:
        if way == "staff":
            self.show_staff()
        else:
            self.report(way)  # the flow opens 12348 or the home-visit booking

    def show_staff(self) -> None:
        """找工作人员: who helps in person around here (the pack's local help)."""
        self.state = "staff"
        self.title = "找工作人员"
        helpers = self._local_help()
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        page.add(BodyLabel(text=STAFF_INTRO))
        for h in helpers:
            page.add(NoteLabel(text=f"{h['label']}：{h['detail']}"))
        page.set_nav(
            left=[nav_button("上一步", lambda: self.show_not_found(self.not_found_text))],
            right=[nav_button("回首页", lambda: self.report("home"))],
        )
        self.say(self.spoken_text())

    def _local_help(self) -> list[dict[str, Any]]:
        if self.pack is None:
            return []
        return list(self.pack.data("hotline").get("local_help", []))

    # -- the page's parts ------------------------------------------------------------------------
    def _show_question(self, *_: Any) -> None:
        letters = self.keyboard.letters
        self.box.value = self.keyboard.value + (f"  〔{letters}〕" if letters else "")
        if self.message.text == PLEASE_WAIT:
            return  # typing on while the answer is found doesn't hide 请稍等
        self._tell("")

    def _tell(self, text: str) -> None:
        self.message.text = text
        self.message.opacity = 1 if text else 0
        if self.keyboard.halves:  # beside the answer box, only while it says something
            if text and self.state == "question":
                self.keyboard.show_note(self.message)
            else:
                self.keyboard.hide_note(self.message)
            return
        body = self.page.body
        if text and self.state == "question" and self.message.parent is None:
            body.add_widget(self.message, index=1)  # above the keyboard, under the answer

    # -- the KioskScreen interface ---------------------------------------------------------------
    def prepare(self, data: dict[str, Any]) -> None:
        self.wipe()

    def wipe(self) -> None:
        self._generation += 1
        self.keyboard.clear()
        self.result = None
        self.entry = None
        self.not_found_text = ""
        self.show_question()

    def go_back(self) -> None:
        if self.state == "question":
            self.report("home")
        elif self.state == "answer" and self.result is not None:
            self.show_results(self.result)
        elif self.state == "staff":
            self.show_not_found(self.not_found_text)
        else:
            self.show_question()

    def wants_dictation(self) -> bool:
        return self.state == "question"

    def voice_choices(self) -> list[Any]:
        """On 您是想问……？ each offered question can be said by its place (第一个), by its words,
        with 是 when only one is offered, or 都不是."""
        from voice.options import VoiceOption

        if self.state != "results" or self.result is None:
            return []
        hits = self.result.hits
        choices = [
            VoiceOption(
                f"ask.{i}",
                hit.entry.title,
                (*ORDINALS[i], *(ONLY_ONE if len(hits) == 1 else ())) if i < len(ORDINALS) else (),
            )
            for i, hit in enumerate(hits)
        ]
        return [*choices, VoiceOption("ask.none", "都不是", NONE_OF_THESE)]

    def choose_by_voice(self, option_id: str) -> None:
        if self.state != "results" or self.result is None:
            return
        if option_id == "ask.none":
            self.show_not_found(self.result.not_found_text)
            return
        index = int(option_id.removeprefix("ask."))
        if 0 <= index < len(self.result.hits):
            self.show_answer(self.result.hits[index].entry)

    def dictated(self, text: str) -> None:
        room = MAX_QUESTION - len(self.keyboard.value)
        self.keyboard.value += text[: max(0, room)]

    def spoken_text(self) -> str:
        if self.state == "results" and self.result is not None:
            return self.result.say
        if self.state == "answer" and self.entry is not None:
            return self.entry.spoken
        if self.state == "not_found":
            return self.not_found_text
        if self.state == "staff":
            names = "、".join(h["label"] for h in self._local_help())
            return f"{STAFF_INTRO}{names}。"
        voice = "点上面的“说话”说出来，或者" if self.top_bar.voice_ready else ""
        return f"问一问。有什么法律问题，{voice}用拼音键盘写下来，再点“问一问”。"

    def tour_steps(self) -> Iterator[TourStep]:
        from voice.ask import AskIndex

        index = AskIndex.from_pack(self.pack) if self.pack is not None else None

        def question() -> None:
            self.wipe()
            self.keyboard.value = "儿子不给赡养费怎么办"

        def results() -> None:
            if index is not None:
                self.show_results(index.ask("儿子不给赡养费怎么办"))

        def answer() -> None:
            if index is not None:
                self.show_answer(index.ask("儿子不给赡养费怎么办").hits[0].entry)

        def not_found() -> None:
            if index is not None:
                self.show_not_found(index.ask("今天天气怎么样").not_found_text)

        yield "question", question
        yield "results", results
        yield "answer", answer
        yield "not-found", not_found
        yield "staff", self.show_staff
