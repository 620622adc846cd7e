"""Residents' paths through the kiosk, by simulated touches in a real Kivy window."""

from __future__ import annotations

import json

import pytest

from kiosk import display_text, receipts
from kiosk.sealing import open_sealed
from tests.ui.conftest import STAFF_ID, STAFF_PIN
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

HOME_TILES = {
    "申请法律援助": "legal_aid",
    "公证材料清单": "notary",
    "预约上门服务": "visit",
    "查询办理进度": "status",
    "法律常识": "knowledge",
    "12348": "hotline",
}


def test_home_shows_the_station_and_six_tiles_and_each_tile_opens_its_screen(kiosk: Kiosk) -> None:
    assert kiosk.screen.name == "home"
    assert kiosk.app.kiosk_config.station_name in kiosk.texts()
    for label, screen in HOME_TILES.items():
        kiosk.tap(label)
        assert kiosk.screen.name == screen, label
        kiosk.tap("结束并清除")
        assert kiosk.screen.name == "home"


def _outbox_document(kiosk: Kiosk, code: str) -> dict:
    """What the province will receive for ``code``, opened with the province's private key."""
    entry = kiosk.app.services.outbox.get(code)
    assert entry is not None, f"no outbox entry for {code}"
    sealed = kiosk.app.services.outbox.envelope(entry.submission_id)
    plain = open_sealed(kiosk.private_key, entry.submission_id, entry.kind, sealed)
    return json.loads(plain)


def _outbox_payload(kiosk: Kiosk, code: str) -> dict:
    return _outbox_document(kiosk, code)["payload"]


def _receipt_code(kiosk: Kiosk) -> str:
    assert kiosk.screen.name == "receipt"
    code = kiosk.screen.code
    assert receipts.is_valid(code)
    assert display_text.receipt_code(code) in kiosk.texts()  # the code, large, on screen
    return code


def test_a_migrant_worker_applies_for_legal_aid_without_income_questions(kiosk: Kiosk) -> None:
    kiosk.tap("申请法律援助")
    kiosk.tap("给自己申请")
    kiosk.no_exemption_group()
    kiosk.tap("务工欠薪")
    assert "农民工" in kiosk.screen.question
    kiosk.tap("是", exact=True)
    # Exempt as a migrant worker claiming wages: straight to the name, no income pages.
    assert kiosk.screen.step_id == "name"
    assert "household" not in kiosk.screen.steps()
    kiosk.enter_zhang_guiying()
    kiosk.tap("武进区")
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)  # first town
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)  # first village
    kiosk.tap("跳过")  # no house number
    kiosk.tap("公司或单位")
    kiosk.tap("跳过")  # opposing party's name unknown
    kiosk.type_pinyin("laoban", "老板")
    kiosk.type_pinyin("bu", "不")
    kiosk.type_pinyin("gei", "给")
    kiosk.type_pinyin("gongqian", "工钱")
    kiosk.tap("下一步")
    # Several materials can be ticked; a ticked one carries ✓ (not colour alone), a second tap
    # takes it off again.
    kiosk.tap("照片")
    kiosk.tap("工资条")
    assert _chosen(kiosk) == ["✓ 工资条、考勤记录", "✓ 照片、视频"]
    kiosk.tap("照片")
    assert _chosen(kiosk) == ["✓ 工资条、考勤记录"]
    kiosk.tap("下一步")
    assert kiosk.screen.step_id == "review"
    assert any("张桂英" in t for t in kiosk.texts())
    kiosk.tap("没问题")
    kiosk.tap("同意", exact=True)
    assert kiosk.screen.step_id == "result"
    assert any("不用查收入" in t for t in kiosk.texts())
    kiosk.tap("提交申请")
    code = _receipt_code(kiosk)
    payload = _outbox_payload(kiosk, code)
    assert payload["applicant"]["name"] == "张桂英"
    assert payload["applicant"]["migrant_worker"] is True
    assert payload["economy"] is None
    assert payload["matter"] == {"category": "unpaid_wages", "facts": "老板不给工钱"}
    assert (kiosk.data_dir / "receipts" / f"receipt-{code}.png").is_file()
    # The status screen finds it offline, by the receipt code typed on the keypad.
    kiosk.tap("办完了")
    kiosk.tap("查询办理进度")
    kiosk.type_digits(code)
    kiosk.tap("查询", exact=True)
    assert any("已保存在本机" in t or "等待" in t for t in kiosk.texts())


