"""Staff sign-in: PINs kept only as scrypt hashes, lockout after 5 failed attempts.

Staff sign in on the kiosk's own keypad with their staff number and a 6–12 digit PIN. Digits
are a small space, so the KDF is deliberately slow (scrypt, ~50 ms, 16 MiB) and five wrong PINs
lock that staff number for 15 minutes — counted in the database so a restart doesn't reset it.
An unknown staff number runs the same KDF, gets the same answers and has its own counter, so
trying numbers reveals nothing and one person's guesses can't lock everybody else out. On top,
every failure counts towards a terminal-wide back-off (``TERMINAL_MAX_FAILURES`` in a row closes
sign-in for ``TERMINAL_BACKOFF_S``, doubling each time) so cycling through numbers doesn't give
a guesser five tries per number.

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
from kiosk.json_messages import decode_problem
from kiosk.session import ADMIN_ROLE
from kiosk.throttle import Backoff, minutes_left
from offline_cache.failure_counts import FailureCounts, Failures
from offline_cache.os_errors import plain_reason
from offline_cache.staff_records import StaffMember as StaffMember
from offline_cache.staff_records import StaffRepository
from offline_cache.store import Store

MAX_FAILURES = 5
LOCKOUT_S = 15 * 60
PIN_MIN, PIN_MAX = 6, 12
ROLES = ("staff", ADMIN_ROLE)
# Every failed sign-in on this terminal, whichever number was typed.
TERMINAL_SCOPE = "*terminal*"
TERMINAL_MAX_FAILURES = 10
TERMINAL_BACKOFF_S = 60.0
TERMINAL_BACKOFF = Backoff(TERMINAL_MAX_FAILURES, TERMINAL_BACKOFF_S, max_pause_s=60 * 60.0)
# What the staff-number field may hold to get its own counter: a staff number's shape. Anything
# else (a phone or ID number typed into the wrong field) is never written down, not even as a
# counter key; it is only counted terminal-wide.
STAFF_ID_MIN, STAFF_ID_MAX = 3, 8


@dataclass(frozen=True)
class KdfParams:
    n: int = 2**14
    r: int = 8
    p: int = 1


DEFAULT_KDF = KdfParams()


class StaffError(Exception):
    """A staff record can't be made as asked; ``str()`` is a plain sentence."""


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    message: str  # plain Chinese, shown and read aloud
    member: StaffMember | None = None
    attempts_left: int = 0
    locked_until: float | None = None
    # Who the audit log may name: the staff number only when it is a provisioned one, so what a
    # resident typed into the field by mistake never reaches the log.
    audit_actor: str = ""


def _staff_id_shaped(staff_id: str) -> bool:
    return staff_id.isdigit() and STAFF_ID_MIN <= len(staff_id) <= STAFF_ID_MAX


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
        self.records = StaffRepository(store)
        self.failures = FailureCounts(store)
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
        if not _staff_id_shaped(staff_id):
            raise StaffError("工号应为 3 到 8 位数字（在触摸屏的数字键盘上输入）。")
        if role not in ROLES:
            raise StaffError(f"角色应为 {' / '.join(ROLES)} 之一。")

    def _put(self, staff_id: str, role: str, pin_hash: str) -> StaffMember:
        member = StaffMember(staff_id, role, True)
        self.records.put(member, pin_hash, self._clock())
        return member

    def deactivate(self, staff_id: str) -> bool:
        return self.records.deactivate(staff_id)

    def members(self) -> list[StaffMember]:
        return self.records.members()

    def import_file(self, path: Path) -> int:
        """Load ``{"staff": [{"id", "role", "pin_hash"}]}`` (hashes only); returns how many changed.

        Read at every start-up, so it only adds new staff numbers and takes changed hashes or
        roles: deactivating someone (``kiosk-admin staff deactivate``) and a lockout both
        survive a restart with the file still in place.
        """
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
                member = StaffMember(str(staff_id), str(role), True)
                if self.records.import_hash(member, str(pin_hash), self._clock()):
                    count += 1
        except OSError as exc:
            raise StaffError(f"读不到工作人员文件 {path}：{plain_reason(exc)}。") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StaffError(f"工作人员文件 {path} {decode_problem(exc)}。") from None
        except KeyError as exc:
            raise StaffError(f"工作人员文件 {path} 缺少 {exc.args[0]} 一项。") from None
        except (ValueError, TypeError):  # "staff" not a list, an entry not an object …
            raise StaffError(
                f"工作人员文件 {path} 格式不对：应有 staff 列表，每一项有 id 和 pin_hash。"
            ) from None
        return count

    # -- sign-in ---------------------------------------------------------------------------
    def sign_in(self, staff_id: str, pin: str) -> SignInResult:
        """Check ``pin`` for ``staff_id``; every answer reads the same for unknown numbers."""
        now = self._clock()
        known = self.records.active_credentials(staff_id)
        actor = staff_id if self.records.exists(staff_id) else ""
        scope = staff_id if _staff_id_shaped(staff_id) else None
        terminal = self.failures.get(TERMINAL_SCOPE)
        attempts = self.failures.get(scope) if scope else Failures()
        locked_until = max(terminal.locked_until, attempts.locked_until)
        if locked_until > now:
            return self._locked(locked_until, now, actor)
        good = check_pin(pin, known.pin_hash if known else self._dummy_hash)
        if good and known:
            self.failures.clear(staff_id)
            self.failures.clear(TERMINAL_SCOPE)
            return SignInResult(
                True, f"工号 {staff_id} 已登录。", member=known.member, audit_actor=actor
            )
        paused_until = self._count_terminal_failure(terminal, now)
        failures = attempts.failures + 1
        lock = now + LOCKOUT_S if failures >= MAX_FAILURES else 0.0
        if scope:
            self.failures.save(scope, Failures(0 if lock else failures, lock))
        if lock:
            return SignInResult(
                False,
                "输错 5 次，已锁定 15 分钟。",
                locked_until=lock,
                attempts_left=0,
                audit_actor=actor,
            )
        if paused_until > now:
            return self._locked(paused_until, now, actor)
        left = MAX_FAILURES - failures
        return SignInResult(
            False, f"工号或密码不对，还可以再试 {left} 次。", attempts_left=left, audit_actor=actor
        )

    @staticmethod
    def _locked(locked_until: float, now: float, actor: str) -> SignInResult:
        return SignInResult(
            False,
            f"输错次数太多，已锁定。请 {minutes_left(locked_until, now)} 分钟后再试。",
            locked_until=locked_until,
            audit_actor=actor,
        )

    def _count_terminal_failure(self, terminal: Failures, now: float) -> float:
        """One more failure terminal-wide (:data:`TERMINAL_BACKOFF`); returns the pause's end."""
        after = TERMINAL_BACKOFF.after_failure(terminal, now)
        self.failures.save(TERMINAL_SCOPE, after)
        return after.locked_until


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
