"""What the printed slips say and how they look: read back from the rendered image where a
resident would notice (width, QR code), from the slip's text lines otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import ImageDraw, ImageFont

from kiosk import notary, receipts
from kiosk.content import ContentPack
from kiosk.display_text import date_words, near_day_words
from kiosk.fonts import find_cjk_font
from kiosk.printing import layouts
from kiosk.printing.slip import PAPER_DOTS, Size, Slip, Text, printed_lines, render, wrap
from tests.printing.conftest import STATION, qr_texts
from tests.rules.wizard_answers import legal_aid_answers

NOW = datetime(2026, 12, 7, 10, 30)  # a Monday
CODE = receipts.with_check("23456789234")


def _inheritance(pack: ContentPack) -> notary.Checklist:
    first = notary.checklist(pack, "inheritance")
    answers = {q.id: True for q in first.unanswered}
    return notary.checklist(pack, "inheritance", answers, district="wujin")


def _receipt() -> Slip:
    return layouts.receipt_slip(
        code=CODE,
        title="法律援助申请已提交",
        lines=["初步判断：符合。"],
        station=STATION,
        when=NOW,
        hours="全天24小时接听",
    )


def _key_lines(slip: Slip) -> list[str]:
    return [b.text for b in slip.blocks if isinstance(b, Text) and b.size is Size.KEY]


@pytest.mark.parametrize("width_mm", [58, 80])
def test_a_receipt_fits_the_paper_and_its_qr_code_reads_back(width_mm: int) -> None:
    image = render(_receipt(), width_mm)
    assert image.mode == "1" and image.width == PAPER_DOTS[width_mm]
    assert qr_texts(image) == [layouts.query_hint(CODE)]


def test_the_receipt_shows_the_code_in_groups_of_four_as_its_largest_line() -> None:
    slip = _receipt()
    assert _key_lines(slip) == ["2345 6789 2343"]
    texts = "".join(slip.texts())
    assert "12348" in texts and "全天24小时接听" in texts and STATION in texts
    assert "2026年12月7日 星期一" in texts and "查询办理进度" in texts


@pytest.mark.parametrize("width_mm", [58, 80])
def test_the_code_is_never_broken_and_stays_the_largest_line(width_mm: int) -> None:
    lines = printed_lines(_receipt(), width_mm)
    code_line = next(size for text, size in lines if "2345" in text)
    assert ("2345 6789 2343", code_line) in lines  # whole, on one line
    assert code_line == max(size for _text, size in lines)
    assert code_line > Size.TITLE  # on 58 mm it shrinks to fit, still larger than the title


def test_the_notary_slip_lists_what_is_missing_first_with_where_to_get_it(
    pack: ContentPack,
) -> None:
    result = _inheritance(pack)
    have = {result.documents[0].id}
    slip = layouts.notary_slip(result, have, station=STATION, when=NOW)
    texts = slip.texts()
    missing = [d for d in result.documents if d.id not in have]
    assert _key_lines(slip) == [f"还缺 {len(missing)} 样"]
    first_missing = texts.index(f"1. {missing[0].label}")
    assert texts[first_missing + 1] == f"去哪里开：{missing[0].where}"
    got_line = next(i for i, t in enumerate(texts) if t.startswith("已经有的："))
    assert first_missing < got_line and result.documents[0].label in texts[got_line]
    assert result.office is not None and result.office.contact in texts
    assert any(t.startswith(("要本人到场", "可以请人代办")) for t in texts)
    assert any(t.startswith("绿色通道") for t in texts)
    assert qr_texts(render(slip, 80)) == [layouts.notary_text(result, have)]


def test_the_visit_slip_says_the_day_in_words_who_comes_and_how_to_cancel() -> None:
    slip = layouts.visit_slip(
        code=CODE,
        day=date(2026, 12, 8),
        today=NOW.date(),
        period="上午",
        hours="09:00-11:30",
        service="法律援助",
        team="武进区法律援助上门小组",
        status="现在是“待确认”。",
        station=STATION,
    )
    assert _key_lines(slip) == ["明天 12月8日 星期二", "2345 6789 2343"]
    texts = "".join(slip.texts())
    assert "上午 09:00-11:30" in texts and "谁来：武进区法律援助上门小组" in texts
    assert "取消" in texts and "身份证" in texts


def test_the_legal_aid_slip_gives_the_outcome_materials_and_times_but_no_income(
    pack: ContentPack,
) -> None:
    from kiosk.legal_aid import assess, parse_application
    from kiosk.wizards import legal_aid_payload
    from tests.rules.wizard_answers import PERSONAL

    answers = legal_aid_answers()
    app = parse_application(legal_aid_payload(answers, pack), pack, NOW.date())
    assert app is not None
    a = assess(app, pack, NOW.date())
    slip = layouts.legal_aid_slip(a, pack, station=STATION, when=NOW)
    texts = "".join(slip.texts())
    assert _key_lines(slip) == [a.outcome_label]
    assert layouts.OUTCOME_SENTENCES[a.outcome] in texts
    assert all(m.label in texts for m in a.materials) and a.materials
    assert f"{a.decision_days}天内" in texts
    assert not any(reason in texts for reason in a.reasons)  # reasons quote the income
    assert "4500" not in texts and PERSONAL["name"] not in texts


def test_a_knowledge_topic_prints_as_a_leaflet(pack: ContentPack) -> None:
    topic = pack.data("knowledge")["topics"][0]
    slip = layouts.topic_slip(topic, station=STATION, when=NOW)
    assert _key_lines(slip) == [topic["label"]]
    assert all(f"● {s}" in slip.texts() for s in topic["sentences"])
    assert render(slip, 58).width == 384


def test_lines_never_start_with_closing_punctuation_nor_end_with_opening() -> None:
    font = ImageFont.truetype(str(find_cjk_font()), 34)
    draw = ImageDraw.Draw(render(Slip("x", ()), 80))
    text = "请带上身份证（原件）、户口簿，以及“欠条”。电话0519-86681234，打12348。" * 3
    for width in (200, 237, 300, 352):
        lines = wrap(text, width, lambda s: draw.textlength(s, font=font))
        assert "".join(lines) == text
        assert not any(ln[0] in "，。、）”" for ln in lines[1:])
        assert not any(ln[-1] in "（“" for ln in lines)
        assert not any("0519-86681234" not in ln and "0519" in ln for ln in lines)


@pytest.mark.parametrize("width_mm", [58, 80])
def test_a_printed_line_never_starts_with_closing_punctuation_nor_splits_a_code_or_phone(
    width_mm: int,
) -> None:
    code = "2345 6789 2343"
    inner = PAPER_DOTS[width_mm] - 2 * 16  # the slip's margins
    for lead in range(24):  # every place the code and the phone can fall on a line
        text = f"{'请' * lead}回执号{code}，请记好。有问题打0519-86681234，或打12348。"
        lines = [line for line, _size in printed_lines(Slip("x", (Text(text),)), width_mm)]
        assert "".join(lines) == text
        assert not any(line[0] in "，。、；：？！）”" for line in lines[1:]), lines
        assert any(code in line for line in lines), lines
        assert any("0519-86681234" in line for line in lines), lines
        font = ImageFont.truetype(str(find_cjk_font()), Size.BODY)
        assert all(font.getlength(line) <= inner for line in lines), lines


def test_dates_are_in_words_with_today_and_tomorrow() -> None:
    today = date(2026, 12, 7)
    assert date_words(today, weekday=True) == "2026年12月7日 星期一"
    assert near_day_words(today, today) == "今天 12月7日 星期一"
    assert near_day_words(date(2026, 12, 8), today) == "明天 12月8日 星期二"
    assert near_day_words(date(2026, 12, 21), today) == "2026年12月21日 星期一"


def test_a_held_booking_prints_its_day_team_and_code_but_not_the_person(
    pack: ContentPack, tmp_path: Path
) -> None:
    from dataclasses import replace

    from kiosk.visits import BookingLedger
    from kiosk.wizards import book_home_visit
    from offline_cache.store import Store
    from tests.rules.wizard_answers import home_visit_answers

    ledger = BookingLedger(Store(tmp_path / "kiosk.sqlite3"), pack)
    slot = ledger.available_slots("legal_aid", "wujin")[0]
    answers = home_visit_answers(slot.date, slot.period)

    class Receipt:
        submission_id = "sub-1"
        code = CODE

    booking, receipt = book_home_visit(ledger, lambda _kind, _payload: Receipt(), answers)
    booked = replace(booking, receipt_code=receipt.code)
    today = date.fromisoformat(slot.date) - timedelta(days=1)
    slip = layouts.booking_slip(booked, pack, station=STATION, today=today)
    texts = "".join(slip.texts())
    assert _key_lines(slip)[0].startswith("明天 ") and "2345 6789 2343" in _key_lines(slip)
    assert f"谁来：{slot.team_label}" in texts and f"{slot.start}-{slot.end}" in texts
    assert "待确认" in texts
    for personal in ("李秀英", "二组5号", "13912345678", answers["id_number"]):
        assert personal not in texts


def test_a_legal_aid_slip_never_tells_a_resident_they_cannot_apply(pack: ContentPack) -> None:
    # Only the agency decides (法律援助法 Art. 43): 不符合 here still says one may apply.
    refused = layouts.OUTCOME_SENTENCES["ineligible"]
    assert "不能申请" not in refused and "也可以照样申请" in refused
    for sentence in layouts.OUTCOME_SENTENCES.values():
        assert "不能申请" not in sentence
