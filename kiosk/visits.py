"""Home-visit booking (预约上门服务): who may book, working days, slots, capacity, the ledger.

Rules come from the pack's ``visits.json``: services, eligibility reasons (age from the ID
number, disability, serious illness, mobility — staff may override with a reason), teams with the
services, districts, weekdays and periods they cover and a capacity per slot, a lead time in
working days and a booking horizon. Working days are China's: ``chinese_calendar`` knows the
statutory holidays and the weekend days made working days (调休); for a year it has no data yet
the kiosk counts Monday–Friday plus the pack's ``calendar`` additions and says the day is not
confirmed.

The ledger (:class:`BookingLedger`) holds slots and enforces "no second active booking for the
same person and service" without keeping who the person is: the ID number only ever enters as an
HMAC under a per-terminal secret. A booking stays ``tentative`` until the provincial system
confirms it. The rows themselves are kept by :class:`offline_cache.bookings.BookingRepository`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import chinese_calendar

from kiosk import display_text, holidays
from kiosk.content import ContentPack
from kiosk.holidays import statutory_holiday

# Booking and the status names are defined with the ledger's storage; named here too because the
# screens, the CLI and the sync hooks have always found them in kiosk.visits.
from kiosk.terminal_clock import TerminalClock
from kiosk.validation import check_resident_id, text_problem
from offline_cache.bookings import ACTIVE_STATUSES as ACTIVE_STATUSES
from offline_cache.bookings import SECRET_META_KEY as SECRET_META_KEY
from offline_cache.bookings import STATUS_LABELS as STATUS_LABELS
from offline_cache.bookings import Booking as Booking
from offline_cache.bookings import BookingRepository, NewBooking
from offline_cache.store import Store

# Which status may follow which: a confirmed visit can still be cancelled; ends are final.
_TRANSITIONS = {
    "tentative": {"confirmed", "rejected", "cancelled"},
    "confirmed": {"cancelled", "done"},
}


class BookingError(Exception):
    """The booking can't be made; ``str()`` is a plain sentence for the resident or staff."""


# -- calendar --------------------------------------------------------------------------------------
class WorkCalendar:
    """China's working days, with the pack's additions for years the library doesn't cover."""

    def __init__(self, pack: ContentPack) -> None:
        cal = pack.data("visits")["calendar"]
        self._extra_holidays = {date.fromisoformat(d) for d in cal["extra_holidays"]}
        self._extra_workdays = {date.fromisoformat(d) for d in cal["extra_workdays"]}

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_holidays:
            return False
        if day in self._extra_workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            # A year not yet announced: weekends and the days the regulation fixes are closed;
            # its swapped working weekends come with a pack once published.
            return day.weekday() < 5 and statutory_holiday(day) is None

    def is_confirmed(self, day: date) -> bool:
        """Whether the day's status comes from official data (library or the pack's additions)."""
        if day in self._extra_holidays or day in self._extra_workdays:
            return True
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True

    def holiday_name(self, day: date) -> str | None:
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return statutory_holiday(day)
        return _HOLIDAY_NAMES.get(str(name), str(name)) if on_holiday and name else None

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``n`` = 0: ``day`` itself if working)."""
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        count = 0
        while count < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return day


_HOLIDAY_NAMES = {
    "New Year's Day": holidays.NEW_YEAR,
    "Spring Festival": holidays.SPRING_FESTIVAL,
    "Tomb-sweeping Day": holidays.TOMB_SWEEPING,
    "Labour Day": holidays.LABOUR_DAY,
    "Dragon Boat Festival": holidays.DRAGON_BOAT,
    "National Day": holidays.NATIONAL_DAY,
    "Mid-autumn Festival": holidays.MID_AUTUMN,
}


# -- eligibility -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str  # eligibility id, or "staff_override"
    message: str
    needs_staff_check: bool = False
    staff_override: bool = False


OVERRIDE_REASON_MAX_CHARS = 200


def override_reason_problem(pack: ContentPack, reason: str | None) -> str | None:
    """A staff override needs a written reason of at least the pack's minimum length."""
    least = int(pack.data("visits")["booking"]["override_reason_min_chars"])
    return text_problem(
        reason, "破例预约的理由", min_chars=least, max_chars=OVERRIDE_REASON_MAX_CHARS
    )


