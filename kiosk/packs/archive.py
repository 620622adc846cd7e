"""Reading pack zips without trusting them, and writing them reproducibly.

A zip from a USB stick or the network may try to write outside the staging directory
(``../../etc``, absolute paths, symlinks) or be a zip bomb whose headers lie about sizes. Every
entry is checked before anything is written, and sizes are counted on the bytes actually
decompressed, not on what the header claims.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kiosk.packs.manifest import MANIFEST_NAME, SIGNATURE_NAME, list_pack_files, safe_relative_path
from offline_cache.durable import fsync_dir
from offline_cache.os_errors import plain_reason
from offline_cache.pack_errors import PackRefused

MiB = 1024 * 1024
# What the zip module and the decompressors raise on a damaged or unusual archive (a bad CRC, a
# truncated stream, an unknown compression method, an encrypted entry, a header that lies). Each
# is a broken pack for the administrator, never a traceback.
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OverflowError,
    UnicodeDecodeError,
    IndexError,
)
# Fixed timestamp: signing the same directory twice gives the same zip bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds for one pack; the bundled pack is well under 1 MiB, audio prompts a few MiB."""

    max_files: int = 5000
    max_file_bytes: int = 50 * MiB
    max_total_bytes: int = 300 * MiB


DEFAULT_LIMITS = ArchiveLimits()


def mib(n: int) -> str:
    """A size as administrators read it in the docs: binary megabytes, written ``MiB``."""
    return f"{n / MiB:.1f} MiB"


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except OSError as exc:
        raise PackRefused("not_a_pack", f"读不出 {path}：{plain_reason(exc)}。") from None
    except _DAMAGED:
        raise PackRefused(
            "not_a_pack", f"{path.name} 不是完整的 zip 文件（可能没拷贝完或已损坏）。"
        ) from None


def _damaged(zip_path: Path, entry: str) -> PackRefused:
    return PackRefused(
        "not_a_pack",
        f"{zip_path.name} 里的 {entry} 已损坏，解压不出来（请重新拷贝或下载这个内容包）。",
    )


