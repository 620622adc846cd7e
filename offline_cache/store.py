"""The terminal's one SQLite file: WAL, ``synchronous=FULL``, forward-only migrations.

Migrations are the numbered ``migrations/NNNN_name.sql`` files, applied in order inside one
transaction each and recorded (with their sha256) in ``schema_migrations``. An applied migration is
never edited: a changed checksum or a database newer than this app is refused with a plain message.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from offline_cache.os_errors import DiskTrouble, trouble_of
from offline_cache.private_files import create_private, private_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(Exception):
    """The store can't be used; ``str()`` is a plain-Chinese sentence staff can act on."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:4])
        found.append(Migration(version, path.stem[5:], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise StoreError(f"程序自带的数据库升级脚本编号重复：{versions}")
    return found


def explain_os_error(exc: BaseException, path: Path) -> str:
    """Turn disk trouble into a sentence for staff: what happened and what to do, in Chinese.

    Never the library's own text: SQLite says "disk I/O error" when a write fails on a full
    disk, so a failed write on a disk with almost no space left is reported as full.
    """
    text = str(exc).lower()  # SQLite's words, looked at only, never shown
    trouble = trouble_of(exc) if isinstance(exc, OSError) else None
    if trouble is DiskTrouble.FULL or "full" in text:
        return _FULL.format(path=path)
    if (
        trouble in (DiskTrouble.PERMISSION, DiskTrouble.READ_ONLY)
        or "readonly" in text
        or "read-only" in text
        or "unable to open" in text
    ):
        return (
            f"数据目录不能写入（{path}），新的内容存不下。已保存的申请都还在，"
            "查询和查看不受影响；请工作人员联系管理员检查存储卡。"
        )
    io_error = "disk i/o" in text or trouble is DiskTrouble.IO
    if io_error and _nearly_full(path):
        return _FULL.format(path=path)
    return f"数据保存出错（{path}），存储设备读写失败。已保存的申请都还在，请联系管理员检查存储卡。"


_FULL = (
    "存储空间已满（{path}），新的申请存不下。已保存的申请都还在，查询和查看不受影响；"
    "请工作人员联系管理员清理存储空间，清理之前请居民改用 12348 热线或到窗口办理。"
)
# Below this, SQLite's next page or journal write will not fit: treat an I/O error as "full".
_NEARLY_FULL_BYTES = 1024 * 1024


def _nearly_full(path: Path) -> bool:
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free < _NEARLY_FULL_BYTES
        except OSError:
            continue
    return False


class Store:
    """One connection per thread to the same file; writes go through :meth:`atomic`."""

    def __init__(
        self, path: Path, migrations_dir: Path = MIGRATIONS_DIR, *, read_only: bool = False
    ) -> None:
        """Open (and migrate) the store; ``read_only`` for code that only looks (``outbox
        list``, ``status``, ``audit``): it works on a full or read-only disk, and never
        creates or migrates anything (a database this app would still have to migrate is a
        :class:`StoreError`)."""
        self.path = Path(path)
        self.read_only = read_only
        self._migrations_dir = migrations_dir
        self._local = threading.local()
        self._write_lock = threading.RLock()
        if read_only:
            if not self.path.is_file():
                raise StoreError(f"本机还没有任何记录（{self.path} 不存在）。")
            self._check_schema_for_reading()
            return
        try:
            # Private from the start: SQLite gives the WAL and SHM files the database's mode.
            private_dir(self.path.parent)
            if not self.path.exists():
                create_private(self.path)
        except OSError as exc:
            raise StoreError(explain_os_error(exc, self.path.parent)) from exc
        self.migrate()

    @classmethod
    def for_reading(cls, path: Path) -> Store:
        """A read-only store when the database exists (nothing written, even on a full disk),
        else a normal one (which creates it, so a fresh terminal still answers "nothing yet")."""
        return cls(path, read_only=True) if Path(path).is_file() else cls(path)

    def _reading_uri(self) -> str:
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        # On a read-only filesystem SQLite can't create the WAL's shared-memory file; with no
        # WAL left (a clean close checkpointed it) the database file alone is complete.
        wal = self.path.with_name(self.path.name + "-wal")
        if not wal.exists() and not os.access(self.path.parent, os.W_OK):
            uri += "&immutable=1"
        return uri

    # -- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                conn = sqlite3.connect(
                    self._reading_uri(), uri=True, timeout=30, check_same_thread=True
                )
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA busy_timeout=30000")
                return conn
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=True
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as exc:
            raise StoreError(explain_os_error(exc, self.path)) from exc
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); rolled back on any exception.

        Inside another ``atomic()`` on the same thread it joins that transaction as a savepoint:
        its failure undoes only its own part, and nothing is on disk before the outermost block
        commits. A home visit's held slot and its submission are written this way, together or
        not at all, whenever the power goes (tests/appliance/test_power_cuts.py).
        """
        if self.read_only:
            raise StoreError("这里只能查看，不能保存（数据库以只读方式打开）。")
        conn = self.conn
        with self._write_lock:
            if conn.in_transaction:  # autocommit connection: only our own BEGIN opens one
                conn.execute("SAVEPOINT nested")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK TO nested")
                    conn.execute("RELEASE nested")
                    raise
                conn.execute("RELEASE nested")
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(explain_os_error(exc, self.path)) from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreError(explain_os_error(exc, self.path)) from exc

    def query(
        self, sql: str, params: tuple[object, ...] | dict[str, object] = ()
    ) -> list[sqlite3.Row]:
        try:
            return list(self.conn.execute(sql, params))
        except sqlite3.OperationalError as exc:
            raise StoreError(explain_os_error(exc, self.path)) from exc

    # -- migrations --------------------------------------------------------------------------
    def applied_migrations(self) -> dict[int, str]:
        rows = self.conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
        return {int(r["version"]): str(r["checksum"]) for r in rows}

    def _check_schema_for_reading(self) -> None:
        known = available_migrations(self._migrations_dir)
        try:
            applied = self.applied_migrations()
        except sqlite3.Error as exc:
            raise StoreError(explain_os_error(exc, self.path)) from exc
        newest_known = max((m.version for m in known), default=0)
        if applied and max(applied) > newest_known:
            raise StoreError(
                f"数据库版本（{max(applied)}）比本程序新（{newest_known}），请安装新版程序，不要降级。"
            )
        if set(applied) != {m.version for m in known}:
            raise StoreError("数据库还没有升级到本程序的版本，请先启动一次终端程序，再查看。")

    def _nothing_to_migrate(self, known: list[Migration]) -> bool:
        """True when every migration is applied: opening then writes nothing (a full disk
        must not stop anyone reading what is already saved)."""
        try:
            applied = self.applied_migrations()
        except sqlite3.Error:
            return False  # no schema_migrations table yet: a new database
        return {m.version: m.checksum for m in known} == applied

    def migrate(self) -> list[int]:
        """Apply every pending migration; return the versions applied now."""
        known = available_migrations(self._migrations_dir)
        if self._nothing_to_migrate(known):
            return []
        try:
            with self.atomic() as conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " checksum TEXT NOT NULL, applied_at REAL NOT NULL)"
                )
        except sqlite3.Error as exc:
            raise StoreError(explain_os_error(exc, self.path)) from exc
        applied = self.applied_migrations()
        newest_known = max((m.version for m in known), default=0)
        if applied and max(applied) > newest_known:
            raise StoreError(
                f"数据库版本（{max(applied)}）比本程序新（{newest_known}），请安装新版程序，不要降级。"
            )
        done: list[int] = []
        for m in known:
            if m.version in applied:
                if applied[m.version] != m.checksum:
                    raise StoreError(
                        f"数据库升级脚本 {m.version:04d}_{m.name} 已被改动，拒绝启动。"
                    )
                continue
            with self.atomic() as conn:
                for statement in _split_sql(m.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations(version, name, checksum, applied_at)"
                    " VALUES (?, ?, ?, ?)",
                    (m.version, m.name, m.checksum, time.time()),
                )
            done.append(m.version)
        return done

    # -- small key/value for terminal-level facts (counters, secrets' ids, cursors) ----------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else default

    def set_meta(self, key: str, value: str, conn: sqlite3.Connection | None = None) -> None:
        sql = "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        if conn is not None:
            conn.execute(sql, (key, value))
            return
        with self.atomic() as c:
            c.execute(sql, (key, value))

    def next_counter(self, name: str, conn: sqlite3.Connection) -> int:
        """Monotonic per-terminal counter, incremented inside the caller's transaction."""
        conn.execute(
            "INSERT INTO counters(name, value) VALUES (?, 1)"
            " ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )
        row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0])


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3 ``execute`` runs one at a time)."""
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
