"""Printed receipts don't pile up on the terminal's disk."""

import os
import time
from pathlib import Path

from kiosk.housekeeping import PRINT_SPOOL_MAX_AGE_S, purge_old_files


def test_receipt_images_older_than_a_day_are_removed_and_todays_stay(tmp_path: Path) -> None:
    old, new = tmp_path / "receipt-old.png", tmp_path / "receipt-new.png"
    old.write_bytes(b"png")
    new.write_bytes(b"png")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    assert purge_old_files(tmp_path, PRINT_SPOOL_MAX_AGE_S) == 1
    assert not old.exists() and new.exists()


def test_a_missing_spool_directory_is_not_an_error(tmp_path: Path) -> None:
    assert purge_old_files(tmp_path / "nope", 1) == 0
