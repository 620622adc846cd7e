"""A running kiosk switches packs only between residents; rollback goes back one version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.content import load_pack
from kiosk.packs.checks import open_pack_store
from kiosk.packs.errors import PackRefused
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.pack_store import KEEP_PREVIOUS, PackStore
from tests.packs.conftest import BUNDLED_VERSION, Keys, MakePack, SignPack


def test_with_nothing_installed_the_kiosk_serves_the_bundled_pack(pack_store: PackStore) -> None:
    assert pack_store.begin_serving() == BUNDLED_PACK_DIR
    assert pack_store.pending_switch() is None
    assert load_pack(pack_store.serving_dir() or BUNDLED_PACK_DIR).pack_id == "changzhou"


def test_an_install_by_another_process_waits_for_the_next_idle_moment(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    kiosk = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    admin = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    serving = kiosk.begin_serving()
    result = admin.install(sign_pack(make_pack("2.0.0")))
    # Mid-session nothing changes for the resident: the kiosk still serves what it loaded ...
    assert kiosk.serving_dir() == serving == BUNDLED_PACK_DIR
    # ... and when it is idle it learns that a new pack is waiting, then switches.
    assert kiosk.pending_switch() == result.directory
    assert kiosk.begin_serving() == result.directory
    assert kiosk.pending_switch() is None
    assert load_pack(result.directory).version == "2.0.0"


def test_rollback_returns_to_the_previous_version_and_then_to_the_bundled_pack(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    pack_store.install(sign_pack(make_pack("2.0.0")))
    pack_store.install(sign_pack(make_pack("2.1.0")))
    back = pack_store.rollback()
    assert (back.from_manifest.version, pack_store.active_version()) == ("2.1.0", "2.0.0")
    assert "2.1.0" in back.message and "2.0.0" in back.message
    back = pack_store.rollback()
    assert pack_store.active_dir() == BUNDLED_PACK_DIR
    assert "内置" in back.message
    with pytest.raises(PackRefused) as info:
        pack_store.rollback()
    assert info.value.reason == "no_rollback"


def test_list_shows_the_active_pack_the_ones_kept_for_rollback_and_the_bundled_one(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    for v in ("2.0.0", "2.1.0", "2.2.0"):
        pack_store.install(sign_pack(make_pack(v)))
    rows = pack_store.list()
    assert [(r.version, r.status) for r in rows] == [
        ("2.2.0", "active"),
        ("2.1.0", "previous"),
        ("2.0.0", "previous"),
        (BUNDLED_VERSION, "bundled"),
    ]
    assert rows[0].installed_at and rows[0].signer_fingerprint


def test_only_a_few_previous_versions_are_kept_on_disk(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    for minor in range(KEEP_PREVIOUS + 3):
        pack_store.install(sign_pack(make_pack(f"2.{minor}.0")))
    assert len(list(pack_store.versions_dir.iterdir())) == KEEP_PREVIOUS + 1
    state = json.loads((pack_store.root / "state.json").read_text(encoding="utf-8"))
    assert len(state["history"]) == KEEP_PREVIOUS


def test_a_version_a_kiosk_is_still_serving_is_not_deleted_by_pruning(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    kiosk = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    admin = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    admin.install(sign_pack(make_pack("2.0.0")))
    served = kiosk.begin_serving()
    for minor in range(1, KEEP_PREVIOUS + 3):
        admin.install(sign_pack(make_pack(f"2.{minor}.0")))
    assert served.is_dir(), "the pack under a resident's session disappeared"
    kiosk.begin_serving()  # idle moment: moves to the newest, releasing the old one
    admin.install(sign_pack(make_pack("3.0.0")))
    assert not served.exists()
    kiosk.close()


def test_an_installed_pack_damaged_on_disk_is_not_served(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    pack_store.install(sign_pack(make_pack("2.0.0")))
    newest = pack_store.install(sign_pack(make_pack("2.1.0"))).directory
    (newest / "data" / "hotline.json").write_text("{}", encoding="utf-8")
    assert pack_store.verify_active()
    served = pack_store.begin_serving()
    assert load_pack(served).version == "2.0.0"
    assert "不能使用" in (pack_store.last_problem or "")


def test_packs_from_a_key_no_longer_trusted_stop_being_served(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public]).install(
        sign_pack(make_pack("2.0.0"))
    )
    revoked = open_pack_store(data_dir, BUNDLED_PACK_DIR, [])
    assert revoked.begin_serving() == BUNDLED_PACK_DIR


def test_a_damaged_state_file_falls_back_to_the_bundled_pack(
    pack_store: PackStore, make_pack: MakePack, sign_pack: SignPack
) -> None:
    pack_store.install(sign_pack(make_pack("2.0.0")))
    (pack_store.root / "state.json").write_text("{garbage", encoding="utf-8")
    assert pack_store.begin_serving() == BUNDLED_PACK_DIR
    assert "损坏" in (pack_store.last_problem or "")


def test_the_kiosk_picks_up_a_new_pack_only_when_it_asks_between_residents(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    from kiosk.packs.switching import PackSwitcher

    switcher = PackSwitcher(open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public]))
    assert switcher.start().version == BUNDLED_VERSION
    assert switcher.switch_if_pending() is None
    open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public]).install(
        sign_pack(make_pack("2.0.0"))
    )
    assert (
        switcher.pack is not None and switcher.pack.version == BUNDLED_VERSION
    )  # mid-session: unchanged
    new = switcher.switch_if_pending()
    assert new is not None and new.version == "2.0.0" and switcher.pack is new
    assert switcher.switch_if_pending() is None


def test_a_new_pack_that_does_not_load_leaves_the_kiosk_on_the_old_one(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    from kiosk.content import ContentPack, PackError
    from kiosk.packs.switching import PackSwitcher

    loads: list[Path] = []

    def picky_loader(directory: Path) -> ContentPack:
        loads.append(directory)
        if directory != BUNDLED_PACK_DIR:
            raise PackError(["data/screens.json: /: this program can't read it"])
        return load_pack(directory)

    store = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    switcher = PackSwitcher(store, loader=picky_loader)
    switcher.start()
    store.install(sign_pack(make_pack("2.0.0")))
    assert switcher.switch_if_pending() is None
    assert switcher.pack is not None and switcher.pack.version == BUNDLED_VERSION
    assert store.serving_dir() == BUNDLED_PACK_DIR
    assert "新内容包不能加载" in (switcher.problem or "")
    tries = len(loads)
    assert switcher.switch_if_pending() is None
    assert len(loads) == tries, "a pack that failed to load was retried at every idle moment"
    # After a restart the kiosk still comes up, on the bundled pack, and says why.
    restarted = PackSwitcher(
        open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public]), loader=picky_loader
    )
    assert restarted.start().version == BUNDLED_VERSION
    assert "改用内置内容包" in (restarted.problem or "")


def test_two_installs_at_once_take_turns_and_leave_one_consistent_state(
    data_dir: Path, bureau: Keys, make_pack: MakePack, sign_pack: SignPack
) -> None:
    import threading

    zips = [sign_pack(make_pack("2.0.0")), sign_pack(make_pack("3.0.0"))]
    outcomes: list[str] = []

    def install(z: Path) -> None:
        store = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
        try:
            outcomes.append(store.install(z).manifest.version)
        except PackRefused as exc:
            outcomes.append(exc.reason)

    threads = [threading.Thread(target=install, args=(z,)) for z in zips]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    store = open_pack_store(data_dir, BUNDLED_PACK_DIR, [bureau.public])
    assert store.active_version() == "3.0.0"
    assert sorted(outcomes) in (["2.0.0", "3.0.0"], ["3.0.0", "downgrade"])
    assert store.verify_active() == []
    assert list(store.staging_dir.iterdir()) == []
