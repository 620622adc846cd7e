"""Where packs come from: a USB stick staff plug in, or the sync channel's pack endpoint.

Nothing here installs on its own: staff confirm a candidate from removable media on screen, and
the sync puller hands over bytes it downloaded. Both go through :meth:`PackStore.install`, and
both leave an audit entry whether the pack was installed or refused.
"""

from __future__ import annotations

import os
import struct
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.packs import archive
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import MANIFEST_NAME, SIGNATURE_NAME, Manifest
from kiosk.packs.signing import Signature, fingerprint
from offline_cache.os_errors import plain_reason

if TYPE_CHECKING:
    from kiosk.audit import AuditLog
    from offline_cache.pack_store import InstallResult, PackStore, RollbackResult

MAX_CANDIDATES = 50
# A stick may hold anything. Looking at it is bounded: this many directory entries at most (top
# level and one folder down together), so a stick with a million files can't stall the scan.
MAX_ENTRIES_SCANNED = 2_000
# A content pack has a few hundred files; its central directory is a few tens of KiB. A zip
# claiming far more (a zip bomb, or not a pack at all) is refused from its end record alone,
# before zipfile reads and builds that directory in memory.
MAX_ZIP_ENTRIES = 5_000
MAX_CENTRAL_DIR_BYTES = 2 * 1024 * 1024
_EOCD = struct.Struct("<4sHHHHIIH")  # end of central directory record
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_MARKERS = (0xFFFF, 0xFFFFFFFF)


@dataclass(frozen=True)
class Candidate:
    """A pack zip found on removable media, described for staff before they confirm."""

    path: Path
    size_bytes: int
    manifest: Manifest | None
    signed_by_trusted_key: bool
    is_newer: bool
    problem: str | None  # why it cannot be installed as it stands, in plain words

    @property
    def installable(self) -> bool:
        return self.problem is None

    def to_dict(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "id": m.pack_id if m else None,
            "version": m.version if m else None,
            "region": m.region if m else None,
            "valid_from": m.valid_from if m else None,
            "signed_by_trusted_key": self.signed_by_trusted_key,
            "is_newer": self.is_newer,
            "problem": self.problem,
        }


def media_candidates(media_dir: Path | None, store: PackStore[Manifest]) -> list[Candidate]:
    """Pack zips in the removable-media folder (top level and one folder down), newest first.

    Symbolic links are skipped (a link on a stick could point anywhere on the terminal), the scan
    looks at no more than :data:`MAX_ENTRIES_SCANNED` entries, and only the manifest and signature
    entries of a zip whose central directory is of a sane size are read, so listing a stick is
    quick; the full check happens when staff confirm and :func:`install_with_audit` runs. Slow
    media can still take a while: the admin screen calls this off the Kivy thread.
    """
    if media_dir is None or not media_dir.is_dir():
        return []
    try:
        paths = _zip_files(media_dir)
    except OSError:
        return []
    try:
        current = store.active_manifest()
    except (PackRefused, OSError):
        current = None
    found = [_describe(p, store.trusted_keys, current) for p in sorted(paths)[:MAX_CANDIDATES]]
    found.sort(
        key=lambda c: (c.manifest is not None, c.manifest.semver if c.manifest else None),
        reverse=True,
    )
    return found


def _zip_files(media_dir: Path) -> list[Path]:
    """Regular ``.zip`` files (never through a symlink) at the top and one folder down."""
    budget = [MAX_ENTRIES_SCANNED]
    found: list[Path] = []
    folders = _scan(media_dir, found, budget)
    for folder in sorted(folders):
        try:
            _scan(folder, found, budget)  # one level only: its own folders are not entered
        except OSError:
            continue  # an unreadable folder on the stick: the others still count
    return found


def _scan(folder: Path, found: list[Path], budget: list[int]) -> list[Path]:
    """Add ``folder``'s zips to ``found``, spending ``budget``; returns its sub-folders."""
    folders: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            budget[0] -= 1
            if budget[0] < 0:
                break
            if entry.is_symlink():  # lstat: a link on a stick could point anywhere
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
            elif _is_zip(entry):
                found.append(Path(entry.path))
    return folders


def _is_zip(entry: os.DirEntry[str]) -> bool:
    return entry.name.lower().endswith(".zip") and entry.is_file(follow_symlinks=False)