def test_going_back_shows_each_earlier_answer_ticked(kiosk: Kiosk) -> None:
    kiosk.tap("申请法律援助")
    kiosk.tap("给自己申请")
    kiosk.no_exemption_group()
    kiosk.tap("务工欠薪")
    kiosk.tap("是", exact=True)
    assert kiosk.screen.step_id == "name"
    kiosk.tap("上一步")
    assert "农民工" in kiosk.screen.question and _chosen(kiosk) == ["✓ 是"]
    kiosk.tap("上一步")
    assert _chosen(kiosk) == ["✓ 务工欠薪"]
    kiosk.tap("赡养费")  # a different answer: the tick moves with it
    assert kiosk.screen.step_id != "matter"
    kiosk.tap("上一步")
    assert _chosen(kiosk) == ["✓ 赡养费"]


def _chosen(kiosk: Kiosk) -> list[str]:
    """The texts of the buttons shown as chosen (✓), in reading order."""
    from kivy.uix.behaviors import ButtonBehavior

    marked = [
        w
        for w in kiosk.walk()
        if isinstance(w, ButtonBehavior) and str(getattr(w, "text", "")).startswith("✓")
    ]
    for w in marked:  # the mark is more than colour, and the colour agrees with it
        assert w.role in ("accent", "danger"), w.text
    return sorted(w.text for w in marked)


def test_a_family_above_the_threshold_is_asked_income_and_can_fix_an_answer_on_review(
    kiosk: Kiosk,
) -> None:
    kiosk.tap("申请法律援助")
    kiosk.tap("替别人申请")
    kiosk.no_exemption_group()
    kiosk.tap("赡养费")
    kiosk.tap("都不是", exact=True)  # no exempt matter
    assert kiosk.screen.step_id == "household"
    kiosk.type_digits("2")
    kiosk.tap("下一步")
    kiosk.tap("按月说")
    kiosk.type_digits("20000")
    kiosk.tap("下一步")
    kiosk.type_pinyin("li", "李")
    kiosk.type_pinyin("mei", "梅")
    kiosk.tap("下一步")
    kiosk.type_digits("320483195603150025")
    kiosk.tap("下一步")
    kiosk.type_digits("13912345678")
    kiosk.tap("下一步")
    kiosk.tap("武进区")
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)
    kiosk.tap("跳过")
    assert kiosk.screen.step_id == "agent_name"
    kiosk.type_pinyin("li", "李")
    kiosk.type_pinyin("qiang", "强")
    kiosk.tap("下一步")
    kiosk.type_digits("320483198001010010")
    kiosk.tap("下一步")
    kiosk.type_digits("13812345678")
    kiosk.tap("下一步")
    kiosk.tap("子女")
    kiosk.tap("个人", exact=True)
    kiosk.tap("跳过")
    kiosk.type_pinyin("erzi", "儿子")
    kiosk.type_pinyin("buguan", "不管")
    kiosk.tap("下一步")
    kiosk.tap("下一步")  # no evidence
    assert kiosk.screen.step_id == "review"
    # 修改 on the income row goes back to that page; the new figure shows on review.
    kiosk.tap(kiosk.beside("全家每月收入", "修改"))
    assert kiosk.screen.step_id == "income"
    kiosk.tap("删除", exact=True)
    kiosk.tap("下一步")
    while kiosk.screen.step_id != "review":  # the later answers are kept: 下一步 through them
        kiosk.tap("下一步")
    assert any("全家每月收入（元）：2000" in t for t in kiosk.texts())
    kiosk.tap("没问题")
    kiosk.tap("同意", exact=True)
    assert kiosk.screen.assessment is not None
    kiosk.tap("提交申请")
    payload = _outbox_payload(kiosk, _receipt_code(kiosk))
    assert payload["agent"]["name"] == "李强"
    assert payload["economy"] == {"household_size": 2, "monthly_income_yuan": 2000}


