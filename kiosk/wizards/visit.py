"""预约上门服务 as a step table: who needs the visit → service → day → half-day → ID, name,
address, phone → confirm; the ``visit_booking`` payload (kiosk.submission_rules) derived from it,
and :func:`book_home_visit`, which holds the slot and queues the booking as one act."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk import display_text
from kiosk.content import ContentPack, Option
from kiosk.visits import (
    OVERRIDE_REASON_MAX_CHARS,
    Booking,
    BookingLedger,
    BookingRequest,
    override_reason_problem,
)
from kiosk.wizards.rules import id_number_step, name_step, phone_step, place_step
from kiosk.wizards.steps import Answers, Context, Kind, Step, Submit, Wizard
from kiosk.wizards.steps import payload as derive_payload
from offline_cache.outbox import Receipt

STAFF_OVERRIDE = "staff_override"
# Only a signed-in staff member sees this choice (and must then write the reason).
STAFF_OVERRIDE_OPTION = Option(STAFF_OVERRIDE, "工作人员破例预约")


def _staff_choices(ctx: Context) -> list[Option]:
    return [STAFF_OVERRIDE_OPTION] if ctx.staff_id else []


def is_override(answers: Answers, ctx: Context) -> bool:
    """Staff are booking outside the eligibility rules (with a written reason)."""
    return bool(ctx.staff_id) and answers.get("who") == STAFF_OVERRIDE


def _reason_rule(text: str, ctx: Context) -> str | None:
    return override_reason_problem(ctx.pack, text)


def day_words(day: str, today: date | None = None) -> str:
    """``2025-03-05`` as the tiles say it: 3月5日; with ``today``, as a resident says it:
    明天（3月5日）, 下周一（3月9日） (:func:`kiosk.display_text.day_word`)."""
    words = display_text.date_words(day, year=False)
    return f"{display_text.day_word(day, today)}（{words}）" if today is not None else words


def _when(answers: Answers, ctx: Context) -> str:
    day = answers.get("day")
    if not day:
        return ""
    periods = {p["id"]: p["label"] for p in ctx.pack.data("visits")["periods"]}
    return f"{day_words(day, ctx.today)} {periods.get(answers.get('slot', ''), '')}"


def _extras(answers: Answers, ctx: Context) -> dict[str, Any]:
    extra: dict[str, Any] = {"consent.visit": True}
    if is_override(answers, ctx):
        extra["eligibility.staff_id"] = ctx.staff_id
    return extra


def _q(step_id: str) -> str:
    return f"visit.step.{step_id}.question"


VISIT = Wizard(
    kind="visit_booking",
    extras=_extras,
    steps=(
        Step(
            "who",
            Kind.CHOICE,
            _q("who"),
            fills=("eligibility.reason",),
            options="visit.eligibility",
            extra_options=_staff_choices,
            note="visit.step.who.note",
            review="谁需要上门",
        ),
        Step(
            "override_reason",
            Kind.TEXT,
            _q("override_reason"),
            fills=("eligibility.note",),
            validate=_reason_rule,
            shown=is_override,
            omit_when_hidden=True,
            max_length=OVERRIDE_REASON_MAX_CHARS,
        ),
        Step(
            "service",
            Kind.CHOICE,
            _q("service"),
            fills=("service",),
            options="visit.service",
            review="上门服务",
        ),
        Step("day", Kind.DAY, _q("day"), fills=("slot.date",), review="时间", review_value=_when),
        Step("slot", Kind.SLOT, _q("slot"), fills=("slot.period",), options="visit.period"),
        id_number_step(
            "id_number",
            _q("id_number"),
            "person.id_number",
            note="common.id_number.note",
            card_name="name",
            card_address="address",
            review="身份证号",
        ),
        name_step(
            "name",
            _q("name"),
            "person.name",
            review="姓名",
        ),
        place_step(
            "address",
            _q("address"),
            "address",
            detail_required=True,  # the team has to find the door
            review="地址",
        ),
        phone_step(
            "phone",
            _q("phone"),
            "person.phone",
            review="电话",
        ),
        Step("confirm", Kind.REVIEW, _q("confirm")),
    ),
)


def visit_payload(
    answers: Answers, booking_id: str, staff_id: str | None, pack: ContentPack
) -> dict[str, Any]:
    """The ``visit_booking`` payload (shape documented in kiosk.submission_rules)."""
    return {"booking_id": booking_id, **derive_payload(VISIT, answers, Context(pack, staff_id))}


def book_home_visit(
    ledger: BookingLedger,
    submit: Submit,
    answers: Answers,
    *,
    staff_id: str | None = None,
) -> tuple[Booking, Receipt]:
    """Hold the slot, queue the booking for the province, link the two; ``(booking, receipt)``.

    All three in one transaction (``submit`` queues in the ledger's store, so its write joins
    ``ledger.together()``): a power cut or an error at any point leaves either all of it or
    none — never a held slot without its submission, nor a submission its booking doesn't
    know. The error goes up unchanged (``BookingError`` / ``InvalidSubmission`` carry plain
    messages).
    """
    request = BookingRequest(
        service=str(answers.get("service", "")),
        id_number=str(answers.get("id_number", "")),
        district=str(answers.get("address_district", "")),
        town=str(answers.get("address_town", "")),
        village=str(answers.get("address_village", "")),
        visit_date=date.fromisoformat(str(answers.get("day"))),
        period=str(answers.get("slot", "")),
        eligibility=str(answers.get("who", "")),
        staff_id=staff_id if answers.get("who") == STAFF_OVERRIDE else None,
        override_reason=answers.get("override_reason") if staff_id else None,
    )
    with ledger.together():
        booking = ledger.reserve(request)
        payload = visit_payload(answers, booking.booking_id, staff_id, ledger.pack)
        receipt = submit(VISIT.kind, payload)
        ledger.attach_submission(booking.booking_id, receipt.submission_id, receipt.code)
    return booking, receipt
