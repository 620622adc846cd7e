"""Staff records on disk (table ``staff``; failed sign-ins are in :mod:`offline_cache.failure_counts`).

Only storage: PIN hashing, the lockout rule and who counts as unknown are in :mod:`kiosk.staff`.
A PIN is never stored, only its slow hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from offline_cache.store import Store


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class StaffCredentials:
    """An active member and the PIN hash to check a sign-in against."""

    member: StaffMember
    pin_hash: str


class StaffRepository:
    """The ``staff`` table (and clearing a re-provisioned member's failed sign-ins)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, member: StaffMember, pin_hash: str, created_at: float) -> None:
        """Create or replace a member (active, with this PIN hash) and clear its failed attempts."""
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT INTO staff(staff_id, role, pin_hash, active, created_at)"
                " VALUES (?, ?, ?, 1, ?) ON CONFLICT(staff_id) DO UPDATE SET"
                " role = excluded.role, pin_hash = excluded.pin_hash, active = 1",
                (member.staff_id, member.role, pin_hash, created_at),
            )
            conn.execute("DELETE FROM staff_attempts WHERE scope = ?", (member.staff_id,))

    def import_hash(self, member: StaffMember, pin_hash: str, created_at: float) -> bool:
        """Add a new member, or take a changed PIN hash (and role) for a known one.

        Unlike :meth:`put` this never touches the active flag or the failed attempts: a file
        re-read at every start-up must not re-activate a deactivated member or lift a lockout.
        ``True`` when something was written.
        """
        with self.store.atomic() as conn:
            cur = conn.execute(
                "INSERT INTO staff(staff_id, role, pin_hash, active, created_at)"
                " VALUES (?, ?, ?, 1, ?) ON CONFLICT(staff_id) DO UPDATE SET"
                " role = excluded.role, pin_hash = excluded.pin_hash"
                " WHERE staff.pin_hash != excluded.pin_hash OR staff.role != excluded.role",
                (member.staff_id, member.role, pin_hash, created_at),
            )
            return cur.rowcount > 0

    def exists(self, staff_id: str) -> bool:
        """Whether ``staff_id`` is a provisioned staff number (active or not)."""
        rows = self.store.query("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,))
        return bool(rows)

    def deactivate(self, staff_id: str) -> bool:
        """``False`` when there is no such staff id."""
        with self.store.atomic() as conn:
            cur = conn.execute("UPDATE staff SET active = 0 WHERE staff_id = ?", (staff_id,))
            return cur.rowcount > 0

    def members(self) -> list[StaffMember]:
        rows = self.store.query("SELECT staff_id, role, active FROM staff ORDER BY staff_id")
        return [StaffMember(str(r["staff_id"]), str(r["role"]), bool(r["active"])) for r in rows]

    def active_credentials(self, staff_id: str) -> StaffCredentials | None:
        rows = self.store.query(
            "SELECT staff_id, role, pin_hash FROM staff WHERE staff_id = ? AND active = 1",
            (staff_id,),
        )
        if not rows:
            return None
        member = StaffMember(str(rows[0]["staff_id"]), str(rows[0]["role"]), True)
        return StaffCredentials(member, str(rows[0]["pin_hash"]))
