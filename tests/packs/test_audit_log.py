"""The audit log shows any entry that was edited, removed or cut off the end."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from offline_cache.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "kiosk.sqlite3")


@pytest.fixture
def audit(store: Store) -> AuditLog:
    log = AuditLog(store)
    log.append("staff:0007", "staff.sign_in", {"station": "演示村"})
    log.append("staff:0009", "staff.sign_in_failed", {"attempt": 2})
    log.append("admin-cli:root", "pack.installed", {"id": "changzhou", "version": "2.0.0"})
    log.append("staff:0007", "sync.manual", {"sent": 3})
    log.append("admin-cli:root", "export", {"what": "stats"})
    return log


def tamper(store: Store, sql: str, params: tuple[object, ...] = ()) -> None:
    """What someone with the sqlite3 shell would have to do: drop the guards, then edit."""
    conn = sqlite3.connect(store.path)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_an_untouched_log_verifies_with_its_count_and_head(audit: AuditLog) -> None:
    result = audit.verify()
    assert result.ok and result.count == 5 and len(result.head_hash) == 64
    assert [e.action for e in audit.entries(limit=2)] == ["export", "sync.manual"]
    assert [e.seq for e in audit.entries(action="staff")] == [2, 1]


def test_each_entry_carries_the_hash_of_the_one_before(audit: AuditLog) -> None:
    entries = list(reversed(audit.entries()))
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash


def test_the_database_refuses_edits_and_deletes_of_entries(store: Store, audit: AuditLog) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.atomic() as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError), store.atomic() as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 5")
    assert audit.verify().ok


def test_an_edited_entry_is_detected_and_named(store: Store, audit: AuditLog) -> None:
    tamper(store, "UPDATE audit_log SET detail = '{\"attempt\": 1}' WHERE seq = 2")
    result = audit.verify()
    assert not result.ok
    assert any("第 2 条" in p and "改动" in p for p in result.problems), result.problems


def test_a_deleted_entry_in_the_middle_is_detected(store: Store, audit: AuditLog) -> None:
    tamper(store, "DELETE FROM audit_log WHERE seq = 3")
    result = audit.verify()
    assert not result.ok
    assert any("第 3 条记录不见了" in p for p in result.problems), result.problems


def test_entries_cut_off_the_end_are_detected(store: Store, audit: AuditLog) -> None:
    tamper(store, "DELETE FROM audit_log WHERE seq >= 4")
    result = audit.verify()
    assert not result.ok
    assert any("最后的 2 条记录不见了" in p for p in result.problems), result.problems


def test_a_rewritten_last_entry_with_a_recomputed_hash_is_still_detected(
    store: Store, audit: AuditLog
) -> None:
    from kiosk.audit import entry_hash

    last = audit.entries(limit=1)[0]
    forged = entry_hash(
        last.seq, last.at, "someone-else", last.action, '{"what":"stats"}', last.prev_hash
    )
    tamper(
        store,
        "UPDATE audit_log SET actor = 'someone-else', detail = '{\"what\":\"stats\"}', hash = ? WHERE seq = ?",
        (forged, last.seq),
    )
    assert not audit.verify().ok


def test_the_cli_exits_1_and_lists_the_problems_when_the_log_was_tampered_with(
    tmp_path: Path, store: Store, audit: AuditLog, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.admin.cli import main

    tamper(store, "DELETE FROM audit_log WHERE seq = 1")
    assert main(["audit", "verify", "--data-dir", str(tmp_path)]) == 1
    assert "第 1 条记录不见了" in capsys.readouterr().out


@pytest.mark.parametrize(
    "detail",
    [
        {"name": "张三"},
        {"note": "320402195001011234"},
        {"nested": {"phone": "x"}},
        {"called": ["13812345678"]},
    ],
)
def test_resident_data_is_refused_from_the_audit_log(
    audit: AuditLog, detail: dict[str, object]
) -> None:
    with pytest.raises(ValueError):
        audit.append("staff:0007", "export", detail)
    assert audit.verify().count == 5


def test_hashes_and_fingerprints_that_happen_to_contain_digit_runs_are_accepted(
    audit: AuditLog,
) -> None:
    audit.append("admin-cli:root", "pack.installed", {"signer": "ab13812345678cdef"})
    assert audit.verify().count == 6
