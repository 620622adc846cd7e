"""Every pack this terminal knows of, for ``kiosk-admin pack list``.

The installed versions (active, kept for rollback, bundled), any problem with the active pack on
disk, the trusted signing keys of the config and the pack zips on removable media with whether
each can be installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.packs import signing
from kiosk.packs.manifest import Manifest
from kiosk.packs.sources import Candidate, media_candidates
from offline_cache.pack_store import PackInfo, PackStore

_STATUS = {"active": "正在使用", "previous": "可回退", "bundled": "内置"}


@dataclass(frozen=True)
class TrustedKey:
    key: str
    valid: bool  # a well-formed Ed25519 public key
    fingerprint: str


@dataclass(frozen=True)
class PackListing:
    packs: list[PackInfo]
    active_problems: list[str]
    trusted_keys: list[TrustedKey]
    media_dir: Path | None
    media: list[Candidate]

    def lines(self) -> list[str]:
        """The listing in plain lines for an administrator."""
        lines = ["内容包："]
        for p in self.packs:
            when = f"，安装于 {p.installed_at}" if p.installed_at else ""
            lines.append(
                f"  [{_STATUS.get(p.status, p.status)}] {p.pack_id} {p.version}（{p.region}，"
                f"{p.valid_from} 起生效，签名 {p.signer_fingerprint or '—'}{when}）"
            )
        if self.active_problems:
            lines.append("警告：正在使用的内容包有问题：" + "；".join(self.active_problems))
        lines.append("受信任的签名公钥（packs.trusted_keys）：")
        if not self.trusted_keys:
            lines.append("  （没有配置，任何内容包都不能安装）")
        for k in self.trusted_keys:
            state = f"指纹 {k.fingerprint}" if k.valid else "不是有效的 Ed25519 公钥，请检查配置"
            lines.append(f"  {k.key[:16]}…  {state}")
        if self.media_dir is not None:
            lines.append(f"移动存储 {self.media_dir} 上的内容包：")
            if not self.media:
                lines.append("  （没有找到 .zip 内容包）")
            for c in self.media:
                label = c.manifest.label() if c.manifest else c.path.name
                state = "可以安装" if c.installable else f"不能安装：{c.problem}"
                lines.append(f"  {c.path}：{label} — {state}")
        return lines


def trusted_key(key: str) -> TrustedKey:
    """A configured key as an administrator checks it: well-formed or not, and its fingerprint."""
    try:
        signing.parse_public_key(key)
        valid = True
    except ValueError:
        valid = False
    return TrustedKey(key, valid, signing.fingerprint(key))


def pack_listing(
    store: PackStore[Manifest], trusted_keys: Sequence[str], media_dir: Path | None
) -> PackListing:
    """What :class:`PackListing` shows, read now."""
    return PackListing(
        packs=store.list(),
        active_problems=store.verify_active(),
        trusted_keys=[trusted_key(k) for k in trusted_keys],
        media_dir=media_dir,
        media=media_candidates(media_dir, store),
    )
