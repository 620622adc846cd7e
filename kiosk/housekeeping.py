"""Start-up housekeeping for files the kiosk writes outside the database."""

from __future__ import annotations

import time
from pathlib import Path

# Receipt and checklist PNGs are a print spool: the resident takes the paper (or the QR code)
# home, so a day is plenty; they hold no names or ID numbers, but nothing should pile up.
PRINT_SPOOL_MAX_AGE_S = 24 * 3600


def purge_old_files(directory: Path, max_age_s: float, *, now: float | None = None) -> int:
    """Delete regular files in ``directory`` older than ``max_age_s``; return how many went."""
    if not directory.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - max_age_s
    removed = 0
    for path in directory.iterdir():
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # a file in use or a read-only disk: try again next start
            continue
    return removed
