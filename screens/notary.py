"""公证材料清单: matter tiles with icons → a few yes/no questions → the checklist with
我已有/还缺 ticks → take it home as a QR code (the list as text) and a printable receipt."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.stacklayout import StackLayout
from kivy.uix.widget import Widget

from kiosk import notary
from kiosk.content import ContentPack
from kiosk.printing.layouts import notary_slip
from kiosk.session import Draft, Session
from kiosk.wizards.notary import NOTARY, question_page, question_position
from kiosk.wizards.steps import Context, options, pack_text
from screens.base import PageScreen, TourStep
from screens.widgets import (
    BigButton,
    BodyLabel,
    NoteLabel,
    Question,
    Tile,
    TitleLabel,
    ems,
    nav_button,
    row,
)

# Pictogram per notary matter id (drawn by tools/draw_icons.py).
MATTER_ICONS = {
    "inheritance": "inherit",
    "entrustment": "entrust",
    "declaration": "declare",
    "will": "will",
    "gift": "gift",
    "birth": "birth",
    "marital_status": "marriage",
    "kinship": "kinship",
    "no_criminal_record": "record",
    "education": "education",
}


# The checklist's words around the materials.
HOW_TO_TICK = "已经有的点“我已有”，还没有的点“还缺”。"
TAKE_HOME_ORDER = "点“带清单回家”，带回家的清单会先列还缺的。"
# Below these window heights the checklist starts with its first material under the title
# (with the buttons beside the names / under the words, which takes more height).
TALL_WINDOW_PX = 900
TALL_PORTRAIT_PX = 1600


class NotaryScreen(PageScreen):
    kind = NOTARY.kind

    def __init__(
        self,
        *,
        pack: ContentPack | None,
        session: Session,
        icons_dir: Path,
        home_district: str,
        on_step: Callable[[str, str], None] | None = None,
        now: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.now = now  # the terminal clock: the take-home list is dated by the province's time
        self.pack = pack
        self.session = session
        self.icons_dir = icons_dir
        self.home_district = home_district
        self.on_step = on_step
        self.stage = ""
        self.question: notary.Question | None = None
        self.result: notary.Checklist | None = None
        # doc id → its 我已有 / 还缺 buttons on the checklist page shown now.
        self._ticks: dict[str, tuple[BigButton, BigButton]] = {}
        self.show_matters()

    # -- state in the session draft ---------------------------------------------------------
    @property
    def draft(self) -> Draft:
        return self.session.draft(self.kind)

    def _answers(self) -> dict[str, bool]:
        return dict(self.draft.get("answers") or {})

    def _have(self) -> set[str]:
        return set(self.draft.get("have") or [])

    def prepare(self, data: dict[str, Any]) -> None:
        self.session.discard_draft(self.kind)
        self.show_matters()

    def _step(self, name: str) -> None:
        self.stage = name
        if self.on_step is not None:
            self.on_step(self.kind, name)

    # -- pages ---------------------------------------------------------------------------------
    def show_matters(self) -> None:
        first = NOTARY.steps[0]
        self.stage, self.question, self.result = first.id, None, None
        self.title = pack_text(self.pack, first.question) if self.pack else "您要办哪一种公证？"
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        if self.pack is None:
            page.add(NoteLabel(text="内容包没有装好，暂时查不了公证材料。请拨打 12348。"))
        else:
            grid = GridLayout(cols=5, spacing=20, size_hint_y=None)
            grid.bind(minimum_height=grid.setter("height"))
            for option in options(first, Context(self.pack)):
                icon = self.icons_dir / f"{MATTER_ICONS.get(option.id, 'notary')}.png"
                tile = Tile(
                    text=option.label,
                    icon=str(icon) if icon.is_file() else "",
                    size_hint_y=None,
                    height=240,
                )
                tile.option_id = option.id
                tile.bind(on_release=lambda w: self.pick_matter(w.option_id))
                grid.add_widget(tile)
            page.add(grid)
        page.set_nav(left=[nav_button("回首页", lambda: self.report("home"))])

    def pick_matter(self, matter_id: str) -> None:
        self.draft.set("matter", matter_id)
        self.draft.set("answers", {})
        self.draft.set("have", [])
        self.ask_next()

    def _pack(self) -> ContentPack:
        assert self.pack is not None  # past the matters page there is a pack
        return self.pack

    def ask_next(self) -> None:
        matter = str(self.draft.get("matter"))
        question = notary.next_question(self._pack(), matter, self._answers())
        if question is None:
            self.show_checklist()
            return
        self.question = question
        self._step(question_page(question.id))
        self.title = question.text
        page = self.page
        page.clear()
        n, total = question_position(self._pack(), matter, self._answers())
        page.add(BodyLabel(text=f"第{n}个问题，共{total}个"))
        page.add(TitleLabel(text=question.text))
        buttons = []
        for value, label in ((True, "是"), (False, "不是")):
            b = BigButton(text=label, size_hint_y=None, height=self.style.touch_px * 1.5)
            b.font_size = self.style.title_px
            b.option_id = "yes" if value else "no"
            b.bind(on_release=lambda _w, v=value: self.answer(v))
            buttons.append(b)
        page.add(row(*buttons, height=self.style.touch_px * 1.5, spacing=60))
        page.set_nav(left=[nav_button("上一步", self.go_back)])

    def answer(self, value: bool) -> None:
        assert self.question is not None
        answers = self._answers()
        answers[self.question.id] = value
        self.draft.set("answers", answers)
        self.ask_next()

    def show_checklist(self) -> None:
        from kivy.core.window import Window

        self._step(NOTARY.steps[-1].id)
        matter = str(self.draft.get("matter"))
        self.result = c = notary.checklist(
            self._pack(), matter, self._answers(), district=self.home_district or None
        )
        self.question = None
        self.title = f"办{c.matter_label}公证要准备的材料"
        have = self._have()
        page = self.page
        page.clear()
        title = Question(text=self.title)
        page.add(title)
        tick_w = self.style.body_px * 5.5
        # Decided from the window, not the line's width: the page strip that comes and goes
        # with the page's height would change the layout it depends on.
        room = Window.width - PAGE_SIDES_PX - 2 * (tick_w + TICK_GAP)
        beside = room >= NAME_EMS_BESIDE * self.style.body_px
        # One width for every name, so the buttons stand in a column: the longest name's (up to
        # NAME_EMS_MOST characters; a longer one takes two lines), measured in characters, not
        # from the rendered text (no layout loop).
        longest = min(max((ems(d.label) for d in c.documents), default=0), NAME_EMS_MOST)
        name_w = min(room, (longest + 1.5) * self.style.body_px) if beside else 0
        tall = Window.height >= (TALL_WINDOW_PX if beside else TALL_PORTRAIT_PX)
        if tall:
            # On a shorter window (1280×800, 1366×768, 800×1280) the first material takes this
            # line's place: with 特大 the two don't fit under the title, and a piece too tall
            # for what is left is turned away — the resident saw the title, an empty half page
            # and 往下翻.
            page.add(BodyLabel(text=HOW_TO_TICK))
        self._ticks = {}
        for doc in c.documents:
            yes = BigButton(size_hint=(None, None), width=tick_w)
            no = BigButton(size_hint=(None, None), width=tick_w)
            self._ticks[doc.id] = (yes, no)
            _show_tick(yes, no, doc.id in have)
            yes.bind(on_release=lambda _w, d=doc.id: self.mark(d, True))
            no.bind(on_release=lambda _w, d=doc.id: self.mark(d, False))
            details = f"为什么要：{doc.why}\n去哪里开：{doc.where}"
            line = material_line(
                BodyLabel(text=doc.label), BodyLabel(text=details), yes, no, name_w=name_w
            )
            page.add(line)
            if doc is c.documents[0] and not tall:
                line.bind(height=partial(self._first_under, title))
        for m in c.maybe:
            ask = "、".join(q.text for q in m.depends_on)
            page.add(NoteLabel(text=f"看情况：{m.document.label}（要看：{ask}）"))
        page.add(BodyLabel(text=c.in_person_reason))
        for note in c.notes:
            page.add(BodyLabel(text=note))
        if c.office is not None:
            page.add(NoteLabel(text=f"到{c.office.label}办理。{c.office.contact}"))
        page.add(BodyLabel(text=f"{c.certificate_days_text}{c.fees}{c.green_channel}"))
        page.add(BodyLabel(text=TAKE_HOME_ORDER))
        page.set_nav(
            left=[nav_button("上一步", self.go_back)],
            right=[nav_button("带清单回家", self.take_home, role="accent")],
        )

    def _first_under(self, title: Question, first: Any, *_: Any) -> None:
        """The title gives way to body size where the first material would not be whole under
        it (1024×768 at 特大: the first view was the title, empty space and 往下翻)."""
        from kivy.core.window import Window

        room = self.page.body_room(nav_beside=False) - first.height - self.page.body.spacing
        title.give_way(Window.width - PAGE_SIDES_PX, room, last="body")

    def mark(self, doc_id: str, has_it: bool) -> None:
        have = self._have()
        if has_it:
            have.add(doc_id)
        else:
            have.discard(doc_id)
        self.draft.set("have", sorted(have))
        # Only the two buttons change (rebuilding the whole list made every tick slow).
        yes, no = self._ticks[doc_id]
        _show_tick(yes, no, has_it)

    def checklist_text(self) -> str:
        """The list as plain text for the QR code: what is missing first."""
        from kiosk.printing.layouts import notary_text

        assert self.result is not None
        return notary_text(self.result, self._have())

    def take_home(self) -> None:
        c = self.result
        if c is None:
            return
        have = self._have()
        missing = [d.label for d in c.documents if d.id not in have]
        lines = [("还缺：" + "、".join(missing)) if missing else "材料都齐了。"]
        if c.office is not None:
            lines.append(f"办理地点：{c.office.label}。{c.office.contact}")
        text = self.checklist_text()
        slip = partial(notary_slip, c, frozenset(have), when=datetime.fromtimestamp(self.now()))
        self.session.discard_draft(self.kind)
        self.report(
            "take_home",
            title=f"{c.matter_label}公证材料清单",
            lines=lines,
            qr_text=text,
            slip=lambda station: slip(station=station),
        )

    # -- back, voice, read aloud ---------------------------------------------------------------
    def go_back(self) -> None:
        answers = self._answers()
        if self.stage == "matters":
            self.report("home")
        elif answers and (self.stage == "checklist" or self.question is not None):
            last = list(answers)[-1]
            del answers[last]
            self.draft.set("answers", answers)
            self.ask_next()
        else:
            self.show_matters()

    def voice_page(self) -> str:
        return "yes_no" if self.stage != "matters" and self.question is not None else "choice"

    def voice_screen(self) -> str | None:
        return "notary.matter" if self.stage == "matters" else None

    def voice_choices(self) -> list[Any]:
        if self.pack is None:
            return []
        if self.stage == "matters":
            return list(self.pack.screen_options("notary.matter"))
        if self.question is not None:
            return list(self.pack.answers())
        return []

    def choose_by_voice(self, option_id: str) -> None:
        if self.stage == "matters":
            self.pick_matter(option_id)
        elif self.question is not None:
            self.answer(self._pack().answer_value(option_id))

    def spoken_text(self) -> str:
        if self.stage == "matters" and self.pack is not None:
            labels = "、".join(o.label for o in notary.matters(self.pack))
            title = self.pack.spoken("notary.title")
            return f"{title}。" + self.pack.spoken("notary.matter.question", matters=labels)
        if self.question is not None:
            return f"{self.question.text}请点“是”或者“不是”。"
        if self.result is not None:
            return self.result.spoken(self._pack())
        return str(self.title)

    def wipe(self) -> None:
        self.session.discard_draft(self.kind)
        self.show_matters()

    def tour_steps(self) -> Iterator[TourStep]:
        yield "matters", self.wipe
        if self.pack is None:
            return

        def question() -> None:
            self.wipe()
            self.pick_matter("inheritance")

        yield "question", question

        def checklist() -> None:
            self.wipe()
            self.pick_matter("inheritance")
            while self.question is not None:
                self.answer(True)
            first = self.result.documents[0].id if self.result and self.result.documents else ""
            if first:
                self.mark(first, True)

        yield "checklist", checklist


# A line's width is the window's less the page's padding and its page strip (screens.widgets
# Page: 12 + 12 + 24 px padding, a 150 px strip 16 px away), as in wizard.edit_rows.
PAGE_SIDES_PX = 48 + 166
# The name needs about this many characters beside its two buttons.
NAME_EMS_BESIDE = 7
# ... and takes at most this many before its buttons (they stay near it on a wide screen).
NAME_EMS_MOST = 14
TICK_GAP = 24


def material_line(
    name: BodyLabel, details: BodyLabel, yes: BigButton, no: BigButton, *, name_w: float
) -> Any:
    """One material of the checklist: its name, why it is needed and where to get it, and its
    我已有 / 还缺 buttons.

    With ``name_w`` (the name's width) the buttons are on the name's line, right after it (at the
    far end of a wide line they'd sit a screen away from the name), the reasons under them: the
    shortest line an old resident can still read and tap, so the first material fits under the
    title at 1280×800 with 特大. With 0 (portrait, 1024×768 at 特大) the words go across the line
    and the buttons under them: beside a narrow text the buttons grew into towers.
    """
    if not name_w:
        name.size_hint_x = details.size_hint_x = 1
        line = StackLayout(size_hint_y=None, spacing=(TICK_GAP, 8))
        for w in (name, details, yes, no):
            line.add_widget(w)
    else:
        head = BoxLayout(size_hint_y=None, spacing=TICK_GAP)
        name.size_hint_x, name.width = None, name_w
        for w in (name, yes, no):
            w.pos_hint = {"center_y": 0.5}
            head.add_widget(w)
        head.add_widget(Widget())
        fit = partial(_fit_head, head, name, yes)
        name.bind(height=fit)
        yes.bind(height=fit)
        fit()
        line = BoxLayout(orientation="vertical", size_hint_y=None, spacing=8)
        line.add_widget(head)
        line.add_widget(details)
    line.bind(minimum_height=line.setter("height"))
    line.page_row = True  # one line of a list: the list may run over page turns
    return line


def _fit_head(head: BoxLayout, name: BodyLabel, yes: BigButton, *_: Any) -> None:
    head.height = max(name.height, yes.height)


def _show_tick(yes: BigButton, no: BigButton, has_it: bool) -> None:
    """我已有 / 还缺: the chosen one carries ✓ as well as its colour."""
    yes.text, yes.role = ("✓ 我已有", "accent") if has_it else ("我已有", "normal")
    no.text, no.role = ("还缺", "normal") if has_it else ("✓ 还缺", "danger")