def test_the_notary_checklist_goes_home_as_a_qr_code_and_a_printable_receipt(kiosk: Kiosk) -> None:
    kiosk.tap("公证材料清单")
    kiosk.tap("继承")
    while kiosk.screen.question is not None:
        kiosk.tap("不是", exact=True)
    first = kiosk.screen.result.documents[0]
    everything_missing = _chosen(kiosk)
    assert everything_missing == ["✓ 还缺"] * len(kiosk.screen.result.documents)
    kiosk.tap(kiosk.beside(first.label, "我已有"))
    assert first.id in kiosk.screen._have()
    assert sorted(_chosen(kiosk)) == sorted(["✓ 我已有", *everything_missing[1:]])
    kiosk.tap(kiosk.beside(first.label, "还缺"))  # changed her mind: back to missing
    assert first.id not in kiosk.screen._have() and _chosen(kiosk) == everything_missing
    kiosk.tap(kiosk.beside(first.label, "我已有"))
    kiosk.tap("带清单回家")
    assert kiosk.screen.name == "receipt"
    qr_text = kiosk.screen.qr.qr_text
    assert "继承公证材料清单" in qr_text and f"✓ {first.label}" in qr_text
    assert kiosk.screen.saved_path is not None and kiosk.screen.saved_path.is_file()


def test_a_home_visit_is_booked_from_day_and_slot_tiles_and_queued(kiosk: Kiosk) -> None:
    kiosk.tap("预约上门服务")
    kiosk.tap("80岁以上老人")
    kiosk.tap("法律咨询")
    day_tiles = [w for w in kiosk.walk() if getattr(w, "option_id", "").count("-") == 2]
    assert day_tiles, "no day tiles"
    # 还能约N户 on every open tile, and the day as a resident says it (明天, 下周一 …) first.
    assert all("还能约" in w.text and "户" in w.text for w in day_tiles if not w.disabled)
    assert day_tiles[0].text.startswith(("今天", "明天", "后天", "这周", "下周", "星期"))
    kiosk.tap(day_tiles[0])
    kiosk.tap("上午")
    kiosk.type_digits("320483194403150026")
    kiosk.tap("下一步")
    kiosk.type_pinyin("wang", "王")
    kiosk.type_pinyin("xiu", "秀")
    kiosk.type_pinyin("lan", "兰")
    kiosk.tap("下一步")
    kiosk.tap("武进区")
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)
    kiosk.tap("数字", exact=True)  # 3组12号: digits and address words
    for key in ("3", "组", "1", "2", "号"):
        kiosk.tap(key, exact=True)
    kiosk.tap("下一步")
    kiosk.type_digits("13812345678")
    kiosk.tap("下一步")
    assert kiosk.screen.step_id == "confirm"
    kiosk.tap("确认预约")
    assert kiosk.screen.name == "receipt", kiosk.screen.message_text
    code = _receipt_code(kiosk)
    payload = _outbox_payload(kiosk, code)
    assert payload["service"] == "consultation"
    assert payload["slot"]["period"] == "morning"
    assert payload["address"]["detail"] == "3组12号"
    booking = kiosk.app.services.visit_ledger.get(payload["booking_id"])
    assert booking.status == "tentative" and booking.receipt_code == code
    # The UI tests share one terminal: free 王秀兰's one 法律咨询 booking for the card tests.
    kiosk.app.services.visit_ledger.set_status(payload["booking_id"], "cancelled")


def test_staff_sign_in_locks_after_wrong_pins_shows_queue_and_marks_assisted_submissions(
    kiosk: Kiosk,
) -> None:
    kiosk.tap("工作人员")
    kiosk.type_digits(STAFF_ID)
    kiosk.tap("下一步")
    kiosk.type_digits("000000")
    kiosk.tap("登录")
    assert any("还可以再试 4 次" in t for t in kiosk.texts())
    assert kiosk.screen.name == "staff_sign_in"
    kiosk.type_digits(STAFF_PIN)
    kiosk.tap("登录")
    assert kiosk.screen.name == "staff"
    kiosk.app.background.drain()
    actions = [e.action for e in kiosk.app.services.audit.entries(limit=10)]
    assert "staff_sign_in_failed" in actions and "staff_sign_in" in actions
    assert STAFF_PIN not in str([e.to_dict() for e in kiosk.app.services.audit.entries(limit=10)])
    assert any("待发送" in t for t in kiosk.texts())
    kiosk.tap("管理信息")
    assert kiosk.screen.name == "admin"
    assert any(kiosk.app.kiosk_config.terminal_id in t for t in kiosk.texts())
    kiosk.tap("上一步")
    kiosk.tap("代为填写")
    assert kiosk.screen.name == "home" and kiosk.app.session.staff_id == STAFF_ID
    # 结束并清除 signs staff out too: the next resident is never "assisted" by accident.
    kiosk.tap("结束并清除")
    assert kiosk.app.session.staff_id is None


