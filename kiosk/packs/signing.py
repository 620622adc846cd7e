"""Ed25519 keys and signatures over ``manifest.json``.

Public keys travel as base64 of the raw 32 bytes: short enough to paste into the terminal's
``packs.trusted_keys`` and to read aloud over the phone when checking a key. The private key is
a PKCS#8 PEM file, optionally encrypted with a passphrase.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.packs.errors import PackRefused
from offline_cache.os_errors import plain_reason

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# ``cryptography`` (≈ 50 ms to import) is imported inside the functions that use it: a kiosk
# whose pack passed every check before doesn't verify it again at start (kiosk.content's
# ValidationCache), and start-up time is what a resident waits through (issue 2).

ALGORITHM = "ed25519"


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A base64 raw key (as in the config) or a PEM public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("not ed25519")
            return key
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error):
        raise ValueError(f"{text[:60]!r} 不是 Ed25519 公钥（应为 32 字节的 base64）") from None


def fingerprint(public_key: str) -> str:
    """A short, readable id of a key for lists and the audit log (first 16 hex of sha256)."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except binascii.Error:
        raw = public_key.encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_key(private_path: Path, passphrase: bytes | None = None) -> str:
    """Write a new private key (mode 0600, never overwriting) and return its public key text."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    return public_key_text(key.public_key())


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"读不到私钥文件 {path}：{plain_reason(exc)}") from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        raise ValueError(f"私钥 {path} 有口令保护，请用 --passphrase-env 给出口令") from None
    except ValueError:
        raise ValueError(f"{path} 不是 Ed25519 私钥，或口令不对") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} 不是 Ed25519 私钥")
    return key


@dataclass(frozen=True)
class Signature:
    public_key: str
    signature: str

    def to_bytes(self) -> bytes:
        doc = {"algorithm": ALGORITHM, "public_key": self.public_key, "signature": self.signature}
        return (json.dumps(doc, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Signature:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise PackRefused(
                "unsigned", "signature.json 不是有效的 JSON，内容包等于没有签名。"
            ) from None
        if (
            not isinstance(doc, dict)
            or doc.get("algorithm") != ALGORITHM
            or not isinstance(doc.get("public_key"), str)
            or not isinstance(doc.get("signature"), str)
        ):
            raise PackRefused(
                "unsigned", "signature.json 缺少 algorithm=ed25519、public_key 或 signature。"
            )
        return cls(doc["public_key"], doc["signature"])


def sign(manifest_bytes: bytes, key: Ed25519PrivateKey) -> Signature:
    sig = key.sign(manifest_bytes)
    return Signature(public_key_text(key.public_key()), base64.b64encode(sig).decode("ascii"))


def verify(manifest_bytes: bytes, signature: Signature | None, trusted_keys: list[str]) -> str:
    """Check the signature against the trusted keys; return the signer's key, or refuse."""
    from cryptography.exceptions import InvalidSignature

    if signature is None:
        raise PackRefused("unsigned", "内容包没有签名（缺少 signature.json），不能安装。")
    trusted = {k.strip() for k in trusted_keys}
    if signature.public_key.strip() not in trusted:
        if not trusted:
            raise PackRefused(
                "untrusted_key",
                "本终端还没有配置任何受信任的公钥（packs.trusted_keys），不能安装内容包。",
            )
        raise PackRefused(
            "untrusted_key",
            f"内容包由不受信任的密钥签名（指纹 {fingerprint(signature.public_key)}），"
            "不是本终端配置的司法局公钥。",
        )
    try:
        key = parse_public_key(signature.public_key)
        raw = base64.b64decode(signature.signature, validate=True)
        key.verify(raw, manifest_bytes)
    except (ValueError, binascii.Error, InvalidSignature):
        raise PackRefused(
            "bad_signature", "签名与 manifest.json 不符：清单在签名之后被改动过，或签名已损坏。"
        ) from None
    return signature.public_key.strip()
