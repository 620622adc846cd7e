"""Packs from a USB stick (listed for staff to confirm) and from the sync channel."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.packs.errors import PackRefused
from kiosk.packs.sources import (
    install_downloaded,
    install_with_audit,
    media_candidates,
    should_download,
)
from offline_cache.pack_store import PackStore
from offline_cache.store import Store
from tests.packs.conftest import BUNDLED_VERSION, Keys, MakePack, SignPack


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(Store(tmp_path / "kiosk.sqlite3"))


def test_the_usb_stick_lists_each_pack_with_whether_it_can_be_installed(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, stranger: Keys, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    (usb / "bureau").mkdir(parents=True)
    good = sign_pack(make_pack("2.0.0"), name="good.zip").rename(usb / "bureau" / "good.zip")
    sign_pack(make_pack("2.5.0"), keys=stranger, name="foreign.zip").rename(usb / "foreign.zip")
    (usb / "holiday-photos.zip").write_bytes(b"not a zip")
    found = {c.path.name: c for c in media_candidates(usb, pack_store)}
    assert set(found) == {"good.zip", "foreign.zip", "holiday-photos.zip"}
    assert found["good.zip"].installable and found["good.zip"].manifest
    assert found["good.zip"].manifest.version == "2.0.0"
    assert "不受信任" in (found["foreign.zip"].problem or "")
    assert found["holiday-photos.zip"].problem
    pack_store.install(good)
    again = {c.path.name: c for c in media_candidates(usb, pack_store)}
    assert "不比当前" in (again["good.zip"].problem or "")


def test_no_configured_or_no_inserted_stick_lists_nothing(
    pack_store: PackStore, tmp_path: Path
) -> None:
    assert media_candidates(None, pack_store) == []
    assert media_candidates(tmp_path / "not-mounted", pack_store) == []


def test_installs_and_refusals_from_staff_confirmation_are_both_audited(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, stranger: Keys, audit: AuditLog
) -> None:
    install_with_audit(
        pack_store, sign_pack(make_pack("2.0.0")), audit=audit, actor="staff:0007", origin="usb"
    )
    with pytest.raises(PackRefused):
        install_with_audit(
            pack_store,
            sign_pack(make_pack("2.1.0"), keys=stranger),
            audit=audit,
            actor="staff:0007",
            origin="usb",
        )
    entries = audit.entries()
    assert [e.action for e in entries] == ["pack.install_refused", "pack.installed"]
    assert entries[0].detail["reason"] == "untrusted_key"
    assert (
        entries[1].detail["version"] == "2.0.0" and entries[1].detail["previous"] == BUNDLED_VERSION
    )
    assert audit.verify().ok


def test_a_pack_downloaded_by_sync_installs_when_it_matches_the_advertised_manifest(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, audit: AuditLog
) -> None:
    signed = sign_pack(make_pack("2.0.0"))
    with zipfile.ZipFile(signed) as zf:
        manifest = zf.read("manifest.json")
    assert should_download(pack_store, manifest)
    # The transport hands the advertised manifest over already parsed.
    result = install_downloaded(pack_store, json.loads(manifest), signed.read_bytes(), audit=audit)
    assert result.manifest.version == "2.0.0"
    assert not should_download(pack_store, manifest)
    assert audit.entries()[0].detail["origin"] == "sync"
    assert list((pack_store.root / "downloads").iterdir()) == []


def test_a_download_not_matching_the_advertised_manifest_is_refused(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, audit: AuditLog
) -> None:
    signed = sign_pack(make_pack("2.0.0"))
    with zipfile.ZipFile(signed) as zf:
        advertised = json.loads(zf.read("manifest.json"))
    advertised["version"] = "2.0.1"
    with pytest.raises(PackRefused) as info:
        install_downloaded(pack_store, advertised, signed.read_bytes(), audit=audit)
    assert "不一致" in info.value.message
    assert pack_store.active_version() == BUNDLED_VERSION
    assert audit.entries()[0].action == "pack.install_refused"


def test_the_sync_puller_downloads_only_a_newer_pack(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    from kiosk.packs.sources import pull_from_sync

    signed = sign_pack(make_pack("2.0.0"))
    with zipfile.ZipFile(signed) as zf:
        advertised = json.loads(zf.read("manifest.json"))
    downloads: list[str] = []

    def fetch_zip(manifest: object) -> bytes:
        downloads.append("zip")
        return signed.read_bytes()

    assert pull_from_sync(pack_store, lambda: None, fetch_zip) is None
    result = pull_from_sync(pack_store, lambda: advertised, fetch_zip)
    assert result is not None and pack_store.active_version() == "2.0.0"
    assert pull_from_sync(pack_store, lambda: advertised, fetch_zip) is None
    assert downloads == ["zip"]