def central_directory_problem(path: Path) -> str | None:
    """Why the zip at ``path`` is not even opened (plain words), from its end record alone."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        tail_len = min(size, _EOCD.size + 0xFFFF)  # the record, then at most a 64 KiB comment
        f.seek(size - tail_len)
        tail = f.read(tail_len)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return "不是有效的 zip 文件"
    _sig, _disk, _cd_disk, _here, entries, cd_size, cd_offset, _comment = _EOCD.unpack_from(
        tail, at
    )
    if entries in _ZIP64_MARKERS or cd_size in _ZIP64_MARKERS or cd_offset in _ZIP64_MARKERS:
        return "文件太大，不像是内容包，没有打开"
    if entries > MAX_ZIP_ENTRIES or cd_size > MAX_CENTRAL_DIR_BYTES:
        return f"里面的文件太多（{entries} 个），不像是内容包，没有打开"
    if cd_offset + cd_size > size:
        return "zip 文件不完整，可能没有拷贝完"
    return None


def _describe(path: Path, trusted: Sequence[str], current: Manifest | None) -> Candidate:
    size = path.lstat().st_size
    try:
        too_big = central_directory_problem(path)
    except OSError as exc:
        too_big = f"读不了这个文件：{plain_reason(exc)}"
    if too_big:
        return Candidate(path, size, None, False, False, too_big)
    try:
        raw = archive.read_member(path, MANIFEST_NAME)
        if raw is None:
            return Candidate(path, size, None, False, False, "不是内容包（里面没有 manifest.json）")
        manifest = Manifest.from_bytes(raw)
        sig_raw = archive.read_member(path, SIGNATURE_NAME)
    except PackRefused as exc:
        return Candidate(path, size, None, False, False, exc.message)
    signer = Signature.from_bytes(sig_raw).public_key if sig_raw else None
    trusted_signer = signer is not None and signer.strip() in {k.strip() for k in trusted}
    newer = current is None or manifest.semver > current.semver
    problem = None
    if signer is None:
        problem = "没有签名"
    elif not trusted_signer:
        problem = f"签名密钥不受信任（指纹 {fingerprint(signer)}）"
    elif not newer:
        problem = f"版本 {manifest.version} 不比当前的 {current.version if current else ''} 新"
    return Candidate(path, size, manifest, trusted_signer, newer, problem)


def install_with_audit(
    store: PackStore[Manifest],
    source: Path,
    *,
    audit: AuditLog | None,
    actor: str,
    origin: str,
    allow_downgrade: bool = False,
) -> InstallResult[Manifest]:
    """Install and write the outcome (installed or refused, and why) to the audit log."""
    try:
        result = store.install(source, allow_downgrade=allow_downgrade)
    except PackRefused as exc:
        if audit is not None:
            audit.append(
                actor,
                "pack.install_refused",
                {
                    "origin": origin,
                    "file": source.name,
                    "reason": exc.reason,
                    "message": exc.message,
                },
            )
        raise
    if audit is not None:
        audit.append(
            actor,
            "pack.installed",
            {
                "origin": origin,
                "file": source.name,
                "id": result.manifest.pack_id,
                "version": result.manifest.version,
                "previous": result.previous.version if result.previous else None,
                "signer": result.signer_fingerprint,
                "allow_downgrade": allow_downgrade,
            },
        )
    return result


def rollback_with_audit(
    store: PackStore[Manifest], *, audit: AuditLog | None, actor: str
) -> RollbackResult[Manifest]:
    """Go back to the previous version (:meth:`PackStore.rollback`) and write it to the audit log."""
    result = store.rollback()
    if audit is not None:
        audit.append(
            actor,
            "pack.rolled_back",
            {
                "from": result.from_manifest.version,
                "to": result.to_manifest.version if result.to_manifest else None,
                "to_bundled": result.directory == store.bundled_dir,
            },
        )
    return result


def _advertised(manifest: bytes | dict[str, Any]) -> Manifest:
    # The endpoint may hand over the manifest as raw bytes or already parsed as a JSON object.
    return (
        Manifest.from_bytes(manifest)
        if isinstance(manifest, bytes)
        else Manifest.from_dict(manifest)
    )


def should_download(store: PackStore[Manifest], manifest: bytes | dict[str, Any]) -> bool:
    """Whether the pack the server advertises is newer than the active one (skip needless downloads)."""
    try:
        offered = _advertised(manifest)
    except PackRefused:
        return False
    try:
        return offered.semver > store.active_manifest().semver
    except PackRefused:
        return True  # nothing usable is active: any valid pack is welcome


def install_downloaded(
    store: PackStore[Manifest],
    manifest: bytes | dict[str, Any],
    zip_bytes: bytes,
    *,
    audit: AuditLog | None = None,
    actor: str = "sync",
) -> InstallResult[Manifest]:
    """Install a pack fetched from the sync channel's pack endpoint.

    ``manifest`` is what the endpoint advertised (bytes or the parsed JSON object); the zip must
    carry the same manifest (a mismatched pair means a broken or substituted download). The
    signature inside the zip is what makes it trusted, never the transport.
    """
    # Not in staging/: an install empties that folder first.
    downloads = store.root / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    tmp = downloads / f"download-{uuid.uuid4().hex[:12]}.zip"
    try:
        with tmp.open("wb") as f:
            f.write(zip_bytes)
            f.flush()
            os.fsync(f.fileno())
        inner = archive.read_member(tmp, MANIFEST_NAME)
        try:
            matches = inner is not None and Manifest.from_bytes(inner) == _advertised(manifest)
        except PackRefused:
            matches = False
        if not matches:
            refusal = PackRefused(
                "files_changed", "下载的内容包与服务器公布的清单不一致，可能下载出错，已放弃。"
            )
            if audit is not None:
                audit.append(
                    actor,
                    "pack.install_refused",
                    {"origin": "sync", "reason": refusal.reason, "message": refusal.message},
                )
            raise refusal
        return install_with_audit(store, tmp, audit=audit, actor=actor, origin="sync")
    finally:
        tmp.unlink(missing_ok=True)


def pull_from_sync(
    store: PackStore[Manifest],
    fetch_manifest: Callable[[], bytes | dict[str, Any] | None],
    fetch_zip: Callable[[bytes | dict[str, Any]], bytes | None],
    *,
    audit: AuditLog | None = None,
) -> InstallResult[Manifest] | None:
    """One round of the sync channel's pack puller.

    ``fetch_manifest`` returns what the pack endpoint advertises (``None``: nothing published or
    not reachable now); ``fetch_zip`` downloads the zip for it (``None``: try again next round).
    Only a newer pack is downloaded. Returns the install, or ``None`` when there was nothing to
    do; a pack that fails the checks raises :class:`PackRefused` (and is audited).
    """
    advertised = fetch_manifest()
    if advertised is None or not should_download(store, advertised):
        return None
    zip_bytes = fetch_zip(advertised)
    if zip_bytes is None:
        return None
    return install_downloaded(store, advertised, zip_bytes, audit=audit)
