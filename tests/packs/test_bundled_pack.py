"""The bundled pack ships with the code; its manifest must describe exactly the files beside it."""

from __future__ import annotations

from kiosk.content import load_pack
from kiosk.packs.build import regenerate_command
from kiosk.packs.manifest import Manifest, file_problems
from kiosk.packs.verify import check_pack_dir
from offline_cache import BUNDLED_PACK_DIR


def test_the_bundled_manifest_matches_the_bundled_files() -> None:
    manifest = Manifest.read(BUNDLED_PACK_DIR)
    stale = file_problems(BUNDLED_PACK_DIR, manifest)
    assert not stale, (
        "offline_cache/packs/changzhou changed but its manifest.json was not regenerated. Run:\n"
        f"    .venv/bin/{regenerate_command(BUNDLED_PACK_DIR.relative_to(BUNDLED_PACK_DIR.parents[2]))}"
        "\n(add --version X.Y.Z when the content changed for residents) and commit manifest.json.\n"
        + "\n".join(stale)
    )


def test_the_bundled_pack_passes_every_check_except_a_signature() -> None:
    verified = check_pack_dir(BUNDLED_PACK_DIR, [], require_signature=False)
    assert verified.signer is None
    pack = load_pack(BUNDLED_PACK_DIR)
    assert (pack.pack_id, pack.version) == (verified.manifest.pack_id, verified.manifest.version)
