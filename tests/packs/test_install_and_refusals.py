"""Installing a pack: accepted only when signed, trusted, intact, newer, valid and loadable."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from kiosk.packs import archive
from kiosk.packs.archive import ArchiveLimits
from kiosk.packs.checks import open_pack_store
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import MANIFEST_NAME, list_pack_files, regenerate
from kiosk.packs.signing import sign
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.pack_store import PackStore
from tests.packs.conftest import Keys, MakePack, SignPack, fixed_clock


def refused(store: PackStore, source: Path, reason: str, **kwargs: bool) -> PackRefused:
    """Install must refuse with ``reason`` and leave the same pack active as before."""
    before = store.active_dir()
    before_version = store.active_version()
    with pytest.raises(PackRefused) as info:
        store.install(source, **kwargs)
    assert info.value.reason == reason, str(info.value)
    assert store.active_dir() == before
    assert store.active_version() == before_version
    assert list(store.staging_dir.iterdir()) == []
    return info.value


def rezip(src: Path, dest: Path, change: dict[str, bytes | None]) -> Path:
    """Copy a signed zip entry by entry, replacing (bytes) or dropping (None) some entries."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in change:
                data = change.pop(info.filename)
                if data is not None:
                    zout.writestr(info, data)
            else:
                zout.writestr(info, zin.read(info))
        for name, data in change.items():
            if data is not None:
                zout.writestr(name, data)
    return dest


