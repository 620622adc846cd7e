"""查询办理进度 on the screen: twelve digits on the keypad, no case number, wrong codes paused."""

from __future__ import annotations

import pytest

from kiosk import display_text, receipts
from kiosk.status_lookup import STATUS_SCOPE, WRONG_CODE_BACKOFF
from kiosk.submissions import queue_sealed
from offline_cache.failure_counts import FailureCounts
from offline_cache.outbox import ItemResult
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui


def _query(kiosk: Kiosk, code: str) -> str:
    kiosk.tap("查询办理进度")
    kiosk.type_digits(code)
    kiosk.tap("查询", exact=True)
    text: str = kiosk.screen.result_text
    kiosk.tap("回首页")
    return text


def test_a_resident_sees_how_far_it_got_but_not_the_province_case_number(kiosk: Kiosk) -> None:
    outbox = kiosk.app.services.outbox
    receipt = queue_sealed(outbox, "legal_aid", {"applicant": {"name": "测试"}}, {})
    outbox.claim_due(100)
    outbox.apply_results([ItemResult(receipt.submission_id, "accepted", "CZLA20269999999")])
    shown = _query(kiosk, receipt.code)
    assert display_text.receipt_code(receipt.code) in shown  # all twelve digits went in
    assert "CZLA20269999999" not in shown and "案件" not in shown


def test_repeated_wrong_codes_pause_the_status_screen_with_a_plain_message(kiosk: Kiosk) -> None:
    failures = FailureCounts(kiosk.app.store)
    try:
        for d in "23456"[: WRONG_CODE_BACKOFF.every]:
            last = _query(kiosk, receipts.with_check(d * 11))
        assert "查询暂停" in last and "分钟" in last
        assert "暂停" in _query(kiosk, receipts.with_check("7" * 11))
    finally:
        failures.clear(STATUS_SCOPE)  # the UI tests share one terminal


def test_the_status_keypad_shows_only_the_digits_its_hint_promises(kiosk: Kiosk) -> None:
    kiosk.tap("查询办理进度")
    hint = next(t for t in kiosk.texts() if "只有 2 到 9" in t)
    assert hint
    keys = {b.key for b in kiosk.screen.keypad.children}
    digits = {k for k in keys if k.isdigit()}
    assert digits == set(receipts.ALPHABET) == set("23456789")  # no 0 or 1 to contradict it
    assert {"删除", "清空"} <= keys
    kiosk.tap("回首页")