def check_eligibility(
    pack: ContentPack,
    reason_id: str,
    age: int | None,
    *,
    staff_id: str | None = None,
    override_reason: str | None = None,
) -> Eligibility:
    """May this resident book a home visit? Staff may override with a written reason."""
    vs = pack.data("visits")
    if staff_id or override_reason:
        if not staff_id:
            return Eligibility(False, "staff_override", "只有工作人员登录后才能破例预约。")
        problem = override_reason_problem(pack, override_reason)
        if problem:
            return Eligibility(False, "staff_override", problem)
        return Eligibility(
            True, "staff_override", "工作人员已同意破例预约上门服务。", True, staff_override=True
        )
    entry = next((e for e in vs["eligibility"] if e["id"] == reason_id), None)
    if entry is None:
        labels = "、".join(e["label"] for e in vs["eligibility"])
        return Eligibility(False, reason_id, f"请选择需要上门的原因：{labels}。")
    if "min_age" in entry:
        if age is None:
            return Eligibility(False, reason_id, "要先输入身份证号码，才能按年龄判断。")
        if age < entry["min_age"]:
            return Eligibility(
                False,
                reason_id,
                f"“{entry['label']}”要年满{entry['min_age']}岁，按身份证今年{age}岁。"
                + pack.spoken("visit.not_eligible"),
            )
    return Eligibility(
        True,
        reason_id,
        f"可以预约（{entry['label']}）。",
        needs_staff_check=bool(entry["needs_staff_check"]),
    )


# -- slots -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    date: str
    weekday: str
    period: str
    period_label: str
    start: str
    end: str
    team: str
    team_label: str
    capacity: int
    booked: int
    calendar_confirmed: bool

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def label(self) -> str:
        day = display_text.date_words(self.date, year=False)
        return f"{day}（星期{self.weekday}）{self.period_label}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["remaining"] = self.remaining
        data["label"] = self.label
        return data


SlotCounts = Mapping[tuple[str, str, str], int]  # (team, date, period) -> active bookings


def _service(pack: ContentPack, service_id: str) -> dict[str, Any]:
    for s in pack.data("visits")["services"]:
        if s["id"] == service_id:
            return dict(s)
    known = "、".join(f"{s['id']}（{s['label']}）" for s in pack.data("visits")["services"])
    raise BookingError(f"没有这项上门服务：{service_id}。可选：{known}")


def booking_window(pack: ContentPack, today: date) -> tuple[date, date]:
    """First and last day a visit may be booked for, counted from ``today``."""
    rules = pack.data("visits")["booking"]
    cal = WorkCalendar(pack)
    first = cal.add_working_days(today, int(rules["lead_time_working_days"]))
    last = today + timedelta(days=int(rules["horizon_days"]))
    return first, last


