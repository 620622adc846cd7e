"""The collaborators ``main.py`` builds and hands to the App, as two typed values.

Power-on is measured (``tests/test_startup_order.py``): :class:`StartupServices` is what the
home screen needs for its first frame (the pack and who owns it); :class:`Services` is the rest,
built right after that frame. Both are frozen: a collaborator is replaced by attaching a new
value (``dataclasses.replace``), never by patching an attribute.

Only types here, imported for type checking: the App imports this module before its first
frame, and none of the modules behind these types may load that early.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.audit import AuditLog
    from kiosk.content import ContentPack
    from kiosk.devices.handwriting import HandwritingRecognizer
    from kiosk.devices.idcard import CardReader
    from kiosk.health import HealthMonitor
    from kiosk.packs.manifest import Manifest
    from kiosk.packs.staff_actions import PackAdmin
    from kiosk.packs.switching import PackSwitcher
    from kiosk.printing.a4 import A4Printer
    from kiosk.printing.desk import PrintDesk
    from kiosk.staff import StaffDirectory
    from kiosk.stats import StatsRecorder
    from kiosk.sync.agent import SyncAgent
    from kiosk.terminal_clock import TerminalClock
    from kiosk.visits import BookingLedger
    from offline_cache.outbox import Outbox, Receipt
    from offline_cache.pack_store import PackStore
    from voice.protocols import Recognizer, Speaker


class SubmitFn(Protocol):
    """``kiosk.submissions.submit`` bound to the pack being served and the outbox."""

    def __call__(
        self, kind: str, payload: dict[str, Any], *, staff_id: str | None = None
    ) -> Receipt: ...


@dataclass(frozen=True)
class StartupServices:
    """What the home screen needs: the pack being served, and the store and switcher behind it.

    ``pack`` is ``None`` only when even the bundled pack is broken; ``pack_error`` then (or when
    an installed pack was refused) says why, for staff.
    """

    pack_store: PackStore[Manifest]
    pack_switcher: PackSwitcher
    pack: ContentPack | None
    pack_error: str = ""


@dataclass(frozen=True)
class Services:
    """Every other collaborator. A part that couldn't be built is ``None`` and its feature
    degrades: no ``submit`` (no provincial key) → submitting explains to ask staff; no
    ``sync_agent`` → submissions wait in the outbox; no ``recognizer`` → 说话 is hidden; no
    ``speaker`` → 朗读 is silent; no ``card_reader`` (``[idcard] driver = "none"``) → no 刷身份证
    tile; no ``handwriting`` → no writing pad; no ``printer`` (or ``[receipt_printer] driver =
    "none"``) → no 打印 button, the QR code and the number on screen as before."""

    staff: StaffDirectory
    audit: AuditLog
    stats: StatsRecorder
    outbox: Outbox
    pack_admin: PackAdmin
    submit: SubmitFn | None = None
    visit_ledger: BookingLedger | None = None
    sync_agent: SyncAgent | None = None
    speaker: Speaker | None = None
    recognizer: Recognizer | None = None
    card_reader: CardReader | None = None
    handwriting: HandwritingRecognizer | None = None
    # The terminal's one clock (corrected by the province's answers) and its health monitor;
    # None only in tests that build Services by hand.
    clock: TerminalClock | None = None
    health: HealthMonitor | None = None
    printer: PrintDesk | None = None
    a4_printer: A4Printer | None = None  # the CUPS queue for the application form
