"""刷身份证 on the identity pages: a card read instead of typing, by simulated touches."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date

import pytest

from kiosk import display_text
from kiosk.devices.idcard import FailureReason, IdCard, ReadFailure, ReadResult, check_card
from kiosk.devices.serial_reader import SerialCardReader
from kiosk.devices.stand_ins import ScriptedCardReader
from tests.ui.harness import Kiosk
from tests.ui.test_home_and_flows import _outbox_payload, _receipt_code
from tests.ui.test_idle_and_privacy import every_widget
from tests.ui.test_pack_admin import open_admin
from tools.idcard_sim import ReaderSimulator

pytestmark = pytest.mark.ui

CARD = IdCard(
    name="王建国",
    sex="男",
    nation_code="01",
    birth_date=date(1952, 5, 4),
    address="江苏省常州市武进区湟里镇东安村",
    id_number="320412195205041215",
    issuing_office="常州市公安局武进分局",
    valid_from=date(2016, 3, 1),
    valid_until=None,
)
EXPIRED_CARD = IdCard(
    name="赵老三",
    sex="男",
    nation_code="01",
    birth_date=date(1952, 5, 4),
    address="江苏省常州市天宁区郑陆镇焦溪村8号",
    id_number="320412195205041215",
    issuing_office="常州市公安局天宁分局",
    valid_from=date(2004, 3, 1),
    valid_until=date(2024, 3, 1),
)
PHONE = "13912345678"
VISIT_CARD = IdCard(  # 82 on the tests' date: 80岁以上老人 may book a home visit
    name="王秀兰",
    sex="女",
    nation_code="01",
    birth_date=date(1944, 3, 15),
    address="江苏省常州市武进区湟里镇东安村3组12号",
    id_number="320483194403150026",
    issuing_office="常州市公安局武进分局",
    valid_from=date(2010, 3, 1),
    valid_until=None,
)


@pytest.fixture
def with_reader(kiosk: Kiosk) -> Iterator[Kiosk]:
    yield kiosk
    kiosk.app.use_card_reader(None)


def _insert(kiosk: Kiosk, *results: ReadResult) -> None:
    kiosk.app.use_card_reader(ScriptedCardReader(results))


def _card_read_back(kiosk: Kiosk) -> None:
    """The worker thread's read lands on the Kivy thread (as with a real reader, a moment later)."""
    read = kiosk.screen.card_read
    if read is not None:  # else it is back already (a stand-in answers at once)
        read.wait(30)  # bounded; generous for a busy machine
    kiosk.pump(3)


def _start_migrant_application(kiosk: Kiosk) -> None:
    kiosk.tap("申请法律援助")
    kiosk.tap("给自己申请")
    kiosk.no_exemption_group()
    kiosk.tap("务工欠薪")
    kiosk.tap("是", exact=True)
    assert kiosk.screen.step_id == "name"


def _finish_after_address(kiosk: Kiosk) -> dict:
    kiosk.tap("跳过")  # no house number
    kiosk.tap("公司或单位")
    kiosk.tap("跳过")
    kiosk.type_pinyin("laoban", "老板")
    kiosk.tap("下一步")
    kiosk.tap("下一步")  # no materials ticked
    kiosk.tap("没问题")
    kiosk.tap("同意", exact=True)
    kiosk.tap("提交申请")
    return _outbox_payload(kiosk, _receipt_code(kiosk))


def _apply_by_typing(kiosk: Kiosk) -> dict:
    _start_migrant_application(kiosk)
    kiosk.type_pinyin("wang", "王")
    kiosk.type_pinyin("jian", "建")
    kiosk.type_pinyin("guo", "国")
    kiosk.tap("下一步")
    kiosk.type_digits(CARD.id_number)
    kiosk.tap("下一步")
    kiosk.type_digits(PHONE)
    kiosk.tap("下一步")
    kiosk.tap("武进区")
    kiosk.tap("湟里镇")
    kiosk.tap("东安村")
    return _finish_after_address(kiosk)


TODAY = date(2026, 6, 15)  # the terminal's date in these tests: 王建国 (1952-05-04) is 74


@pytest.fixture(autouse=True)
def _screens_keep_their_clock(kiosk: Kiosk) -> Iterator[None]:
    """Tests here date a screen by TODAY; the shared kiosk's next test gets the real clock back."""
    yield
    for screen in kiosk.app.manager.screens:  # every screen is built with the app's clock
        if hasattr(screen, "today"):
            screen.today = kiosk.app.today


def _read_card_on_the_name_page(kiosk: Kiosk) -> None:
    _start_migrant_application(kiosk)
    kiosk.screen.today = lambda: TODAY
    _card_read_back(kiosk)


