"""查询办理进度 throttled: wrong receipt codes pause queries, on the screen and from the shell."""

from __future__ import annotations

from pathlib import Path

from kiosk import display_text, receipts
from kiosk.sealing import load_public_key
from kiosk.status_lookup import WRONG_CODE_BACKOFF, StatusLookup
from kiosk.submissions import queue_sealed
from offline_cache.outbox import ItemResult, Outbox
from offline_cache.store import Store
from tests.fakes import FakeClock
from tests.sync.conftest import TERMINAL, resident
from tests.sync.test_cli import _config, kiosk_admin
from tools.provincial_sim.keys import KeyFiles


def _outbox(db: Path, keys: KeyFiles, clock: FakeClock) -> Outbox:
    return Outbox(Store(db), load_public_key(keys.public_key), TERMINAL, clock=clock)


def _wrong_codes(n: int) -> list[str]:
    return [receipts.with_check(f"{d}" * 11) for d in "23456789"][:n]


def test_five_wrong_codes_pause_queries_even_for_a_right_code_across_a_restart(
    tmp_path: Path, keys: KeyFiles
) -> None:
    clock = FakeClock(1_800_000_000.0)
    db = tmp_path / "kiosk.sqlite3"
    outbox = _outbox(db, keys, clock)
    mine = queue_sealed(outbox, "legal_aid", resident(1), {}).code
    lookup = StatusLookup(outbox)
    answers = [lookup.look_up(code) for code in _wrong_codes(WRONG_CODE_BACKOFF.every)]
    assert all(a.view is None for a in answers)
    assert "暂停 1 分钟" in answers[-1].message
    again = StatusLookup(_outbox(db, keys, clock))  # the app restarted
    paused = again.look_up(mine)
    assert paused.view is None and "暂停" in paused.message
    clock.now += WRONG_CODE_BACKOFF.first_pause_s + 1
    assert again.look_up(mine).view is not None


def test_typos_the_check_digit_catches_are_not_counted_as_guesses(
    tmp_path: Path, keys: KeyFiles
) -> None:
    clock = FakeClock(1_800_000_000.0)
    outbox = _outbox(tmp_path / "kiosk.sqlite3", keys, clock)
    mine = queue_sealed(outbox, "legal_aid", resident(1), {}).code
    typo = mine[:-1] + ("2" if mine[-1] != "2" else "3")
    lookup = StatusLookup(outbox)
    for _ in range(10):
        assert "输错" in lookup.look_up(typo).message
    assert lookup.look_up(mine).view is not None


def test_a_status_answer_does_not_reveal_the_case_number(tmp_path: Path, keys: KeyFiles) -> None:
    clock = FakeClock(1_800_000_000.0)
    outbox = _outbox(tmp_path / "kiosk.sqlite3", keys, clock)
    receipt = queue_sealed(outbox, "legal_aid", resident(1), {})
    outbox.claim_due(10)
    outbox.apply_results([ItemResult(receipt.submission_id, "accepted", "CZLA20260000001")])
    answer = StatusLookup(outbox).look_up(display_text.receipt_code(receipt.code))
    assert answer.view is not None
    assert "CZLA20260000001" not in repr(answer)


def test_kiosk_admin_status_is_throttled_like_the_screen(tmp_path: Path, keys: KeyFiles) -> None:
    cfg = _config(tmp_path, keys)
    results = [kiosk_admin("status", code, "--config", cfg) for code in _wrong_codes(5)]
    assert all(r.returncode == 1 for r in results)
    assert "没有查到" in results[0].stderr
    assert "查询暂停" in results[-1].stderr
    assert "Traceback" not in results[-1].stderr
