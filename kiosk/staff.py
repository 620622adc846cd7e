"""Staff sign-in: PINs kept only as scrypt hashes, lockout after 5 failed attempts.

Staff sign in on the kiosk's own keypad with their staff number and a 6–12 digit PIN. Digits
are a small space, so the KDF is deliberately slow (scrypt, ~50 ms, 16 MiB) and five wrong PINs
lock that staff number for 15 minutes — counted in the database so a restart doesn't reset it.
Unknown staff numbers share one counter and run the same KDF, so trying numbers reveals nothing.

Staff are provisioned by an administrator, either with ``kiosk-admin staff add`` on the
terminal or from the JSON file named by ``paths.staff_pins_file`` (hashes only, made with
``kiosk-admin staff hash``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.audit import AuditLog
from offline_cache.store import Store

MAX_FAILURES = 5
LOCKOUT_S = 15 * 60
PIN_MIN, PIN_MAX = 6, 12
ROLES = ("staff", "admin")
UNKNOWN_SCOPE = "*unknown*"


@dataclass(frozen=True)
class KdfParams:
    n: int = 2**14
    r: int = 8
    p: int = 1


DEFAULT_KDF = KdfParams()


class StaffError(Exception):
    """A staff record can't be made as asked; ``str()`` is a plain sentence."""


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    message: str  # plain Chinese, shown and read aloud
    member: StaffMember | None = None
    attempts_left: int = 0
    locked_until: float | None = None


def pin_problem(pin: str) -> str | None:
    if not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        return f"密码应为 {PIN_MIN} 到 {PIN_MAX} 位数字。"
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        return "密码太简单（全相同或连续数字），请换一个。"
    return None


def hash_pin(pin: str, params: KdfParams = DEFAULT_KDF) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=params.n, r=params.r, p=params.p, dklen=32, maxmem=2**26
    )
    b64 = base64.b64encode
    return f"scrypt${params.n}${params.r}${params.p}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**26,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


