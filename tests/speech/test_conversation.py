"""From what a resident said to what the kiosk does (voice.conversation), without a window."""

from __future__ import annotations

from voice.commands import NAVIGATION
from voice.conversation import (
    NOT_HEARD_AGAIN,
    NOT_HEARD_DICTATION,
    NOT_UNDERSTOOD,
    Act,
    Confirm,
    Fill,
    Say,
    listening_for,
    understand,
)
from voice.options import VoiceOption
from voice.protocols import Transcript
from voice.rules import PageKind

CHOICES = [
    VoiceOption("legal_aid", "申请法律援助", ("我要请律师",)),
    VoiceOption("notary", "公证材料清单", ("公证",)),
]


def heard(text: str) -> Transcript:
    return Transcript(text, text, None, 0.9 if text else 0.0, not text, 1.0)


def test_a_choice_screen_listens_for_its_options_synonyms_and_the_navigation_words() -> None:
    listening = listening_for(CHOICES, dictation=False)
    assert listening.phrases is not None
    assert {"申请法律援助", "我要请律师", "公证", "返回", "下一步"} <= set(listening.phrases)
    assert len(listening.options) == len(CHOICES) + len(NAVIGATION)


def test_a_text_page_listens_freely() -> None:
    assert listening_for(CHOICES, dictation=True).dictation


def test_a_synonym_chooses_its_option() -> None:
    reply = understand(listening_for(CHOICES, dictation=False), heard("我要请律师"))
    assert reply == Act("choose", "legal_aid")


def test_navigation_words_become_actions_not_choices() -> None:
    listening = listening_for(CHOICES, dictation=False)
    assert understand(listening, heard("返回")) == Act("home", "cmd.back")
    assert understand(listening, heard("上一步")) == Act("previous", "cmd.previous")
    assert understand(listening, heard("下一步")) == Act("next", "cmd.next")
    assert understand(listening, heard("再说一遍")) == Act("read_aloud", "cmd.repeat")


def test_a_near_miss_is_confirmed_before_acting() -> None:
    choices = [VoiceOption("traffic", "交通事故"), VoiceOption("land", "土地承包")]
    reply = understand(listening_for(choices, dictation=False), heard("交通故"))
    assert isinstance(reply, Confirm)
    assert reply.question == "您是说“交通事故”吗？"
    assert reply.then == Act("choose", "traffic")


def test_silence_and_unrelated_words_ask_again_in_plain_words() -> None:
    listening = listening_for(CHOICES, dictation=False)
    assert understand(listening, heard("")) == Say(NOT_HEARD_AGAIN)
    assert understand(listening, heard("今天天气很好啊")) == Say(NOT_UNDERSTOOD)


def test_dictation_fills_the_box_and_reads_it_back() -> None:
    listening = listening_for(CHOICES, dictation=True)
    reply = understand(listening, heard("张桂英"))
    assert reply == Fill("张桂英")
    assert isinstance(reply, Fill) and "张桂英" in reply.read_back
    assert understand(listening, heard("")) == Say(NOT_HEARD_DICTATION)


def test_a_question_back_is_never_taken_as_an_answer_and_the_kiosk_asks_again() -> None:
    answers = [VoiceOption("yes", "是"), VoiceOption("no", "不是")]
    listening = listening_for(answers, dictation=False, page=PageKind.YES_NO)
    reply = understand(listening, heard("是不是啊"))
    assert isinstance(reply, Say)
    assert (reply.text and reply.text != NOT_UNDERSTOOD) or reply.text == NOT_UNDERSTOOD
    assert not isinstance(reply, Act)


def test_a_wu_negation_on_the_consent_page_never_becomes_agreement() -> None:
    consent = [VoiceOption("agree", "同意"), VoiceOption("disagree", "不同意")]
    listening = listening_for(consent, dictation=False, page=PageKind.CONSENT)
    for said in ("伐同意", "勿同意", "覅同意"):
        reply = understand(listening, heard(said))
        assert reply != Act("choose", "agree"), said
        assert not (isinstance(reply, Confirm) and reply.then == Act("choose", "agree")), said


def test_a_homophone_on_a_binary_page_is_asked_about_not_acted_on() -> None:
    answers = [VoiceOption("yes", "是"), VoiceOption("no", "不是")]
    choice = understand(listening_for(answers, dictation=False), heard("事的"))
    binary = understand(
        listening_for(answers, dictation=False, page=PageKind.YES_NO), heard("事的")
    )
    assert not isinstance(binary, Act)
    assert isinstance(binary, Confirm | Say)
    assert choice != binary or isinstance(choice, Confirm)


def test_the_read_aloud_voice_can_be_changed_by_voice_on_any_page() -> None:
    listening = listening_for(CHOICES, dictation=False)
    assert understand(listening, heard("大声点")) == Act("louder", "cmd.louder")
    assert understand(listening, heard("说慢点")) == Act("slower", "cmd.slower")
    assert understand(listening, heard("响一点")) == Act("louder", "cmd.louder")  # Wu for loud
    assert understand(listening, heard("听不清")) == Act("clearer", "cmd.clearer")
    # A refusal is not a request: 不要大声 changes nothing.
    assert not isinstance(understand(listening, heard("不要大声点")), Act)