def test_a_signed_newer_pack_is_installed_and_becomes_active(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    assert pack_store.active_dir() == BUNDLED_PACK_DIR
    result = pack_store.install(sign_pack(make_pack("2.0.0")))
    assert result.manifest.version == "2.0.0"
    assert pack_store.active_version() == "2.0.0"
    assert pack_store.active_dir() == result.directory
    assert "2.0.0" in result.message and "下一位居民" in result.message
    assert pack_store.verify_active() == []


def test_a_directory_pack_with_its_signature_installs_too(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(sign_pack(make_pack("2.1.0"))) as zf:
        zf.extractall(unpacked)
    assert pack_store.install(unpacked).manifest.version == "2.1.0"


def test_an_unsigned_pack_is_refused(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    signed = sign_pack(make_pack())
    unsigned = rezip(signed, tmp_path / "unsigned.zip", {"signature.json": None})
    err = refused(pack_store, unsigned, "unsigned")
    assert "没有签名" in err.message


def test_a_pack_signed_by_an_untrusted_key_is_refused(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, stranger: Keys
) -> None:
    err = refused(pack_store, sign_pack(make_pack(), keys=stranger), "untrusted_key")
    assert "不受信任" in err.message


def test_a_terminal_without_trusted_keys_refuses_every_pack(
    data_dir: Path, make_pack: MakePack, sign_pack: SignPack
) -> None:
    store = open_pack_store(data_dir, BUNDLED_PACK_DIR, [])
    err = refused(store, sign_pack(make_pack()), "untrusted_key")
    assert "packs.trusted_keys" in err.message


def test_a_manifest_edited_after_signing_is_refused(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    signed = sign_pack(make_pack("2.0.0"))
    with zipfile.ZipFile(signed) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["version"] = "9.0.0"
    forged = rezip(
        signed, tmp_path / "forged.zip", {"manifest.json": json.dumps(manifest).encode()}
    )
    err = refused(pack_store, forged, "bad_signature")
    assert "签名" in err.message


@pytest.mark.parametrize(
    ("what", "change", "expected"),
    [
        ("changed", {"data/hotline.json": b'{"changed": true}'}, "data/hotline.json: 内容与清单"),
        ("added", {"data/extra.json": b"{}"}, "data/extra.json: 清单里没有"),
        ("removed", {"data/hotline.json": None}, "data/hotline.json: 清单里有，但文件不见了"),
    ],
)
def test_a_file_changed_added_or_removed_after_signing_is_refused_by_name(
    pack_store: PackStore,
    make_pack: MakePack,
    sign_pack: SignPack,
    tmp_path: Path,
    what: str,
    change: dict[str, bytes | None],
    expected: str,
) -> None:
    tampered = rezip(sign_pack(make_pack()), tmp_path / f"{what}.zip", dict(change))
    err = refused(pack_store, tampered, "files_changed")
    assert any(expected in p for p in err.problems), err.problems


def test_a_lower_version_is_refused_unless_the_administrator_allows_a_downgrade(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    pack_store.install(sign_pack(make_pack("2.0.0")))
    older = sign_pack(make_pack("1.9.9"))
    err = refused(pack_store, older, "downgrade")
    assert "1.9.9" in err.message and "2.0.0" in err.message and "--allow-downgrade" in err.message
    assert pack_store.install(older, allow_downgrade=True).manifest.version == "1.9.9"
    assert pack_store.active_version() == "1.9.9"


def test_the_same_version_again_is_refused_as_a_needless_reinstall(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    pack_store.install(sign_pack(make_pack("2.0.0")))
    err = refused(pack_store, sign_pack(make_pack("2.0.0")), "downgrade")
    assert "已经是版本 2.0.0" in err.message


def test_semantic_versions_compare_numerically_not_as_text(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    pack_store.install(sign_pack(make_pack("2.9.0")))
    assert pack_store.install(sign_pack(make_pack("2.10.0"))).manifest.version == "2.10.0"


def test_a_pack_not_yet_valid_is_refused_with_its_start_date(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    store = open_pack_store(
        data_dir, BUNDLED_PACK_DIR, [bureau.public], clock=fixed_clock("2026-12-31T15:00:00")
    )
    future = sign_pack(make_pack("3.0.0", valid_from="2027-01-01"))
    err = refused(store, future, "not_yet_valid")
    assert "2027-01-01" in err.message
    # At midnight Beijing time (16:00 UTC the day before) it becomes valid.
    later = open_pack_store(
        data_dir, BUNDLED_PACK_DIR, [bureau.public], clock=fixed_clock("2026-12-31T16:00:00")
    )
    assert later.install(future).manifest.version == "3.0.0"


def test_a_pack_needing_a_newer_app_is_refused(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    err = refused(pack_store, sign_pack(make_pack(min_app_version="99.0.0")), "app_too_old")
    assert "99.0.0" in err.message


def test_a_signed_pack_failing_the_schema_is_refused_with_file_and_json_path(
    pack_store: PackStore, bureau: Keys, make_pack: MakePack, tmp_path: Path
) -> None:
    # `pack sign` won't sign such a pack, but a terminal must not rely on that: sign it by hand.
    source = make_pack("2.0.0")
    (source / "data" / "hotline.json").write_text('{"not": "a hotline"}', encoding="utf-8")
    regenerate(source)
    manifest_bytes = (source / MANIFEST_NAME).read_bytes()
    out = tmp_path / "bad-schema.zip"
    signature = sign(manifest_bytes, bureau.private)
    archive.write(out, list_pack_files(source), manifest_bytes, signature.to_bytes())
    err = refused(pack_store, out, "schema")
    assert any(p.startswith("data/hotline.json: ") for p in err.problems), err.problems


@pytest.mark.parametrize(
    "evil",
    ["../escape.txt", "data/../../escape.txt", "/etc/evil.json", "C:/evil.json", "data\\..\\x"],
)
def test_a_zip_with_paths_escaping_the_pack_is_refused_before_anything_is_written(
    pack_store: PackStore,
    make_pack: MakePack,
    sign_pack: SignPack,
    tmp_path: Path,
    evil: str,
) -> None:
    bad = rezip(sign_pack(make_pack()), tmp_path / "slip.zip", {evil: b"owned"})
    err = refused(pack_store, bad, "unsafe_path")
    assert err.problems
    assert not (tmp_path / "escape.txt").exists()
    assert not (pack_store.root / "escape.txt").exists()


def test_a_zip_with_a_symlink_entry_is_refused(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    bad = tmp_path / "symlink.zip"
    rezip(sign_pack(make_pack()), bad, {})
    with zipfile.ZipFile(bad, "a") as zf:
        info = zipfile.ZipInfo("assets/link")
        info.external_attr = (0o120777) << 16
        zf.writestr(info, "/etc/passwd")
    err = refused(pack_store, bad, "unsafe_path")
    assert any("符号链接" in p for p in err.problems)


def test_an_oversized_file_is_refused(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    def add_big_audio(d: Path) -> None:
        (d / "assets" / "audio").mkdir(parents=True, exist_ok=True)
        (d / "assets" / "audio" / "intro.wav").write_bytes(b"\0" * 300_000)

    store = open_pack_store(
        data_dir,
        BUNDLED_PACK_DIR,
        [bureau.public],
        limits=ArchiveLimits(max_file_bytes=200_000),
    )
    err = refused(store, sign_pack(make_pack(edit=add_big_audio)), "too_large")
    assert "assets/audio/intro.wav" in err.message


def test_a_zip_bomb_is_refused_from_its_sizes_before_it_fills_the_disk(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    zeros = {f"assets/bomb{i}.bin": b"\0" * 150_000 for i in range(4)}  # ~600 KB from ~2 KB
    bomb = rezip(sign_pack(make_pack()), tmp_path / "bomb.zip", dict(zeros))
    assert bomb.stat().st_size < 200_000
    store = open_pack_store(
        data_dir, BUNDLED_PACK_DIR, [bureau.public], limits=ArchiveLimits(max_total_bytes=500_000)
    )
    err = refused(store, bomb, "too_large")
    assert "超过上限" in err.message


def test_a_file_that_is_not_a_zip_is_refused_plainly(pack_store: PackStore, tmp_path: Path) -> None:
    junk = tmp_path / "pack.zip"
    junk.write_bytes(b"this is not a zip")
    err = refused(pack_store, junk, "not_a_pack")
    assert "zip" in err.message


def test_a_hidden_file_slipped_into_the_zip_counts_as_added(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    bad = rezip(sign_pack(make_pack()), tmp_path / "hidden.zip", {"data/.extra.json": b"{}"})
    err = refused(pack_store, bad, "files_changed")
    assert any("data/.extra.json" in p for p in err.problems)


def test_a_zip_with_a_file_and_a_folder_of_the_same_name_is_refused_as_broken(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    bad = rezip(
        sign_pack(make_pack()), tmp_path / "clash.zip", {"assets/x": b"1", "assets/x/y": b"2"}
    )
    refused(pack_store, bad, "not_a_pack")


def test_a_data_directory_that_cannot_be_written_is_refused_plainly(
    tmp_path: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data directory should be", encoding="utf-8")
    store = open_pack_store(blocked, BUNDLED_PACK_DIR, [bureau.public])
    with pytest.raises(PackRefused) as info:
        store.install(sign_pack(make_pack()))
    assert info.value.reason == "disk"
    assert store.active_dir() == BUNDLED_PACK_DIR
