"""The terminal's files are for its own user: created 0700/0600, rewrites too; start-up warns."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_cache.durable import write_atomically
from offline_cache.private_files import (
    loose_permissions,
    loose_permissions_line,
    terminal_files,
)
from offline_cache.store import Store


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A careless environment (umask 022): what we create must still be private."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_database_wal_and_shm_are_private_even_with_a_loose_umask(
    tmp_path: Path, loose_umask: None
) -> None:
    db = tmp_path / "data" / "kiosk.sqlite3"
    store = Store(db)
    store.set_meta("probe", "1")
    assert _mode(db.parent) == 0o700
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        assert path.exists() and _mode(path) == 0o600, path


def test_a_rewritten_file_is_private_even_if_the_old_one_was_not(
    tmp_path: Path, loose_umask: None
) -> None:
    target = tmp_path / "credentials.json"
    target.write_text("old")
    target.chmod(0o644)
    write_atomically(target, b"new")
    assert _mode(target) == 0o600 and target.read_bytes() == b"new"


def test_a_printed_receipt_in_the_spool_is_private(tmp_path: Path, loose_umask: None) -> None:
    from screens.receipt_image import render_receipt

    slip = render_receipt(
        tmp_path / "receipts" / "receipt-x.png",
        station="测试站",
        title="法律援助申请已提交",
        code_display="2345 6789 2345",
        lines=[],
        qr_text="x",
    )
    assert _mode(slip.parent) == 0o700 and _mode(slip) == 0o600


def test_start_up_names_files_others_can_read_in_one_plain_line(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    Store(db)
    tmp_path.chmod(0o700)
    assert loose_permissions(terminal_files(tmp_path, db)) == []
    db.chmod(0o644)
    loose = loose_permissions(terminal_files(tmp_path, db))
    assert loose == [db]
    line = loose_permissions_line(loose)
    assert line is not None and "\n" not in line and "600" in line
