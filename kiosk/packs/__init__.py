"""Content packs an administrator can trust: manifest, Ed25519 signature, safe zips, diffs.

A pack is a directory (or a ``.zip`` of one) holding ``manifest.json`` (id, region, version,
created, minimum app version, valid-from and the sha256 of every other file), ``signature.json``
(the bureau's Ed25519 signature over the exact bytes of ``manifest.json``), ``data/*.json`` and
``assets/``. Installing is :mod:`offline_cache.pack_store`; this package only reads and checks.
"""

from kiosk.packs.errors import PackRefused
from kiosk.packs.manifest import MANIFEST_NAME, SIGNATURE_NAME, Manifest

__all__ = ["MANIFEST_NAME", "SIGNATURE_NAME", "Manifest", "PackRefused"]
