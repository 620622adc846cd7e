"""Home-visit booking: working days, slots, capacity, duplicates, privacy of the ledger."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from kiosk.content import ContentPack
from kiosk.visits import (
    SECRET_META_KEY,
    BookingError,
    BookingLedger,
    BookingRequest,
    WorkCalendar,
    check_eligibility,
    list_slots,
    reconcile,
)
from offline_cache.store import Store
from tests.rules.ids import make_id

OLD = make_id(date(1940, 3, 3))  # 86 in 2026
PLACE = {"district": "wujin", "town": "xueyan", "village": "wuj_xueyan_chengwan"}


@pytest.fixture
def ledger(tmp_path: Path, pack: ContentPack) -> BookingLedger:
    return BookingLedger(Store(tmp_path / "kiosk.sqlite3"), pack)


def request(
    day: date, *, service: str = "legal_aid", id_number: str = OLD, **kw: object
) -> BookingRequest:
    fields: dict[str, object] = {
        "service": service,
        "id_number": id_number,
        **PLACE,
        "visit_date": day,
        "period": "morning",
        "eligibility": "elderly",
    }
    fields.update(kw)
    return BookingRequest(**fields)  # type: ignore[arg-type]


def test_the_2024_spring_festival_week_and_its_adjusted_working_sundays(pack: ContentPack) -> None:
    cal = WorkCalendar(pack)
    assert cal.is_working_day(date(2024, 2, 4))  # Sunday, worked (调休)
    assert cal.is_working_day(date(2024, 2, 18))  # Sunday, worked (调休)
    for day in range(10, 18):
        assert not cal.is_working_day(date(2024, 2, day)), day
    assert cal.holiday_name(date(2024, 2, 12)) == "春节"
    assert cal.add_working_days(date(2024, 2, 9), 1) == date(2024, 2, 18)


def test_slots_skip_the_holiday_week_and_include_the_adjusted_sundays(pack: ContentPack) -> None:
    slots = list_slots(
        pack, "legal_aid", district="wujin", start=date(2024, 2, 2), days=17, today=date(2024, 2, 1)
    )
    days = sorted({s.date for s in slots})
    assert "2024-02-04" in days and "2024-02-18" not in days  # the 18th is beyond the horizon
    assert not any("2024-02-10" <= d <= "2024-02-17" for d in days)
    later = list_slots(
        pack, "legal_aid", district="wujin", start=date(2024, 2, 16), days=3, today=date(2024, 2, 9)
    )
    assert sorted({s.date for s in later}) == ["2024-02-18"]
    assert later[0].weekday == "日"


def test_booking_a_holiday_is_refused_with_the_holidays_name(
    ledger: BookingLedger,
) -> None:
    with pytest.raises(BookingError, match="春节"):
        ledger.reserve(request(date(2024, 2, 12)), today=date(2024, 2, 1))


def test_the_lead_time_keeps_today_and_closed_days_out(ledger: BookingLedger) -> None:
    with pytest.raises(BookingError, match="最早只能预约2月18日"):
        ledger.reserve(request(date(2024, 2, 9)), today=date(2024, 2, 9))
    with pytest.raises(BookingError, match="最远"):
        ledger.reserve(request(date(2024, 3, 29)), today=date(2024, 2, 1))


def test_a_year_the_calendar_does_not_know_counts_weekdays_and_says_so(pack: ContentPack) -> None:
    slots = list_slots(
        pack,
        "legal_aid",
        district="wujin",
        start=date(2026, 12, 28),
        days=10,
        today=date(2026, 12, 24),
    )
    assert {s.calendar_confirmed for s in slots if s.date >= "2027-01-01"} == {False}
    assert {s.calendar_confirmed for s in slots if s.date < "2027-01-01"} == {True}
    assert "2027-01-02" not in {s.date for s in slots}  # a Saturday


def test_capacity_per_team_and_slot_is_enforced(ledger: BookingLedger) -> None:
    today = date(2024, 3, 1)
    day = date(2024, 3, 5)
    for i in range(2):  # the Wujin legal team takes 2 per half day
        ledger.reserve(request(day, id_number=make_id(date(1930 + i, 1, 1))), today=today)
    with pytest.raises(BookingError, match="约满"):
        ledger.reserve(request(day, id_number=make_id(date(1935, 1, 1))), today=today)
    left = {
        (s.date, s.period): s.remaining
        for s in ledger.available_slots(
            "legal_aid", "wujin", start=day, days=1, today=today, include_full=True
        )
    }
    assert left[("2024-03-05", "morning")] == 0 and left[("2024-03-05", "afternoon")] == 2


def test_no_second_active_booking_for_the_same_person_and_service(ledger: BookingLedger) -> None:
    today = date(2024, 3, 1)
    first = ledger.reserve(request(date(2024, 3, 5)), today=today)
    with pytest.raises(BookingError, match=r"已经预约过法律援助.*3月5日上午"):
        ledger.reserve(request(date(2024, 3, 6)), today=today)
    # another service is fine, and so is the same service once the first is cancelled
    ledger.reserve(request(date(2024, 3, 6), service="consultation"), today=today)
    ledger.set_status(first.booking_id, "cancelled")
    again = ledger.reserve(request(date(2024, 3, 7)), today=today)
    assert again.status == "tentative"


def test_the_ledger_never_holds_the_id_number(ledger: BookingLedger, tmp_path: Path) -> None:
    ledger.reserve(request(date(2024, 3, 5)), today=date(2024, 3, 1))
    ledger.store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("kiosk.sqlite3*"))
    assert OLD.encode() not in raw
    assert OLD[6:14].encode() not in raw  # not even the birth date part
    key = ledger.person_key(OLD)
    assert len(key) == 64 and key.encode() in raw


def test_the_person_key_depends_on_the_terminals_secret(pack: ContentPack, tmp_path: Path) -> None:
    a = BookingLedger(Store(tmp_path / "a.sqlite3"), pack)
    b = BookingLedger(Store(tmp_path / "b.sqlite3"), pack)
    assert a.person_key(OLD) == a.person_key(OLD.lower())
    assert a.person_key(OLD) != b.person_key(OLD)
    assert a.store.get_meta(SECRET_META_KEY) is not None


def test_bookings_stay_tentative_until_the_province_confirms(ledger: BookingLedger) -> None:
    booking = ledger.reserve(request(date(2024, 3, 5)), today=date(2024, 3, 1))
    assert booking.status == "tentative" and booking.status_label == "待确认"
    ledger.attach_submission(booking.booking_id, "sub-1", "23456789")
    assert ledger.by_submission("sub-1") == ledger.get(booking.booking_id)
    confirmed = ledger.set_status(booking.booking_id, "confirmed")
    assert confirmed.status_label == "已确认"
    with pytest.raises(BookingError, match="不能改成"):
        ledger.set_status(booking.booking_id, "tentative")


def test_eligibility_follows_age_from_the_id_and_allows_a_staff_override(pack: ContentPack) -> None:
    assert check_eligibility(pack, "elderly", 86).ok
    young = check_eligibility(pack, "elderly", 62)
    assert not young.ok and "80岁" in young.message
    assert check_eligibility(pack, "mobility", 62).ok
    assert check_eligibility(pack, "disability", 30).needs_staff_check
    assert not check_eligibility(pack, "elderly", 50, override_reason="腿骨折了").ok  # no staff
    assert not check_eligibility(pack, "elderly", 50, staff_id="s1", override_reason="").ok
    override = check_eligibility(
        pack, "elderly", 50, staff_id="s1", override_reason="腿骨折卧床两个月"
    )
    assert override.ok and override.staff_override


def test_a_staff_override_is_recorded_without_the_reason_text(ledger: BookingLedger) -> None:
    young = make_id(date(1990, 1, 1))
    with pytest.raises(BookingError):
        ledger.reserve(request(date(2024, 3, 5), id_number=young), today=date(2024, 3, 1))
    booking = ledger.reserve(
        request(
            date(2024, 3, 5), id_number=young, staff_id="staff-7", override_reason="骨折卧床两个月"
        ),
        today=date(2024, 3, 1),
    )
    assert booking.staff_override and booking.eligibility == "staff_override"
    row = ledger.store.query("SELECT * FROM visit_bookings")[0]
    assert row["staff_id"] == "staff-7" and "骨折" not in " ".join(str(v) for v in tuple(row))


def test_a_team_only_serves_its_services_and_districts(pack: ContentPack) -> None:
    notary = list_slots(
        pack, "notary", district="liyang", start=date(2024, 3, 4), days=5, today=date(2024, 3, 1)
    )
    assert {s.team for s in notary} == {"liyang_notary"}
    assert {date.fromisoformat(s.date).isoweekday() for s in notary} <= {1, 3, 5}
    with pytest.raises(BookingError, match="没有这项上门服务"):
        list_slots(pack, "haircut", today=date(2024, 3, 1))


def test_two_kiosk_threads_cannot_overbook_the_last_place(
    ledger: BookingLedger, pack: ContentPack
) -> None:
    today, day = date(2024, 3, 1), date(2024, 3, 6)
    results: list[str] = []

    def book(i: int) -> None:
        own = BookingLedger(Store(ledger.store.path), pack)
        try:
            own.reserve(request(day, id_number=make_id(date(1931 + i, 2, 2))), today=today)
            results.append("ok")
        except BookingError:
            results.append("full")
        finally:
            own.store.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 2 and results.count("full") == 4


class _Entry:
    def __init__(self, submission_id: str, status: str, remote_status: str | None) -> None:
        self.submission_id = submission_id
        self.kind = "visit_booking"
        self.status = status
        self.remote_status = remote_status


def test_the_provinces_answer_confirms_or_frees_the_booking(ledger: BookingLedger) -> None:
    today = date(2024, 3, 1)
    a = ledger.reserve(request(date(2024, 3, 5)), today=today)
    b = ledger.reserve(request(date(2024, 3, 5), id_number=make_id(date(1931, 1, 1))), today=today)
    ledger.attach_submission(a.booking_id, "sub-a", "23456789")
    ledger.attach_submission(b.booking_id, "sub-b", "34567892")
    changed = reconcile(
        ledger,
        [_Entry("sub-a", "accepted", "received"), _Entry("sub-b", "rejected", None)],
    )
    assert [c.status for c in changed] == ["rejected"]
    assert ledger.get(a.booking_id).status == "tentative"  # type: ignore[union-attr]
    reconcile(ledger, [_Entry("sub-a", "accepted", "scheduled")])
    assert ledger.get(a.booking_id).status == "confirmed"  # type: ignore[union-attr]
    # the refused booking's place is free again
    left = ledger.available_slots("legal_aid", "wujin", start=date(2024, 3, 5), days=1, today=today)
    assert next(s for s in left if s.period == "morning").remaining == 1


def test_old_bookings_are_forgotten_after_the_retention_period(ledger: BookingLedger) -> None:
    ledger.reserve(request(date(2024, 3, 5)), today=date(2024, 3, 1))
    assert ledger.purge(30, today=date(2024, 4, 1)) == 0
    assert ledger.purge(30, today=date(2024, 4, 10)) == 1
    assert ledger.list() == []


def test_a_ledger_given_a_secret_keys_persons_with_it_not_with_the_database_one(
    tmp_path: Path, pack: ContentPack
) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    outside = BookingLedger(store, pack, secret=b"\x07" * 32)
    inside = BookingLedger(store, pack)
    number = OLD
    assert outside.person_key(number) != inside.person_key(number)
    assert outside.person_key(number) == BookingLedger(store, pack, secret=b"\x07" * 32).person_key(
        number
    )
