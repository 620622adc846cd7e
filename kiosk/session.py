"""One resident's visit to the terminal: what they entered, in memory only, wiped at the end.

Nothing here touches the disk. A finished application leaves the session through
``kiosk.submissions.submit`` (encrypted in the outbox); everything else is dropped by
:meth:`Session.wipe` when the resident presses 结束并清除, walks away (idle timeout) or the
submission is done. Statistics only ever see the random session id.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Listener = Callable[["Session"], None]


@dataclass
class Draft:
    """The answers of one service (``legal_aid``, ``visit_booking``, ``notary`` …) so far."""

    kind: str
    answers: dict[str, Any] = field(default_factory=dict)

    def set(self, key: str, value: Any) -> None:
        if value is None or value == "":
            self.answers.pop(key, None)
        else:
            self.answers[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.answers.get(key, default)

    def clear(self) -> None:
        # Overwrite before dropping so a stale reference (a widget, a closure) sees nothing.
        for key in list(self.answers):
            self.answers[key] = None
        self.answers.clear()


class Session:
    """The current resident's session. There is exactly one at a time per terminal."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._on_wipe: list[Listener] = []
        self.id = ""
        self.started_at = 0.0
        self.last_activity = 0.0
        self.staff_id: str | None = None
        self.service: str | None = None
        self.voice_used = False
        self.completed = False
        self.drafts: dict[str, Draft] = {}
        self._reset()

    def _reset(self) -> None:
        self.id = uuid.uuid4().hex
        now = self._clock()
        self.started_at = now
        self.last_activity = now
        self.service = None
        self.voice_used = False
        self.completed = False
        self.drafts = {}

    # -- what the resident does -----------------------------------------------------------------
    def touch(self) -> None:
        """Any touch or spoken command: the resident is still there."""
        self.last_activity = self._clock()

    def idle_seconds(self) -> float:
        return self._clock() - self.last_activity

    def draft(self, kind: str) -> Draft:
        """The draft for ``kind``, created empty on first use."""
        if kind not in self.drafts:
            self.drafts[kind] = Draft(kind)
        return self.drafts[kind]

    def discard_draft(self, kind: str) -> None:
        draft = self.drafts.pop(kind, None)
        if draft is not None:
            draft.clear()

    @property
    def has_input(self) -> bool:
        """Whether wiping would lose anything the resident entered."""
        return any(d.answers for d in self.drafts.values())

    @property
    def assisted(self) -> bool:
        """A staff member is filling in for the resident (recorded as 代为填写)."""
        return self.staff_id is not None

    # -- staff ------------------------------------------------------------------------------------
    def staff_sign_in(self, staff_id: str) -> None:
        self.staff_id = staff_id

    def staff_sign_out(self) -> None:
        self.staff_id = None

    # -- the end ---------------------------------------------------------------------------------
    def on_wipe(self, listener: Listener) -> None:
        """Call ``listener(session)`` just before a wipe (screens clear their widgets)."""
        self._on_wipe.append(listener)

    def wipe(self) -> str:
        """Forget everything entered, sign staff out, start a fresh session; returns the old id."""
        old = self.id
        for listener in list(self._on_wipe):
            listener(self)
        for draft in self.drafts.values():
            draft.clear()
        self.staff_id = None
        self._reset()
        return old


# -- the legal-aid wizard's pages ---------------------------------------------------------------
# One question per page. Which pages a resident sees depends on earlier answers: anyone in an
# exempt group (低保, 五保, 孤寡老人 …), with an exempt matter (家暴, 见义勇为 …) or a migrant worker
# claiming wages or injury damages never sees the income questions — the same exemptions
# ``kiosk.legal_aid.assess`` applies, read from the same pack data.
NONE = "none"  # the "都不是" answer on exemption pages


def _exempt_without_income(answers: dict[str, Any], pack: Any) -> bool:
    la = pack.data("legal_aid")
    group = answers.get("exemption")
    if group and group != NONE:
        for g in la["exemption_groups"]:
            if g["id"] == group and g.get("exempt_economic"):
                return True
    exempt_matter = answers.get("exempt_matter")
    for m in la["exempt_matters"]:
        if m["id"] == exempt_matter and not m["requires_migrant_worker"]:
            return True
        if (
            m["requires_migrant_worker"]
            and answers.get("migrant") is True
            and answers.get("matter") in m["matters"]
        ):
            return True
    return False


def migrant_matters(pack: Any) -> set[str]:
    """Matters for which being a migrant worker exempts from the income test."""
    la = pack.data("legal_aid")
    return {
        mid for m in la["exempt_matters"] if m["requires_migrant_worker"] for mid in m["matters"]
    }


