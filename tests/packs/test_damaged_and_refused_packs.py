"""Damaged zips, downgrades and refusals as an administrator sees them at the console.

Every refusal is one plain Chinese line starting with ``kiosk-admin:`` (never a traceback, never
the zip module's English), it is written to the audit log, and ``pack verify`` fails exactly when
``pack install`` on this terminal would.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.audit import AuditLog
from kiosk.packs import archive
from kiosk.packs.errors import PackRefused
from offline_cache.store import Store
from tests.conftest import KioskAdmin
from tests.packs.conftest import Keys, MakePack, SignPack

# Latin words of three letters or more, outside file names and the program's own name: English.
_ENGLISH = re.compile(r"[A-Za-z]{3,}")
_OURS = ("kiosk-admin", "changzhou", "MiB", "allow-downgrade", "rollback", "install", "pack", "zip")


def english_in(line: str, *allowed: str) -> list[str]:
    # The names in the message first (a file name holds "zip" too), then the command words.
    for word in (*sorted(allowed, key=len, reverse=True), *_OURS):
        line = line.replace(word, "")
    return _ENGLISH.findall(line)


@pytest.fixture
def terminal(tmp_path: Path, bureau: Keys) -> list[str]:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[packs]\ntrusted_keys = ["{bureau.public}"]\n',
        encoding="utf-8",
    )
    return ["--config", str(config)]


def audit_actions(tmp_path: Path) -> list[str]:
    return [e.action for e in AuditLog(Store(tmp_path / "data" / "kiosk.sqlite3")).entries()]


def corrupt_data_of(zip_path: Path, entry: str, dest: Path) -> Path:
    """A copy of the zip whose compressed bytes of ``entry`` are overwritten (headers intact)."""
    raw = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.getinfo(entry)
    name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start, start + min(info.compress_size, 64)):
        raw[i] = 0xFF
    dest.write_bytes(bytes(raw))
    return dest


@pytest.mark.parametrize("command", ["verify", "install"])
def test_a_zip_with_corrupt_compressed_data_is_refused_in_one_plain_line_and_audited(
    make_pack: MakePack,
    sign_pack: SignPack,
    terminal: list[str],
    tmp_path: Path,
    kiosk_admin: KioskAdmin,
    command: str,
) -> None:
    broken = corrupt_data_of(
        sign_pack(make_pack()), "data/legal_aid.json", tmp_path / "changzhou-2.0.0.zip"
    )
    code, out, err = kiosk_admin("pack", command, str(broken), *terminal)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kiosk-admin: ")
    assert "data/legal_aid.json" in lines[0] and "损坏" in lines[0]
    assert english_in(lines[0], "data/legal_aid.json", "changzhou-2.0.0.zip") == []
    assert audit_actions(tmp_path) == [f"pack.{command}_refused"]


def test_a_file_that_is_not_a_zip_is_refused_without_the_zip_modules_english(
    terminal: list[str], tmp_path: Path, kiosk_admin: KioskAdmin
) -> None:
    junk = tmp_path / "pack.zip"
    junk.write_bytes(b"PK\x03\x04 this is not a zip at all")
    code, _, err = kiosk_admin("pack", "verify", str(junk), *terminal)
    assert code == 1
    assert "File is not a zip file" not in err
    assert english_in(err, "pack.zip") == []


def test_a_duplicated_zip_entry_is_called_damaged_not_a_path_escaping_the_pack(
    make_pack: MakePack, sign_pack: SignPack, tmp_path: Path
) -> None:
    doubled = tmp_path / "doubled.zip"
    doubled.write_bytes(sign_pack(make_pack()).read_bytes())
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(doubled, "a") as zf,
    ):
        zf.writestr("data/hotline.json", b"{}")
    with pytest.raises(PackRefused) as info:
        archive.extract(doubled, tmp_path / "out")
    assert info.value.reason == "not_a_pack"
    assert "data/hotline.json" in info.value.message
    assert "以外" not in str(info.value)


def test_an_oversized_file_is_reported_in_mib_as_the_docs_write_it(tmp_path: Path) -> None:
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w") as zf:
        zf.writestr("assets/a.bin", b"\0" * (3 * archive.MiB))
    with pytest.raises(PackRefused) as info:
        archive.extract(big, tmp_path / "out", archive.ArchiveLimits(max_file_bytes=archive.MiB))
    assert "3.0 MiB" in info.value.message and "1.0 MiB" in info.value.message
    docs = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "50 MiB per file, 300 MiB in all" in docs


def test_verifying_a_pack_not_newer_than_the_active_one_fails_first_like_the_install_would(
    make_pack: MakePack,
    sign_pack: SignPack,
    terminal: list[str],
    tmp_path: Path,
    kiosk_admin: KioskAdmin,
) -> None:
    newer = sign_pack(make_pack("2.0.0"))
    older = sign_pack(make_pack("1.5.0"))
    assert kiosk_admin("pack", "install", str(newer), *terminal)[0] == 0
    code, out, err = kiosk_admin("pack", "verify", str(older), *terminal)
    assert code == 3
    assert err.startswith("kiosk-admin: 不能安装到本终端：") and "1.5.0" in err
    assert "可以安装" not in out + err
    # The same answer a script reads from --json, and the install really is refused.
    code, out, _ = kiosk_admin("pack", "verify", str(older), "--json", *terminal)
    assert code == 3 and json.loads(out)["installable_here"] is False
    assert kiosk_admin("pack", "install", str(older), *terminal)[0] == 1
    # With the administrator's explicit downgrade, verify and install agree again.
    code, out, _ = kiosk_admin("pack", "verify", str(older), "--allow-downgrade", *terminal)
    assert code == 0 and out.startswith("可以安装")
    code, _, _ = kiosk_admin("pack", "install", str(older), "--allow-downgrade", *terminal)
    assert code == 0


def test_verifying_with_a_key_this_terminal_does_not_trust_says_the_install_would_be_refused(
    make_pack: MakePack,
    sign_pack: SignPack,
    stranger: Keys,
    terminal: list[str],
    kiosk_admin: KioskAdmin,
) -> None:
    foreign = sign_pack(make_pack(), stranger, "foreign.zip")
    code, _, err = kiosk_admin(
        "pack", "verify", str(foreign), "--trusted-key", stranger.public, *terminal
    )
    assert code == 3 and "packs.trusted_keys" in err


@pytest.fixture(scope="module")
def small_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": 1, "files": {}}))
        zf.writestr("data/hotline.json", "热线" * 200)
        zf.writestr("assets/a.txt", b"x" * 3000)
    return buf.getvalue()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_damaged_zip_makes_the_reader_raise_anything_but_a_plain_refusal(
    small_zip: bytes, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    raw = bytearray(small_zip)
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), max_size=12)
    )
    for pos, value in edits:
        raw[pos] = value
    cut = data.draw(st.integers(0, len(raw)))
    work = tmp_path_factory.mktemp("fuzz")
    (work / "out").mkdir()
    path = work / "fuzzed.zip"
    path.write_bytes(bytes(raw[:cut]) if data.draw(st.booleans()) else bytes(raw))
    for read in (
        lambda: archive.extract(path, work / "out"),
        lambda: archive.read_member(path, "manifest.json"),
    ):
        try:
            read()
        except PackRefused as exc:
            assert english_in(exc.message, "fuzzed.zip", *_entry_names(path)) == []


@settings(max_examples=150, deadline=None)
@given(blob=st.binary(max_size=400))
def test_no_arbitrary_bytes_make_the_reader_raise_anything_but_a_plain_refusal(
    blob: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("blob")
    (work / "out").mkdir()
    path = work / "blob.zip"
    path.write_bytes(b"PK\x05\x06" + blob if blob[:1] == b"\0" else blob)
    with contextlib.suppress(PackRefused):  # a refusal is the answer; anything else fails
        archive.extract(path, work / "out")


def _entry_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return [i.filename for i in zf.infolist()]
    except Exception:  # only to allow the zip's own names in messages; the reader is tested
        return []
