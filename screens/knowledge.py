"""法律常识: the 三农 topics as short plain texts, each read aloud."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.printing.layouts import topic_slip
from screens.base import PageScreen, TourStep
from screens.printing import HEAR_IT_AGAIN, print_button
from screens.widgets import BodyLabel, ChoiceGrid, NoteLabel, TitleLabel, nav_button

if TYPE_CHECKING:
    from kiosk.content import ContentPack
    from kiosk.printing.desk import PrintDesk
    from kiosk.session import Session


class KnowledgeScreen(PageScreen):
    def __init__(
        self,
        *,
        pack: ContentPack | None,
        session: Session,
        printer: Callable[[], PrintDesk | None] = lambda: None,
        say: Callable[[str], None] = lambda _text: None,
        now: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.printer = printer
        self.say = say
        self.now = now  # the terminal clock: a leaflet is dated by the province's time
        self.print_button: Any = None
        self.topic_id = ""
        self._grid: ChoiceGrid | None = None  # the topic list, once built
        self.show_topics()

    def topics(self) -> list[dict[str, Any]]:
        return list(self.pack.data("knowledge")["topics"]) if self.pack is not None else []

    def prepare(self, data: dict[str, Any]) -> None:
        self.show_topics()

    def show_topics(self) -> None:
        if self._grid is not None and not self.topic_id:  # the list is shown: don't rebuild it,
            self._grid.selected = ""  # but nothing of the last resident's choice stays marked
            self.page.scroll.scroll_y = 1
            return
        self.topic_id = ""
        self.voice_screen_id = "knowledge.topic"
        self.title = "法律常识：选一个题目，我读给您听"
        page = self.page
        page.clear()
        page.add(TitleLabel(text=self.title))
        if not self.topics():
            page.add(NoteLabel(text="内容包没有装好，暂时看不了法律常识。请找工作人员。"))
        # Three columns where they fit: every topic on one 1920×1080 page, no scrolling.
        grid = ChoiceGrid(cols=3, options=[(t["id"], t["label"]) for t in self.topics()])
        grid.bind(on_choice=lambda _g, topic_id: self.show_topic(topic_id))
        self._grid = grid
        page.add(grid)
        page.set_nav(left=[nav_button("回首页", lambda: self.report("home"))], right=[self._ask()])

    def show_topic(self, topic_id: str) -> None:
        topic = next(t for t in self.topics() if t["id"] == topic_id)
        self.topic_id = topic_id
        self.title = topic["label"]
        page = self.page
        page.clear()
        page.add(TitleLabel(text=topic["label"]))
        for sentence in topic["sentences"]:
            page.add(BodyLabel(text=f"●\u00a0{sentence}"))
        page.add(NoteLabel(text=f"依据：{topic['basis']}"))
        desk = self.printer()
        station = desk.station if desk is not None else ""
        leaflet = partial(topic_slip, topic, station=station)
        # A leaflet to take home: the same sentences, for a neighbour to read out later.
        self.print_button = print_button(
            desk,
            lambda: leaflet(when=datetime.fromtimestamp(self.now())),
            page=page,
            say=self.say,
            fallback=HEAR_IT_AGAIN,
        )
        left = [nav_button("上一步", self.show_topics)]
        if self.print_button is not None:
            left.append(self.print_button)
        page.set_nav(
            left=left,
            right=[
                self._ask(),
                nav_button("朗读这一篇", lambda: self.report("read_aloud"), role="accent"),
            ],
        )

    def _ask(self) -> Any:
        """问一问 on every knowledge page: a question the topics don't answer can be asked."""
        return nav_button("问一问", lambda: self.report("ask"), role="accent")

    def go_back(self) -> None:
        if self.topic_id:
            self.show_topics()
        else:
            self.report("home")

    def voice_choices(self) -> list[Any]:
        if self.pack is None or self.topic_id:
            return []
        return list(self.pack.screen_options("knowledge.topic"))

    def choose_by_voice(self, option_id: str) -> None:
        self.show_topic(option_id)

    def spoken_text(self) -> str:
        if self.topic_id:
            topic = next(t for t in self.topics() if t["id"] == self.topic_id)
            return "".join([f"{topic['label']}。", *topic["sentences"]])
        labels = "、".join(t["label"] for t in self.topics())
        return f"法律常识。选一个您关心的题目，我读给您听：{labels}。"

    def wipe(self) -> None:
        self.show_topics()

    def tour_steps(self) -> Iterator[TourStep]:
        yield "topics", self.show_topics
        for topic in self.topics()[:2]:
            yield f"topic-{topic['id']}", partial(self.show_topic, topic["id"])