def test_a_card_instead_of_typing_gives_the_same_application_as_typing(
    with_reader: Kiosk,
) -> None:
    kiosk = with_reader
    typed = _apply_by_typing(kiosk)
    kiosk.tap("办完了")

    _insert(kiosk, CARD)
    _read_card_on_the_name_page(kiosk)
    texts = kiosk.texts()
    assert "姓名：王建国（男，74岁）" in texts  # sex and age from the checked number
    assert display_text.id_number(CARD.id_number) in texts  # 320412 19520504 1215, large
    assert any("武进区" in t and "东安村" in t for t in texts)
    assert "请把身份证拿走。" in texts
    kiosk.tap("确认", exact=True)
    assert kiosk.screen.step_id == "phone"  # name and number filled: nothing to type there
    kiosk.type_digits(PHONE)
    kiosk.tap("下一步")
    assert kiosk.screen.step_id == "address"  # opened at 几组几号: the village came from the card
    read = _finish_after_address(kiosk)

    assert read == typed


def _visit_until_the_identity(kiosk: Kiosk) -> None:
    kiosk.tap("预约上门服务")
    kiosk.tap("80岁以上老人")
    kiosk.tap("法律咨询")
    kiosk.tap(next(w for w in kiosk.walk() if getattr(w, "option_id", "").count("-") == 2))
    kiosk.tap("上午")
    assert kiosk.screen.step_id == "id_number"


def _book_the_rest(kiosk: Kiosk) -> dict:
    kiosk.type_digits(PHONE)
    kiosk.tap("下一步")
    assert kiosk.screen.step_id == "confirm"
    kiosk.tap("确认预约")
    assert kiosk.screen.name == "receipt", kiosk.screen.message_text
    payload = _outbox_payload(kiosk, _receipt_code(kiosk))
    # The same person may hold one booking per service: cancelled, so the card can book again.
    kiosk.app.services.visit_ledger.set_status(payload.pop("booking_id"), "cancelled")
    return payload


def test_a_visit_booked_with_the_card_gives_the_same_booking_as_typing(
    with_reader: Kiosk,
) -> None:
    kiosk = with_reader
    _visit_until_the_identity(kiosk)
    kiosk.type_digits(VISIT_CARD.id_number)
    kiosk.tap("下一步")
    for syllable, char in (("wang", "王"), ("xiu", "秀"), ("lan", "兰")):
        kiosk.type_pinyin(syllable, char)
    kiosk.tap("下一步")
    kiosk.tap("武进区")
    kiosk.tap("湟里镇")
    kiosk.tap("东安村")
    kiosk.tap("数字", exact=True)
    for key in ("3", "组", "1", "2", "号"):
        kiosk.tap(key, exact=True)
    kiosk.tap("下一步")
    typed = _book_the_rest(kiosk)
    kiosk.tap("办完了")

    _insert(kiosk, VISIT_CARD)
    _visit_until_the_identity(kiosk)
    kiosk.screen.today = lambda: TODAY
    _card_read_back(kiosk)
    assert "姓名：王秀兰（女，82岁）" in kiosk.texts()
    assert "住址：武进区湟里镇东安村3组12号" in kiosk.texts()  # the house number said once
    kiosk.tap("确认", exact=True)
    # The address page, at 几组几号 with the card's 3组12号: the resident checks it.
    assert kiosk.screen.step_id == "address" and kiosk.screen.answer_box.value == "3组12号"
    assert kiosk.screen.question.startswith("武进区湟里镇东安村：几组几号")
    kiosk.tap("下一步")
    read = _book_the_rest(kiosk)

    assert read == typed
    assert read["person"]["name"] == "王秀兰" and read["address"]["detail"] == "3组12号"


def _writing(kiosk: Kiosk) -> bool:
    """The name page is open for the resident's own writing (pad or keyboard)."""
    return kiosk.screen.keyboard is not None or kiosk.screen.writing_pad is not None


def test_not_right_on_the_read_card_opens_the_name_page_for_writing(with_reader: Kiosk) -> None:
    kiosk = with_reader
    _insert(kiosk, CARD)
    _read_card_on_the_name_page(kiosk)
    kiosk.tap("不对，自己填")
    assert kiosk.screen.step_id == "name" and _writing(kiosk)
    assert kiosk.screen.answer("name") is None  # nothing from the card was kept


def test_typing_is_one_tap_away_on_the_card_page(with_reader: Kiosk) -> None:
    kiosk = with_reader
    _insert(kiosk)  # the reader finds no card
    _start_migrant_application(kiosk)
    _card_read_back(kiosk)
    # The tile is the first choice, before any typing; it stays for another try.
    assert "刷身份证" in kiosk.texts() and "不刷卡，自己填" in kiosk.texts()
    assert "没有读到身份证，请把身份证平放在读卡区上。" in kiosk.texts()
    assert not _writing(kiosk)
    kiosk.tap("不刷卡，自己填")
    assert _writing(kiosk)
    kiosk.type_pinyin("wang", "王")
    kiosk.type_pinyin("jian", "建")
    kiosk.tap("下一步")
    assert kiosk.screen.keypad is not None  # the number too: the resident chose typing


