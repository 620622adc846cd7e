"""The SQLite store: WAL + FULL sync, forward-only migrations, clear messages on disk trouble."""

import sqlite3
from pathlib import Path

import pytest

from offline_cache.store import Store, StoreError


def test_fresh_store_applies_every_migration_and_uses_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert 1 in store.applied_migrations()
    # Opening again applies nothing new.
    assert Store(tmp_path / "k.sqlite3").migrate() == []


def test_new_migration_applies_once_and_edited_one_is_refused(tmp_path: Path) -> None:
    mig = tmp_path / "migs"
    mig.mkdir()
    (mig / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    db = tmp_path / "k.sqlite3"
    Store(db, mig)
    (mig / "0002_b.sql").write_text("CREATE TABLE b (y INTEGER);\nINSERT INTO b VALUES (1);")
    assert Store(db, mig).migrate() == []  # already applied at construction
    assert Store(db, mig).query("SELECT y FROM b")[0]["y"] == 1
    (mig / "0001_a.sql").write_text("CREATE TABLE a (x TEXT);")
    with pytest.raises(StoreError, match="已被改动"):
        Store(db, mig)


def test_database_newer_than_the_app_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite3"
    Store(db)
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x', 0)")
    with pytest.raises(StoreError, match="比本程序新"):
        Store(db)


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    with pytest.raises(RuntimeError), store.atomic() as c:
        store.next_counter("receipt", c)
        raise RuntimeError("power cut")
    with store.atomic() as c:
        assert store.next_counter("receipt", c) == 1


def test_a_nested_transaction_commits_with_the_outer_one_and_fails_alone(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    with store.atomic() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with store.atomic() as inner:
            inner.execute("INSERT INTO meta (key, value) VALUES ('kept', '1')")
        with pytest.raises(ValueError), store.atomic() as inner:
            inner.execute("INSERT INTO meta (key, value) VALUES ('undone', '1')")
            raise ValueError("the inner part fails")
    keys = {r["key"] for r in store.query("SELECT key FROM meta")}
    assert {"outer", "kept"} <= keys and "undone" not in keys
    with pytest.raises(ValueError), store.atomic() as conn:
        with store.atomic() as inner:
            inner.execute("INSERT INTO meta (key, value) VALUES ('never', '1')")
        raise ValueError("the outer block fails after the inner one finished")
    assert not store.query("SELECT key FROM meta WHERE key = 'never'")


def test_unwritable_data_dir_gives_plain_message(tmp_path: Path) -> None:
    target = Path("/proc/kiosk-cannot-write-here/k.sqlite3")
    with pytest.raises(StoreError) as info:
        Store(target)
    assert "请联系管理员" in str(info.value)
