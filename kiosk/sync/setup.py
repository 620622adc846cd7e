"""Building the outbox and the sync agent from the terminal configuration.

Used by the composition root (``main.py``) and ``kiosk-admin``, so both read the same settings
the same way and get the same agent: :func:`build_agent` is the one place an agent is put
together with its hooks. Problems come back as :class:`SyncSetupError` with a plain-Chinese
sentence naming the setting to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.sealing import SealingError, load_public_key
from kiosk.sync.agent import AfterRunHook, PackPuller, SyncAgent, SyncReport
from kiosk.sync.signing import CredentialsError, load_credentials
from kiosk.sync.transport import DeferredTransport, Transport
from kiosk.terminal_clock import TerminalClock
from offline_cache.clock_records import ClockRecords
from offline_cache.outbox import Outbox
from offline_cache.store import Store

if TYPE_CHECKING:
    from kiosk.audit import AuditLog
    from kiosk.content import ContentPack
    from kiosk.health import HealthMonitor
    from kiosk.packs.manifest import Manifest
    from kiosk.visits import BookingLedger
    from offline_cache.pack_store import PackStore


class SyncSetupError(Exception):
    """The outbox or the agent can't be built; ``str()`` names the setting to fix."""


def outbox_from_config(
    config: KioskConfig,
    store: Store,
    *,
    need_key: bool = True,
    clock: TerminalClock | None = None,
) -> Outbox:
    """The outbox; without ``provincial.public_key_file`` it is read-only (``need_key=False``).
    ``clock``: the terminal's corrected clock (receipts and due times are dated with it)."""
    key = None
    if config.provincial_public_key_file is not None:
        try:
            key = load_public_key(config.provincial_public_key_file)
        except SealingError as exc:
            raise SyncSetupError(str(exc)) from None
    elif need_key:
        raise SyncSetupError("没有配置省系统公钥（provincial.public_key_file），不能保存新申请。")
    if clock is None:
        return Outbox(store, key, config.terminal_id)
    return Outbox(store, key, config.terminal_id, clock=clock.now)


def credentials_file(config: KioskConfig) -> Path:
    """The terminal's credentials file; without one nothing can be synced."""
    if config.provincial_credentials_file is None:
        raise SyncSetupError("没有配置终端凭据（provincial.credentials_file），不能同步。")
    return config.provincial_credentials_file


def agent_from_config(
    config: KioskConfig,
    outbox: Outbox,
    *,
    batch_size: int | None = None,
    backoff_base_s: float = 5.0,
    read_timeout_s: float = 30.0,
    on_report: Callable[[SyncReport], None] | None = None,
    pack_puller: PackPuller | None = None,
    after_run: Sequence[AfterRunHook] = (),
    clock: TerminalClock | None = None,
) -> SyncAgent:
    """The agent with the HTTPS transport to ``provincial.endpoint``.

    ``clock``: the terminal's corrected clock, taught by every answer of the province and used
    to sign requests and date the agent's work (one is made from the store when not given).

    ``pack_puller`` and ``after_run``: see :class:`SyncAgent`; build them with
    :func:`kiosk.sync.hooks.build_sync_hooks`.
    """
    try:
        creds = load_credentials(credentials_file(config))
    except CredentialsError as exc:
        raise SyncSetupError(str(exc)) from None

    def build_transport() -> Transport:
        from kiosk.sync.https_transport import HttpsTransport

        return HttpsTransport(
            config.provincial_endpoint,
            creds,
            ca_file=config.provincial_ca_file,
            connect_timeout_s=min(10.0, read_timeout_s),
            read_timeout_s=read_timeout_s,
            terminal_clock=terminal_clock,
        )

    terminal_clock = clock if clock is not None else TerminalClock(ClockRecords(outbox.store))
    transport = DeferredTransport(build_transport)
    return SyncAgent(
        outbox,
        transport,
        interval_s=config.sync_interval_s,
        batch_size=batch_size or config.sync_batch_size,
        retention_days=config.retention_days,
        backoff_base_s=backoff_base_s,
        on_report=on_report,
        cursor_scope=config.provincial_endpoint,
        pack_puller=pack_puller,
        after_run=after_run,
        clock=terminal_clock.now,
        startup_jitter_s=config.sync_startup_jitter_s,
    )


