"""问一问 on screen, and 大声点 / 慢一点: what a resident sees, hears and leaves behind."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from screens.voice_control import CLEARER_SAID, LOUDER_STEP, SLOWER_STEP
from tests.fakes import FakeRecognizer, FakeSpeaker
from tests.ui.harness import Kiosk
from voice.ask import QaEntry, entries_from_data

pytestmark = pytest.mark.ui

VOICED_QUESTION = "儿子不给我生活费怎么办"
OUT_OF_SCOPE = "猪肉多少钱一斤"


def entry(kiosk: Kiosk, entry_id: str) -> QaEntry:
    return next(e for e in entries_from_data(kiosk.app.pack.data("qa")) if e.id == entry_id)


def wait_for_answer(kiosk: Kiosk, timeout_s: float = 60.0) -> None:
    """The index is built on the background worker the first time: pump until the page moves."""
    end = time.monotonic() + timeout_s
    while kiosk.screen.state == "question" and time.monotonic() < end:
        kiosk.pump(1, seconds=0.05)
    assert kiosk.screen.state != "question", "no answer came"


def misses(kiosk: Kiosk) -> int:
    kiosk.app.background.drain()
    with kiosk.app.store.atomic() as conn:
        row = conn.execute(
            "SELECT COALESCE(SUM(n), 0) FROM usage_counts WHERE metric = 'ask_missed'"
        ).fetchone()
    return int(row[0])


def test_asking_by_voice_offers_the_right_entry_and_reads_its_answer_word_for_word(
    voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker],
) -> None:
    kiosk, recognizer, speaker = voiced
    kiosk.tap("问一问")
    assert kiosk.screen.name == "ask"
    recognizer.heard = [VOICED_QUESTION]
    kiosk.tap("说话")
    kiosk.pump(2)
    assert recognizer.grammars[-1] is None  # free dictation into the question box
    assert kiosk.screen.keyboard.value == VOICED_QUESTION
    # The button's own handler, without a frame after it: the answer comes on a later frame
    # however fast the worker is, and until then the page says 请稍等 (touches still work).
    kiosk.find("问一问", exact=True).dispatch("on_release")
    assert "请稍等" in kiosk.screen.message.text
    wait_for_answer(kiosk)
    support = entry(kiosk, "support_duty")
    offered = [t for t in kiosk.texts() if t.startswith("您是想问“")]
    assert 2 <= len(offered) <= 3
    assert f"您是想问“{support.title}”吗？" in offered
    assert support.title in speaker.said[-1]  # the choices are said too
    kiosk.tap(f"您是想问“{support.title}”吗？")
    assert support.answer in kiosk.texts()  # shown as the pack has it
    assert (
        speaker.said[-1] == f"{support.answer}依据：{'、'.join(b.spoken for b in support.basis)}。"
    )
    small = next(t for t in kiosk.texts() if t.startswith("依据："))
    assert "第一千零六十七条" in small and "2026年12月7日核对过" in small


def test_asking_on_the_pinyin_keyboard_finds_the_homestead_answers(kiosk: Kiosk) -> None:
    kiosk.tap("问一问")
    for letters, char in (("zhai", "宅"), ("ji", "基"), ("di", "地")):
        kiosk.type_pinyin(letters, char)
    assert kiosk.screen.keyboard.value == "宅基地"
    kiosk.tap("问一问", exact=True)
    wait_for_answer(kiosk)
    assert kiosk.screen.state == "results"
    first = entry(kiosk, "homestead_right")
    assert f"您是想问“{first.title}”吗？" in kiosk.texts()


def test_a_question_out_of_scope_says_so_and_offers_12348_a_home_visit_and_staff(
    kiosk: Kiosk,
) -> None:
    before = misses(kiosk)
    kiosk.tap("问一问")
    kiosk.screen.dictated(OUT_OF_SCOPE)
    kiosk.tap("问一问", exact=True)
    wait_for_answer(kiosk)
    assert kiosk.screen.state == "not_found"
    assert kiosk.app.pack.data("qa")["not_found"] in kiosk.texts()
    assert misses(kiosk) == before + 1
    kiosk.tap("找工作人员")
    assert any("不会自动叫人" in t for t in kiosk.texts())  # said plainly: nobody is called
    assert any(t.startswith("镇（街道）司法所") for t in kiosk.texts())
    kiosk.tap("上一步")
    kiosk.tap("预约上门服务")
    assert kiosk.screen.name == "visit"
    kiosk.tap("上一步")  # the visit wizard's first page goes back home
    kiosk.tap("问一问")
    assert kiosk.screen.keyboard.value == ""  # a new visit to 问一问 starts blank
    kiosk.screen.dictated(OUT_OF_SCOPE)
    kiosk.tap("问一问", exact=True)
    wait_for_answer(kiosk)
    kiosk.tap("拨打12348热线")
    assert kiosk.screen.name == "hotline"


def test_no_question_text_is_kept_in_the_database_or_the_logs(
    kiosk: Kiosk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    kiosk.tap("问一问")
    secret = "我家鸡被隔壁老王偷了"
    kiosk.screen.dictated(secret)
    kiosk.tap("问一问", exact=True)
    wait_for_answer(kiosk)
    kiosk.app.background.drain()
    with kiosk.app.store.atomic() as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = "\n".join(
            str(tuple(row)) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"')
        )
    assert dump and secret not in dump
    for path in kiosk.app.store.path.parent.glob(kiosk.app.store.path.name + "*"):
        assert secret.encode() not in path.read_bytes()  # nor in the WAL
    assert secret not in caplog.text


def test_the_question_is_wiped_after_the_idle_time(kiosk: Kiosk) -> None:
    kiosk.tap("问一问")
    kiosk.screen.dictated("我的宅基地被占了")
    kiosk.type_pinyin("zhai", "宅")  # and letters half typed
    kiosk.tap_key("z")
    screen = kiosk.screen
    kiosk.idle_for(60)
    assert kiosk.screen.name == "ask"  # warned first
    kiosk.idle_for(30)
    assert kiosk.screen.name == "home"
    assert screen.keyboard.value == "" and screen.keyboard.letters == ""
    assert "宅" not in screen.box.value


def test_a_knowledge_page_has_its_own_ask_button(kiosk: Kiosk) -> None:
    kiosk.tap("法律常识")
    kiosk.tap("问一问")
    assert kiosk.screen.name == "ask"


def test_louder_and_slower_are_said_back_and_reset_for_the_next_resident(
    voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker],
) -> None:
    kiosk, _recognizer, speaker = voiced
    configured = (speaker.rate, speaker.volume)
    assert configured[0] == int(kiosk.app.kiosk_config.tts_rate)
    kiosk.tap("法律常识")
    kiosk.tap("大声点")  # in the top bar, beside 朗读
    assert speaker.volume == configured[1] + LOUDER_STEP
    assert speaker.said[-1] == "已经大声一点了。"
    kiosk.tap("问一问")  # and on every page behind home
    kiosk.tap("慢一点")
    kiosk.tap("慢一点")
    assert speaker.rate == configured[0] - 2 * SLOWER_STEP
    assert speaker.said[-1] == "已经慢一点了。"
    for _ in range(10):
        kiosk.tap("大声点")
    assert speaker.said[-1] == "已经是最大声了。"
    kiosk.idle_for(60)
    kiosk.idle_for(30)
    assert kiosk.screen.name == "home"
    assert (speaker.rate, speaker.volume) == configured


def test_the_tour_shows_each_state_of_the_ask_screen(kiosk: Kiosk) -> None:
    kiosk.app.flow.show("ask")
    states: dict[str, Any] = {}
    for name, action in kiosk.screen.tour_steps():
        action()
        kiosk.pump(2)
        states[name] = kiosk.screen.state
    assert states == {
        "question": "question",
        "results": "results",
        "answer": "answer",
        "not-found": "not_found",
        "staff": "staff",
    }


def test_louder_slower_and_hard_to_hear_can_be_said_instead_of_tapped(
    voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker],
) -> None:
    kiosk, recognizer, speaker = voiced
    rate, volume = speaker.rate, speaker.volume
    kiosk.tap("法律常识")
    recognizer.heard += ["大声点", "说慢点", "听不清"]
    kiosk.tap("说话")
    assert speaker.volume == volume + LOUDER_STEP and speaker.said[-1] == "已经大声一点了。"
    kiosk.tap("说话")
    assert speaker.rate == rate - SLOWER_STEP and speaker.said[-1] == "已经慢一点了。"
    kiosk.tap("说话")  # 听不清: both at once, and the page is read again
    assert (speaker.rate, speaker.volume) == (rate - 2 * SLOWER_STEP, volume + 2 * LOUDER_STEP)
    assert speaker.said[-2] == CLEARER_SAID and "法律常识" in speaker.said[-1]


def test_the_offered_questions_can_be_picked_by_voice_by_place_or_none_of_them(
    voiced: tuple[Kiosk, FakeRecognizer, FakeSpeaker],
) -> None:
    kiosk, recognizer, _speaker = voiced
    kiosk.tap("问一问")
    recognizer.heard = [VOICED_QUESTION]
    kiosk.tap("说话")
    kiosk.find("问一问", exact=True).dispatch("on_release")
    wait_for_answer(kiosk)
    hits = kiosk.screen.result.hits
    assert len(hits) >= 2
    recognizer.heard = ["第二个"]
    kiosk.tap("说话")
    assert kiosk.screen.state == "answer" and kiosk.screen.entry == hits[1].entry
    assert hits[1].entry.answer in kiosk.texts()
    kiosk.tap("上一步")
    recognizer.heard = ["都不是"]
    kiosk.tap("说话")
    assert kiosk.screen.state == "not_found"
