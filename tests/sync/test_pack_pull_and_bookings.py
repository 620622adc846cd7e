"""What follows a sync run: newer signed packs from the province, home-visit bookings confirmed
or freed by the province's answer — through the real simulator process, and through
``kiosk-admin sync --once``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.audit import AuditLog
from kiosk.config import KioskConfig, load_config
from kiosk.content import ContentPack, load_pack
from kiosk.packs.checks import open_pack_store
from kiosk.packs.switching import PackSwitcher
from kiosk.submissions import queue_sealed
from kiosk.sync.agent import SyncAgent
from kiosk.sync.hooks import SyncPackPuller, build_sync_hooks
from kiosk.sync.https_transport import HttpsTransport
from kiosk.sync.signing import load_credentials
from kiosk.visits import Booking, BookingLedger, BookingRequest
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.outbox import Outbox
from offline_cache.pack_store import PackStore
from tests.conftest import ROOT
from tests.packs.conftest import (  # noqa: F401 - fixtures used by name
    BUNDLED_VERSION,
    Keys,
    MakePack,
    SignPack,
    bureau,
    make_pack,
    sign_pack,
)
from tests.rules.ids import make_id
from tests.sync.conftest import KIOSK_ADMIN, PROVINCIAL_SIM, TERMINAL, Sim, make_agent
from tools.provincial_sim.keys import KeyFiles
from tools.provincial_sim.store import SimStore

OLD = make_id(date(1940, 3, 3))
OTHER_OLD = make_id(date(1931, 1, 1))
PLACE = {"district": "wujin", "town": "xueyan", "village": "wuj_xueyan_chengwan"}


# -- helpers ---------------------------------------------------------------------------------
@pytest.fixture
def data_dir(outbox: Outbox) -> Path:
    return outbox.store.path.parent


@pytest.fixture
def pack_store(data_dir: Path, bureau: Keys) -> PackStore:  # noqa: F811
    return open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])


@pytest.fixture
def audit(outbox: Outbox) -> AuditLog:
    return AuditLog(outbox.store)


@pytest.fixture
def newer_zip(make_pack: MakePack, sign_pack: SignPack) -> Path:  # noqa: F811
    return sign_pack(make_pack("2.0.0"))


def with_pack_puller(agent: SyncAgent, pack_store: PackStore, audit: AuditLog, **kw: int) -> None:
    agent.pack_puller = SyncPackPuller(pack_store, audit, **kw)


def tampered_copy(signed: Path, dest: Path) -> Path:
    """The signed zip with one data file changed after signing (manifest and signature kept)."""
    with zipfile.ZipFile(signed) as src, zipfile.ZipFile(dest, "w") as out:
        changed = False
        for info in src.infolist():
            data = src.read(info)
            if (
                not changed
                and info.filename.endswith(".json")
                and info.filename
                not in (
                    "manifest.json",
                    "signature.json",
                )
            ):
                data += b"\n"  # still valid JSON; no longer the file the bureau signed
                changed = True
            out.writestr(info, data)
    assert changed
    return dest


def actions(audit: AuditLog) -> list[str]:
    return [e.action for e in audit.entries()]


# -- packs over the sync channel -------------------------------------------------------------
def test_a_newer_signed_pack_offered_by_the_province_is_installed_and_served_after_the_next_idle_moment(
    outbox: Outbox,
    keys: KeyFiles,
    start_sim: Callable[..., Sim],
    pack_store: PackStore,
    audit: AuditLog,
    newer_zip: Path,
) -> None:
    switcher = PackSwitcher(pack_store)
    assert switcher.start().version == BUNDLED_VERSION  # the kiosk is serving the bundled pack
    sim = start_sim("--pack-zip", str(newer_zip))
    agent = make_agent(outbox, keys, sim)
    with_pack_puller(agent, pack_store, audit)

    report = agent.sync_now()
    assert report.pack_installed == "changzhou 2.0.0" and not report.errors
    assert any("下一位居民开始前生效" in n for n in report.notes)
    assert pack_store.active_version() == "2.0.0"
    # A resident mid-session still has the old pack; the switch waits for the idle moment.
    assert switcher.pack is not None and switcher.pack.version == BUNDLED_VERSION
    new = switcher.switch_if_pending()
    assert new is not None and new.version == "2.0.0"
    entry = audit.entries(action="pack.installed")[0]
    assert entry.actor == "sync" and entry.detail["origin"] == "sync"
    assert entry.detail["version"] == "2.0.0"

    again = agent.sync_now()  # nothing newer: nothing downloaded, nothing reported
    assert again.pack_installed is None and again.pack_problem is None and not again.errors
    assert actions(audit).count("pack.installed") == 1


def test_a_tampered_pack_is_refused_audited_not_fetched_again_and_the_current_pack_stays(
    outbox: Outbox,
    keys: KeyFiles,
    start_sim: Callable[..., Sim],
    pack_store: PackStore,
    audit: AuditLog,
    newer_zip: Path,
    tmp_path: Path,
) -> None:
    bad = tampered_copy(newer_zip, tmp_path / "tampered.zip")
    sim = start_sim("--pack-zip", str(bad))
    agent = make_agent(outbox, keys, sim)
    with_pack_puller(agent, pack_store, audit)

    report = agent.sync_now()
    assert report.pack_installed is None
    assert report.pack_problem and "没有安装" in report.pack_problem
    assert pack_store.active_version() == BUNDLED_VERSION
    assert pack_store.pending_switch() is None
    refusal = audit.entries(action="pack.install_refused")[0]
    assert refusal.detail["origin"] == "sync"
    # The same offer is not downloaded again on every run over a slow village uplink.
    assert agent.sync_now().pack_problem is None
    assert actions(audit).count("pack.install_refused") == 1


def test_a_download_corrupted_in_transit_fails_the_announced_sha256_and_the_current_pack_stays(
    outbox: Outbox,
    keys: KeyFiles,
    start_sim: Callable[..., Sim],
    pack_store: PackStore,
    audit: AuditLog,
    newer_zip: Path,
) -> None:
    sim = start_sim("--pack-zip", str(newer_zip), "--pack-corrupt", "1")
    agent = make_agent(outbox, keys, sim)
    with_pack_puller(agent, pack_store, audit)

    report = agent.sync_now()
    assert report.pack_problem and "SHA-256" in report.pack_problem
    assert report.last_error == report.pack_problem  # what staff see as 最近的问题
    assert pack_store.active_version() == BUNDLED_VERSION
    assert actions(audit) == ["pack.download_refused"]


def test_an_oversized_pack_is_not_downloaded_and_the_current_pack_stays(
    outbox: Outbox,
    keys: KeyFiles,
    start_sim: Callable[..., Sim],
    pack_store: PackStore,
    audit: AuditLog,
    newer_zip: Path,
) -> None:
    sim = start_sim("--pack-zip", str(newer_zip))
    agent = make_agent(outbox, keys, sim)
    with_pack_puller(agent, pack_store, audit, max_bytes=newer_zip.stat().st_size - 1)

    report = agent.sync_now()
    assert report.pack_problem and "超过下载上限" in report.pack_problem
    assert pack_store.active_version() == BUNDLED_VERSION
    assert actions(audit) == ["pack.download_refused"]


def test_a_download_longer_or_different_than_announced_is_discarded_by_the_transport(
    keys: KeyFiles, start_sim: Callable[..., Sim], newer_zip: Path
) -> None:
    sim = start_sim("--pack-zip", str(newer_zip))
    transport = HttpsTransport(sim.url, load_credentials(keys.credentials))
    offer = transport.latest_pack_manifest()
    assert isinstance(offer, dict)
    assert offer["download"]["size"] == newer_zip.stat().st_size
    assert transport.download_pack(offer) == newer_zip.read_bytes()

    short = json.loads(json.dumps(offer))
    short["download"]["size"] = 1000  # the server then sends more than it announced
    lying = transport.download_pack(short)
    assert not isinstance(lying, bytes) and lying.kind == "refused"
    assert "超过了公布的大小" in lying.message

    wrong = json.loads(json.dumps(offer))
    wrong["download"]["sha256"] = "0" * 64
    mismatch = transport.download_pack(wrong)
    assert not isinstance(mismatch, bytes) and "SHA-256" in mismatch.message

    other = json.loads(json.dumps(offer))
    other["manifest"]["version"] = "9.9.9"  # the simulator only keeps the published one
    missing = transport.download_pack(other)
    assert not isinstance(missing, bytes) and missing.kind == "transient"


# -- bookings follow the province ------------------------------------------------------------
def _config(data_dir: Path, **extra: str) -> KioskConfig:
    return load_config(
        None, env={}, overrides={"paths.data_dir": str(data_dir), "terminal.id": TERMINAL, **extra}
    )


def _book(ledger: BookingLedger, outbox: Outbox, id_number: str, day: date) -> tuple[Booking, str]:
    """Hold a slot and queue the booking for the province, as the touch screen does."""
    booking = ledger.reserve(
        BookingRequest(
            service="legal_aid",
            id_number=id_number,
            visit_date=day,
            period="morning",
            eligibility="elderly",
            **PLACE,
        )
    )
    receipt = queue_sealed(
        outbox, "visit_booking", {"booking_id": booking.booking_id}, {"service": "legal_aid"}
    )
    ledger.attach_submission(booking.booking_id, receipt.submission_id, receipt.code)
    return booking, receipt.code


def _first_morning(ledger: BookingLedger) -> date:
    slot = next(s for s in ledger.available_slots("legal_aid", "wujin") if s.period == "morning")
    return date.fromisoformat(slot.date)


def _wrong_key_outbox(outbox: Outbox) -> Outbox:
    """Sealed to a key that isn't the province's: the province answers ``rejected``."""
    return Outbox(outbox.store, X25519PrivateKey.generate().public_key(), TERMINAL)


def _province_schedules_every_case(sim: Sim) -> None:
    store = SimStore(sim.db)
    store.advance_statuses(0)
    store.conn.close()


def _morning_remaining(ledger: BookingLedger, day: date) -> int:
    slots = ledger.available_slots("legal_aid", "wujin", start=day, days=1, include_full=True)
    return sum(s.remaining for s in slots if s.period == "morning")


def test_a_booking_is_confirmed_once_the_province_schedules_it_and_a_rejected_one_frees_its_slot(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim], data_dir: Path
) -> None:
    pack: ContentPack = load_pack(BUNDLED_PACK_DIR)
    ledger = BookingLedger(outbox.store, pack)
    day = _first_morning(ledger)
    free_before = _morning_remaining(ledger, day)
    kept, _ = _book(ledger, outbox, OLD, day)
    refused, _ = _book(ledger, _wrong_key_outbox(outbox), OTHER_OLD, day)
    assert _morning_remaining(ledger, day) == free_before - 2

    sim = start_sim()
    agent = make_agent(outbox, keys, sim)
    build_sync_hooks(outbox.store, pack, _config(data_dir), AuditLog(outbox.store)).attach(agent)
    first = agent.sync_now()
    assert first.accepted == 1 and first.rejected == 1
    assert ledger.get(refused.booking_id).status_label == "未通过"  # type: ignore[union-attr]
    assert _morning_remaining(ledger, day) == free_before - 1  # its place is free again
    # Received is not yet scheduled: the resident's booking still says 待确认.
    assert ledger.get(kept.booking_id).status_label == "待确认"  # type: ignore[union-attr]
    assert first.facts["bookings_freed"] == 1 and first.facts["bookings_confirmed"] == 0
    assert any("名额已释放" in n for n in first.notes)

    _province_schedules_every_case(sim)
    second = agent.sync_now()
    assert ledger.get(kept.booking_id).status_label == "已确认"  # type: ignore[union-attr]
    assert second.facts["bookings_confirmed"] == 1
    assert any("省系统确认 1 个" in n for n in second.notes)


def test_bookings_long_past_are_purged_on_the_sync_cadence(
    outbox: Outbox, keys: KeyFiles, start_sim: Callable[..., Sim], data_dir: Path
) -> None:
    pack = load_pack(BUNDLED_PACK_DIR)
    ledger = BookingLedger(outbox.store, pack)
    day = _first_morning(ledger)
    booking, _ = _book(ledger, outbox, OLD, day)
    # A visit day long gone (as if the terminal had kept it for a year).
    with sqlite3.connect(outbox.store.path) as c:
        c.execute(
            "UPDATE visit_bookings SET visit_date = '2020-01-06' WHERE booking_id = ?",
            (booking.booking_id,),
        )
    sim = start_sim()
    agent = make_agent(outbox, keys, sim)
    build_sync_hooks(outbox.store, pack, _config(data_dir), None).attach(agent)
    report = agent.sync_now()
    assert report.facts["bookings_purged"] == 1
    assert ledger.get(booking.booking_id) is None


# -- the same through kiosk-admin --------------------------------------------------------------
def _cli_config(tmp_path: Path, keys: KeyFiles, sim: Sim, bureau_key: str) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[terminal]\nid = "{TERMINAL}"\n'
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[provincial]\nendpoint = "{sim.url}"\n'
        f'credentials_file = "{keys.credentials}"\n'
        f'public_key_file = "{keys.public_key}"\n'
        f'[packs]\ntrusted_keys = ["{bureau_key}"]\n',
        encoding="utf-8",
    )
    return cfg


def _sync_once(cfg: Path) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [*KIOSK_ADMIN, "sync", "--once", "--json", "--config", str(cfg)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_kiosk_admin_sync_once_installs_the_offered_pack_and_settles_bookings(
    outbox: Outbox,
    keys: KeyFiles,
    start_sim: Callable[..., Sim],
    newer_zip: Path,
    bureau: Keys,  # noqa: F811
    tmp_path: Path,
) -> None:
    pack = load_pack(BUNDLED_PACK_DIR)
    ledger = BookingLedger(outbox.store, pack)
    day = _first_morning(ledger)
    kept, _ = _book(ledger, outbox, OLD, day)
    refused, _ = _book(ledger, _wrong_key_outbox(outbox), OTHER_OLD, day)
    sim = start_sim("--pack-zip", str(newer_zip))
    cfg = _cli_config(tmp_path, keys, sim, bureau.public)

    code, first = _sync_once(cfg)
    assert code == 0  # drained: the rejected row waits for staff, not for the network
    assert first["accepted"] == 1 and first["rejected"] == 1
    assert first["pack_installed"] == "changzhou 2.0.0"
    assert first["bookings_freed"] == 1
    assert ledger.get(refused.booking_id).status == "rejected"  # type: ignore[union-attr]
    packs = open_pack_store(tmp_path / "data", BUNDLED_PACK_DIR, [bureau.public])
    assert packs.active_version() == "2.0.0"
    assert AuditLog(outbox.store).entries(action="pack.installed")[0].actor == "sync"
    manual = AuditLog(outbox.store).entries(action="sync.manual")
    assert len(manual) == 1 and manual[0].detail["pack_installed"] == "changzhou 2.0.0"

    _province_schedules_every_case(sim)
    code, second = _sync_once(cfg)
    assert code == 0 and second["bookings_confirmed"] == 1
    assert second["pack_installed"] is None
    assert ledger.get(kept.booking_id).status == "confirmed"  # type: ignore[union-attr]


def test_the_simulator_refuses_a_pack_zip_that_is_not_a_pack(
    keys: KeyFiles, tmp_path: Path
) -> None:
    not_a_pack = tmp_path / "photos.zip"
    with zipfile.ZipFile(not_a_pack, "w") as zf:
        zf.writestr("a.jpg", b"x")
    done = subprocess.run(
        [
            *PROVINCIAL_SIM,
            "--port",
            "0",
            "--db",
            str(tmp_path / "sim.sqlite3"),
            "--private-key",
            str(keys.private_key),
            "--terminals",
            str(keys.terminals),
            "--pack-zip",
            str(not_a_pack),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1 and "manifest.json" in done.stderr


def test_a_download_without_a_length_is_cut_off_at_the_announced_size(keys: KeyFiles) -> None:
    import hashlib
    import io

    import requests

    endless = b"PK" + b"\0" * 200_000  # a server streaming far more than it announced

    class Streaming(requests.Session):
        def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def,override]
            assert kwargs["stream"] is True and url.endswith("/packs/changzhou/2.0.0.zip")
            response = requests.Response()
            response.status_code = 200
            response.headers["Content-Type"] = "application/zip"  # no Content-Length
            response.raw = io.BytesIO(endless)
            return response

    transport = HttpsTransport(
        "http://127.0.0.1:9/api/v1", load_credentials(keys.credentials), session=Streaming()
    )
    offer = {
        "manifest": {"id": "changzhou", "version": "2.0.0"},
        "download": {"sha256": hashlib.sha256(endless[:4096]).hexdigest(), "size": 4096},
    }
    answer = transport.download_pack(offer)
    assert not isinstance(answer, bytes) and answer.kind == "refused"
    assert "超过了公布的大小" in answer.message
