"""What happens around a resident's 提交: the rules and the outbox (``kiosk.submissions``), the
session marked complete and counted, and — when a staff member is helping — an audit entry."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk.audit import AuditLog
from kiosk.services import SubmitFn
from kiosk.session import Session
from kiosk.usage import Defer, SessionUsage
from offline_cache.outbox import Receipt

NOT_READY = "本机还不能提交申请（发件箱未就绪），请联系工作人员。"


def staff_actor(staff_id: str) -> str:
    """How a staff member is named in the audit log."""
    return f"staff:{staff_id}"


class SubmissionDesk:
    """The one submission path the screens are given."""

    def __init__(
        self,
        session: Session,
        usage: SessionUsage,
        defer: Defer,
        *,
        submit: SubmitFn | None,
        audit: AuditLog,
    ) -> None:
        self.session = session
        self.usage = usage
        self._defer = defer
        self._submit = submit
        self._audit = audit

    def submit(self, kind: str, payload: dict[str, Any]) -> Receipt:
        """Submit for the resident; raises what ``kiosk.submissions.submit`` raises, or
        ``RuntimeError`` with a plain message when this kiosk can't save submissions yet."""
        if self._submit is None:
            raise RuntimeError(NOT_READY)
        staff_id = self.session.staff_id
        receipt = self._submit(kind, payload, staff_id=staff_id)
        self.usage.submitted(kind, payload)
        if staff_id:
            detail = {"kind": kind, "receipt": receipt.code}
            entry = partial(
                self._audit.append, staff_actor(staff_id), "assisted_submission", detail
            )
            self._defer(entry)
        return receipt
