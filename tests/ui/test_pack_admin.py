"""Staff install a content pack from a USB stick on the admin screen, with a confirmation.

The packs are real copies of the bundled pack, re-versioned and really signed; the kiosk trusts
the signing key only for the length of each test. Installing makes the new pack active in the
pack store at once, while the running kiosk keeps serving the old one until the resident leaves.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.packs import archive
from kiosk.packs.manifest import MANIFEST_NAME, list_pack_files, regenerate
from kiosk.packs.signing import public_key_text, sign
from tests.packs.conftest import BUNDLED_VERSION, copy_bundled
from tests.ui.conftest import STAFF_ID, STAFF_PIN
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui

BUREAU = Ed25519PrivateKey.generate()
STRANGER = Ed25519PrivateKey.generate()


def put_pack(
    usb: Path, work: Path, version: str, *, key: Ed25519PrivateKey = BUREAU, tamper: bool = False
) -> Path:
    """A signed pack zip on the stick; ``tamper`` changes a data file after signing."""
    source = copy_bundled(work / f"src-{version}")
    regenerate(
        source,
        pack_id="changzhou",
        region="常州市",
        version=version,
        min_app_version="0.1.0",
        valid_from="2020-01-01",
    )
    manifest = (source / MANIFEST_NAME).read_bytes()
    if tamper:
        services = source / "data" / "services.json"
        services.write_text(services.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    usb.mkdir(parents=True, exist_ok=True)
    out = usb / f"changzhou-{version}.zip"
    archive.write(out, list_pack_files(source), manifest, sign(manifest, key).to_bytes())
    return out


@pytest.fixture
def usb(kiosk: Kiosk, tmp_path: Path) -> Iterator[Path]:
    """A USB folder the admin screen looks at, and the bureau's key trusted; undone afterwards."""
    app = kiosk.app
    store, admin = app.startup.pack_store, app.services.pack_admin
    keys, media = store.trusted_keys, admin.media_dir
    store.trusted_keys = (*keys, public_key_text(BUREAU.public_key()))
    admin.media_dir = tmp_path / "usb"
    try:
        yield admin.media_dir
    finally:
        # Back to the bundled pack for the tests that follow, served from the next idle moment.
        while store.list()[0].name != "bundled":
            store.rollback()
        kiosk.reset()
        store.trusted_keys, admin.media_dir = keys, media


def _wait_while(kiosk: Kiosk, busy: str, what: str, timeout_s: float = 30.0) -> None:
    """Pump Kivy until the admin screen's ``busy`` flag drops (the work runs on a thread)."""
    end = time.monotonic() + timeout_s
    while getattr(kiosk.screen, busy):
        assert time.monotonic() < end, f"the {what} never reported back"
        kiosk.pump(1, seconds=0.02)
    kiosk.pump(2)


def wait_for_usb_scan(kiosk: Kiosk) -> None:
    """The stick is read off the Kivy thread: wait until the list is on the page."""
    _wait_while(kiosk, "scanning", "USB scan")


def open_admin(kiosk: Kiosk) -> None:
    kiosk.tap("工作人员")
    kiosk.type_digits(STAFF_ID)
    kiosk.tap("下一步")
    kiosk.type_digits(STAFF_PIN)
    kiosk.tap("登录")
    kiosk.tap("管理信息")
    assert kiosk.screen.name == "admin"
    wait_for_usb_scan(kiosk)
    assert "U盘里的内容包" in kiosk.texts()


def confirm(kiosk: Kiosk, answer: str) -> None:
    view = kiosk.app.confirm_view
    assert view is not None and view.parent is not None, "no confirmation was shown"
    kiosk.tap(answer, exact=True)
    assert view.parent is None


def wait_for_install(kiosk: Kiosk) -> None:
    _wait_while(kiosk, "installing", "install")


