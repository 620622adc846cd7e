"""What the kiosk needs from a recognizer and a speaker, and the values they hand back.

The App is written against these Protocols, not against :class:`voice.asr.Recognizer` and
:class:`voice.tts.Speaker`, so the composition root can hand it the real devices or the stand-ins
in ``tests/fakes.py``. Both are checked by the same contract tests (``tests/contracts/``): a
fake that drifts from the real class fails there, not in a UI test far away.

Pure data and Protocols only: the App imports this module before the first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from voice.prompts import RecordedPrompts

State = Literal["loading", "ready", "missing"]


@dataclass(frozen=True)
class ModelStatus:
    """``loading`` → ``ready``, or ``missing`` with a plain-Chinese ``reason`` for staff."""

    state: State
    reason: str = ""
    load_seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def staff_text(self) -> str:
        """The state in words for the admin screen: 已就绪, 正在加载, or 不可用（why）."""
        if self.state == "ready":
            return "已就绪"
        if self.state == "loading":
            return "正在加载"
        return f"不可用（{self.reason}）" if self.reason else "不可用"


NO_RECOGNIZER = "未安装语音识别"  # what the admin screen says when voice wasn't set up at all


@dataclass(frozen=True)
class Transcript:
    """What was heard in one push-to-talk turn."""

    text: str  # words joined the way people write them (no spaces between Chinese words)
    raw: str  # Vosk's text, words separated by spaces
    phrase: str | None  # the grammar phrase this is exactly, if any
    confidence: float  # mean word confidence 0..1 (0 when nothing was heard)
    rejected: bool  # nothing but [unk] / silence: the resident said something off-grammar
    audio_seconds: float

    @property
    def empty(self) -> bool:
        return not self.text


class ListenTurn(Protocol):
    """One push-to-talk turn under way."""

    def stop(self) -> None:
        """The button was released: finish with what was heard so far."""
        ...

    def cancel(self) -> None:
        """The screen changed: end without a result."""
        ...


class Recognizer(Protocol):
    """Speech to text, one turn at a time. Callbacks come on the recognizer's own thread."""

    @property
    def status(self) -> ModelStatus: ...

    def add_status_listener(self, callback: Callable[[ModelStatus], None]) -> None:
        """``callback(status)`` once loading has ended (at once if it already has)."""
        ...

    def listen(
        self,
        grammar_phrases: Sequence[str] | None,
        on_result: Callable[[Transcript], None],
        *,
        on_error: Callable[[str], None] | None = None,
    ) -> ListenTurn:
        """Start a turn and return at once; ``None`` phrases is free dictation.

        Raises ``RuntimeError`` when the recognizer can't listen (no model, or none of the
        phrases can be heard)."""
        ...


class Speaker(Protocol):
    """Read-aloud that never blocks the caller and never raises."""

    def say(self, text: str) -> None:
        """Queue ``text`` after what is already being said; blank text says nothing."""
        ...

    def stop(self) -> None:
        """Silence now and forget whatever was queued."""
        ...

    @property
    def rate(self) -> int:
        """Words per minute of what is said next."""
        ...

    def set_rate(self, rate: int) -> None:
        """Speak at ``rate`` from the next utterance, clamped to what the voice can do."""
        ...

    @property
    def volume(self) -> int:
        """Loudness of what is said next (100 = the voice's normal loudness)."""
        ...

    def set_volume(self, volume: int) -> None:
        """Speak at ``volume`` from the next utterance, clamped to what the voice can do."""
        ...

    def reset_voice(self) -> None:
        """Back to the configured rate and volume (done for every new resident)."""
        ...

    def set_prompts(self, prompts: RecordedPrompts | None) -> None:
        """Play these recordings instead of synthesis where a sentence contains them."""
        ...
