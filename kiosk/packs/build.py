"""Turning a reviewed pack directory into a signed zip (the administrator's side).

The bureau's signing key is made here (:func:`new_signing_key`), the manifest kept current
(:func:`update_manifest`), a source checked (:func:`check_source`, :func:`check_source_or_zip`)
and signed (:func:`sign_directory`) — what ``kiosk-admin pack keygen | manifest | validate | sign``
run.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.packs import archive
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import (
    MANIFEST_NAME,
    Manifest,
    file_problems,
    list_pack_files,
    regenerate,
)
from kiosk.packs.schema_check import schema_problems
from kiosk.packs.signing import Signature, fingerprint, generate_key, sign
from kiosk.packs.verify import read_signature
from offline_cache.os_errors import plain_reason

if TYPE_CHECKING:
    from kiosk.packs.review import ContentReview


def regenerate_command(directory: Path) -> str:
    return f"kiosk-admin pack manifest {directory}"


def check_source(directory: Path) -> Manifest:
    """A source directory is signable when its manifest is current and its data loads."""
    if not directory.is_dir():
        raise PackRefused("not_a_pack", f"{directory} 不是目录。")
    manifest = Manifest.read(directory)
    stale = file_problems(directory, manifest)
    if stale:
        raise PackRefused(
            "files_changed",
            f"manifest.json 与目录里的文件不一致。请先运行：{regenerate_command(directory)}"
            "（需要时加 --version 新版本号），检查后再签名。",
            stale,
        )
    problems = schema_problems(directory)
    if problems:
        raise PackRefused(
            "schema", f"内容包 {manifest.label()} 的数据不符合格式要求，不能签名。", problems
        )
    return manifest


def sign_directory(
    directory: Path, key: Ed25519PrivateKey, out_path: Path
) -> tuple[Manifest, Signature]:
    """Sign exactly the manifest on disk and write ``out_path`` (zip) with every listed file."""
    manifest = check_source(directory)
    manifest_bytes = (directory / MANIFEST_NAME).read_bytes()
    signature = sign(manifest_bytes, key)
    archive.write(out_path, list_pack_files(directory), manifest_bytes, signature.to_bytes())
    return manifest, signature


@dataclass(frozen=True)
class NewSigningKey:
    private_key: Path
    public_key: str
    public_key_file: Path
    fingerprint: str


def new_signing_key(private_path: Path, passphrase: bytes | None = None) -> NewSigningKey:
    """A new bureau key pair: the private key (0600) and ``.pub`` beside it, never overwriting.

    Raises ``ValueError`` with a plain sentence when a file exists or can't be written.
    """
    public_path = private_path.with_suffix(".pub")
    for existing in (private_path, public_path):
        if existing.exists():
            raise ValueError(f"{existing} 已经存在，不会覆盖已有密钥。请换一个文件名。")
    try:
        public = generate_key(private_path, passphrase)
    except OSError as exc:
        raise ValueError(f"写不了私钥文件 {private_path}：{plain_reason(exc)}") from None
    public_path.write_text(public + "\n", encoding="ascii")
    return NewSigningKey(private_path, public, public_path, fingerprint(public))


@dataclass(frozen=True)
class ManifestUpdate:
    directory: Path
    manifest: Manifest
    changed: bool
    # Files changed but the version did not: terminals won't install the same version twice.
    version_unchanged_with_new_files: bool

    def message(self) -> str:
        """What was written, for the administrator (with a hint when the version must move)."""
        m = self.manifest
        text = (
            f"{self.directory / MANIFEST_NAME} {'已更新' if self.changed else '无变化'}："
            f"{m.label()}，{len(m.files)} 个文件，"
            f"{m.valid_from} 起生效，需要程序 {m.min_app_version} 以上。"
        )
        if self.version_unchanged_with_new_files:
            text += (
                f"\n提示：文件有变化，但版本号仍是 {m.version}。"
                "要发给终端安装，请加 --version 提高版本号（终端不会重复安装同一版本）。"
            )
        return text


def update_manifest(directory: Path, **fields: str | None) -> ManifestUpdate:
    """:func:`~kiosk.packs.manifest.regenerate` (``fields``: its keyword arguments), noting files
    that changed while the version stayed the same."""
    if not directory.is_dir():
        raise PackRefused("not_a_pack", f"{directory} 不是目录。")
    try:
        before = Manifest.read(directory) if (directory / MANIFEST_NAME).is_file() else None
    except PackRefused:
        before = None  # an unreadable manifest is simply rewritten
    manifest, changed = regenerate(directory, **fields)
    same_version_new_files = (
        before is not None and before.version == manifest.version and before.files != manifest.files
    )
    return ManifestUpdate(directory, manifest, changed, same_version_new_files)


@dataclass(frozen=True)
class CheckedSource:
    """A pack source that passed :func:`check_source`, with what an administrator must see."""

    manifest: Manifest
    signature: Signature | None  # carried by the source; not checked against any key here
    review: ContentReview


def check_source_or_zip(path: Path) -> CheckedSource:
    """:func:`check_source` on a directory, or on a zip unpacked to a temporary directory, and
    the content review (:mod:`kiosk.packs.review`) of what the terminal would load from it."""
    if path.is_file():
        with tempfile.TemporaryDirectory(prefix="pack-validate-") as tmp:
            archive.extract(path, Path(tmp))
            return _checked(Path(tmp))
    if not path.is_dir():
        raise PackRefused("not_a_pack", f"找不到 {path}。")
    return _checked(path)


def _checked(directory: Path) -> CheckedSource:
    from kiosk.content import PackError, load_pack
    from kiosk.packs.review import content_review

    manifest = check_source(directory)
    signature = read_signature(directory)
    try:
        review = content_review(load_pack(directory))
    except PackError as exc:
        raise PackRefused("bad_content", "内容包数据有误：" + "；".join(exc.problems[:3])) from None
    return CheckedSource(manifest, signature, review)
