"""The only kind of pop-up the kiosk shows: a confirmation with two big answers."""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView


class ConfirmView(ModalView):  # type: ignore[misc]
    question = StringProperty("")
    detail = StringProperty("")
    yes_text = StringProperty("是")
    no_text = StringProperty("不是")

    def __init__(self, on_answer: Callable[[bool], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._on_answer = on_answer

    def answer(self, yes: bool) -> None:
        self.dismiss(animation=False)
        self._on_answer(yes)

    def spoken_text(self) -> str:
        return f"{self.question}{self.detail}请点“{self.yes_text}”或“{self.no_text}”。"
