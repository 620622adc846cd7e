"""A content pack installed while a resident is at the terminal only shows up after they leave."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.content import load_pack
from offline_cache import BUNDLED_PACK_DIR
from tests.fakes import PendingPackSwitcher
from tests.ui.harness import Kiosk

pytestmark = pytest.mark.ui


def test_a_new_pack_takes_over_between_residents_not_in_the_middle(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, copy)
    services = copy / "data" / "services.json"
    doc = json.loads(services.read_text(encoding="utf-8"))
    doc["services"][0]["label"] = "申请法律援助（新）"
    services.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    new_pack = load_pack(copy)
    app = kiosk.app
    old_pack, startup = app.pack, app.startup
    app.startup = replace(startup, pack_switcher=PendingPackSwitcher(old_pack, new_pack))
    try:
        kiosk.tap("法律常识")
        assert "申请法律援助（新）" not in kiosk.texts()
        kiosk.tap("结束并清除")
        kiosk.pump(3)
        assert kiosk.screen.name == "home"
        assert "申请法律援助（新）" in kiosk.texts()
        assert app.manager.get_screen("legal_aid").pack is new_pack
        kiosk.tap("申请法律援助（新）")
        assert kiosk.screen.name == "legal_aid"
    finally:
        app.startup = replace(startup, pack_switcher=PendingPackSwitcher(new_pack, old_pack))
        kiosk.reset()
        app.startup = startup
