"""Submitting an application: validate with the content pack's rules, then seal and queue it.

The one path for both the touch screen and ``kiosk-admin submit``, so a payload the UI would
refuse is refused the same way from a script, with the same plain messages. The order matters:
the payload is checked, gets its receipt code (:mod:`kiosk.receipts`), is sealed to the
provincial key (:mod:`kiosk.sealing`) and only then handed to the outbox, which stores the
ciphertext and the non-identifying metadata — in the same transaction that checked the receipt
code unused — and never sees the payload.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from kiosk import receipts, sealing, submission_rules
from offline_cache.outbox import KINDS, Outbox, OutboxError, Receipt, SealedSubmission
from offline_cache.store import StoreError

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
    if kind not in KINDS:
        raise InvalidSubmission([_Plain("kind", f"申请类型只能是 {' 或 '.join(KINDS)}")])
    if not isinstance(payload, dict):
        raise InvalidSubmission([_Plain("payload", "申请内容应是一个 JSON 对象")])
    # Today by the outbox's clock: the terminal clock, corrected by the province's answers.
    today = date.fromtimestamp(outbox.now())
    problems = submission_rules.validate_submission(kind, payload, pack, today=today)
    if problems:
        raise InvalidSubmission(problems)
    metadata = submission_rules.public_metadata(kind, payload, pack, today=today)
    return queue_sealed(outbox, kind, payload, metadata, staff_id=staff_id)


def queue_sealed(
    outbox: Outbox,
    kind: str,
    payload: Mapping[str, Any],
    metadata: Mapping[str, str],
    *,
    staff_id: str | None = None,
) -> Receipt:
    """Mint the receipt code, seal ``payload`` and store it: the second half of :func:`submit`.

    Only for a payload that already passed the rules (:func:`submit` is the way in for people;
    tests and benchmarks use this to queue payloads the rules don't care about).
    """
    if outbox.public_key is None:
        raise OutboxError("本机没有配置省系统公钥（provincial.public_key_file），不能保存新申请。")
    public_key = outbox.public_key
    with outbox.queueing() as q:
        code = q.unused_code(receipts.new_code)
        submission_id = str(uuid.uuid4())
        now = outbox.now()
        plaintext = json.dumps(
            {
                "version": 1,
                "submission_id": submission_id,
                "kind": kind,
                "receipt_code": code,
                "terminal_id": outbox.terminal_id,
                "created_at": now,
                "staff_id": staff_id,
                "payload": payload,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        receipt = q.put(
            SealedSubmission(
                submission_id=submission_id,
                kind=kind,
                receipt_code=code,
                created_at=now,
                envelope=sealing.seal(public_key, submission_id, kind, plaintext),
                metadata=dict(metadata),
                staff_id=staff_id,
            )
        )
    return receipt  # committed: only now may anyone be told the code


log = logging.getLogger(__name__)

# Errors on the way to the outbox whose text is already a plain sentence for the resident or
# staff (a rule, a full disk, a missing key); anything else is a fault, never shown as text.
PLAIN_SUBMIT_ERRORS: tuple[type[Exception], ...] = (
    InvalidSubmission,
    OutboxError,
    StoreError,
    sealing.SealingError,
)


def failure_text(exc: Exception, plain: tuple[type[Exception], ...] = ()) -> str:
    """What a screen says when a submission could not be saved: the library's own plain
    sentence, or (logged, for the maintainer) a general one — never a library's English."""
    if isinstance(exc, (*PLAIN_SUBMIT_ERRORS, *plain)):
        return str(exc)
    log.error("submission failed", exc_info=exc)
    return "本机出了点问题，您填的内容还在。请找工作人员，或拨打 12348。"


class _Plain:
    """A problem found before the rules run (same shape as the rules' ``Problem``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
