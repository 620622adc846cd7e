"""A file or disk problem is explained in plain Chinese everywhere, never in the system's English.

Tests run as root, so "no permission" can't be staged with a mode-000 file; a folder where a
file should be and a missing file give the same kind of ``OSError`` the code must explain.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

from kiosk import sealing
from kiosk.config import ConfigError, load_config
from kiosk.staff import StaffDirectory, StaffError
from kiosk.sync.signing import CredentialsError, load_credentials
from offline_cache.os_errors import DiskTrouble, plain_reason, trouble_of
from offline_cache.store import Store

LETTERS = re.compile(r"[A-Za-z]+")


def english_in(message: str, *paths: Path) -> list[str]:
    """The ASCII words left in ``message`` once the paths it names (and U盘) are taken out."""
    for path in paths:
        message = message.replace(str(path), "")
    message = message.replace("U盘", "")
    return LETTERS.findall(message)


NAMED = [
    (errno.EACCES, "没有权限"),
    (errno.EPERM, "没有权限"),
    (errno.EROFS, "只能读"),
    (errno.ENOENT, "找不到"),
    (errno.EISDIR, "文件夹"),
    (errno.ENOTDIR, "不是文件夹"),
    (errno.ENOSPC, "满了"),
    (errno.EDQUOT, "满了"),
    (errno.EIO, "读写出错"),
    (errno.ENODEV, "拔出"),
    (errno.ENXIO, "拔出"),
    (errno.ENOMEDIUM, "拔出"),
    (errno.EEXIST, "同名"),
    (errno.ENAMETOOLONG, "太长"),
]


@pytest.mark.parametrize(("number", "words"), NAMED)
def test_each_kind_of_disk_trouble_has_its_own_chinese_reason(number: int, words: str) -> None:
    exc = OSError(number, "English words from the system")
    assert trouble_of(exc) is not DiskTrouble.OTHER
    reason = plain_reason(exc)
    assert words in reason
    assert english_in(reason) == []


def test_trouble_without_a_name_still_says_so_in_chinese_with_its_number() -> None:
    assert plain_reason(OSError(errno.ELOOP, "Too many levels of symbolic links")) == (
        f"系统出错（错误号 {errno.ELOOP}）"
    )
    assert plain_reason(OSError("libportaudio.so not found")) == "系统出错"


def test_a_key_file_that_cannot_be_read_is_explained_in_chinese(tmp_path: Path) -> None:
    missing = tmp_path / "province.pub"
    with pytest.raises(sealing.SealingError) as info:
        sealing.load_public_key(missing)
    message = str(info.value)
    assert "找不到这个文件" in message and english_in(message, missing) == [], message
    with pytest.raises(sealing.SealingError) as info:
        sealing.load_private_key(tmp_path)  # a folder where the key file should be
    message = str(info.value)
    assert "这是一个文件夹" in message and english_in(message, tmp_path) == [], message


def test_a_credentials_file_that_cannot_be_read_is_explained_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError) as info:
        load_credentials(tmp_path)
    assert english_in(str(info.value), tmp_path) == [], info.value


def test_a_broken_staff_file_is_explained_in_chinese(tmp_path: Path) -> None:
    staff = StaffDirectory(Store(tmp_path / "kiosk.sqlite3"))
    missing, broken = tmp_path / "staff.json", tmp_path / "broken.json"
    broken.write_text('{"staff": [', encoding="utf-8")
    with pytest.raises(StaffError) as info:
        staff.import_file(missing)
    assert "找不到" in str(info.value) and english_in(str(info.value), missing) == []
    with pytest.raises(StaffError) as info:
        staff.import_file(broken)
    assert "不是完整的" in str(info.value), info.value


def test_a_config_file_with_a_typo_names_the_line_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[ui]\nfont_scale = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert "第 2 行" in message and "Invalid" not in message, message


def test_a_folder_given_as_a_recording_or_strokes_file_is_said_in_chinese(tmp_path: Path) -> None:
    from kiosk.devices.handwriting import Ink, InkError
    from voice.audio import AudioError, WavFileSource

    with pytest.raises(AudioError) as audio:
        WavFileSource(tmp_path)
    with pytest.raises(InkError) as ink:
        Ink.load(tmp_path)
    for problem in (audio.value, ink.value):
        assert "这是一个文件夹" in str(problem) and english_in(str(problem), tmp_path) == []
