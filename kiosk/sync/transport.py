"""The transport interface: how the sync agent talks to the provincial system.

Every call returns a value (an answer or a :class:`TransportFailure`) instead of raising, so the
agent's decisions are plain code over results. The real implementation is
:class:`kiosk.sync.https_transport.HttpsTransport`; tests and demos point it at the simulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from offline_cache.outbox import ItemResult, OutgoingItem, StatusUpdate

FailureKind = Literal["transient", "auth"]


@dataclass(frozen=True)
class TransportFailure:
    """No usable answer. ``transient``: try again later (network, 5xx, 429, captive portal,
    malformed answer); ``auth``: the server refused our credentials — stop and tell staff."""

    kind: FailureKind
    message: str
    retry_after_s: float | None = None


@dataclass(frozen=True)
class BatchAnswer:
    """A well-formed answer: explicit results for some (ideally all) of the items sent."""

    results: list[ItemResult] = field(default_factory=list)


@dataclass(frozen=True)
class StatusPage:
    updates: list[StatusUpdate]
    next_cursor: str
    more: bool


class Transport(Protocol):
    def send_batch(self, items: Sequence[OutgoingItem]) -> BatchAnswer | TransportFailure: ...

    def status_updates(self, cursor: str, limit: int = 200) -> StatusPage | TransportFailure: ...

    def latest_pack_manifest(self) -> dict[str, Any] | TransportFailure | None: ...