def list_slots(
    pack: ContentPack,
    service_id: str,
    *,
    district: str | None = None,
    start: date | None = None,
    days: int = 14,
    today: date | None = None,
    counts: SlotCounts | None = None,
    include_full: bool = True,
) -> list[Slot]:
    """Slots for ``service_id`` from ``start`` for ``days`` days, limited to the booking window."""
    _service(pack, service_id)
    today = today or date.today()
    if district is not None:
        try:
            pack.district(district)
        except KeyError as exc:
            raise BookingError(f"没有这个区县：{district}") from exc
    if days < 1:
        raise BookingError("天数至少是1天。")
    vs = pack.data("visits")
    periods = {p["id"]: p for p in vs["periods"]}
    first, last = booking_window(pack, today)
    requested = start or today
    start = max(requested, first)
    end = min(requested + timedelta(days=days - 1), last)
    cal = WorkCalendar(pack)
    counts = counts or {}
    teams = [
        t
        for t in vs["teams"]
        if service_id in t["services"] and (district is None or district in t["districts"])
    ]
    out: list[Slot] = []
    day = start
    while day <= end:
        if cal.is_working_day(day):
            for t in teams:
                # A weekend day made a working day (调休) is worked by every team: the
                # team's weekdays describe its ordinary week.
                adjusted = day.weekday() >= 5
                if not adjusted and day.isoweekday() not in t.get("weekdays", [1, 2, 3, 4, 5]):
                    continue
                for pid in t["periods"]:
                    p = periods[pid]
                    booked = int(counts.get((t["id"], day.isoformat(), pid), 0))
                    slot = Slot(
                        date=day.isoformat(),
                        weekday=display_text.WEEKDAYS[day.weekday()],
                        period=pid,
                        period_label=p["label"],
                        start=p["start"],
                        end=p["end"],
                        team=t["id"],
                        team_label=t["label"],
                        capacity=int(t["capacity"]),
                        booked=booked,
                        calendar_confirmed=cal.is_confirmed(day),
                    )
                    if include_full or slot.remaining > 0:
                        out.append(slot)
        day += timedelta(days=1)
    return out


# -- the ledger ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BookingRequest:
    service: str
    id_number: str
    district: str
    town: str
    village: str
    visit_date: date
    period: str
    eligibility: str  # an eligibility id from the pack, ignored when staff override
    team: str | None = None
    staff_id: str | None = None
    override_reason: str | None = None


