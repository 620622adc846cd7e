"""The payloads the touch-screen wizards build (kiosk.wizards) pass the rules unchanged."""

from __future__ import annotations

from pathlib import Path

from kiosk.content import ContentPack
from kiosk.submission_rules import validate_submission
from kiosk.visits import BookingLedger
from kiosk.wizards import book_home_visit, legal_aid_payload, visit_payload
from offline_cache.store import Store
from tests.rules.wizard_answers import home_visit_answers, legal_aid_answers


def test_a_wizard_legal_aid_application_is_valid(pack: ContentPack) -> None:
    answers = legal_aid_answers(migrant=True)
    payload = legal_aid_payload(answers, pack)
    assert validate_submission("legal_aid", payload, pack) == []


def test_a_wizard_home_visit_is_held_queued_and_linked(pack: ContentPack, tmp_path: Path) -> None:
    ledger = BookingLedger(Store(tmp_path / "kiosk.sqlite3"), pack)
    slot = ledger.available_slots("legal_aid", "wujin")[0]
    answers = home_visit_answers(slot.date, slot.period)
    queued: list[dict[str, object]] = []

    class Receipt:
        submission_id = "sub-1"
        code = "23456789"

    def submit(kind: str, payload: dict[str, object]) -> Receipt:
        assert validate_submission(kind, payload, pack) == []
        queued.append(payload)
        return Receipt()

    booking, _ = book_home_visit(ledger, submit, answers)
    assert queued and queued[0]["booking_id"] == booking.booking_id
    assert ledger.by_submission("sub-1") is not None
    assert visit_payload(answers, booking.booking_id, None, pack)["slot"] == {
        "date": slot.date,
        "period": slot.period,
    }
