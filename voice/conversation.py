"""From one push-to-talk turn to what the kiosk does: pure rules, tested without a window.

:func:`listening_for` decides what to listen for on the screen in front of the resident;
:func:`understand` turns what was heard into a :data:`Reply` — something to say, text for the
answer box, an action, or a question to confirm first. The App's Kivy glue only carries replies
out (``screens/voice_control.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from voice.commands import (
    BACK,
    CLEARER,
    HELP,
    LOUDER,
    NAVIGATION,
    NEXT,
    PREVIOUS,
    REPEAT,
    SLOWER,
)
from voice.lexicon import Lexicon
from voice.matching import confirmation_prompt, match
from voice.options import OptionLike
from voice.protocols import Transcript
from voice.rules import PageKind

PLEASE_SPEAK = "请说"
NOT_HEARD = "没有听清，请用手点一下。"  # the turn failed (no microphone, a device error)
NOT_HEARD_AGAIN = "没有听清，请再说一次，或者用手点一下。"
NOT_HEARD_DICTATION = "没有听清，请再说一次，或者用拼音键盘输入。"
NOT_UNDERSTOOD = "没有听懂，请再说一次，或者用手点一下。"

VoiceAction = Literal[
    "home", "previous", "next", "read_aloud", "louder", "slower", "clearer", "choose"
]
_COMMAND_ACTIONS: dict[str, VoiceAction] = {
    BACK.id: "home",
    PREVIOUS.id: "previous",
    NEXT.id: "next",
    REPEAT.id: "read_aloud",
    HELP.id: "read_aloud",
    LOUDER.id: "louder",
    SLOWER.id: "slower",
    CLEARER.id: "clearer",
}


@dataclass(frozen=True)
class Listening:
    """What one turn listens for: the screen's options plus the navigation commands, and the
    grammar phrases (``None``: free dictation into a text box)."""

    options: tuple[OptionLike, ...]
    phrases: tuple[str, ...] | None
    # What the page asks (a consent or yes/no page takes only an unambiguous answer), the pack's
    # screen id (its lexicon phrases and age groups) and the lexicon of the pack being served.
    page: PageKind = PageKind.CHOICE
    screen: str | None = None
    lexicon: Lexicon | None = None

    @property
    def dictation(self) -> bool:
        return self.phrases is None


@dataclass(frozen=True)
class Say:
    """Only tell the resident something (nothing was understood)."""

    text: str


@dataclass(frozen=True)
class Fill:
    """Dictation: put ``text`` in the answer box, then read it back."""

    text: str

    @property
    def read_back(self) -> str:
        return f"您说的是：{self.text}。不对的话，点“删除”改一下。"


@dataclass(frozen=True)
class Act:
    """Do what the resident said: a navigation command, or choosing ``option_id``."""

    action: VoiceAction
    option_id: str


@dataclass(frozen=True)
class Confirm:
    """Not sure enough: ask ``question`` (yes/no) and do ``then`` on 是."""

    question: str
    then: Act


Reply = Say | Fill | Act | Confirm


def listening_for(
    choices: Sequence[OptionLike],
    *,
    dictation: bool,
    page: PageKind = PageKind.CHOICE,
    screen: str | None = None,
    lexicon: Lexicon | None = None,
) -> Listening:
    """Choices are listened for by exactly their words and synonyms (fast and accurate)."""
    options = (*choices, *NAVIGATION)
    if dictation:
        return Listening(options, None, page, screen, lexicon)
    phrases: list[str] = []
    for option in options:
        phrases += [option.label, *option.synonyms]
    return Listening(options, tuple(phrases), page, screen, lexicon)


def act_on(option_id: str) -> Act:
    """A command word becomes its action; anything else is a choice on the screen."""
    return Act(_COMMAND_ACTIONS.get(option_id, "choose"), option_id)


def understand(listening: Listening, transcript: Transcript) -> Reply:
    """What to do with one turn's transcript."""
    if listening.dictation:
        return Fill(transcript.text) if transcript.text else Say(NOT_HEARD_DICTATION)
    if not transcript.text:
        return Say(NOT_HEARD_AGAIN)
    found = match(
        transcript.text,
        listening.options,
        asr_confidence=transcript.confidence or None,
        page=listening.page,
        screen=listening.screen,
        lexicon=listening.lexicon,
    )
    if found.asked_back:  # a question back (好不好？) or a refused option: never an answer
        return Say(found.say or NOT_UNDERSTOOD)
    if found.option is None:
        return Say(NOT_UNDERSTOOD)
    act = act_on(found.option.id)
    if found.needs_confirmation:
        return Confirm(confirmation_prompt(found.option), act)
    return act