def legal_aid_steps(answers: dict[str, Any], pack: Any) -> list[str]:
    """The page ids the resident goes through, in order, given the answers so far."""
    steps = ["role", "exemption", "matter"]
    if answers.get("matter") in migrant_matters(pack):
        steps.append("migrant")
    exempt_now = _exempt_without_income(answers, pack)
    if not exempt_now or answers.get("exempt_matter") not in (None, NONE):
        steps.append("exempt_matter")
    if not _exempt_without_income(answers, pack):
        steps += ["household", "income"]
    steps += ["name", "id_number", "phone", "address"]
    if answers.get("role") == "agent":
        steps += ["agent_name", "agent_id_number", "agent_phone", "agent_relation"]
    steps += ["opposing", "opposing_name", "facts", "evidence", "review", "consent", "result"]
    return steps


def legal_aid_payload(answers: dict[str, Any], pack: Any) -> dict[str, Any]:
    """The application payload (shape documented in kiosk.legal_aid.application)."""
    steps = legal_aid_steps(answers, pack)
    agent = None
    if answers.get("role") == "agent":
        agent = {
            "name": answers.get("agent_name", ""),
            "id_number": answers.get("agent_id_number", ""),
            "phone": answers.get("agent_phone", ""),
            "relation": answers.get("agent_relation", ""),
        }
    economy = None
    if "household" in steps:
        economy = {
            "household_size": answers.get("household"),
            "monthly_income_yuan": answers.get("income"),
        }
    group = answers.get("exemption")
    exempt_matter = answers.get("exempt_matter")
    return {
        "applicant": {
            "name": answers.get("name", ""),
            "id_number": answers.get("id_number", ""),
            "phone": answers.get("phone", ""),
            "migrant_worker": answers.get("migrant") is True,
            "address": {
                "district": answers.get("address_district", ""),
                "town": answers.get("address_town", ""),
                "village": answers.get("address_village", ""),
                "detail": answers.get("address_detail", ""),
            },
        },
        "agent": agent,
        "matter": {"category": answers.get("matter", ""), "facts": answers.get("facts", "")},
        "opposing_party": {
            "name": answers.get("opposing_name", ""),
            "kind": answers.get("opposing", "unknown"),
        },
        "economy": economy,
        "exemption_groups": [group] if group and group != NONE else [],
        "exempt_matters": [exempt_matter] if exempt_matter and exempt_matter != NONE else [],
        "evidence": list(answers.get("evidence", [])),
        "consent": {
            "truthful": answers.get("consent") is True,
            "verification": answers.get("consent") is True,
        },
        "oral": False,
    }


# -- the home-visit wizard -------------------------------------------------------------------------
VISIT_STEPS = (
    "who",
    "override_reason",  # only when staff book outside the eligibility rules (see visit_steps)
    "service",
    "day",
    "slot",
    "id_number",
    "name",
    "address",
    "phone",
    "confirm",
)


STAFF_OVERRIDE = "staff_override"


def visit_steps(answers: dict[str, Any], staff_id: str | None) -> list[str]:
    """The home-visit pages; the written reason only for a staff override."""
    steps = list(VISIT_STEPS)
    if not (staff_id and answers.get("who") == STAFF_OVERRIDE):
        steps.remove("override_reason")
    return steps


def visit_payload(answers: dict[str, Any], booking_id: str, staff_id: str | None) -> dict[str, Any]:
    """The ``visit_booking`` payload (shape documented in kiosk.submission_rules)."""
    payload: dict[str, Any] = {
        "booking_id": booking_id,
        "service": answers.get("service", ""),
        "person": {
            "name": answers.get("name", ""),
            "id_number": answers.get("id_number", ""),
            "phone": answers.get("phone", ""),
        },
        "address": {
            "district": answers.get("address_district", ""),
            "town": answers.get("address_town", ""),
            "village": answers.get("address_village", ""),
            "detail": answers.get("address_detail", ""),
        },
        "slot": {"date": answers.get("day", ""), "period": answers.get("slot", "")},
        "eligibility": {"reason": answers.get("who", "")},
        "consent": {"visit": True},
    }
    if staff_id and answers.get("who") == STAFF_OVERRIDE:
        payload["eligibility"] = {
            "reason": STAFF_OVERRIDE,
            "staff_id": staff_id,
            "note": answers.get("override_reason", ""),
        }
    return payload


def book_home_visit(
    ledger: Any,
    submit: Callable[[str, dict[str, Any]], Any],
    answers: dict[str, Any],
    *,
    staff_id: str | None = None,
) -> tuple[Any, Any]:
    """Hold the slot, queue the booking for the province, link the two; ``(booking, receipt)``.

    All three in one transaction (``submit`` queues in the ledger's store, so its write joins
    ``ledger.together()``): a power cut or an error at any point leaves either all of it or
    none — never a held slot without its submission, nor a submission its booking doesn't
    know. The error goes up unchanged (``BookingError`` / ``InvalidSubmission`` carry plain
    messages).
    """
    from datetime import date

    from kiosk.visits import BookingRequest

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
        receipt = submit("visit_booking", visit_payload(answers, booking.booking_id, staff_id))
        ledger.attach_submission(booking.booking_id, receipt.submission_id, receipt.code)
    return booking, receipt
