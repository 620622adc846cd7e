"""Everything the terminal keeps on disk: the SQLite store, content packs, voice models."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_PACK_DIR = PACKAGE_DIR / "packs" / "changzhou"
MODELS_DIR = PACKAGE_DIR / "models"
