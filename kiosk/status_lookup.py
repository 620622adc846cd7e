"""查询办理进度 with a throttle: repeated wrong receipt codes pause further queries.

The one way to ask for a receipt's status, used by the status screen and ``kiosk-admin status``
alike, so both share one count. Only well-formed codes (right length, right check digit) that
this terminal never issued count as wrong: a typo the check digit catches costs a guesser
nothing and a resident nothing either. Every :data:`WRONG_CODE_BACKOFF` ``every`` wrong codes in
a row pause queries, doubling up to four hours; the count is in the store, so restarting the app
doesn't reset it, and a right code clears it. The arithmetic of why this makes guessing a live
code hopeless is in docs/security.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk import receipts
from kiosk.throttle import Backoff, minutes_left
from offline_cache.failure_counts import FailureCounts
from offline_cache.outbox import Outbox, StatusView
from offline_cache.store import StoreError

log = logging.getLogger(__name__)

STATUS_SCOPE = "*receipt-status*"
WRONG_CODE_BACKOFF = Backoff(every=5, first_pause_s=60.0, max_pause_s=4 * 3600.0)
NOT_FOUND = "本机没有查到这个回执号。如果是在别的地方办的，请拨打 12348 查询。"


@dataclass(frozen=True)
class StatusAnswer:
    """Either the last known status, or a plain sentence saying why there is none."""

    view: StatusView | None
    message: str = ""


class StatusLookup:
    """Looks a typed receipt code up in the outbox, counting wrong codes."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.failures = FailureCounts(outbox.store)

    def look_up(self, typed: str) -> StatusAnswer:
        """The status for ``typed`` (spaces allowed), or why it can't be given now."""
        now = self.outbox.now()
        state = self.failures.get(STATUS_SCOPE)
        if state.locked_until > now:
            return StatusAnswer(None, _paused(state.locked_until, now))
        problem = receipts.problem(typed)
        if problem:
            return StatusAnswer(None, problem)
        view = self.outbox.status(typed)
        if view is not None:
            if state.failures:
                self._remember(lambda: self.failures.clear(STATUS_SCOPE))
            return StatusAnswer(view)
        after = WRONG_CODE_BACKOFF.after_failure(state, now)
        self._remember(lambda: self.failures.save(STATUS_SCOPE, after))
        if after.locked_until > now:
            return StatusAnswer(None, f"{NOT_FOUND}\n{_paused(after.locked_until, now)}")
        return StatusAnswer(None, NOT_FOUND)

    @staticmethod
    def _remember(write: Callable[[], None]) -> None:
        """Keep the count. On a full or read-only disk it can't be kept, and the resident's query
        is answered all the same: looking up a receipt must never need free space."""
        try:
            write()
        except StoreError as exc:
            log.warning("查询次数没有记下（%s）", exc)


def _paused(locked_until: float, now: float) -> str:
    minutes = minutes_left(locked_until, now)
    return f"输错的回执号码太多，查询暂停 {minutes} 分钟。请核对回执单，或请工作人员帮忙。"
