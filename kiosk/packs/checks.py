"""The kiosk's pack checks, given to the pack store that keeps installed packs on disk.

:class:`offline_cache.pack_store.PackStore` knows the layout of installed versions and how to
switch between them crash-safely; what a pack *is* — its manifest, its safe unpacking, its
signature, hashes and schema — is defined here in :mod:`kiosk.packs`, and handed to the store by
whoever builds it (:func:`open_pack_store`). "Valid" thereby means exactly "the kiosk's own loader
accepts it" without the storage layer importing the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.packs.manifest import MANIFEST_NAME, Manifest
from offline_cache.pack_store import PackStore

if TYPE_CHECKING:  # unpacking and verifying load when a pack is installed, not at each start
    from kiosk.packs.archive import ArchiveLimits
    from kiosk.packs.verify import VerifiedPack


class KioskPackChecks:
    """What :class:`PackStore` needs to know about packs (``PackChecks``), the kiosk's way."""

    def __init__(self, limits: ArchiveLimits | None = None) -> None:
        self.limits = limits  # None: the archive module's DEFAULT_LIMITS

    def is_pack(self, directory: Path) -> bool:
        return (directory / MANIFEST_NAME).is_file()

    def read_manifest(self, directory: Path) -> Manifest:
        return Manifest.read(directory)

    def unpack(self, source: Path, dest: Path) -> None:
        from kiosk.packs.archive import DEFAULT_LIMITS, unpack

        unpack(source, dest, self.limits or DEFAULT_LIMITS)

    def verify(
        self,
        directory: Path,
        trusted_keys: Sequence[str],
        *,
        now: datetime | None = None,
        require_signature: bool = True,
        integrity_only: bool = False,
    ) -> VerifiedPack:
        from kiosk.packs.verify import check_pack_dir

        return check_pack_dir(
            directory,
            trusted_keys,
            now=now,
            require_signature=require_signature,
            integrity_only=integrity_only,
        )


def open_pack_store(
    data_dir: Path,
    bundled_dir: Path,
    trusted_keys: Sequence[str],
    *,
    limits: ArchiveLimits | None = None,
    clock: Callable[[], datetime] | None = None,
) -> PackStore[Manifest]:
    """The terminal's pack store under ``data_dir``, checking packs as the kiosk does."""
    return PackStore(
        data_dir, bundled_dir, trusted_keys, checks=KioskPackChecks(limits), clock=clock
    )
