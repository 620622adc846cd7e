"""A power cut in the middle of 确认预约: the held slot and the queued booking go together.

``kiosk.wizards.book_home_visit`` holds the slot, queues the booking in the outbox and links
the two. A child process does exactly that on a real store and loses its power (``os._exit``)
between those steps; what is left on disk must be all of it or none of it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from offline_cache.store import Store
from tests.conftest import ROOT

CHILD = r"""
import os, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from kiosk.content import load_pack
from kiosk.sealing import generate_private_key
from kiosk.wizards import book_home_visit
from kiosk.submissions import submit
from kiosk.visits import BookingLedger
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.outbox import Outbox
from offline_cache.store import Store
from tests.rules.ids import make_id

store, cut_at = Store(Path(sys.argv[2])), sys.argv[3]
pack = load_pack(BUNDLED_PACK_DIR)
ledger = BookingLedger(store, pack)
outbox = Outbox(store, generate_private_key().public_key(), "CZ-TEST-0001")
slot = ledger.available_slots("legal_aid", "wujin")[0]
answers = {
    "who": "elderly", "service": "legal_aid", "day": slot.date, "slot": slot.period,
    "id_number": make_id(date(1940, 3, 3), male=False), "name": "李秀英",
    "address_district": "wujin", "address_town": "xueyan", "address_village": "wuj_xueyan_chengwan",
    "address_detail": "二组5号", "phone": "13912345678",
}

def queue(kind, payload):
    if cut_at == "before_queueing":
        os._exit(9)
    receipt = submit(kind, payload, pack=pack, outbox=outbox)
    if cut_at == "after_queueing":
        os._exit(9)
    return receipt

book_home_visit(ledger, queue, answers)
"""


def _book(db: Path, cut_at: str) -> int:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), str(db), cut_at],
        capture_output=True, text=True, timeout=60, check=False,
    ).returncode  # fmt: skip


@pytest.mark.parametrize("cut_at", ["before_queueing", "after_queueing"])
def test_a_booking_cut_off_before_its_receipt_holds_no_slot_and_queues_nothing(
    tmp_path: Path, cut_at: str
) -> None:
    db = tmp_path / "kiosk.sqlite3"
    assert _book(db, cut_at) == 9
    store = Store(db)
    assert store.query("SELECT COUNT(*) FROM visit_bookings")[0][0] == 0
    assert store.query("SELECT COUNT(*) FROM outbox")[0][0] == 0


def test_a_booking_that_got_its_receipt_is_held_queued_and_linked(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    assert _book(db, "never") == 0
    store = Store(db)
    (booking,) = store.query("SELECT status, submission_id, receipt_code FROM visit_bookings")
    (queued,) = store.query("SELECT submission_id, receipt_code FROM outbox")
    assert booking["status"] == "tentative"
    assert (booking["submission_id"], booking["receipt_code"]) == tuple(queued)
