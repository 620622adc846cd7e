"""One resident's visit to the terminal: what they entered, in memory only, wiped at the end.

Nothing here touches the disk. A finished application leaves the session through
``kiosk.submissions.submit`` (encrypted in the outbox); everything else is dropped by
:meth:`Session.wipe` when the resident presses 结束并清除, walks away (idle timeout) or the
submission is done. Statistics only ever see the random session id.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

ADMIN_ROLE = "admin"

Listener = Callable[["Session"], None]


class WriteWay(StrEnum):
    """How Chinese text is written on a text page (name, address, facts …)."""

    HAND = "hand"  # 手写 on the writing pad
    PINYIN = "pinyin"  # the pinyin keyboard
    VOICE = "voice"  # 说出来: free dictation


@dataclass
class Draft:
    """The answers of one service (``legal_aid``, ``visit_booking``, ``notary`` …) so far."""

    kind: str
    answers: dict[str, Any] = field(default_factory=dict)

    def set(self, key: str, value: Any) -> None:
        if value is None or value == "":
            self.answers.pop(key, None)
        else:
            self.answers[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.answers.get(key, default)

    def clear(self) -> None:
        # Overwrite before dropping so a stale reference (a widget, a closure) sees nothing.
        for key in list(self.answers):
            self.answers[key] = None
        self.answers.clear()


class Session:
    """The current resident's session. There is exactly one at a time per terminal."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._on_wipe: list[Listener] = []
        self.id = ""
        self.started_at = 0.0
        self.last_activity = 0.0
        self.staff_id: str | None = None
        # Kept with the id so what a signed-in member may open is decided by the role they
        # signed in with, not by which buttons a screen happened to draw.
        self.staff_role: str | None = None
        self.service: str | None = None
        self.voice_used = False
        self.completed = False
        self.drafts: dict[str, Draft] = {}
        # The way of writing the resident used last, on every text page of every service until
        # the session ends; None: the screen's default.
        self.write_way: WriteWay | None = None
        self._reset()

    def _reset(self) -> None:
        self.id = os.urandom(16).hex()  # random, as uuid4 (whose import costs start-up 2 ms)
        now = self._clock()
        self.started_at = now
        self.last_activity = now
        self.service = None
        self.voice_used = False
        self.completed = False
        self.drafts = {}
        self.write_way = None

    # -- what the resident does -----------------------------------------------------------------
    def touch(self) -> None:
        """Any touch or spoken command: the resident is still there."""
        self.last_activity = self._clock()

    def idle_seconds(self) -> float:
        return self._clock() - self.last_activity

    def draft(self, kind: str) -> Draft:
        """The draft for ``kind``, created empty on first use."""
        if kind not in self.drafts:
            self.drafts[kind] = Draft(kind)
        return self.drafts[kind]

    def discard_draft(self, kind: str) -> None:
        draft = self.drafts.pop(kind, None)
        if draft is not None:
            draft.clear()

    @property
    def has_input(self) -> bool:
        """Whether wiping would lose anything the resident entered."""
        return any(d.answers for d in self.drafts.values())

    @property
    def assisted(self) -> bool:
        """A staff member is filling in for the resident (recorded as 代为填写)."""
        return self.staff_id is not None

    @property
    def is_admin(self) -> bool:
        """A member signed in with the ``admin`` role (packs, rollback, admin data)."""
        return self.staff_id is not None and self.staff_role == ADMIN_ROLE

    # -- staff ------------------------------------------------------------------------------------
    def staff_sign_in(self, staff_id: str, role: str) -> None:
        """A staff member signed in (their PIN was checked) with ``role``."""
        self.staff_id = staff_id
        self.staff_role = role

    def staff_sign_out(self) -> None:
        """Forget the signed-in member and their role."""
        self.staff_id = None
        self.staff_role = None

    # -- the end ---------------------------------------------------------------------------------
    def on_wipe(self, listener: Listener) -> None:
        """Call ``listener(session)`` just before a wipe (screens clear their widgets)."""
        self._on_wipe.append(listener)

    def wipe(self) -> str:
        """Forget everything entered, sign staff out, start a fresh session; returns the old id."""
        old = self.id
        for listener in list(self._on_wipe):
            listener(self)
        for draft in self.drafts.values():
            draft.clear()
        self.staff_id = None
        self.staff_role = None
        self._reset()
        return old
