"""A bad USB stick: symlinks skipped, zip bombs refused before parsing, the scan bounded."""

from __future__ import annotations

import struct
import threading
import zipfile
from pathlib import Path

import pytest

from kiosk.packs import sources
from kiosk.packs.sources import media_candidates
from kiosk.packs.staff_actions import PackAdmin
from offline_cache.pack_store import PackStore
from tests.packs.conftest import MakePack, SignPack


def test_a_symlink_on_the_stick_is_never_followed(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    elsewhere = tmp_path / "terminal-private"
    elsewhere.mkdir()
    sign_pack(make_pack("2.0.0"), name="real.zip").rename(elsewhere / "real.zip")
    (usb / "link.zip").symlink_to(elsewhere / "real.zip")
    (usb / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    assert media_candidates(usb, pack_store) == []


def test_a_zip_claiming_a_huge_central_directory_is_refused_before_it_is_parsed(
    pack_store: PackStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    # Only the end record: 1,000,000 entries in a 100 MB directory. zipfile would try to read it.
    bomb = usb / "bomb.zip"
    bomb.write_bytes(
        struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 65000, 65000, 100_000_000, 0, 0)
    )

    def must_not_parse(*_a: object, **_k: object) -> None:
        raise AssertionError("the zip was opened")

    monkeypatch.setattr(sources.archive, "read_member", must_not_parse)
    [candidate] = media_candidates(usb, pack_store)
    assert not candidate.installable and "不像是内容包" in (candidate.problem or "")


def test_a_zip_with_too_many_entries_is_refused_by_its_end_record(
    pack_store: PackStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(sources, "MAX_ZIP_ENTRIES", 10)
    with zipfile.ZipFile(usb / "many.zip", "w") as z:
        for i in range(11):
            z.writestr(f"f{i}.txt", "x")
    [candidate] = media_candidates(usb, pack_store)
    assert "11 个" in (candidate.problem or "")


def test_a_stick_with_very_many_files_is_looked_at_only_up_to_a_bound(
    pack_store: PackStore,
    make_pack: MakePack,
    sign_pack: SignPack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usb = tmp_path / "usb"
    (usb / "junk").mkdir(parents=True)
    monkeypatch.setattr(sources, "MAX_ENTRIES_SCANNED", 30)
    for i in range(200):
        (usb / "junk" / f"{i}.txt").write_text("x")
    sign_pack(make_pack("2.0.0"), name="a.zip").rename(usb / "a.zip")
    scanned: list[int] = []
    real_scan = sources._scan

    def counting(folder: Path, found: list[Path], budget: list[int]) -> list[Path]:
        before = budget[0]
        out = real_scan(folder, found, budget)
        scanned.append(before - max(budget[0], 0))
        return out

    monkeypatch.setattr(sources, "_scan", counting)
    assert [c.path.name for c in media_candidates(usb, pack_store)] == ["a.zip"]
    assert sum(scanned) <= 30


def test_the_stick_is_scanned_off_the_calling_thread(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    sign_pack(make_pack("2.0.0"), name="a.zip").rename(usb / "a.zip")
    admin = PackAdmin(pack_store, None, usb)
    seen: list[object] = []
    threads: list[str] = []
    finished = threading.Event()

    def done(found: object) -> None:
        seen.append(found)
        threads.append(threading.current_thread().name)
        finished.set()

    admin.media_packs_in_background(done)
    assert finished.wait(30)
    assert threads == ["usb-scan"] and isinstance(seen[0], list) and len(seen[0]) == 1
