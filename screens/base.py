"""Base class for kiosk screens: report an outcome upward, never call the next screen directly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

if TYPE_CHECKING:
    from screens.widgets import TopBar

TourStep = tuple[str, Callable[[], None]]


class KioskScreen(Screen):  # type: ignore[misc]
    """A screen shows and collects; :meth:`report` hands the outcome to the flow.

    Collaborators arrive as constructor keyword arguments (the app passes each screen only what
    it needs). Every screen has a :class:`~screens.widgets.TopBar` with 朗读/字号/颜色/结束并清除.
    """

    __events__ = ("on_outcome",)
    top_bar: TopBar  # every screen has one: home from its kv, pages from their Page
    style = ObjectProperty(None)
    title = StringProperty("")
    # Extra voice choices on this screen come from the pack under this id (see kiosk.content).
    voice_screen_id = StringProperty("")

    def report(self, outcome: str, **data: Any) -> None:
        self.dispatch("on_outcome", outcome, data)

    def on_outcome(self, outcome: str, data: dict[str, Any]) -> None:
        """Default handler (the flow binds its own)."""

    def prepare(self, data: dict[str, Any]) -> None:
        """Called by the flow just before the screen is shown, with the outcome's data."""

    def spoken_text(self) -> str:
        """What 朗读 reads on this screen: title first, then whatever the screen adds."""
        return str(self.title)

    def voice_choices(self) -> list[Any]:
        """Options (``id``, ``label``, ``synonyms``) a resident may say on this screen now."""
        return []

    def choose_by_voice(self, option_id: str) -> None:
        """A spoken choice was recognised and confirmed: act as if it was tapped."""

    def voice_page(self) -> str:
        """What this page asks, as a ``voice.rules.PageKind`` value: a consent, yes/no, confirm or
        submit page takes a spoken answer only when it is unambiguous."""
        return "choice"

    def voice_screen(self) -> str | None:
        """The pack's screen id whose lexicon phrases and age groups apply to what is said here."""
        return self.voice_screen_id or None

    def wants_dictation(self) -> bool:
        """Whether 说话 fills an answer box (free dictation) instead of picking a choice."""
        return False

    def dictated(self, text: str) -> None:
        """Free dictation heard ``text`` for this screen's answer box."""

    def goes_on_below(self) -> bool:
        """Whether part of this screen is below the visible part (朗读 then says where)."""
        return False

    def go_back(self) -> None:
        """上一步 (tap or voice); by default back to the home screen."""
        self.report("home")

    def go_next(self) -> None:
        """下一步 by voice; screens with a 下一步 button override this."""

    def wipe(self) -> None:
        """Forget everything the resident entered (idle timeout, 结束并清除): widgets too."""

    def tour_steps(self) -> Iterator[TourStep]:
        """(name, action) for each state worth a screenshot; default: the screen as it is."""
        yield "main", lambda: None


class PageScreen(KioskScreen):
    """A screen framed by :class:`~screens.widgets.Page` (top bar, scrolling body, nav bar)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from screens.widgets import Page

        self.page = Page(screen=self)
        self.top_bar = self.page.top_bar
        self.add_widget(self.page)

    def goes_on_below(self) -> bool:
        return self.page.down_button.parent is not None
