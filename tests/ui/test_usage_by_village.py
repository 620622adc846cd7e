"""Usage statistics by village, end to end: a resident's submission through the screens counts
for the village picked on the address page, and nothing the resident typed reaches the
statistics (``kiosk.usage`` → ``kiosk.stats``, read back as ``kiosk-admin stats`` reports them)."""

from __future__ import annotations

from collections import Counter

import pytest

from kiosk.stats import ALL, report
from offline_cache.usage_counts import UsageRepository
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

MAHANG = "wuj_hutang_mahang"  # 武进区湖塘镇马杭村 in the bundled pack


def _stats(kiosk: Kiosk) -> Counter[tuple[str, str, str]]:
    """Today's (service, village, figure) counts as the stats report adds them up."""
    kiosk.app.background.drain()
    today = kiosk.app.require_services().clock.today()
    out: Counter[tuple[str, str, str]] = Counter()
    for row in report(kiosk.app.store, today, today):
        if row.service == ALL:
            continue
        out[(row.service, row.village, "started")] += row.sessions_started
        out[(row.service, row.village, "completed")] += row.sessions_completed
        out[(row.service, row.village, "abandoned")] += row.sessions_abandoned
        for step, n in row.abandoned_at_step.items():
            out[(row.service, row.village, f"abandoned at {step}")] += n
    return out


def _stored_labels(kiosk: Kiosk) -> str:
    """Every label and step in the statistics table, as one text to search."""
    kiosk.app.background.drain()
    today = kiosk.app.require_services().clock.today()
    counts = UsageRepository(kiosk.app.store).between(today, today)
    return " ".join(
        f"{c.labels.service} {c.labels.matter_category} {c.labels.village} {c.metric} {c.step}"
        for c in counts
    )


def _pick_mahang(kiosk: Kiosk) -> None:
    kiosk.tap("武进区")
    kiosk.tap("湖塘镇")
    kiosk.tap("马杭村")


def test_a_legal_aid_application_from_mahang_counts_for_mahang_and_keeps_nothing_personal(
    kiosk: Kiosk,
) -> None:
    before = _stats(kiosk)
    kiosk.start_wage_claim()
    kiosk.enter_zhang_guiying()
    _pick_mahang(kiosk)
    kiosk.tap("跳过")  # no house number
    kiosk.tap("公司或单位")
    kiosk.tap("跳过")  # opposing party's name unknown
    kiosk.type_pinyin("laoban", "老板")
    kiosk.tap("下一步")
    kiosk.tap("下一步")  # no materials
    kiosk.tap("没问题")
    kiosk.tap("同意", exact=True)
    kiosk.tap("提交申请")
    assert kiosk.screen.name == "receipt", kiosk.screen.message_text
    kiosk.tap("办完了")

    change = _stats(kiosk) - before
    assert change[("legal_aid", MAHANG, "completed")] == 1
    assert change[("legal_aid", MAHANG, "abandoned")] == 0
    labels = _stored_labels(kiosk)
    for personal in ("张桂英", "320483195603150025", "13912345678", "老板", "马杭村", "湖塘"):
        assert personal not in labels, personal


def test_a_home_visit_booked_for_mahang_counts_for_mahang(kiosk: Kiosk) -> None:
    before = _stats(kiosk)
    kiosk.tap("预约上门服务")
    kiosk.tap("80岁以上老人")
    kiosk.tap("法律咨询")
    day_tiles = [
        w for w in kiosk.walk() if getattr(w, "option_id", "").count("-") == 2 and not w.disabled
    ]
    assert day_tiles, "no open day tiles"
    kiosk.tap(day_tiles[0])
    kiosk.tap("上午")
    kiosk.type_digits("320483194403150026")
    kiosk.tap("下一步")
    kiosk.type_pinyin("wang", "王")
    kiosk.type_pinyin("xiu", "秀")
    kiosk.type_pinyin("lan", "兰")
    kiosk.tap("下一步")
    _pick_mahang(kiosk)
    kiosk.tap("数字", exact=True)  # 3组12号
    for key in ("3", "组", "1", "2", "号"):
        kiosk.tap(key, exact=True)
    kiosk.tap("下一步")
    kiosk.type_digits("13812345678")
    kiosk.tap("下一步")
    kiosk.tap("确认预约")
    assert kiosk.screen.name == "receipt", kiosk.screen.message_text
    code = kiosk.screen.code
    kiosk.tap("办完了")

    change = _stats(kiosk) - before
    assert change[("visit", MAHANG, "completed")] == 1
    labels = _stored_labels(kiosk)
    for personal in ("王秀兰", "320483194403150026", "13812345678", "3组12号", "马杭村", code):
        assert personal not in labels, personal
    # The UI tests share one terminal: free 王秀兰's booking for the other visit tests.
    ledger = kiosk.app.services.visit_ledger
    entry = kiosk.app.services.outbox.get(code)
    assert entry is not None
    booking_id = entry.metadata.get("booking_id")
    assert isinstance(booking_id, str)
    ledger.set_status(booking_id, "cancelled")


def test_a_visit_left_halfway_is_counted_as_abandoned_under_visit_at_its_step(
    kiosk: Kiosk,
) -> None:
    before = _stats(kiosk)
    kiosk.tap("预约上门服务")
    kiosk.tap("80岁以上老人")
    step = kiosk.screen.step_id
    kiosk.tap("结束并清除")
    kiosk.tap("清除", exact=True)  # an answer was given: 结束并清除 asks first
    assert kiosk.screen.name == "home"

    change = _stats(kiosk) - before
    assert change[("visit", "", "started")] == 1
    assert change[("visit", "", "abandoned")] == 1
    assert change[("visit", "", f"abandoned at {step}")] == 1
    assert not any(service == "visit_booking" for service, _, _ in change)
