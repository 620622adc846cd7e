"""刷身份证 on the identity pages: a card read instead of typing, by simulated touches."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import pytest

from kiosk import display_text
from kiosk.devices.idcard import FailureReason, IdCard, ReadFailure, ReadResult, check_card
from kiosk.devices.stand_ins import ScriptedCardReader
from tests.ui.harness import Kiosk
from tests.ui.test_home_and_flows import _outbox_payload, _receipt_code
from tests.ui.test_idle_and_privacy import every_widget

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
        read.wait(5)
    kiosk.pump(3)


def _start_migrant_application(kiosk: Kiosk) -> None:
    kiosk.tap("申请法律援助")
    kiosk.tap("给自己申请")
    kiosk.tap("都不是", exact=True)
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


def _read_card_on_the_name_page(kiosk: Kiosk) -> None:
    _start_migrant_application(kiosk)
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
    assert "姓名：王建国" in texts
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


def test_going_back_to_typing_from_the_read_card_shows_the_keyboard(with_reader: Kiosk) -> None:
    kiosk = with_reader
    _insert(kiosk, CARD)
    _read_card_on_the_name_page(kiosk)
    kiosk.tap("不对，用键盘输入")
    assert kiosk.screen.step_id == "name" and kiosk.screen.keyboard is not None
    assert kiosk.screen.answer("name") is None  # nothing from the card was kept


def test_typing_is_one_tap_away_on_the_card_page(with_reader: Kiosk) -> None:
    kiosk = with_reader
    _insert(kiosk)  # the reader finds no card
    _start_migrant_application(kiosk)
    _card_read_back(kiosk)
    # The tile is the first choice, before any typing; it stays for another try.
    assert "刷身份证" in kiosk.texts()
    assert "没有读到身份证，请把身份证平放在读卡区上。" in kiosk.texts()
    assert kiosk.screen.keyboard is None
    kiosk.tap("用键盘输入")
    assert kiosk.screen.keyboard is not None
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
    assert (
        "这张身份证2024年3月1日就过期了，请带有效的身份证来办理，或者用键盘输入。" in kiosk.texts()
    )
    assert kiosk.screen.keyboard is not None
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
    assert "姓名：王建国" in kiosk.texts()


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


def test_the_admin_screen_says_whether_a_card_reader_and_handwriting_are_there(
    with_reader: Kiosk,
) -> None:
    info = with_reader.app.admin_info()
    assert info.card_reader == "没有配置身份证读卡器：居民用键盘输入身份证号。"
    _insert(with_reader)
    info = with_reader.app.admin_info()
    assert info.card_reader.startswith("身份证读卡器正常，可以刷身份证。")
    assert info.handwriting.startswith("手写输入")
