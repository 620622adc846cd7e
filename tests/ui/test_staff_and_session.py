"""Staff PINs (slow hash, lockout after 5 failures) and the in-memory resident session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.session import Session
from kiosk.staff import (
    LOCKOUT_S,
    TERMINAL_BACKOFF_S,
    TERMINAL_MAX_FAILURES,
    KdfParams,
    StaffDirectory,
    StaffError,
    check_pin,
    hash_pin,
)
from offline_cache.store import Store
from tests.fakes import FakeClock

FAST = KdfParams(n=2**10, r=8, p=1)  # tests only: the real default is 2**14


@pytest.fixture
def directory(tmp_path: Path) -> tuple[StaffDirectory, FakeClock, Path]:
    clock = FakeClock(1_000_000.0)
    db = tmp_path / "kiosk.sqlite3"
    return StaffDirectory(Store(db), clock=clock, kdf=FAST), clock, db


def test_a_staff_member_signs_in_with_the_right_pin_and_not_with_a_wrong_one(directory) -> None:
    staff, _, _ = directory
    staff.add("1001", "482915", role="admin")
    assert staff.sign_in("1001", "482915").ok
    assert staff.sign_in("1001", "482915").member.is_admin
    wrong = staff.sign_in("1001", "482916")
    assert not wrong.ok and "还可以再试 4 次" in wrong.message


def test_the_pin_is_never_stored_in_clear(directory) -> None:
    staff, _, db = directory
    staff.add("1001", "739164")
    assert b"739164" not in db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or b"739164" not in wal.read_bytes()


def test_five_wrong_pins_lock_the_number_even_for_the_right_pin_until_time_passes(
    directory,
) -> None:
    staff, clock, db = directory
    staff.add("1001", "482915")
    for _ in range(5):
        assert not staff.sign_in("1001", "000000").ok
    locked = staff.sign_in("1001", "482915")
    assert not locked.ok and "锁定" in locked.message
    # A restart (new directory on the same file) does not lift the lock.
    again = StaffDirectory(Store(db), clock=clock, kdf=FAST)
    assert not again.sign_in("1001", "482915").ok
    clock.now += LOCKOUT_S + 1
    assert again.sign_in("1001", "482915").ok


def test_an_unknown_staff_number_answers_exactly_like_a_known_one(directory) -> None:
    staff, _, _ = directory
    staff.add("1001", "482915")
    known = [staff.sign_in("1001", "123987") for _ in range(5)]
    unknown = [staff.sign_in("9999", "123987") for _ in range(5)]
    assert [r.message for r in known] == [r.message for r in unknown]
    assert [(r.attempts_left, r.locked_until) for r in known] == [
        (r.attempts_left, r.locked_until) for r in unknown
    ]


def test_guessing_unknown_numbers_does_not_lock_out_a_real_staff_member(directory) -> None:
    staff, _, _ = directory
    staff.add("1001", "482915")
    for _ in range(5):
        assert not staff.sign_in("9999", "123987").ok
    assert "锁定" in staff.sign_in("9999", "123987").message
    assert staff.sign_in("1001", "482915").ok


def test_cycling_through_numbers_meets_a_terminal_wide_back_off_that_survives_a_restart(
    directory,
) -> None:
    staff, clock, db = directory
    staff.add("1001", "482915")
    for n in range(TERMINAL_MAX_FAILURES):
        assert not staff.sign_in(str(5000 + n), "123987").ok
    # Even the right PIN of a number nobody guessed waits out the pause, after a restart too.
    again = StaffDirectory(Store(db), clock=clock, kdf=FAST)
    paused = again.sign_in("1001", "482915")
    assert not paused.ok and "分钟后再试" in paused.message
    clock.now += TERMINAL_BACKOFF_S + 1
    assert again.sign_in("1001", "482915").ok


def test_the_back_off_doubles_each_round_of_failures(directory) -> None:
    staff, clock, _ = directory
    pauses = []
    for _round in range(2):
        for n in range(TERMINAL_MAX_FAILURES):
            result = staff.sign_in(str(6000 + n + 100 * _round), "123987")
        assert result.locked_until is not None
        pauses.append(result.locked_until - clock.now)
        clock.now = result.locked_until + 1
    assert pauses[1] >= 2 * TERMINAL_BACKOFF_S > pauses[0] >= TERMINAL_BACKOFF_S - 1


def test_only_a_real_staff_number_is_named_for_the_audit_log(directory) -> None:
    staff, _, _ = directory
    staff.add("1001", "482915")
    assert staff.sign_in("1001", "000000").audit_actor == "1001"
    assert staff.sign_in("320402195001011234", "000000").audit_actor == ""
    assert staff.sign_in("9999", "000000").audit_actor == ""


def test_weak_pins_and_bad_staff_numbers_are_refused_with_a_reason(directory) -> None:
    staff, _, _ = directory
    with pytest.raises(StaffError, match="太简单"):
        staff.add("1001", "111111")
    with pytest.raises(StaffError, match="位数字"):
        staff.add("1001", "12ab56")
    with pytest.raises(StaffError, match="工号"):
        staff.add("x1", "482915")


def test_a_provisioning_file_with_hashes_adds_staff(directory, tmp_path: Path) -> None:
    staff, _, _ = directory
    f = tmp_path / "staff.json"
    entry = {"id": "2002", "role": "staff", "pin_hash": hash_pin("650193", FAST)}
    f.write_text(json.dumps({"staff": [entry]}))
    assert staff.import_file(f) == 1
    assert staff.sign_in("2002", "650193").ok


def test_re_reading_the_provisioning_file_keeps_deactivations_and_lockouts(
    directory, tmp_path: Path
) -> None:
    staff, clock, db = directory
    f = tmp_path / "staff.json"
    entries = [
        {"id": "2002", "role": "staff", "pin_hash": hash_pin("650193", FAST)},
        {"id": "3003", "role": "staff", "pin_hash": hash_pin("381946", FAST)},
    ]
    f.write_text(json.dumps({"staff": entries}))
    staff.import_file(f)
    staff.deactivate("2002")
    for _ in range(5):
        staff.sign_in("3003", "000000")
    # A restart imports the same file again.
    again = StaffDirectory(Store(db), clock=clock, kdf=FAST)
    assert again.import_file(f) == 0
    assert not again.sign_in("2002", "650193").ok
    assert "锁定" in again.sign_in("3003", "381946").message
    # A changed hash is taken, and still doesn't lift the lockout.
    entries[1]["pin_hash"] = hash_pin("527391", FAST)
    f.write_text(json.dumps({"staff": entries}))
    assert again.import_file(f) == 1
    assert not again.sign_in("3003", "527391").ok
    clock.now += LOCKOUT_S + 1
    assert again.sign_in("3003", "527391").ok


def test_hash_round_trip_and_tampering() -> None:
    encoded = hash_pin("650193", FAST)
    assert check_pin("650193", encoded)
    assert not check_pin("650194", encoded)
    assert not check_pin("650193", encoded.replace("scrypt", "md5"))


def test_wiping_a_session_forgets_every_answer_and_starts_a_new_id() -> None:
    session = Session()
    first = session.id
    draft = session.draft("legal_aid")
    draft.set("name", "张三")
    draft.set("phone", "13912345678")
    session.staff_sign_in("1001", "admin")
    seen: list[str] = []
    session.on_wipe(lambda s: seen.append(s.id))
    assert session.has_input and session.assisted
    old = session.wipe()
    assert old == first and seen == [first]
    assert session.id != first
    assert not session.has_input and not session.assisted and not session.is_admin
    assert draft.answers == {}
    assert session.draft("legal_aid").get("name") is None
