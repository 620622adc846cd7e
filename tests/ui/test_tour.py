"""``main.py --tour DIR`` captures every screen and every wizard page, and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import ROOT

pytestmark = pytest.mark.ui

EXPECTED = [
    "home-main",
    "legal_aid-role",
    "legal_aid-exempt_assistance",
    "legal_aid-exempt_family",
    "legal_aid-matter",
    "legal_aid-household",
    "legal_aid-income_period",
    "legal_aid-income_year",
    "legal_aid-name",
    "legal_aid-id_number",
    "legal_aid-address",
    "legal_aid-review",
    "legal_aid-consent",
    "legal_aid-result",
    "legal_aid-exempt_assistance_which",
    "legal_aid-id_card",
    "legal_aid-id_card_confirm",
    "legal_aid-writing_pad",  # zinnia and its model come with make setup
    "legal_aid-write_by_voice",
    "notary-matters",
    "notary-question",
    "notary-checklist",
    "visit-who",
    "visit-day",
    "visit-slot",
    "visit-confirm",
    "status-empty",
    "knowledge-topics",
    "hotline-main",
    "receipt-code",
    "staff_sign_in-id",
    "staff-main",
    "admin-main",
    "admin-packs",
]


def test_the_tour_writes_a_real_picture_of_every_screen_and_wizard_page(tmp_path: Path) -> None:
    out = tmp_path / "tour"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_CONSOLELOG="1")
    done = subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(tmp_path / "data"), "--tour", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    stems = {p.stem.split("-", 1)[1] for p in out.glob("*.png")}
    missing = [e for e in EXPECTED if e not in stems]
    assert not missing, f"not captured: {missing}; got {sorted(stems)}"
    for name in ("home-main", "legal_aid-name"):
        png = next(out.glob(f"*-{name}.png"))
        image = Image.open(png).convert("RGB")
        assert image.size == (1920, 1080)
        # A rendered page has text and tiles, not one flat colour.
        assert len(image.getcolors(maxcolors=1_000_000) or []) > 50