class BookingLedger:
    """The booking rules over the ledger: every check-and-reserve runs in one write transaction."""

    def __init__(
        self,
        store: Store,
        pack: ContentPack,
        *,
        secret: bytes | None = None,
        clock: TerminalClock | None = None,
    ) -> None:
        """``secret``: from :func:`kiosk.person_secret.person_secret` (keyring or passphrase);
        ``None`` keeps it in the store, readable by whoever holds the disk. ``clock``: the
        terminal's corrected clock (booking days and times); the system clock without one."""
        self.store = store
        self.pack = pack
        self.clock = clock
        self.bookings = (
            BookingRepository(store) if clock is None else BookingRepository(store, clock=clock.now)
        )
        self._secret = secret

    def today(self) -> date:
        """Today by the terminal's clock."""
        return self.clock.today() if self.clock is not None else date.today()

    # -- identity without the ID number ---------------------------------------------------------
    def person_key(self, id_number: str) -> str:
        """A keyed hash of the resident's ID: equal for the same person on this terminal only."""
        check = check_resident_id(id_number)
        if check.problem:
            raise BookingError(check.problem)
        secret = self._secret if self._secret is not None else self.bookings.person_key_secret()
        return hmac.new(secret, check.number.encode("ascii"), hashlib.sha256).hexdigest()

    # -- reading ---------------------------------------------------------------------------------
    def counts(self, start: date, end: date) -> dict[tuple[str, str, str], int]:
        return self.bookings.slot_counts(start, end)

    def available_slots(
        self,
        service_id: str,
        district: str | None = None,
        *,
        start: date | None = None,
        days: int | None = None,
        today: date | None = None,
        include_full: bool = False,
    ) -> list[Slot]:
        today = today or self.today()
        horizon = int(self.pack.data("visits")["booking"]["horizon_days"])
        days = days or horizon
        begin = start or today
        counts = self.counts(begin, begin + timedelta(days=days))
        return list_slots(
            self.pack,
            service_id,
            district=district,
            start=begin,
            days=days,
            today=today,
            counts=counts,
            include_full=include_full,
        )

    def get(self, booking_id: str) -> Booking | None:
        return self.bookings.get(booking_id)

    def by_submission(self, submission_id: str) -> Booking | None:
        return self.bookings.by_submission(submission_id)

    def active_for(self, id_number: str, service: str, today: date | None = None) -> Booking | None:
        return self.bookings.first_active_for(
            self.person_key(id_number), service, today or self.today()
        )

    def list(self, *, status: str | None = None, limit: int = 100) -> list[Booking]:
        return self.bookings.list(status=status, limit=limit)

    # -- writing ---------------------------------------------------------------------------------
    def reserve(self, request: BookingRequest, today: date | None = None) -> Booking:
        """Check every rule and hold the slot (status ``tentative``), atomically."""
        today = today or self.today()
        pack = self.pack
        service = _service(pack, request.service)
        id_check = check_resident_id(request.id_number, today)
        if id_check.problem:
            raise BookingError(id_check.problem)
        decision = check_eligibility(
            pack,
            request.eligibility,
            id_check.age,
            staff_id=request.staff_id,
            override_reason=request.override_reason,
        )
        if not decision.ok:
            raise BookingError(decision.message)
        try:
            pack.village(request.district, request.town, request.village)
        except KeyError as exc:
            raise BookingError("上门地址要选到村（社区）。") from exc
        cal = WorkCalendar(pack)
        day = request.visit_date
        first, last = booking_window(pack, today)
        if not cal.is_working_day(day):
            holiday = cal.holiday_name(day)
            why = f"是{holiday}假期" if holiday else "不是工作日"
            raise BookingError(f"{day.month}月{day.day}日{why}，请另选一天。")
        if day < first:
            raise BookingError(
                f"最早只能预约{first.month}月{first.day}日，要给工作人员留出准备时间。"
            )
        if day > last:
            raise BookingError(f"最远只能预约到{last.month}月{last.day}日。")

        key = self.person_key(id_check.number)
        with self.bookings.transaction() as tx:
            active = tx.active_for(key, request.service, today)
            allowed = int(pack.data("visits")["booking"]["max_active_per_person_and_service"])
            if len(active) >= allowed:
                existing = active[0]
                period = _period_label(pack, existing.period)
                raise BookingError(
                    pack.spoken(
                        "visit.duplicate",
                        service=service["label"],
                        date=display_text.date_words(existing.visit_date, year=False),
                        period=period,
                    )
                )
            candidates = [
                s
                for s in list_slots(
                    pack,
                    request.service,
                    district=request.district,
                    start=day,
                    days=1,
                    today=today,
                    counts=tx.slot_counts(day, day),
                )
                if s.period == request.period and (request.team is None or s.team == request.team)
            ]
            if not candidates:
                raise BookingError(
                    f"{day.month}月{day.day}日{_period_label(pack, request.period)}没有{service['label']}上门服务，请另选时间。"
                )
            open_slots = [s for s in candidates if s.remaining > 0]
            if not open_slots:
                raise BookingError(
                    f"{day.month}月{day.day}日{_period_label(pack, request.period)}已经约满了，请另选时间。"
                )
            slot = max(open_slots, key=lambda s: s.remaining)
            return tx.insert(
                NewBooking(
                    person_key=key,
                    service=request.service,
                    team=slot.team,
                    district=request.district,
                    town=request.town,
                    village=request.village,
                    visit_date=day,
                    period=request.period,
                    eligibility=decision.reason,
                    staff_override=decision.staff_override,
                    staff_id=request.staff_id if decision.staff_override else None,
                )
            )

    @contextmanager
    def together(self) -> Iterator[None]:
        """One transaction around a reservation and what goes with it: writes made inside,
        through this ledger or another repository of the same store (the outbox), commit
        together or not at all, whenever the power goes (``kiosk.wizards.book_home_visit``)."""
        with self.bookings.transaction():
            yield

    def attach_submission(self, booking_id: str, submission_id: str, receipt_code: str) -> None:
        """Link the booking to the outbox entry carrying its details (and the resident's receipt)."""
        if not self.bookings.attach_submission(booking_id, submission_id, receipt_code):
            raise BookingError(f"没有这个预约：{booking_id}")

    def purge(self, retention_days: int, today: date | None = None) -> int:
        """Forget bookings whose visit day is more than ``retention_days`` past.

        Even a keyed hash links visits of one person; once a visit is long over the ledger has
        no reason to keep it. Returns how many rows were deleted.
        """
        today = today or self.today()
        return self.bookings.delete_before(today - timedelta(days=retention_days))

    def set_status(self, booking_id: str, status: str) -> Booking:
        """Move a booking on (confirmed by the province, rejected, cancelled, done)."""
        if status not in STATUS_LABELS:
            raise BookingError(f"预约状态只能是：{'、'.join(STATUS_LABELS)}")
        with self.bookings.transaction() as tx:
            booking = tx.get(booking_id)
            if booking is None:
                raise BookingError(f"没有这个预约：{booking_id}")
            current = booking.status
            if status != current and status not in _TRANSITIONS.get(current, set()):
                raise BookingError(
                    f"预约现在是“{STATUS_LABELS[current]}”，不能改成“{STATUS_LABELS[status]}”。"
                )
            changed = tx.set_status(booking_id, status)
        assert changed is not None  # read in the same transaction
        return changed