def test_an_expired_card_says_so_plainly_and_offers_the_keypad(with_reader: Kiosk) -> None:
    kiosk = with_reader
    expired = check_card(EXPIRED_CARD, date(2026, 6, 15))
    assert isinstance(expired, ReadFailure)
    _insert(kiosk, expired)
    _read_card_on_the_name_page(kiosk)
    assert "这张身份证2024年3月1日就过期了，请带有效的身份证来办理，或者自己填。" in kiosk.texts()
    assert _writing(kiosk)
    kiosk.type_pinyin("zhao", "赵")
    kiosk.type_pinyin("san", "三")
    kiosk.tap("下一步")
    assert kiosk.screen.keypad is not None
    assert kiosk.screen.answer("id_number") is None


def test_a_card_lifted_too_early_keeps_the_tile_to_try_again(with_reader: Kiosk) -> None:
    kiosk = with_reader
    _insert(kiosk, ReadFailure.of(FailureReason.CARD_REMOVED), CARD)
    _read_card_on_the_name_page(kiosk)
    assert any("读卡时身份证被移开了" in t for t in kiosk.texts())
    kiosk.tap("刷身份证", exact=True)
    _card_read_back(kiosk)
    assert "姓名：王建国（男，74岁）" in kiosk.texts()


def test_no_card_field_survives_the_idle_wipe_in_widgets_database_or_logs(
    with_reader: Kiosk, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = with_reader
    caplog.set_level(logging.DEBUG)
    _insert(kiosk, CARD)
    _read_card_on_the_name_page(kiosk)
    kiosk.tap("确认", exact=True)
    kiosk.type_digits(PHONE[:5])
    secrets = (CARD.name, CARD.id_number, display_text.id_number(CARD.id_number), "湟里镇东安村")

    def on_screen() -> list[str]:
        found = []
        for w in every_widget(kiosk):
            for attr in ("text", "value", "letters"):
                v = getattr(w, attr, None)
                if isinstance(v, str) and any(s in v for s in secrets):
                    found.append(f"{type(w).__name__}.{attr}")
        return found

    kiosk.screen.show("id_number")  # the read card on screen again (the page shows the number)
    kiosk.pump(2)
    assert on_screen(), "test set-up: the card's number should be on screen"
    kiosk.idle_for(60)  # the warning
    kiosk.idle_for(30)  # and the wipe
    assert kiosk.screen.name == "home"
    assert on_screen() == []
    assert not kiosk.app.session.has_input
    stored = b"".join(p.read_bytes() for p in kiosk.data_dir.rglob("*.db*") if p.is_file())
    for secret in secrets:
        assert secret.encode() not in stored
        assert secret.encode("utf-16-le") not in stored
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(s in logged for s in secrets)


def _reader_line(kiosk: Kiosk) -> str:
    return next(t for t in kiosk.texts() if t.startswith("身份证读卡器："))


def _wait_for_the_reader_check(kiosk: Kiosk, timeout_s: float = 30.0) -> None:
    end = time.monotonic() + timeout_s
    while kiosk.screen.checking_reader:
        assert time.monotonic() < end, "the card reader's status never came back"
        kiosk.pump(1, seconds=0.02)
    kiosk.pump(2)


def test_the_admin_screen_says_whether_a_card_reader_and_handwriting_are_there(
    with_reader: Kiosk,
) -> None:
    kiosk = with_reader
    open_admin(kiosk)
    _wait_for_the_reader_check(kiosk)
    assert _reader_line(kiosk) == "身份证读卡器：没有配置身份证读卡器：居民用键盘输入身份证号。"
    assert any(t.startswith("手写输入：") for t in kiosk.texts())
    kiosk.tap("上一步")
    _insert(kiosk)
    kiosk.tap("管理信息")
    _wait_for_the_reader_check(kiosk)
    assert _reader_line(kiosk).startswith("身份证读卡器：身份证读卡器正常，可以刷身份证。")


def test_a_dead_card_reader_does_not_freeze_the_admin_screen(with_reader: Kiosk) -> None:
    """A serial reader plugged in but silent makes the driver wait for its answer (1 s by
    default, 3 s here so that a busy test machine can't blur the difference): the admin screen
    opens at once and says so when the answer has timed out."""
    kiosk = with_reader
    sim = ReaderSimulator([], mute=True).start()
    reader = SerialCardReader(sim.path, answer_timeout_s=3.0)
    try:
        kiosk.app.use_card_reader(reader)
        open_admin(kiosk)
        kiosk.tap("上一步")
        started = time.monotonic()
        kiosk.tap("管理信息")
        assert time.monotonic() - started < 2.0, "the admin screen waited for the reader"
        assert _reader_line(kiosk) == "身份证读卡器：正在查看……"
        _wait_for_the_reader_check(kiosk)
        assert _reader_line(kiosk).startswith(
            "身份证读卡器：身份证读卡器插着，但是不应答：请重新插拔读卡器或断电重启。"
        )
    finally:
        kiosk.app.use_card_reader(None)
        reader.close()
        sim.stop()
