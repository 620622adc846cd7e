"""Fixtures for the rules tests: the bundled pack (loaded once) and a typical case."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.content import ContentPack, load_pack
from offline_cache import BUNDLED_PACK_DIR
from tests.rules.ids import make_id

TODAY = date(2026, 6, 15)  # a Monday; the thresholds effective 2026-01-01 apply


@pytest.fixture(scope="session")
def pack() -> ContentPack:
    return load_pack(BUNDLED_PACK_DIR)


BASE_CASE: dict[str, Any] = {
    "applicant": {
        "name": "王大山",
        "id_number": make_id(date(1975, 3, 1)),
        "phone": "139 1234 5678",
        "migrant_worker": False,
        "address": {
            "district": "wujin",
            "town": "xueyan",
            "village": "wuj_xueyan_chengwan",
            "detail": "三组12号",
        },
    },
    "agent": None,
    "matter": {"category": "unpaid_wages", "facts": "在工地干了半年，包工头欠了三万块工钱不给。"},
    "opposing_party": {"name": "某建筑劳务公司", "kind": "company"},
    "economy": {"household_size": 3, "monthly_income_yuan": 4500},
    "exemption_groups": [],
    "exempt_matters": [],
    "evidence": ["欠条", "微信聊天记录"],
    "consent": {"truthful": True, "verification": True},
}


def case(**changes: Any) -> dict[str, Any]:
    """A deep copy of the base case with dotted-path changes: case(**{"applicant.name": "李四"})."""
    doc = copy.deepcopy(BASE_CASE)
    for path, value in changes.items():
        target = doc
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    return doc


def edited_pack(tmp_path: Path, stem: str, change: Callable[[Any], None]) -> Path:
    """A copy of the bundled pack with ``data/<stem>.json`` changed by ``change(data)``."""
    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACK_DIR, target)
    path = target / "data" / f"{stem}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return target
