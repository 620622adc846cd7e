"""What a submission must contain, and the little of it that may be stored in clear.

Contract with the outbox (kiosk.submissions): ``validate_submission`` lists every problem as
``Problem(field, message)`` with a plain-Chinese message (an empty list means it may be queued);
``public_metadata`` returns only non-identifying facts — service, matter category, district,
village id, assessment outcome, visit date — which the outbox keeps in clear for status screens
and statistics while the payload itself is sealed.

Kinds and payloads (documented with examples in docs/cli.md):

* ``legal_aid`` — see :mod:`kiosk.legal_aid.application`.
* ``visit_booking`` —
  ``{"booking_id", "service", "person": {"name", "id_number", "phone"},
  "address": {"district", "town", "village", "detail"},
  "slot": {"date": "YYYY-MM-DD", "period", "team"?},
  "eligibility": {"reason"} | {"reason": "staff_override", "staff_id", "note"},
  "contact"?: {"name", "phone", "relation"}, "notary_matter"?, "note"?,
  "consent": {"visit": true}}``
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kiosk.content import ContentPack
from kiosk.legal_aid import application_problems, assess, parse_application
from kiosk.validation import (
    Problem,
    Shape,
    check_phone,
    check_resident_id,
    name_problem,
    text_problem,
    unknown_field_problems,
)
from kiosk.visits import WorkCalendar, booking_window, check_eligibility, list_slots
from offline_cache.vocabulary import KIND_VALUES, Service, SubmissionKind

KINDS = KIND_VALUES

__all__ = ["KINDS", "Problem", "public_metadata", "validate_submission"]


VISIT_BOOKING_FIELDS: Shape = {
    "booking_id": None,
    "service": None,
    "person": {"name": None, "id_number": None, "phone": None},
    "address": {"district": None, "town": None, "village": None, "detail": None},
    "slot": {"date": None, "period": None, "team": None},
    "eligibility": {"reason": None, "staff_id": None, "note": None},
    "contact": {"name": None, "phone": None, "relation": None},
    "notary_matter": None,
    "note": None,
    "consent": {"visit": None},
}

# The largest payload of each kind, as UTF-8 JSON (docs/cli.md, "submit"). Every text field has
# its own limit (事情经过 at most the pack's facts_max_chars, 500 characters of 3 bytes; evidence
# 20 items of 40), so a real application is a few KiB; the caps bound the whole, far below what
# the province takes in one request.
MAX_PAYLOAD_BYTES: dict[str, int] = {
    SubmissionKind.LEGAL_AID: 32 * 1024,
    SubmissionKind.VISIT_BOOKING: 8 * 1024,
}


def size_problem(kind: str, payload: dict[str, Any]) -> Problem | None:
    """The payload is larger than its kind's cap (checked before anything else, and sealing)."""
    cap = MAX_PAYLOAD_BYTES.get(kind)
    if cap is None:
        return None
    size = len(json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"))
    if size <= cap:
        return None
    return Problem("", f"申请内容太大（{size / 1024:.0f} KiB，最多 {cap // 1024} KiB），没有保存。")


def validate_submission(
    kind: str, payload: dict[str, Any], pack: ContentPack, *, today: date | None = None
) -> list[Problem]:
    """Every problem with ``payload`` for ``kind``; empty when it may be queued."""
    today = today or date.today()
    if not isinstance(payload, dict):
        return [Problem("", "申请内容格式不对（应当是 JSON 对象）。")]
    too_large = size_problem(kind, payload)
    if too_large is not None:
        return [too_large]
    if kind == SubmissionKind.LEGAL_AID:
        return application_problems(payload, pack, today)
    if kind == SubmissionKind.VISIT_BOOKING:
        return visit_booking_problems(payload, pack, today)
    return [Problem("kind", f"没有这种申请：{kind}（只能是 {' 或 '.join(KINDS)}）。")]


def public_metadata(
    kind: str, payload: dict[str, Any], pack: ContentPack, *, today: date | None = None
) -> dict[str, str]:
    """Non-identifying facts about a valid submission, safe to keep unencrypted."""
    today = today or date.today()
    if kind == SubmissionKind.LEGAL_AID:
        meta = {"service": Service.LEGAL_AID.value}
        matter = payload.get("matter")
        if isinstance(matter, dict) and isinstance(matter.get("category"), str):
            meta["matter_category"] = matter["category"]
        applicant = payload.get("applicant")
        address = applicant.get("address") if isinstance(applicant, dict) else None
        meta.update(_district(address, pack))
        app = parse_application(payload, pack, today)
        if app is not None:
            result = assess(app, pack, today)
            meta["outcome"] = result.outcome
            meta["priority"] = "yes" if result.priority else "no"
        return meta
    if kind == SubmissionKind.VISIT_BOOKING:
        meta = {"service": Service.VISIT.value}
        if isinstance(payload.get("service"), str):
            meta["visit_service"] = payload["service"]
        meta.update(_district(payload.get("address"), pack))
        slot = payload.get("slot")
        if isinstance(slot, dict):
            for key, out in (("date", "visit_date"), ("period", "period"), ("team", "team")):
                if isinstance(slot.get(key), str):
                    meta[out] = slot[key]
        if isinstance(payload.get("booking_id"), str):
            meta["booking_id"] = payload["booking_id"]
        return meta
    raise ValueError(f"unknown submission kind: {kind}")


def _district(address: Any, pack: ContentPack) -> dict[str, str]:
    """Only the district for the clear metadata: statistics need no finer place, and a town or
    village next to a kind and a day can point at one household on a stolen disk. The full
    address is in the sealed envelope, for the province."""
    place = _place(address, pack)
    return {"district": place["district"]} if "district" in place else {}


def _place(address: Any, pack: ContentPack) -> dict[str, str]:
    """District, town and village ids — only when they are the pack's own ids (never free text)."""
    if not isinstance(address, dict):
        return {}
    out: dict[str, str] = {}
    district, town, village = (address.get(k) for k in ("district", "town", "village"))
    try:
        pack.district(str(district))
        out["district"] = str(district)
        pack.town(str(district), str(town))
        out["town"] = str(town)
        pack.village(str(district), str(town), str(village))
        out["village"] = str(village)
    except KeyError:
        pass
    return out


def visit_booking_problems(
    payload: dict[str, Any], pack: ContentPack, today: date
) -> list[Problem]:
    problems = unknown_field_problems(payload, VISIT_BOOKING_FIELDS)
    vs = pack.data("visits")

    service = payload.get("service")
    if service not in {s["id"] for s in vs["services"]}:
        labels = "、".join(s["label"] for s in vs["services"])
        problems.append(Problem("service", f"请选择上门服务：{labels}。"))
    booking_id = payload.get("booking_id")
    if booking_id is not None and (
        not isinstance(booking_id, str) or not 8 <= len(booking_id) <= 64
    ):
        problems.append(Problem("booking_id", "预约编号不对。"))

    person = payload.get("person")
    age: int | None = None
    if not isinstance(person, dict):
        problems.append(Problem("person", "请填写要上门服务的那位的姓名、身份证号和电话。"))
    else:
        p = name_problem(person.get("name"), "姓名")
        if p:
            problems.append(Problem("person.name", p))
        idc = check_resident_id(str(person.get("id_number") or ""), today)
        if idc.problem:
            problems.append(Problem("person.id_number", idc.problem))
        age = idc.age
        phone = check_phone(str(person.get("phone") or ""))
        if phone.problem:
            problems.append(Problem("person.phone", phone.problem))

    address = payload.get("address")
    district = None
    if not isinstance(address, dict):
        problems.append(Problem("address", "请选择上门的地址：区、镇（街道）、村（社区）。"))
    else:
        place = _place(address, pack)
        if "village" not in place:
            missing = next(k for k in ("district", "town", "village") if k not in place)
            what = {"district": "区（市）", "town": "镇（街道）", "village": "村（社区）"}[missing]
            problems.append(Problem(f"address.{missing}", f"请选择上门地址在哪个{what}。"))
        district = place.get("district")
        p = text_problem(address.get("detail"), "详细地址（几组几号）", max_chars=60)
        if p:
            problems.append(Problem("address.detail", p))

    problems.extend(_slot_problems(payload.get("slot"), service, district, pack, today))

    eligibility = payload.get("eligibility")
    if not isinstance(eligibility, dict):
        problems.append(Problem("eligibility", "请选择需要上门的原因。"))
    elif age is not None:
        reason = str(eligibility.get("reason") or "")
        override = reason == "staff_override"
        decision = check_eligibility(
            pack,
            reason,
            age,
            staff_id=str(eligibility.get("staff_id") or "") or None if override else None,
            override_reason=str(eligibility.get("note") or "") if override else None,
        )
        if not decision.ok:
            problems.append(Problem("eligibility", decision.message))

    contact = payload.get("contact")
    if contact is not None:
        if not isinstance(contact, dict):
            problems.append(Problem("contact", "联系人格式不对。"))
        else:
            p = name_problem(contact.get("name"), "联系人姓名")
            if p:
                problems.append(Problem("contact.name", p))
            phone = check_phone(str(contact.get("phone") or ""))
            if phone.problem:
                problems.append(Problem("contact.phone", phone.problem))
            p = text_problem(contact.get("relation"), "联系人和老人的关系", max_chars=10)
            if p:
                problems.append(Problem("contact.relation", p))

    matter = payload.get("notary_matter")
    if matter is not None:
        if service != "notary":
            problems.append(Problem("notary_matter", "只有预约公证上门，才需要选公证事项。"))
        elif matter not in {m["id"] for m in pack.data("notary")["matters"]}:
            problems.append(Problem("notary_matter", f"没有这种公证事项：{matter}"))
    p = text_problem(payload.get("note"), "备注", required=False, max_chars=200, multiline=True)
    if p:
        problems.append(Problem("note", p))

    consent = payload.get("consent")
    if not isinstance(consent, dict) or consent.get("visit") is not True:
        problems.append(
            Problem("consent.visit", "请同意工作人员打电话联系并上门服务，才能提交预约。")
        )
    return problems


def _slot_problems(
    slot: Any, service: Any, district: str | None, pack: ContentPack, today: date
) -> list[Problem]:
    if not isinstance(slot, dict):
        return [Problem("slot", "请选择上门的日期和时段。")]
    try:
        day = date.fromisoformat(str(slot.get("date")))
    except ValueError:
        return [Problem("slot.date", "上门日期格式不对（应当像 2026-12-03）。")]
    period = slot.get("period")
    if period not in {p["id"] for p in pack.data("visits")["periods"]}:
        return [Problem("slot.period", "请选择上午还是下午。")]
    cal = WorkCalendar(pack)
    if not cal.is_working_day(day):
        return [Problem("slot.date", f"{day.month}月{day.day}日不是工作日，请另选一天。")]
    first, last = booking_window(pack, today)
    if day < first:
        return [Problem("slot.date", f"最早只能预约{first.month}月{first.day}日。")]
    if day > last:
        return [Problem("slot.date", f"最远只能预约到{last.month}月{last.day}日。")]
    if not isinstance(service, str) or district is None:
        return []  # reported above
    offered = [
        s
        for s in list_slots(pack, service, district=district, start=day, days=1, today=today)
        if s.period == period and (slot.get("team") is None or s.team == slot.get("team"))
    ]
    if not offered:
        return [Problem("slot", "这个时间没有这项上门服务，请另选时间。")]
    return []