def test_usage_statistics_count_services_without_anything_personal(kiosk: Kiosk) -> None:
    before = kiosk.app.admin_info().usage.get("knowledge", 0)
    kiosk.tap("法律常识")
    kiosk.tap("讨工钱")
    kiosk.tap("结束并清除")
    kiosk.app.background.drain()
    assert kiosk.app.admin_info().usage.get("knowledge", 0) == before + 1


def test_staff_can_book_a_visit_outside_the_rules_with_a_written_reason(kiosk: Kiosk) -> None:
    kiosk.tap("工作人员")
    kiosk.type_digits(STAFF_ID)
    kiosk.tap("下一步")
    kiosk.type_digits(STAFF_PIN)
    kiosk.tap("登录")
    kiosk.tap("代为填写")
    kiosk.tap("预约上门服务")
    kiosk.tap("工作人员破例预约")
    assert kiosk.screen.step_id == "override_reason"
    for syllable, char in (("du", "独"), ("ju", "居"), ("tan", "瘫"), ("huan", "痪")):
        kiosk.type_pinyin(syllable, char)
    kiosk.tap("下一步")
    kiosk.tap("公证")
    day = next(w for w in kiosk.walk() if getattr(w, "option_id", "").count("-") == 2)
    kiosk.tap(day)
    kiosk.tap("还能约")  # whichever half-day still has room
    kiosk.type_digits("320483198001010010")  # 46 years old: no age rule would allow it
    kiosk.tap("下一步")
    kiosk.type_pinyin("li", "李")
    kiosk.type_pinyin("qiang", "强")
    kiosk.tap("下一步")
    kiosk.tap("武进区")
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)
    kiosk.tap(kiosk.screen.choices[0][1], exact=True)
    kiosk.tap("数字", exact=True)
    for key in ("5", "组"):
        kiosk.tap(key, exact=True)
    kiosk.tap("下一步")
    kiosk.type_digits("13812345678")
    kiosk.tap("下一步")
    kiosk.tap("确认预约")
    assert kiosk.screen.name == "receipt", kiosk.app.manager.get_screen("visit").message_text
    document = _outbox_document(kiosk, kiosk.screen.code)
    assert document["staff_id"] == STAFF_ID
    assert document["payload"]["eligibility"] == {
        "reason": "staff_override",
        "staff_id": STAFF_ID,
        "note": "独居瘫痪",
    }


def test_the_legal_aid_result_leads_with_what_happens_next_and_ends_with_a_small_basis_line(
    kiosk: Kiosk,
) -> None:
    from kiosk.wizards.legal_aid import EXEMPTION_QUESTIONS, exemption_step
    from screens.widgets import BasisLabel, BodyLabel, TitleLabel
    from tests.rules.wizard_answers import PERSONAL

    kiosk.tap("申请法律援助")
    screen = kiosk.screen
    answers = {
        "role": "self",
        **{exemption_step(q): False for q in EXEMPTION_QUESTIONS},
        "matter": "unpaid_wages",
        "migrant": True,
        **PERSONAL,
        "opposing": "company",
        "facts": "老板不给工钱。",
        "evidence": [],
        "consent": True,
    }
    for key, value in answers.items():
        screen.set_answer(key, value)
    screen.show("review")
    kiosk.pump(2)
    # Each 修改 sits right beside its answer, not a screen's width away.
    for row in {kiosk.beside(label, "修改").parent for label in ("给谁申请", "姓名", "电话")}:
        edit = next(w for w in row.children if getattr(w, "text", "") == "修改")
        answer = next(w for w in row.children if w is not edit)
        assert 0 <= answer.x - edit.right <= row.spacing + 1, (edit.right, answer.x)
    screen.show("result")
    kiosk.pump(2)
    labels = [w for w in reversed(screen.page.body.children)]
    assert isinstance(labels[0], TitleLabel)
    assert labels[0].text == screen.assessment.next_step(screen.context().pack)
    basis = [w for w in labels if isinstance(w, BasisLabel)]
    assert len(basis) == 1 and basis[0].text.startswith("依据：") and basis[0] is labels[-1]
    body = next(w for w in labels if type(w) is BodyLabel)
    assert basis[0].font_size < body.font_size
    assert not any("法律援助法第" in w.text for w in labels if w is not basis[0])
    shown = " ".join(w.text for w in labels)
    assert "带到镇（街道）司法所" in shown and "劳动仲裁" in shown and "申请表" not in shown
    kiosk.app.end_session()