def check_entries(zf: zipfile.ZipFile, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """The file entries of the zip, or a refusal naming the first unsafe or oversized one."""
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        raise PackRefused(
            "too_large", f"内容包有 {len(infos)} 个文件，超过上限 {limits.max_files} 个。"
        )
    unsafe: list[str] = []
    duplicates: list[str] = []
    seen: set[str] = set()
    files: list[zipfile.ZipInfo] = []
    total = 0
    for info in infos:
        name = info.filename
        if not name:  # a zeroed name length in the header: damaged, and unnamed on disk
            raise PackRefused("not_a_pack", "内容包里有一个没有名字的文件，zip 已损坏。")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            unsafe.append(f"{name}: 是符号链接，可能指向内容包以外")
            continue
        bare = name[:-1] if info.is_dir() else name
        problem = safe_relative_path(bare)
        if problem:
            unsafe.append(problem)
            continue
        if info.is_dir():
            continue
        if name in seen:
            duplicates.append(name)
            continue
        seen.add(name)
        if info.file_size > limits.max_file_bytes:
            raise PackRefused(
                "too_large",
                f"{name} 有 {mib(info.file_size)}，超过单个文件上限 {mib(limits.max_file_bytes)}。",
            )
        total += info.file_size
        files.append(info)
    if unsafe:
        raise PackRefused("unsafe_path", "内容包里有会写到内容包目录以外的路径，拒绝安装。", unsafe)
    if duplicates:
        # Two entries of one name: which one counts is up to the unzip tool, so the pack is
        # ambiguous (damaged or tampered with), but nothing would land outside the pack.
        raise PackRefused(
            "not_a_pack",
            f"内容包里有同名的文件出现了不止一次：{'、'.join(sorted(set(duplicates)))}，"
            "内容包已损坏，拒绝安装。",
        )
    if total > limits.max_total_bytes:
        raise PackRefused(
            "too_large", f"内容包解压后有 {mib(total)}，超过上限 {mib(limits.max_total_bytes)}。"
        )
    return files


def _copy_limited(
    src: IO[bytes], dest: Path, name: str, limits: ArchiveLimits, total: list[int]
) -> None:
    written = 0
    with dest.open("wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            total[0] += len(chunk)
            # Headers can lie (zip bombs): count what really comes out.
            if written > limits.max_file_bytes:
                raise PackRefused(
                    "too_large",
                    f"{name} 解压后超过单个文件上限 {mib(limits.max_file_bytes)}。",
                )
            if total[0] > limits.max_total_bytes:
                raise PackRefused(
                    "too_large", f"内容包解压后超过上限 {mib(limits.max_total_bytes)}。"
                )
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def extract(zip_path: Path, dest: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Extract a pack zip into the empty directory ``dest``, fsyncing every file and directory."""
    with _open_zip(zip_path) as zf:
        files = check_entries(zf, limits)
        total = [0]
        dirs: set[Path] = {dest}
        for info in files:
            target = dest / info.filename
            # Belt and braces after safe_relative_path: the resolved target must stay inside.
            if not target.resolve().is_relative_to(dest.resolve()):
                raise PackRefused("unsafe_path", f"{info.filename}: 跳出了内容包目录")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                p = target.parent
                while p != dest and p not in dirs:
                    dirs.add(p)
                    p = p.parent
                with zf.open(info) as src:
                    _copy_limited(src, target, info.filename, limits, total)
            except _DAMAGED:
                raise _damaged(zip_path, info.filename) from None
            except OSError as exc:
                # "a" as a file and "a/b" in the same zip: a broken pack, not a disk problem.
                if exc.errno in (errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                    raise PackRefused(
                        "not_a_pack", f"{info.filename} 与 zip 里另一个同名的文件或目录冲突。"
                    ) from None
                if exc.errno == errno.EINVAL:  # a seek the zip's offsets sent before the start
                    raise _damaged(zip_path, info.filename) from None
                if exc.errno in (errno.ENAMETOOLONG, errno.EILSEQ):
                    raise PackRefused(
                        "not_a_pack", f"{zip_path.name} 里有文件名无法使用的文件：{info.filename}"
                    ) from None
                raise
        for d in sorted(dirs, key=lambda x: len(x.parts), reverse=True):
            fsync_dir(d)


def unpack(source: Path, dest: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Put a pack zip, or a pack directory, into the empty directory ``dest``, durably."""
    if source.is_dir():
        _copy_tree(source, dest, limits)
    else:
        extract(source, dest, limits)


def _copy_tree(source: Path, dest: Path, limits: ArchiveLimits) -> None:
    """Copy a pack directory's files (content, manifest, signature) with fsync, within limits."""
    files = list_pack_files(source)
    for extra in (MANIFEST_NAME, SIGNATURE_NAME):
        if (source / extra).is_file():
            files[extra] = source / extra
    if len(files) > limits.max_files:
        raise PackRefused(
            "too_large", f"内容包有 {len(files)} 个文件，超过上限 {limits.max_files} 个。"
        )
    sizes = {rel: path.stat().st_size for rel, path in files.items()}
    for rel, size in sizes.items():
        if size > limits.max_file_bytes:
            raise PackRefused(
                "too_large",
                f"{rel} 有 {mib(size)}，超过单个文件上限 {mib(limits.max_file_bytes)}。",
            )
    if sum(sizes.values()) > limits.max_total_bytes:
        raise PackRefused(
            "too_large",
            f"内容包有 {mib(sum(sizes.values()))}，超过上限 {mib(limits.max_total_bytes)}。",
        )
    dirs = {dest}
    for rel, path in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        parent = target.parent
        while parent != dest:
            dirs.add(parent)
            parent = parent.parent
        with path.open("rb") as src, target.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
    for d in sorted(dirs, key=lambda x: len(x.parts), reverse=True):
        fsync_dir(d)


def read_member(zip_path: Path, name: str, max_bytes: int = 4 * MiB) -> bytes | None:
    """One small file of a zip (e.g. the manifest, to show staff before installing)."""
    with _open_zip(zip_path) as zf:
        try:
            info = zf.getinfo(name)
        except KeyError:
            return None
        if info.file_size > max_bytes:
            raise PackRefused("too_large", f"{name} 太大（{mib(info.file_size)}）。")
        try:
            with zf.open(info) as f:
                data = f.read(max_bytes + 1)
        except (*_DAMAGED, OSError):  # nothing is written here: an OSError is the zip's
            raise _damaged(zip_path, name) from None
        if len(data) > max_bytes:
            raise PackRefused("too_large", f"{name} 太大。")
        return data


def write(
    out_path: Path, files: dict[str, Path], manifest_bytes: bytes, signature_bytes: bytes
) -> None:
    """Write a signed pack zip (temp file + rename: a half-written zip never has the real name)."""
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in ((MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature_bytes)):
            zf.writestr(_info(name), data)
        for rel in sorted(files):
            zf.writestr(_info(rel), files[rel].read_bytes())
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, out_path)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info
