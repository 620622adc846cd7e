"""Where the secret behind the booking ledger's person keys comes from.

A person key is an HMAC of the resident's ID number, so that "one active booking per person and
service" can be checked without keeping the number. ID numbers are few (area, birth date,
sequence, check digit: a few hundred million), so whoever holds both the ledger and the secret
can recover every number by trying them all. The secret must therefore not lie on the same disk
when the platform offers better, in this order:

1. the OS keyring (``keyring`` package with a real backend: Secret Service, KWallet, a TPM-backed
   store) — the secret is made once and kept there;
2. a passphrase given at start-up in ``KIOSK_PASSPHRASE`` (systemd ``LoadCredential=`` or an
   operator typing it): the secret is derived with scrypt and a salt in the database, and exists
   only in memory;
3. otherwise the secret in the database, as before — a stolen disk then reveals ID numbers of
   bookings still in the ledger. Start-up says so in one line (docs/security.md).

Changing the source (a new passphrase, a new keyring) makes old person keys unmatchable: the
one-active-booking rule then can't see bookings made before the change until they end.
"""

from __future__ import annotations

import hashlib
import importlib.util
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offline_cache.store import Store

PASSPHRASE_ENV = "KIOSK_PASSPHRASE"
KEYRING_SERVICE = "village-legal-kiosk"
KEYRING_NAME = "person-key-secret"
SALT_META_KEY = "visits.person_key_salt"
_KDF_N, _KDF_R, _KDF_P = 2**15, 8, 1


@dataclass(frozen=True)
class PersonSecret:
    """The secret, and where it came from (``keyring``, ``passphrase`` or ``database``)."""

    secret: bytes | None  # None: use the one in the database (BookingRepository)
    source: str

    @property
    def warning(self) -> str | None:
        """One plain line for the start-up log when the secret sits on the disk."""
        if self.source != "database":
            return None
        return (
            "预约记录的身份密钥存放在本机数据库里：硬盘丢失时身份证号可能被推算出来。"
            f"请配置系统密钥环或启动口令（{PASSPHRASE_ENV}）。"
        )


def person_secret(
    store: Store, env: Mapping[str, str], *, keyring: Any | None = None
) -> PersonSecret:
    """The best source this platform has (see the module docstring)."""
    ring = keyring if keyring is not None else _system_keyring()
    if ring is not None:
        try:
            stored = ring.get_password(KEYRING_SERVICE, KEYRING_NAME)
            if stored is None:
                stored = secrets.token_hex(32)
                ring.set_password(KEYRING_SERVICE, KEYRING_NAME, stored)
            return PersonSecret(bytes.fromhex(stored), "keyring")
        except Exception:
            pass
    passphrase = env.get(PASSPHRASE_ENV, "")
    if passphrase:
        return PersonSecret(_derive(passphrase, _salt(store)), "passphrase")
    return PersonSecret(None, "database")


def _system_keyring() -> Any | None:
    """The ``keyring`` module if installed with a usable (not fail/null) backend."""
    if importlib.util.find_spec("keyring") is None:
        return None
    import keyring

    backend = keyring.get_keyring()
    if type(backend).__module__.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return None
    return keyring


def _salt(store: Store) -> bytes:
    existing = store.get_meta(SALT_META_KEY)
    if existing is None:
        existing = secrets.token_hex(16)
        store.set_meta(SALT_META_KEY, existing)
    return bytes.fromhex(existing)


def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=_KDF_N, r=_KDF_R, p=_KDF_P, dklen=32, maxmem=2**26
    )
