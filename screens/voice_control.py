"""说话 and the speaker on the Kivy thread: the glue around ``voice.conversation``'s rules.

Recognizer callbacks come on the recognizer's thread and hop to Kivy's with
``Clock.schedule_once``; what to listen for and what a transcript means are decided by
:mod:`voice.conversation`, not here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from kivy.clock import Clock

from kiosk.usage import SessionUsage
from screens.base import KioskScreen

if TYPE_CHECKING:  # voice.conversation loads the matcher (pinyin tables): not before 说话
    from voice.conversation import Act, Listening
    from voice.lexicon import Lexicon
    from voice.protocols import Recognizer, Speaker, Transcript

log = logging.getLogger(__name__)

# 大声点 / 慢一点: one tap is a step a listener notices; a few taps reach the voice's limit.
LOUDER_STEP = 40
SLOWER_STEP = 20
CLEARER_SAID = "好的，我大声一点、慢一点，再说一遍。"

# ask(question=…, on_answer=…): the App's one confirmation pop-up.
Ask = Callable[..., None]


class VoiceControl:
    """Holds the recognizer and the speaker (either may be absent) and runs one turn at a time."""

    def __init__(
        self,
        *,
        usage: SessionUsage,
        ask: Ask,
        read_aloud: Callable[[], None],
        show_speak_button: Callable[[bool], None],
        lexicon: Callable[[], Lexicon | None] = lambda: None,
    ) -> None:
        self.recognizer: Recognizer | None = None
        self._lexicon = lexicon  # the served pack's dialect lexicon (the pack may change)
        self.speaker: Speaker | None = None
        self._usage = usage
        self._ask = ask
        self._read_aloud = read_aloud
        self._show_speak_button = show_speak_button
        self._listening = False

    def use(self, recognizer: Recognizer | None, speaker: Speaker | None) -> None:
        """Take these devices; 说话 shows once the recognizer's model has loaded."""
        self.recognizer, self.speaker = recognizer, speaker
        self._listening = False
        self.refresh()
        if recognizer is not None:
            # Called from the loader thread when loading ends: hop onto Kivy's thread.
            recognizer.add_status_listener(
                lambda _status: Clock.schedule_once(lambda _dt: self.refresh(), 0)
            )

    @property
    def ready(self) -> bool:
        return self.recognizer is not None and self.recognizer.status.ready

    def status_text(self) -> str:
        """The recognizer's state in words, for staff."""
        if self.recognizer is not None:
            return self.recognizer.status.staff_text
        from voice.protocols import NO_RECOGNIZER  # types otherwise: loaded after home's frame

        return NO_RECOGNIZER

    def refresh(self) -> None:
        self._show_speak_button(self.ready)

    def say(self, text: str) -> None:
        if self.speaker is not None and text:
            _quietly(self.speaker.say, text)

    def stop_speaking(self) -> None:
        if self.speaker is not None:
            _quietly(self.speaker.stop)

    def louder(self) -> None:
        """大声点: one step louder, said back at the new loudness (or that it is the loudest)."""
        speaker = self.speaker
        if speaker is None:
            return
        before = speaker.volume
        speaker.set_volume(before + LOUDER_STEP)
        self.say("已经大声一点了。" if speaker.volume > before else "已经是最大声了。")

    def slower(self) -> None:
        """慢一点: one step slower, said back at the new rate (or that it is the slowest)."""
        speaker = self.speaker
        if speaker is None:
            return
        before = speaker.rate
        speaker.set_rate(before - SLOWER_STEP)
        self.say("已经慢一点了。" if speaker.rate < before else "已经是最慢了。")

    def clearer(self) -> None:
        """听不清: louder and slower in one go, then the page read again in the new voice."""
        speaker = self.speaker
        if speaker is None:
            return
        speaker.set_volume(speaker.volume + LOUDER_STEP)
        speaker.set_rate(speaker.rate - SLOWER_STEP)
        self.say(CLEARER_SAID)
        self._read_aloud()

    def reset_voice(self) -> None:
        """The next resident hears the configured voice, whatever the last one chose."""
        if self.speaker is not None:
            _quietly(self.speaker.reset_voice)

    def start_listening(self, screen: KioskScreen) -> None:
        """说话 was tapped on ``screen``: one turn, its result acted on when it comes."""
        from voice.conversation import PLEASE_SPEAK, listening_for

        if self.recognizer is None or not self.ready or self._listening:
            return
        from voice.rules import PageKind

        listening = listening_for(
            screen.voice_choices(),
            dictation=screen.wants_dictation(),
            page=PageKind(screen.voice_page()),
            screen=screen.voice_screen(),
            lexicon=self._lexicon(),
        )
        self._listening = True
        self._usage.voice_used()
        self.say(PLEASE_SPEAK)

        def on_result(transcript: Transcript) -> None:  # the recognizer's thread
            Clock.schedule_once(lambda _dt: self._heard(screen, listening, transcript), 0)

        def on_error(_message: str) -> None:  # the recognizer's thread
            Clock.schedule_once(lambda _dt: self._failed(), 0)

        try:
            self.recognizer.listen(listening.phrases, on_result, on_error=on_error)
        except Exception:  # a device problem must never take the kiosk down
            log.exception("kiosk: listening failed to start")
            self._failed()

    def _failed(self) -> None:
        from voice.conversation import NOT_HEARD

        self._listening = False
        self.say(NOT_HEARD)

    def _heard(self, screen: KioskScreen, listening: Listening, transcript: Transcript) -> None:
        from voice.conversation import Confirm, Fill, Say, understand

        self._listening = False
        reply = understand(listening, transcript)
        if isinstance(reply, Say):
            self.say(reply.text)
        elif isinstance(reply, Fill):
            screen.dictated(reply.text)
            self.say(reply.read_back)
        elif isinstance(reply, Confirm):
            then = reply.then
            self._ask(
                question=reply.question,
                on_answer=lambda yes: self._act(screen, then) if yes else None,
            )
        else:
            self._act(screen, reply)

    def _act(self, screen: KioskScreen, act: Act) -> None:
        if act.action == "home":
            screen.report("home")
        elif act.action == "previous":
            screen.go_back()
        elif act.action == "next":
            screen.go_next()
        elif act.action == "read_aloud":
            self._read_aloud()
        elif act.action == "louder":
            self.louder()
        elif act.action == "slower":
            self.slower()
        elif act.action == "clearer":
            self.clearer()
        else:
            screen.choose_by_voice(act.option_id)


def _quietly(fn: Callable[..., object], *args: object) -> None:
    """Speech is a side concern: its failure must not stop a resident."""
    try:
        fn(*args)
    except Exception:
        log.exception("kiosk: speaker failed")
