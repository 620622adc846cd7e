"""The transport interface: how the sync agent talks to the provincial system.

Every call returns a value (an answer or a :class:`TransportFailure`) instead of raising, so the
agent's decisions are plain code over results. The real implementation is
:class:`kiosk.sync.https_transport.HttpsTransport`; tests and demos point it at the simulator.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import quote

from offline_cache.outbox import ItemResult, OutgoingItem, StatusUpdate

FailureKind = Literal["transient", "auth", "refused", "permanent"]

# A pack zip larger than this is never downloaded (announced size or bytes actually received).
# The bundled pack is well under 1 MiB; audio prompts make a few MiB.
MAX_PACK_ZIP_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class TransportFailure:
    """No usable answer. ``transient``: try again later (network, 5xx, 429, captive portal,
    malformed answer); ``auth``: the server refused our credentials — stop and tell staff;
    ``refused``: an answer arrived but failed our checks (a pack download too large or not
    matching the announced SHA-256) — the same offer should not simply be fetched again;
    ``permanent``: the server will never take this request as it is (413 too large, another
    4xx) — the rows are set aside for staff, not retried.

    ``counts_as_attempt`` is False when the rows were not at fault (429: the province asked us
    to slow down), so their backoff does not grow.
    """

    kind: FailureKind
    message: str
    retry_after_s: float | None = None
    counts_as_attempt: bool = True


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

    def latest_pack_manifest(self) -> dict[str, Any] | TransportFailure | None:
        """``GET /packs/latest``: ``{"manifest", "signature", "download"?}``, ``None`` if none."""
        ...

    def download_pack(
        self, offer: dict[str, Any], max_bytes: int = MAX_PACK_ZIP_BYTES
    ) -> bytes | TransportFailure:
        """``GET /packs/{pack_id}/{version}.zip`` for an offer from :meth:`latest_pack_manifest`.

        The bytes are returned only if they are at most ``max_bytes`` and match the SHA-256 and
        size the offer announced. Trust comes from the signature inside the zip, checked at
        install; this check only stops a corrupted or substituted download early.
        """
        ...


def pack_zip_path(pack_id: str, version: str) -> str:
    """The download path of a pack, relative to the API base (``/packs/{id}/{version}.zip``)."""
    return f"/packs/{quote(pack_id, safe='')}/{quote(version, safe='')}.zip"


class DeferredTransport:
    """Builds the real transport on first use, on the sync thread.

    The HTTPS transport pulls in ``requests`` (about 0.1 s of imports); building it lazily keeps
    that off the path from power-on to the home screen.
    """

    def __init__(self, build: Callable[[], Transport]) -> None:
        self._build = build
        self._real: Transport | None = None
        self._lock = threading.Lock()

    def _transport(self) -> Transport:
        with self._lock:
            if self._real is None:
                self._real = self._build()
            return self._real

    def send_batch(self, items: Sequence[OutgoingItem]) -> BatchAnswer | TransportFailure:
        return self._transport().send_batch(items)

    def status_updates(self, cursor: str, limit: int = 200) -> StatusPage | TransportFailure:
        return self._transport().status_updates(cursor, limit)

    def latest_pack_manifest(self) -> dict[str, Any] | TransportFailure | None:
        return self._transport().latest_pack_manifest()

    def send_health(self, report: dict[str, Any]) -> str | None:
        """``POST /health`` through the real transport, when it can (see kiosk.health)."""
        send = getattr(self._transport(), "send_health", None)
        if send is None:
            return "这个连接不能发送健康状况"
        answer = send(report)
        return answer if isinstance(answer, str) or answer is None else str(answer)

    def download_pack(
        self, offer: dict[str, Any], max_bytes: int = MAX_PACK_ZIP_BYTES
    ) -> bytes | TransportFailure:
        return self._transport().download_pack(offer, max_bytes)
