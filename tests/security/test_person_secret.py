"""The booking ledger's person keys can't be reversed from the disk alone when the platform
offers a keyring or a passphrase."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from kiosk.person_secret import KEYRING_NAME, KEYRING_SERVICE, PASSPHRASE_ENV, person_secret
from offline_cache.bookings import SECRET_META_KEY
from offline_cache.store import Store

ID_NUMBER = "320402195001011234"


class _Keyring:
    """The ``keyring`` module's two calls, holding the secret outside the database."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.saved.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self.saved[(service, name)] = value


def _disk_holds_the_secret(db: Path, secret: bytes) -> bool:
    raw = db.read_bytes() + db.with_name(db.name + "-wal").read_bytes()
    return secret.hex().encode() in raw


def test_with_a_keyring_the_secret_is_kept_there_and_never_in_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    ring = _Keyring()
    first = person_secret(store, {}, keyring=ring)
    assert first.source == "keyring" and first.secret is not None and first.warning is None
    assert person_secret(store, {}, keyring=ring).secret == first.secret  # stable
    assert (KEYRING_SERVICE, KEYRING_NAME) in ring.saved
    assert store.get_meta(SECRET_META_KEY) is None
    assert not _disk_holds_the_secret(store.path, first.secret)


def test_with_a_passphrase_the_secret_is_derived_and_only_the_salt_is_stored(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    env = {PASSPHRASE_ENV: "常州乡村法律服务 2026"}
    got = person_secret(store, env)
    assert got.source == "passphrase" and got.secret is not None
    assert person_secret(store, env).secret == got.secret  # the same after a restart
    assert person_secret(store, {PASSPHRASE_ENV: "another"}).secret != got.secret
    assert not _disk_holds_the_secret(store.path, got.secret)
    # Whoever holds the disk can't compute the person key of a known ID number.
    stored_key = hmac.new(got.secret, ID_NUMBER.encode(), hashlib.sha256).hexdigest()
    assert stored_key.encode() not in store.path.read_bytes()


def test_without_either_the_database_secret_is_used_and_start_up_says_so(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.sqlite3")
    got = person_secret(store, {}, keyring=None)
    assert got.source == "database" and got.secret is None
    assert got.warning is not None and PASSPHRASE_ENV in got.warning and "\n" not in got.warning


def test_a_broken_keyring_falls_back_to_the_passphrase(tmp_path: Path) -> None:
    class Broken:
        def get_password(self, *_a: Any) -> str:
            raise RuntimeError("locked")

    got = person_secret(Store(tmp_path / "k.sqlite3"), {PASSPHRASE_ENV: "x"}, keyring=Broken())
    assert got.source == "passphrase"
