"""The terminal's files are private to its own user: 0700 directories, 0600 files.

A resident's application is sealed, but the database still holds metadata, bookings and the
audit log, the receipt spool holds printed slips and the credentials file holds the terminal's
signing secret. Another local account (a maintenance login, a compromised service) must not
read them. So the processes set :data:`PRIVATE_UMASK` first thing, every file we create or
rewrite is opened 0600 whatever the umask (:func:`create_private`), and start-up reports what is
readable by others (:func:`loose_permissions`) — one plain line, not a refusal to start, since
a kiosk that won't boot helps no one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# WAL and shared-memory files SQLite keeps next to the database.
SQLITE_SIDE_FILES = ("-wal", "-shm")


def private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if missing; ours is made 0700."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask


def create_private(path: Path) -> None:
    """Make sure ``path`` exists as a 0600 file before anyone (SQLite) writes to it."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)


def open_private_for_writing(path: Path) -> int:
    """A new or truncated 0600 file descriptor for ``path`` (rewrites stay private)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd


def terminal_files(data_dir: Path, db_path: Path, extra: Iterable[Path | None] = ()) -> list[Path]:
    """What must be private: the data dir, the database and its side files, the receipt spool
    (and the slips in it), and ``extra`` (key and credential files)."""
    paths = [data_dir, db_path]
    paths += [db_path.with_name(db_path.name + side) for side in SQLITE_SIDE_FILES]
    spool = data_dir / "receipts"
    paths.append(spool)
    if spool.is_dir():
        paths += sorted(spool.iterdir())
    paths += [p for p in extra if p is not None]
    return paths


def loose_permissions(paths: Iterable[Path]) -> list[Path]:
    """Those of ``paths`` that exist and that another user could read, write or enter."""
    loose = []
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            loose.append(path)
    return loose


def loose_permissions_line(loose: list[Path]) -> str | None:
    """One plain line for the start-up log naming what others can read, or ``None``."""
    if not loose:
        return None
    names = "、".join(str(p) for p in loose[:3]) + ("等" if len(loose) > 3 else "")
    return (
        f"本机数据文件别的用户也能读（{names}），请管理员改成只有本程序能读（目录 700，文件 600）。"
    )