def test_staff_install_a_newer_pack_from_the_stick_and_residents_get_it_when_idle(
    kiosk: Kiosk, usb: Path, tmp_path: Path
) -> None:
    app = kiosk.app
    put_pack(usb, tmp_path, "2.0.0")
    old_version = app.pack.version
    assert app.startup.pack_store.active_version() == old_version == BUNDLED_VERSION
    open_admin(kiosk)
    assert any("版本 2.0.0" in t and "可以安装" in t for t in kiosk.texts())

    # 不安装 changes nothing.
    kiosk.tap("安装 2.0.0")
    assert "要安装内容包 2.0.0 吗？" in kiosk.texts()
    confirm(kiosk, "不安装")
    assert app.startup.pack_store.active_version() == BUNDLED_VERSION

    kiosk.tap("安装 2.0.0")
    confirm(kiosk, "安装")
    wait_for_install(kiosk)
    texts = kiosk.texts()
    assert any("已安装内容包" in t and "新内容会在这位居民办完后生效" in t for t in texts), texts
    assert app.startup.pack_store.active_version() == "2.0.0"
    assert app.pack.version == old_version  # still serving the old pack to this session
    entry = next(e for e in app.services.audit.entries(limit=20) if e.action == "pack.installed")
    assert entry.actor == f"staff:{STAFF_ID}"
    # Now it is no newer than the active one: no button to install it again.
    with pytest.raises(LookupError):
        kiosk.find("安装 2.0.0")

    kiosk.tap("结束并清除")
    kiosk.pump(3)
    assert kiosk.screen.name == "home"
    assert app.pack.version == "2.0.0"

    # And back again with 回退到上一个版本 (confirmed).
    open_admin(kiosk)
    kiosk.tap("回退到上一个版本")
    assert "要回退到上一个版本吗？" in kiosk.texts()
    confirm(kiosk, "回退")
    assert app.startup.pack_store.active_version() == BUNDLED_VERSION
    assert any("已从" in t and "回退到" in t for t in kiosk.texts())
    assert app.pack.version == "2.0.0"  # until this session ends
    kiosk.reset()
    assert app.pack.version == BUNDLED_VERSION


def test_a_tampered_or_foreign_pack_is_refused_with_its_reason_and_nothing_changes(
    kiosk: Kiosk, usb: Path, tmp_path: Path
) -> None:
    app = kiosk.app
    put_pack(usb, tmp_path, "3.0.0", tamper=True)
    put_pack(usb, tmp_path, "2.1.0", key=STRANGER)
    open_admin(kiosk)
    # Signed by a key the terminal doesn't trust: said so, and no 安装 button.
    assert any("版本 2.1.0" in t and "签名密钥不受信任" in t for t in kiosk.texts())
    with pytest.raises(LookupError):
        kiosk.find("安装 2.1.0")

    # A changed file is only found by the full check, when staff confirm.
    kiosk.tap("安装 3.0.0")
    confirm(kiosk, "安装")
    wait_for_install(kiosk)
    texts = kiosk.texts()
    assert any("没有安装" in t and "现在的内容照常使用" in t for t in texts), texts
    assert app.startup.pack_store.active_version() == BUNDLED_VERSION
    assert app.pack.version == BUNDLED_VERSION
    entry = next(
        e for e in app.services.audit.entries(limit=20) if e.action == "pack.install_refused"
    )
    assert entry.actor == f"staff:{STAFF_ID}"


def test_the_usb_section_meets_the_elder_friendly_numbers_with_packs_listed(
    kiosk: Kiosk, usb: Path, tmp_path: Path
) -> None:
    from kivy.core.window import Window

    from screens.audit import audit
    from screens.theme import FONT_SCALE_ORDER, THEMES

    put_pack(usb, tmp_path, "3.0.0", tamper=True)
    put_pack(usb, tmp_path, "2.1.0", key=STRANGER)
    put_pack(usb, tmp_path, "2.0.0")
    open_admin(kiosk)
    kiosk.tap("安装 3.0.0")
    confirm(kiosk, "安装")
    wait_for_install(kiosk)  # a refusal message with its problems is on the page too
    screen, style = kiosk.screen, kiosk.app.style
    problems: list[str] = []
    try:
        for size in ((1920, 1080), (1280, 800)):
            Window.size = size
            combos = [("default", s) for s in FONT_SCALE_ORDER] + [(t, "xlarge") for t in THEMES]
            for theme, scale in combos:
                style.apply(theme, scale)
                for scroll_y in (1, 0):  # the top of the page, and the USB section at the bottom
                    screen.page.scroll.scroll_y = scroll_y
                    kiosk.pump(2)
                    found = audit(kiosk.roots(), style, size)
                    problems += [f"{size} {theme}/{scale}: {p}" for p in found]
                if scale == "xlarge":  # the confirmation, with its longer explanation
                    kiosk.tap("安装 2.0.0")
                    kiosk.pump(2)
                    found = audit(kiosk.roots(), style, size)
                    problems += [f"{size} {theme}/{scale} confirm: {p}" for p in found]
                    confirm(kiosk, "不安装")
    finally:
        Window.size = (1920, 1080)
        style.apply("default", "standard")
        kiosk.pump(2)
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_a_stick_pulled_out_mid_read_is_said_in_chinese(
    kiosk: Kiosk, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pulled_out() -> list[object]:
        raise OSError(errno.ENODEV, "No such device")

    monkeypatch.setattr(kiosk.app.services.pack_admin, "media_packs", pulled_out)
    open_admin(kiosk)
    texts = kiosk.texts()
    assert any("读不了U盘" in t and "已经拔出" in t for t in texts), texts
    assert not any("No such device" in t for t in texts), texts
