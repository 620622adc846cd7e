"""Packs for tests: real copies of the bundled Changzhou pack, re-versioned and really signed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.packs import archive
from kiosk.packs.checks import open_pack_store
from kiosk.packs.manifest import MANIFEST_NAME, Manifest, list_pack_files, regenerate
from kiosk.packs.signing import public_key_text
from kiosk.packs.signing import sign as sign_bytes
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.pack_store import PackStore

# The bundled pack's own version (raised whenever residents' texts change): tests that expect
# the terminal to fall back to the bundled pack compare with this, not with a literal.
BUNDLED_VERSION = Manifest.read(BUNDLED_PACK_DIR).version


class Keys:
    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.public = public_key_text(self.private.public_key())


@pytest.fixture(scope="session")
def bureau() -> Keys:
    return Keys()


@pytest.fixture(scope="session")
def stranger() -> Keys:
    return Keys()


def copy_bundled(dest: Path) -> Path:
    shutil.copytree(
        BUNDLED_PACK_DIR, dest, ignore=shutil.ignore_patterns(MANIFEST_NAME, ".*", "__pycache__")
    )
    return dest


MakePack = Callable[..., Path]


@pytest.fixture
def make_pack(tmp_path: Path) -> MakePack:
    """A source directory: the bundled pack's data under a new version (and optional edits)."""
    counter = [0]

    def make(
        version: str = "2.0.0",
        *,
        valid_from: str = "2020-01-01",
        min_app_version: str = "0.1.0",
        edit: Callable[[Path], None] | None = None,
    ) -> Path:
        counter[0] += 1
        directory = copy_bundled(tmp_path / f"src-{counter[0]}-{version}")
        if edit is not None:
            edit(directory)
        regenerate(
            directory,
            pack_id="changzhou",
            region="常州市",
            version=version,
            min_app_version=min_app_version,
            valid_from=valid_from,
        )
        return directory

    return make


SignPack = Callable[..., Path]


@pytest.fixture
def sign_pack(tmp_path: Path, bureau: Keys) -> SignPack:
    def sign(directory: Path, keys: Keys | None = None, name: str | None = None) -> Path:
        # What `pack sign` writes, minus its schema check (the CLI tests cover that; the data
        # here is the bundled pack's, and installing checks the schema anyway): keeps tests fast.
        out = tmp_path / (name or f"{directory.name}.zip")
        manifest_bytes = (directory / MANIFEST_NAME).read_bytes()
        signature = sign_bytes(manifest_bytes, (keys or bureau).private)
        archive.write(out, list_pack_files(directory), manifest_bytes, signature.to_bytes())
        return out

    return sign


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def pack_store(data_dir: Path, bureau: Keys) -> PackStore:
    return open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])


def fixed_clock(when: str) -> Callable[[], datetime]:
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return lambda: moment
