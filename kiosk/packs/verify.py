"""Everything that must hold before a pack may be used, in the order an administrator fixes it."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk import __version__ as APP_VERSION
from kiosk.packs import archive
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import (
    CHINA_TZ,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    Manifest,
    Version,
    file_problems,
)
from kiosk.packs.schema_check import schema_problems
from kiosk.packs.signing import Signature, fingerprint, verify
from offline_cache.store import explain_os_error


@dataclass(frozen=True)
class VerifiedPack:
    directory: Path
    manifest: Manifest
    signer: str | None  # base64 public key; None for the bundled pack (trusted as code)

    @property
    def signer_fingerprint(self) -> str:
        return fingerprint(self.signer) if self.signer else "内置"


def read_signature(directory: Path) -> Signature | None:
    path = directory / SIGNATURE_NAME
    return Signature.from_bytes(path.read_bytes()) if path.is_file() else None


def check_pack_dir(
    directory: Path,
    trusted_keys: Sequence[str],
    *,
    now: datetime | None = None,
    app_version: str = APP_VERSION,
    require_signature: bool = True,
    integrity_only: bool = False,
) -> VerifiedPack:
    """Refuse (``PackRefused``) unless the directory is a signed, intact, current, loadable pack.

    ``require_signature=False`` is only for the bundled pack, which ships inside the app and is
    trusted exactly as much as the code next to it. ``integrity_only`` checks signature and
    hashes but not app version, validity date or schema (an installed pack passed those when it
    was installed; a terminal re-checks integrity each time it starts serving a pack).
    """
    manifest_path = directory / MANIFEST_NAME
    if not manifest_path.is_file():
        raise PackRefused("not_a_pack", f"{directory} 里没有 manifest.json，不是内容包。")
    manifest_bytes = manifest_path.read_bytes()
    signer: str | None = None
    if require_signature:
        signer = verify(manifest_bytes, read_signature(directory), list(trusted_keys))
    manifest = Manifest.from_bytes(manifest_bytes)
    # Strict unless it is the bundled pack (a source tree that may carry editor litter).
    changed = file_problems(directory, manifest, strict=require_signature)
    if changed:
        raise PackRefused(
            "files_changed",
            f"内容包 {manifest.label()} 的文件与签名清单不一致，拒绝使用。",
            changed,
        )
    if integrity_only:
        return VerifiedPack(directory, manifest, signer)
    if Version.parse(app_version) < Version.parse(manifest.min_app_version):
        raise PackRefused(
            "app_too_old",
            f"内容包 {manifest.label()} 需要终端程序 {manifest.min_app_version} 或更新，"
            f"本终端是 {app_version}，请先升级程序。",
        )
    when = now or datetime.now(UTC)
    if manifest.valid_from_time > when:
        local = manifest.valid_from_time.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        raise PackRefused(
            "not_yet_valid",
            f"内容包 {manifest.label()} 尚未生效：{local}（北京时间）起才能使用。",
        )
    problems = schema_problems(directory)
    if problems:
        raise PackRefused(
            "schema", f"内容包 {manifest.label()} 的数据不符合格式要求，终端无法使用。", problems
        )
    return VerifiedPack(directory, manifest, signer)


def check_pack_file(path: Path, trusted_keys: Sequence[str]) -> VerifiedPack:
    """:func:`check_pack_dir` on a pack directory, or on a zip unpacked to a temporary directory
    (removed again: the result's ``directory`` is then only a name)."""
    if path.is_dir():
        return check_pack_dir(path, trusted_keys)
    try:
        with tempfile.TemporaryDirectory(prefix="pack-verify-") as tmp:
            archive.extract(path, Path(tmp))
            return check_pack_dir(Path(tmp), trusted_keys)
    except OSError as exc:
        # The temporary copy could not be written (full or read-only /tmp): say so plainly.
        raise PackRefused("disk", explain_os_error(exc, Path(tempfile.gettempdir()))) from None


def upgrade_note(current: Manifest, offered: Manifest) -> str:
    """What installing ``offered`` (not refused as a downgrade) would do on a terminal serving
    ``current``."""
    if offered.semver > current.semver:
        return f"本终端现在是 {current.label()}，安装后升级到 {offered.version}。"
    return f"本终端现在是 {current.label()}，将按管理员的要求装回版本 {offered.version}。"
