"""Why a file or a disk let us down, in plain Chinese: the one place an ``OSError`` is explained.

The system's own words (``strerror``: "Permission denied", "No such file or directory") are
English and mean nothing to a village clerk, so no message shows them; every message that
reports an ``OSError`` takes its reason from :func:`plain_reason` instead.

It lives in ``offline_cache`` (the bottom layer) rather than ``kiosk`` because the store explains
its own disk trouble (:func:`offline_cache.store.explain_os_error`) and may import nothing of
ours; ``kiosk``, ``voice`` and ``screens`` all reach down to it.
"""

from __future__ import annotations

import errno
from enum import Enum


class DiskTrouble(Enum):
    """What kind of trouble an ``OSError`` reports, as far as staff can act on it."""

    PERMISSION = "permission"
    READ_ONLY = "read_only"
    NOT_FOUND = "not_found"
    IS_FOLDER = "is_folder"
    NOT_FOLDER = "not_folder"
    FULL = "full"
    IO = "io"
    DEVICE_GONE = "device_gone"
    EXISTS = "exists"
    NAME_TOO_LONG = "name_too_long"
    OTHER = "other"


_TROUBLE_OF_ERRNO: dict[int, DiskTrouble] = {
    errno.EACCES: DiskTrouble.PERMISSION,
    errno.EPERM: DiskTrouble.PERMISSION,
    errno.EROFS: DiskTrouble.READ_ONLY,
    errno.ENOENT: DiskTrouble.NOT_FOUND,
    errno.EISDIR: DiskTrouble.IS_FOLDER,
    errno.ENOTDIR: DiskTrouble.NOT_FOLDER,
    errno.ENOSPC: DiskTrouble.FULL,
    errno.EDQUOT: DiskTrouble.FULL,
    errno.EIO: DiskTrouble.IO,
    # A USB stick pulled out mid-read, or a network share that went away.
    errno.ENODEV: DiskTrouble.DEVICE_GONE,
    errno.ENXIO: DiskTrouble.DEVICE_GONE,
    errno.ENOMEDIUM: DiskTrouble.DEVICE_GONE,
    errno.ESTALE: DiskTrouble.DEVICE_GONE,
    errno.EEXIST: DiskTrouble.EXISTS,
    errno.ENAMETOOLONG: DiskTrouble.NAME_TOO_LONG,
}

_REASON: dict[DiskTrouble, str] = {
    DiskTrouble.PERMISSION: "没有权限读写这个位置，请换一个文件夹或请管理员检查权限",
    DiskTrouble.READ_ONLY: "这个存储设备只能读、不能写",
    DiskTrouble.NOT_FOUND: "找不到这个文件或文件夹",
    DiskTrouble.IS_FOLDER: "这是一个文件夹，请写上文件名",
    DiskTrouble.NOT_FOLDER: "路径中间有一段不是文件夹",
    DiskTrouble.FULL: "存储空间满了",
    DiskTrouble.IO: "存储设备读写出错，可能已经损坏",
    DiskTrouble.DEVICE_GONE: "U盘或存储设备已经拔出或连接不上",
    DiskTrouble.EXISTS: "已经有同名的文件",
    DiskTrouble.NAME_TOO_LONG: "文件名太长",
}


def trouble_of(exc: OSError) -> DiskTrouble:
    """The kind of trouble ``exc`` reports (by its ``errno``; :attr:`DiskTrouble.OTHER` if none)."""
    if exc.errno is None:
        return DiskTrouble.OTHER
    return _TROUBLE_OF_ERRNO.get(exc.errno, DiskTrouble.OTHER)


def plain_reason(exc: OSError) -> str:
    """Why ``exc`` happened, as a short plain-Chinese phrase (no final 。) to follow a "：".

    Never the system's English; an error number we don't name still says only that the system
    failed, with the number for whoever services the terminal.
    """
    trouble = trouble_of(exc)
    if trouble is not DiskTrouble.OTHER:
        return _REASON[trouble]
    if exc.errno is None:
        return "系统出错"
    return f"系统出错（错误号 {exc.errno}）"
