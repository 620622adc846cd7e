"""A pack that passed every check is not re-validated at each start-up — until anything changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import kiosk.content as content
from kiosk.content import PackError, ValidationCache, load_pack
from offline_cache import BUNDLED_PACK_DIR


def test_known_good_contents_skip_validation_and_a_changed_file_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack_dir = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, pack_dir)
    cache = ValidationCache(tmp_path / "cache" / "validated.txt")
    first = load_pack(pack_dir, cache=cache)

    calls: list[str] = []
    real = content._schema_problems
    monkeypatch.setattr(content, "_schema_problems", lambda *a: calls.append(a[0]) or real(*a))
    again = load_pack(pack_dir, cache=cache)
    assert calls == []
    assert again.version == first.version

    # An administrator's edit that breaks the schema is caught, cache or not.
    services = pack_dir / "data" / "services.json"
    doc = json.loads(services.read_text(encoding="utf-8"))
    doc["services"][0]["label"] = ""
    services.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(pack_dir, cache=cache)
    assert calls, "a changed file must be validated again"
    assert any("data/services.json" in p for p in info.value.problems)


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    cache = ValidationCache(blocker / "validated.txt")
    assert load_pack(BUNDLED_PACK_DIR, cache=cache).version
    assert load_pack(BUNDLED_PACK_DIR, cache=cache).version
