"""What a sync run sets going besides the outbox: newer content packs and home-visit bookings.

The agent (:mod:`kiosk.sync.agent`) only knows two kinds of plain callables; this module builds
them, so the kiosk app (``main.py``) and ``kiosk-admin sync`` wire the same behaviour:

- the **pack puller** asks ``GET /packs/latest`` after a clean run and, when the province
  publishes a newer signed pack, downloads it (size-capped, SHA-256 checked by the transport)
  and installs it through :func:`kiosk.packs.sources.pull_from_sync`, which checks signature,
  hashes, version, validity date and schema and writes the audit log. Installing only stages
  and activates: a running kiosk keeps serving its pack until the next idle moment
  (:class:`kiosk.packs.switching.PackSwitcher`), never under a resident. An offer that failed a
  check is not downloaded again for ``retry_refused_after_s`` (a village uplink is slow).
- the **bookings hook** runs after every run: tentative home-visit bookings follow what the
  province answered (:func:`kiosk.visits.reconcile`: scheduled → confirmed, rejected → slot
  freed), and bookings whose visit day is more than ``sync.retention_days`` past are forgotten
  (:meth:`BookingLedger.purge`) — on the same cadence as the agent's own purge of accepted
  ciphertext.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.audit import AuditLog
from kiosk.config import KioskConfig
from kiosk.content import ContentPack
from kiosk.packs.checks import open_pack_store
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import Manifest
from kiosk.packs.sources import pull_from_sync
from kiosk.sync.agent import AfterRunHook, PackPuller, PackPullOutcome, SyncAgent, SyncReport
from kiosk.sync.transport import MAX_PACK_ZIP_BYTES, Transport, TransportFailure
from kiosk.visits import ACTIVE_STATUSES, BookingLedger, reconcile
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.outbox import Outbox, OutboxEntry
from offline_cache.pack_store import PackStore
from offline_cache.store import Store

log = logging.getLogger(__name__)

SYNC_ACTOR = "sync"
PACK_DOWNLOAD_REFUSED = "pack.download_refused"


@dataclass
class SyncHooks:
    """The puller and hooks for one :class:`SyncAgent`; :meth:`attach` hands them over."""

    pack_puller: PackPuller | None = None
    after_run: list[AfterRunHook] = field(default_factory=list)

    def attach(self, agent: SyncAgent) -> SyncAgent:
        agent.pack_puller = self.pack_puller
        agent.after_run = list(self.after_run)
        return agent


def build_sync_hooks(
    store: Store,
    pack: ContentPack | None,
    config: KioskConfig,
    audit: AuditLog | None,
    *,
    pack_store: PackStore[Manifest] | None = None,
    pull_packs: bool = True,
    ledger: BookingLedger | None = None,
) -> SyncHooks:
    """The hooks for this terminal.

    ``pack`` is the content pack being served (``None``: no bookings hook — nothing could have
    been booked). ``pack_store`` should be the running kiosk's own instance when there is one
    (otherwise one is built from the config). No pack puller without ``packs.trusted_keys``:
    nothing downloaded could be installed. ``ledger`` is the running kiosk's own booking ledger:
    when the kiosk switches to a newer pack between residents it updates that ledger, and the
    bookings hook then reads the province's answers with the new pack's mapping too.
    """
    hooks = SyncHooks()
    if pull_packs and config.trusted_pack_keys:
        store_for_packs = pack_store or open_pack_store(
            config.data_dir, BUNDLED_PACK_DIR, config.trusted_pack_keys
        )
        hooks.pack_puller = SyncPackPuller(store_for_packs, audit)
    if ledger is None and pack is not None:
        ledger = BookingLedger(store, pack)
    if ledger is not None:
        hooks.after_run.append(
            bookings_hook(
                ledger,
                Outbox(store, None, config.terminal_id),
                config.retention_days,
            )
        )
    return hooks


# -- packs -----------------------------------------------------------------------------------
def _offer_key(offer: dict[str, Any]) -> tuple[str, str, str]:
    manifest = offer.get("manifest") or {}
    download = offer.get("download") or {}
    return (
        str(manifest.get("id", "")),
        str(manifest.get("version", "")),
        str(download.get("sha256", "") if isinstance(download, dict) else ""),
    )


class SyncPackPuller:
    """``pack_puller`` for :class:`SyncAgent`: one round of "is there a newer pack?"."""

    def __init__(
        self,
        pack_store: PackStore[Manifest],
        audit: AuditLog | None,
        *,
        max_bytes: int = MAX_PACK_ZIP_BYTES,
        retry_refused_after_s: float = 6 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pack_store = pack_store
        self.audit = audit
        self.max_bytes = max_bytes
        self.retry_refused_after_s = retry_refused_after_s
        self._clock = clock
        self._refused: dict[tuple[str, str, str], float] = {}

    def _recently_refused(self, key: tuple[str, str, str]) -> bool:
        at = self._refused.get(key)
        return at is not None and self._clock() - at < self.retry_refused_after_s

    def _audit(self, action: str, detail: dict[str, Any]) -> None:
        if self.audit is None:
            return
        try:
            self.audit.append(SYNC_ACTOR, action, detail)
        except Exception:  # the audit write must not turn a refusal into a crash
            log.exception("audit entry %s not written", action)

    def __call__(self, transport: Transport) -> PackPullOutcome | None:
        offer: dict[str, Any] = {}
        problems: list[str] = []

        def fetch_manifest() -> dict[str, Any] | None:
            doc = transport.latest_pack_manifest()
            if isinstance(doc, TransportFailure):
                problems.append(f"查询新内容包失败：{doc.message}")
                return None
            if doc is None or not isinstance(doc.get("download"), dict):
                return None  # nothing published, or only announced (not downloadable here)
            if self._recently_refused(_offer_key(doc)):
                return None
            offer.update(doc)
            manifest = doc["manifest"]
            return manifest if isinstance(manifest, dict) else None

        def fetch_zip(manifest: bytes | dict[str, Any]) -> bytes | None:
            got = transport.download_pack(offer, self.max_bytes)
            if isinstance(got, TransportFailure):
                problems.append(f"内容包没有下载：{got.message}")
                if got.kind == "refused":
                    key = _offer_key(offer)
                    self._refused[key] = self._clock()
                    self._audit(
                        PACK_DOWNLOAD_REFUSED,
                        {"origin": "sync", "id": key[0], "version": key[1], "message": got.message},
                    )
                return None
            return got

        try:
            result = pull_from_sync(self.pack_store, fetch_manifest, fetch_zip, audit=self.audit)
        except PackRefused as exc:
            key = _offer_key(offer)
            if exc.reason != "disk":  # a full disk is worth retrying next run
                self._refused[key] = self._clock()
            log.warning("省系统发来的内容包 %s %s 没有安装：%s", key[0], key[1], exc.message)
            return PackPullOutcome(
                problem=f"省系统提供的内容包 {key[0]} {key[1]} 没有安装：{exc.message}"
            )
        if result is not None:
            log.info("省系统发来的内容包 %s 已安装", result.manifest.label())
            return PackPullOutcome(installed=result.manifest.label(), message=result.message)
        if problems:
            return PackPullOutcome(problem=problems[-1])
        return None


# -- home-visit bookings ---------------------------------------------------------------------
def bookings_hook(ledger: BookingLedger, outbox: Outbox, retention_days: int) -> AfterRunHook:
    """After each run: bookings follow the province's answers; old bookings are forgotten."""

    def after_run(report: SyncReport) -> None:
        entries: list[OutboxEntry] = []
        for status in ACTIVE_STATUSES:
            for booking in ledger.list(status=status, limit=1_000_000):
                if booking.receipt_code:
                    entry = outbox.get(booking.receipt_code)
                    if entry is not None:
                        entries.append(entry)
        changed = reconcile(ledger, entries)
        purged = ledger.purge(retention_days) if retention_days >= 0 else 0
        by_status: dict[str, int] = {}
        for booking in changed:
            by_status[booking.status] = by_status.get(booking.status, 0) + 1
        confirmed = by_status.get("confirmed", 0)
        freed = by_status.get("rejected", 0) + by_status.get("cancelled", 0)
        report.facts.update(
            {
                "bookings_confirmed": confirmed,
                "bookings_freed": freed,
                "bookings_done": by_status.get("done", 0),
                "bookings_purged": purged,
            }
        )
        parts = []
        if confirmed:
            parts.append(f"省系统确认 {confirmed} 个")
        if freed:
            parts.append(f"未通过或取消 {freed} 个，名额已释放")
        if parts:
            report.notes.append("上门服务预约：" + "；".join(parts))

    return after_run