class StaffDirectory:
    """Staff records and sign-in attempts in the terminal's store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        kdf: KdfParams = DEFAULT_KDF,
    ) -> None:
        self.store = store
        self._clock = clock
        self._kdf = kdf
        # Verifying an unknown id costs the same as a known one.
        self._dummy_hash = hash_pin("000000000", kdf)

    # -- records ---------------------------------------------------------------------------
    def add(self, staff_id: str, pin: str, role: str = "staff") -> StaffMember:
        """Create or replace a staff member (new PIN, lockout cleared)."""
        self._check_id(staff_id, role)
        problem = pin_problem(pin)
        if problem:
            raise StaffError(problem)
        return self._put(staff_id, role, hash_pin(pin, self._kdf))

    def _check_id(self, staff_id: str, role: str) -> None:
        if not staff_id.isdigit() or not 3 <= len(staff_id) <= 8:
            raise StaffError("工号应为 3 到 8 位数字（在触摸屏的数字键盘上输入）。")
        if role not in ROLES:
            raise StaffError(f"角色应为 {' / '.join(ROLES)} 之一。")

    def _put(self, staff_id: str, role: str, pin_hash: str) -> StaffMember:
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT INTO staff(staff_id, role, pin_hash, active, created_at)"
                " VALUES (?, ?, ?, 1, ?) ON CONFLICT(staff_id) DO UPDATE SET"
                " role = excluded.role, pin_hash = excluded.pin_hash, active = 1",
                (staff_id, role, pin_hash, self._clock()),
            )
            conn.execute("DELETE FROM staff_attempts WHERE scope = ?", (staff_id,))
        return StaffMember(staff_id, role, True)

    def deactivate(self, staff_id: str) -> bool:
        with self.store.atomic() as conn:
            cur = conn.execute("UPDATE staff SET active = 0 WHERE staff_id = ?", (staff_id,))
            return cur.rowcount > 0

    def members(self) -> list[StaffMember]:
        rows = self.store.query("SELECT staff_id, role, active FROM staff ORDER BY staff_id")
        return [StaffMember(str(r["staff_id"]), str(r["role"]), bool(r["active"])) for r in rows]

    def import_file(self, path: Path) -> int:
        """Load ``{"staff": [{"id", "role", "pin_hash"}]}`` (hashes only); returns the count."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            entries = doc["staff"]
            count = 0
            for entry in entries:
                staff_id, role, pin_hash = (
                    entry["id"],
                    entry.get("role", "staff"),
                    entry["pin_hash"],
                )
                self._check_id(str(staff_id), str(role))
                if not str(pin_hash).startswith("scrypt$"):
                    raise StaffError(f"工号 {staff_id} 的 pin_hash 不是 scrypt 哈希。")
                self._put(str(staff_id), str(role), str(pin_hash))
                count += 1
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StaffError(f"工作人员文件 {path} 读不懂：{exc}") from None
        return count

    # -- sign-in ---------------------------------------------------------------------------
    def sign_in(self, staff_id: str, pin: str) -> SignInResult:
        now = self._clock()
        rows = self.store.query(
            "SELECT staff_id, role, pin_hash FROM staff WHERE staff_id = ? AND active = 1",
            (staff_id,),
        )
        scope = staff_id if rows else UNKNOWN_SCOPE
        failures, locked_until = self._attempts(scope)
        if locked_until > now:
            minutes = max(1, round((locked_until - now) / 60))
            return SignInResult(
                False, f"输错次数太多，已锁定。请 {minutes} 分钟后再试。", locked_until=locked_until
            )
        good = check_pin(pin, str(rows[0]["pin_hash"]) if rows else self._dummy_hash)
        if good and rows:
            with self.store.atomic() as conn:
                conn.execute("DELETE FROM staff_attempts WHERE scope = ?", (scope,))
            member = StaffMember(staff_id, str(rows[0]["role"]), True)
            return SignInResult(True, f"工号 {staff_id} 已登录。", member=member)
        failures += 1
        lock = now + LOCKOUT_S if failures >= MAX_FAILURES else 0.0
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT INTO staff_attempts(scope, failures, locked_until) VALUES (?, ?, ?)"
                " ON CONFLICT(scope) DO UPDATE SET failures = excluded.failures,"
                " locked_until = excluded.locked_until",
                (scope, 0 if lock else failures, lock),
            )
        if lock:
            return SignInResult(
                False, "输错 5 次，已锁定 15 分钟。", locked_until=lock, attempts_left=0
            )
        left = MAX_FAILURES - failures
        return SignInResult(False, f"工号或密码不对，还可以再试 {left} 次。", attempts_left=left)

    def _attempts(self, scope: str) -> tuple[int, float]:
        rows = self.store.query(
            "SELECT failures, locked_until FROM staff_attempts WHERE scope = ?", (scope,)
        )
        if not rows:
            return 0, 0.0
        return int(rows[0]["failures"]), float(rows[0]["locked_until"])


# -- provisioning by an administrator (kiosk-admin staff …), always audited -------------------
STAFF_PROVISIONED = "staff.provisioned"
STAFF_DEACTIVATED = "staff.deactivated"


def provision(
    directory: StaffDirectory, audit: AuditLog, staff_id: str, pin: str, role: str, *, actor: str
) -> StaffMember:
    """Add a staff member or replace their PIN, and write it to the audit log (never the PIN)."""
    member = directory.add(staff_id, pin, role)
    audit.append(actor, STAFF_PROVISIONED, {"staff_id": member.staff_id, "role": member.role})
    return member


def deactivate(directory: StaffDirectory, audit: AuditLog, staff_id: str, *, actor: str) -> None:
    """Stop a staff number signing in (kept for the audit trail); an unknown one is refused."""
    if not directory.deactivate(staff_id):
        raise StaffError(f"没有工号 {staff_id}。")
    audit.append(actor, STAFF_DEACTIVATED, {"staff_id": staff_id})
