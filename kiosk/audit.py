"""Append-only, hash-chained log of what staff and administrators did on this terminal.

Each entry's hash covers its sequence number, time, actor, action, detail and the previous
entry's hash, so editing or removing any entry breaks the chain from there on. The newest hash
and the count are also kept in ``meta`` (``audit.head_hash``, ``audit.count``) and written in the
same transaction, so cutting entries off the end is noticed as well. The table itself refuses
UPDATE and DELETE (triggers in migration 0030). The rows are kept by
:class:`offline_cache.audit_records.AuditRepository`; the rules (what an entry may hold, the
hash, the verification) are here.

What this cannot stop: someone with full write access to the database file who drops the
triggers and recomputes every hash and the meta head. Against that, an administrator notes the
head hash shown by ``kiosk-admin audit verify`` at each visit; a later chain must still contain it.

Entries describe staff and administrator actions only. Resident data never goes in: ``append``
refuses detail keys like ``name`` or ``phone`` and values that look like an ID or phone number.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from offline_cache.audit_records import AuditRecord, AuditRepository
from offline_cache.store import Store

GENESIS = "0" * 64

# The actions the terminal writes; other modules may add more of the same shape.
STAFF_SIGN_IN = "staff.sign_in"
STAFF_SIGN_IN_FAILED = "staff.sign_in_failed"
STAFF_SIGN_OUT = "staff.sign_out"
PACK_INSTALLED = "pack.installed"
PACK_INSTALL_REFUSED = "pack.install_refused"
PACK_ROLLED_BACK = "pack.rolled_back"
SYNC_MANUAL = "sync.manual"
EXPORT = "export"

_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_FORBIDDEN_KEYS = {
    "name",
    "full_name",
    "id_number",
    "id_card",
    "idcard",
    "phone",
    "mobile",
    "address",
    "birth_date",
    "facts",
    "case_facts",
    "payload",
}
# 18-digit resident ID (last may be X) or an 11-digit mainland mobile number, standing alone
# (Chinese text around it is fine; inside a hex hash or fingerprint it is not a number).
_PERSONAL_VALUE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_hash: str
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "count": self.count,
            "head_hash": self.head_hash,
            "problems": self.problems,
        }


def entry_hash(seq: int, at: str, actor: str, action: str, detail_json: str, prev: str) -> str:
    canonical = json.dumps(
        [seq, at, actor, action, detail_json, prev], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_no_personal_data(detail: Any, where: str = "detail") -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            if str(key).lower() in _FORBIDDEN_KEYS:
                raise ValueError(f"audit {where}: key {key!r} would hold personal data")
            _check_no_personal_data(value, f"{where}.{key}")
    elif isinstance(detail, list | tuple):
        for i, value in enumerate(detail):
            _check_no_personal_data(value, f"{where}[{i}]")
    elif isinstance(detail, str) and _PERSONAL_VALUE.search(detail):
        raise ValueError(f"audit {where}: value looks like an ID or phone number")


class AuditLog:
    """The terminal's audit log in the store; safe to use from several threads and processes."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.records = AuditRepository(store)
        self._clock = clock or (lambda: datetime.now(UTC))

    def append(self, actor: str, action: str, detail: dict[str, Any]) -> None:
        """Add one entry, durably (committed with ``synchronous=FULL``) when this returns."""
        if not actor or len(actor) > 80:
            raise ValueError("audit actor must be 1-80 characters")
        if not _ACTION.match(action):
            raise ValueError(f"audit action {action!r} must look like 'pack.installed'")
        _check_no_personal_data(detail)
        _check_no_personal_data(actor, "actor")
        detail_json = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        at = self._clock().astimezone(UTC).isoformat(timespec="milliseconds")

        def chained(seq: int, prev_hash: str | None) -> AuditRecord:
            prev = prev_hash or GENESIS
            digest = entry_hash(seq, at, actor, action, detail_json, prev)
            return AuditRecord(seq, at, actor, action, detail_json, prev, digest)

        self.records.append(chained)

    def entries(self, *, limit: int | None = None, action: str | None = None) -> list[AuditEntry]:
        """Newest first; ``action`` filters by prefix (``pack`` → ``pack.installed``, ...)."""
        return [_entry(r) for r in self.records.newest_first(limit=limit, action_prefix=action)]

    def verify(self) -> VerifyResult:
        """Walk the whole chain; any edited, removed or truncated entry is a problem."""
        rows = self.records.in_order()
        problems: list[str] = []
        expected_seq, prev = 1, GENESIS
        for r in rows:
            seq = r.seq
            if seq != expected_seq:
                missing = (
                    f"第 {expected_seq} 条"
                    if seq == expected_seq + 1
                    else f"第 {expected_seq}–{seq - 1} 条"
                )
                problems.append(f"{missing}记录不见了（被删除）")
            elif r.prev_hash != prev:
                problems.append(f"第 {seq} 条记录与前一条接不上（前一条被改动或删除）")
            digest = entry_hash(seq, r.at, r.actor, r.action, r.detail_json, r.prev_hash)
            if digest != r.hash:
                problems.append(f"第 {seq} 条记录（{r.action}，{r.at}）被改动过")
            prev, expected_seq = r.hash, seq + 1
        count = len(rows)
        last_seq = rows[-1].seq if rows else 0
        head = prev if rows else GENESIS
        stored = self.records.head()
        meta_count, meta_head = stored.count, stored.head_hash
        if meta_count is None and rows:
            problems.append("记录总数的校验信息不见了")
        elif meta_count is not None and meta_count != last_seq:
            if meta_count > last_seq:
                problems.append(
                    f"最后的 {meta_count - last_seq} 条记录不见了（应有 {meta_count} 条，只剩 {last_seq} 条）"
                )
            else:
                problems.append(f"记录条数（{last_seq}）与校验信息（{meta_count}）不符")
        if meta_head is not None and meta_head != head and not problems:
            problems.append("最后一条记录与校验信息不符（被改动或替换）")
        return VerifyResult(ok=not problems, count=count, head_hash=head, problems=problems)


def _entry(r: AuditRecord) -> AuditEntry:
    try:
        detail = json.loads(r.detail_json)
    except json.JSONDecodeError:
        detail = {"unreadable": r.detail_json}
    return AuditEntry(
        seq=r.seq,
        at=r.at,
        actor=r.actor,
        action=r.action,
        detail=detail if isinstance(detail, dict) else {"value": detail},
        prev_hash=r.prev_hash,
        hash=r.hash,
    )


# -- as an administrator reads it (kiosk-admin audit …) ---------------------------------------
def verify_lines(result: VerifyResult) -> list[str]:
    """The outcome of :meth:`AuditLog.verify` in plain lines."""
    if result.ok:
        return [
            f"审计日志完整：共 {result.count} 条，链头 {result.head_hash}。",
            "（请记下链头；以后核对时，它之前的记录都不应改变。）",
        ]
    return ["审计日志被改动过：", *(f"  - {p}" for p in result.problems)]


def entry_line(entry: AuditEntry) -> str:
    """One entry in one line: number, Beijing time, actor, action, the start of its details."""
    from kiosk.packs.manifest import CHINA_TZ

    try:  # stored in UTC; staff read their wall-clock time
        at = datetime.fromisoformat(entry.at).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        at = entry.at
    detail = " ".join(f"{k}={v}" for k, v in entry.detail.items())[:120]
    return f"{entry.seq:>5}  {at}  {entry.actor:<24} {entry.action:<22} {detail}"
