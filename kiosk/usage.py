"""Counting one resident's session in the usage statistics — the one place that decides when.

A session counts once it reaches a service from the home screen (or submits, via a staff
member's 协助): then it is started, its services and steps are noted, and it ends either
completed (a submission) or abandoned (wiped before one). Only the pack's ids leave for the
statistics, never what the resident entered.

Each write is handed to ``defer`` (the App's background worker): the resident never waits for
a statistics commit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.session import Session
from offline_cache.vocabulary import Service, SubmissionKind

if TYPE_CHECKING:  # the App imports this module before its first frame; the store comes later
    from kiosk.stats import StatsRecorder

Defer = Callable[[Callable[[], object]], None]
SERVICE_NAMES = frozenset(s.value for s in Service)
KIND_NAMES = frozenset(k.value for k in SubmissionKind)


def service_name(name: str) -> str:
    """The home-screen service a wizard's steps belong to: a wizard named after its submission
    kind (``visit_booking``) counts under its service (``visit``), as its start and end do."""
    return SubmissionKind(name).service.value if name in KIND_NAMES else name


class SessionUsage:
    """Feeds ``recorder`` (once the late services are attached) from the resident's session."""

    def __init__(self, session: Session, defer: Defer) -> None:
        self.session = session
        self.recorder: StatsRecorder | None = None
        self._defer = defer
        self._counted = False

    def screen_shown(self, source: str, target: str) -> None:
        """The flow switched screens: a service chosen on the home screen starts the count."""
        if self.recorder is None or source != "home" or target not in SERVICE_NAMES:
            return
        self._start()
        self.session.service = target
        self._defer(partial(self.recorder.service_chosen, self.session.id, target))

    def step_reached(self, service: str, step_id: str) -> None:
        """A wizard showed ``step_id``; ``service`` may be the wizard's submission kind."""
        if self.recorder is not None and self._counted:
            service = service_name(service)
            self._defer(partial(self.recorder.step_reached, self.session.id, service, step_id))

    def voice_used(self) -> None:
        self.session.voice_used = True
        if self.recorder is not None and self._counted:
            self._defer(partial(self.recorder.voice_used, self.session.id))

    def submitted(self, kind: str, payload: dict[str, Any]) -> None:
        """A submission was committed to the outbox: the session is complete."""
        self.session.completed = True
        if self.recorder is None:
            return
        self._start()
        matter = payload.get("matter") or {}
        address = payload.get("address") or (payload.get("applicant") or {}).get("address")
        self._defer(
            partial(
                self.recorder.session_completed,
                self.session.id,
                SubmissionKind(kind).service.value,
                matter.get("category") if isinstance(matter, dict) else None,
                address.get("village") if isinstance(address, dict) else None,
            )
        )

    def ended(self) -> None:
        """The session is being wiped: one that was counted but never completed is abandoned."""
        if self.recorder is not None and self._counted and not self.session.completed:
            self._defer(partial(self.recorder.session_abandoned, self.session.id))
        self._counted = False

    def _start(self) -> None:
        if not self._counted:
            assert self.recorder is not None
            self._defer(partial(self.recorder.session_started, self.session.id))
            self._counted = True
