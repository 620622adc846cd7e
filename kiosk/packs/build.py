"""Turning a reviewed pack directory into a signed zip (the administrator's side)."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.packs import archive
from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import MANIFEST_NAME, Manifest, file_problems, list_pack_files
from kiosk.packs.schema_check import schema_problems
from kiosk.packs.signing import Signature, sign


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
