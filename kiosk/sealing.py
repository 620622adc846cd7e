"""Sealing submissions to the provincial system's public key (hybrid encryption).

A fresh X25519 key pair per submission agrees a secret with the provincial public key; HKDF-SHA256
turns it into an AES-256-GCM key. The submission UUID and kind are bound as associated data, so a
sealed envelope can't be replayed under another id or kind. The terminal never holds the private
key: a stolen terminal reveals no application, not even to its own software.

Envelope bytes: ``b"KS1" | ephemeral public key (32) | nonce (12) | ciphertext+tag``.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from offline_cache.os_errors import plain_reason

MAGIC = b"KS1"
_INFO = b"village-legal-kiosk submission v1"
_HEADER_LEN = len(MAGIC) + 32 + 12


class SealingError(Exception):
    """An envelope can't be opened or a key can't be read; ``str()`` is plain Chinese."""


def associated_data(submission_id: str, kind: str) -> bytes:
    return f"kiosk-submission|{submission_id}|{kind}".encode()


def _derive_key(shared: bytes, ephemeral_pub: bytes, recipient_pub: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_pub + recipient_pub, info=_INFO
    )
    return hkdf.derive(shared)


def _raw(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def seal(public_key: X25519PublicKey, submission_id: str, kind: str, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` so only the holder of the matching private key can read it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_pub = _raw(ephemeral.public_key())
    key = _derive_key(ephemeral.exchange(public_key), ephemeral_pub, _raw(public_key))
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, associated_data(submission_id, kind))
    return MAGIC + ephemeral_pub + nonce + sealed


def open_sealed(
    private_key: X25519PrivateKey, submission_id: str, kind: str, envelope: bytes
) -> bytes:
    """Decrypt an envelope made by :func:`seal`; raises :class:`SealingError` if it was altered."""
    if len(envelope) < _HEADER_LEN + 16 or not envelope.startswith(MAGIC):
        raise SealingError("密文格式不对（不是本系统生成的申请）。")
    ephemeral_pub = envelope[3:35]
    nonce = envelope[35:47]
    try:
        peer = X25519PublicKey.from_public_bytes(ephemeral_pub)
        key = _derive_key(private_key.exchange(peer), ephemeral_pub, _raw(private_key.public_key()))
        return AESGCM(key).decrypt(
            nonce, envelope[_HEADER_LEN:], associated_data(submission_id, kind)
        )
    except (InvalidTag, ValueError) as exc:
        raise SealingError("密文无法解开：内容被改动，或不是用本系统的公钥加密的。") from exc


# -- key files ----------------------------------------------------------------------------------
def generate_private_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def private_key_pem(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key_pem(key: X25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(path: Path) -> X25519PublicKey:
    """PEM (SubjectPublicKeyInfo) or one line of base64 of the 32 raw bytes."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SealingError(f"读不到省系统公钥文件 {path}：{plain_reason(exc)}。") from exc
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = X25519PublicKey.from_public_bytes(base64.b64decode(data.strip(), validate=True))
    except ValueError as exc:
        raise SealingError(f"省系统公钥文件 {path} 格式不对。") from exc
    if not isinstance(key, X25519PublicKey):
        raise SealingError(f"省系统公钥文件 {path} 不是 X25519 公钥。")
    return key


def load_private_key(path: Path) -> X25519PrivateKey:
    try:
        data = Path(path).read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
    except OSError as exc:
        raise SealingError(f"读不到私钥文件 {path}：{plain_reason(exc)}。") from exc
    except ValueError as exc:
        raise SealingError(f"私钥文件 {path} 格式不对。") from exc
    if not isinstance(key, X25519PrivateKey):
        raise SealingError(f"私钥文件 {path} 不是 X25519 私钥。")
    return key