# The provincial system's case status for a visit booking -> the ledger's status. Anything
# else ("received", "reviewing" ...) leaves the booking tentative.
PROVINCIAL_STATUS = {
    "scheduled": "confirmed",
    "confirmed": "confirmed",
    "rejected": "rejected",
    "cancelled": "cancelled",
    "done": "done",
    "completed": "done",
}


class _OutboxEntryLike(Protocol):
    @property
    def submission_id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def remote_status(self) -> str | None: ...


def reconcile(ledger: BookingLedger, entries: Iterable[_OutboxEntryLike]) -> list[Booking]:
    """Bring bookings in line with what the outbox learned from the provincial system.

    Call after each sync with ``outbox.list(...)``: a booking the province refused frees its
    slot (``rejected``), one it scheduled becomes ``confirmed``. Returns the bookings changed.
    """
    changed: list[Booking] = []
    for e in entries:
        if e.kind != "visit_booking":
            continue
        booking = ledger.by_submission(e.submission_id)
        if booking is None:
            continue
        if e.status == "rejected":
            target = "rejected"
        elif e.remote_status is not None and e.remote_status in PROVINCIAL_STATUS:
            target = PROVINCIAL_STATUS[e.remote_status]
        else:
            continue
        if target == booking.status or target not in _TRANSITIONS.get(booking.status, set()):
            continue
        changed.append(ledger.set_status(booking.booking_id, target))
    return changed


def _period_label(pack: ContentPack, period_id: str) -> str:
    for p in pack.data("visits")["periods"]:
        if p["id"] == period_id:
            return str(p["label"])
    return period_id


# -- as staff read it at the console (kiosk-admin visit slots) --------------------------------
def booked_counts(db_path: Path, pack: ContentPack, start: date, days: int) -> SlotCounts:
    """Active bookings per slot in this terminal's ledger; none when it has no database yet
    (looking must never create one)."""
    if not db_path.exists():
        return {}
    return BookingLedger(Store(db_path), pack).counts(start, start + timedelta(days=days))


def slot_lines(slots: list[Slot], start: date, days: int) -> list[str]:
    """One line per slot with what is left, or why nothing can be booked in these days."""
    if not slots:
        return [
            f"从{start.isoformat()}起{days}天内没有可预约的时段（节假日、提前量或预约期限之外）。"
        ]
    return [
        f"{s.date} 星期{s.weekday} {s.period_label} {s.start}-{s.end}  {s.team_label}"
        f"  余{s.remaining}/{s.capacity}"
        + ("" if s.calendar_confirmed else "  （节假日安排未公布，按周一至周五计）")
        for s in slots
    ]