def build_agent(
    config: KioskConfig,
    store: Store,
    outbox: Outbox,
    *,
    pack: ContentPack | None,
    audit: AuditLog | None,
    pack_store: PackStore[Manifest] | None = None,
    ledger: BookingLedger | None = None,
    pull_packs: bool = True,
    batch_size: int | None = None,
    backoff_base_s: float = 5.0,
    read_timeout_s: float = 30.0,
    on_report: Callable[[SyncReport], None] | None = None,
    clock: TerminalClock | None = None,
    health: HealthMonitor | None = None,
) -> SyncAgent:
    """The terminal's sync agent with its hooks: what the kiosk app and ``kiosk-admin sync`` run.

    The agent of :func:`agent_from_config` plus the hooks of
    :func:`kiosk.sync.hooks.build_sync_hooks`: newer signed packs are pulled (unless
    ``pull_packs`` is false or no ``packs.trusted_keys`` are set) and home-visit bookings follow
    the province's answers. ``pack`` is the content pack being served (``None``: no bookings
    hook); ``pack_store`` and ``ledger`` should be the running kiosk's own instances when there
    are some, so a pack switched in between residents reaches the bookings hook too. ``clock`` is
    the terminal's corrected clock (shared with the outbox, ledger, audit…); ``health`` (the
    kiosk's own monitor, with its device probes) sends the health report after each run — one is
    made without device probes when not given. The agent is not started. Raises :class:`SyncSetupError` when the credentials are missing or unreadable.
    """
    # Imported here: the hooks bring the pack installer and the visit rules, which the kiosk
    # only needs once the agent is built (after the first frame), not at power-on.
    from kiosk.sync.hooks import build_sync_hooks

    clock = clock or TerminalClock(ClockRecords(store))
    agent = agent_from_config(
        config,
        outbox,
        batch_size=batch_size,
        backoff_base_s=backoff_base_s,
        read_timeout_s=read_timeout_s,
        on_report=on_report,
        clock=clock,
    )
    hooks = build_sync_hooks(
        store, pack, config, audit, pack_store=pack_store, pull_packs=pull_packs, ledger=ledger
    )
    if health is None:
        # Not the kiosk (kiosk-admin sync): the devices as the running kiosk last saw them,
        # and its snapshot left alone.
        from kiosk.health import SNAPSHOT_NAME, HealthMonitor, read_snapshot, snapshot_probes

        health = HealthMonitor(
            terminal_id=config.terminal_id,
            outbox=outbox,
            clock=clock,
            data_dir=config.data_dir,
            pack=lambda: pack_label(pack),
            probes=snapshot_probes(read_snapshot(config.data_dir / SNAPSHOT_NAME, clock.now())),
            writes_snapshot=False,
        )
    hooks.after_run.append(health_hook(health, agent))
    return hooks.attach(agent)


def pack_label(pack: ContentPack | None) -> str:
    """ "changzhou 2.1.0" for the health report ("" without a pack)."""
    if pack is None:
        return ""
    return " ".join(p for p in (pack.pack_id, pack.version) if p)


def health_hook(health: HealthMonitor, agent: SyncAgent) -> AfterRunHook:
    """After each run (the last hook, so it sees the bookings' changes too): the snapshot and
    ``POST /health``. Not reaching the province with it is no error of the run."""

    def after_run(report: SyncReport) -> None:
        problem = health.after_run(agent.transport, report.last_error)
        report.facts["health_sent"] = problem is None

    return after_run
