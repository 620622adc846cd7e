"""Staff on the admin screen: see the packs on the USB stick, install one, roll back."""

from __future__ import annotations

import threading
from pathlib import Path

from kiosk.audit import AuditLog
from kiosk.packs.staff_actions import Outcome, PackAdmin
from offline_cache.pack_store import PackStore
from offline_cache.store import Store
from tests.packs.conftest import BUNDLED_VERSION, Keys, MakePack, SignPack


def test_staff_install_a_pack_from_the_usb_stick_and_roll_it_back(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, stranger: Keys, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    sign_pack(make_pack("2.0.0"), name="new.zip").rename(usb / "new.zip")
    sign_pack(make_pack("2.1.0"), keys=stranger, name="odd.zip").rename(usb / "odd.zip")
    audit = AuditLog(Store(tmp_path / "kiosk.sqlite3"))
    admin = PackAdmin(pack_store, audit, usb)
    assert admin.overview() == [f"正在使用：changzhou {BUNDLED_VERSION}（2026-01-01 起生效）"]
    offered = {c.path.name: c for c in admin.media_packs()}

    refused = admin.install(offered["odd.zip"].path, "0007")
    assert (
        not refused.ok
        and refused.message.startswith("没有安装：")
        and "不受信任" in refused.message
    )

    done: list[Outcome] = []
    finished = threading.Event()
    admin.install_in_background(
        offered["new.zip"].path, "0007", lambda o: (done.append(o), finished.set())
    )
    assert finished.wait(30)
    assert done[0].ok and "2.0.0" in done[0].message
    assert admin.overview()[:2] == [
        "正在使用：changzhou 2.0.0（2020-01-01 起生效）",
        f"内置：changzhou {BUNDLED_VERSION}（2026-01-01 起生效）",
    ]

    back = admin.rollback("0007")
    assert back.ok and pack_store.active_version() == BUNDLED_VERSION
    assert not admin.rollback("0007").ok
    assert [(e.actor, e.action) for e in audit.entries()] == [
        ("staff:0007", "pack.rolled_back"),
        ("staff:0007", "pack.installed"),
        ("staff:0007", "pack.install_refused"),
    ]
