"""One contract for switching packs between residents, run on
``kiosk.packs.switching.PackSwitcher`` (a signed pack really installed meanwhile) and on
``tests.fakes.PendingPackSwitcher`` (what the UI test of the switch uses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content import load_pack
from kiosk.packs.checks import open_pack_store
from kiosk.packs.switching import PackSwitcher
from offline_cache import BUNDLED_PACK_DIR
from tests.fakes import PendingPackSwitcher
from tests.packs.conftest import BUNDLED_VERSION, Keys, MakePack, SignPack

Switcher = PackSwitcher | PendingPackSwitcher


@pytest.fixture(params=["real", "fake"])
def switcher_with_a_new_pack(
    request: pytest.FixtureRequest,
    data_dir: Path,
    bureau: Keys,
    make_pack: MakePack,
    sign_pack: SignPack,
) -> Switcher:
    new_pack = make_pack("2.0.0")
    if request.param == "real":
        real = PackSwitcher(open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public]))
        real.start()
        open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public]).install(sign_pack(new_pack))
        return real
    return PendingPackSwitcher(load_pack(BUNDLED_PACK_DIR), load_pack(new_pack))


def test_a_pack_installed_meanwhile_is_switched_in_once_and_then_served(
    switcher_with_a_new_pack: Switcher,
) -> None:
    switcher = switcher_with_a_new_pack
    assert switcher.pack is not None and switcher.pack.version == BUNDLED_VERSION  # mid-session
    new = switcher.switch_if_pending()
    assert new is not None and new.version == "2.0.0"
    assert switcher.pack is new
    assert not switcher.problem
    assert switcher.switch_if_pending() is None
