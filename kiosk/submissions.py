"""Submitting an application: validate with the content pack's rules, then seal and queue it.

The one path for both the touch screen and ``kiosk-admin submit``, so a payload the UI would
refuse is refused the same way from a script, with the same plain messages.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from offline_cache.outbox import KINDS, Outbox, Receipt

if TYPE_CHECKING:
    from kiosk.content import ContentPack


class _Problem(Protocol):
    @property
    def field(self) -> str: ...

    @property
    def message(self) -> str: ...


class InvalidSubmission(Exception):
    """The payload breaks the rules; ``problems`` each name a field and say what is wrong."""

    def __init__(self, problems: Sequence[_Problem]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(describe(p) for p in self.problems))


def describe(problem: _Problem) -> str:
    return f"{problem.field}：{problem.message}" if problem.field else problem.message


def submit(
    kind: str,
    payload: dict[str, Any],
    *,
    pack: ContentPack,
    outbox: Outbox,
    staff_id: str | None = None,
) -> Receipt:
    """Validate ``payload`` for ``kind``; queue it durably and return the resident's receipt."""
    # Imported here: the rules module belongs to the rules area and reads the content pack.
    submission_rules = importlib.import_module("kiosk.submission_rules")

    if kind not in KINDS:
        raise InvalidSubmission([_Plain("kind", f"申请类型只能是 {' 或 '.join(KINDS)}")])
    if not isinstance(payload, dict):
        raise InvalidSubmission([_Plain("payload", "申请内容应是一个 JSON 对象")])
    problems = submission_rules.validate_submission(kind, payload, pack)
    if problems:
        raise InvalidSubmission(problems)
    metadata = submission_rules.public_metadata(kind, payload, pack)
    return outbox.enqueue(kind, payload, dict(metadata), staff_id=staff_id)


class _Plain:
    """A problem found before the rules run (same shape as the rules' ``Problem``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
