"""Every string the kiosk can show is drawable by the CJK font it ships with (no tofu boxes)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from offline_cache import BUNDLED_PACK_DIR
from screens.fonts import find_cjk_font
from tests.conftest import ROOT

# Modules whose strings reach the screen: the screens, and the domain messages they show.
SHOWN_PY = [
    *sorted((ROOT / "screens").glob("*.py")),
    ROOT / "kiosk" / "validation.py",
    ROOT / "kiosk" / "receipts.py",
    ROOT / "kiosk" / "notary.py",
    ROOT / "kiosk" / "visits.py",
    ROOT / "kiosk" / "staff.py",
    ROOT / "kiosk" / "submissions.py",
    *sorted((ROOT / "kiosk" / "legal_aid").glob("*.py")),
]


def font_cmap() -> set[int]:
    path = find_cjk_font()
    font = TTCollection(str(path))[0] if path.suffix == ".ttc" else TTFont(str(path))
    return set(font.getBestCmap())


def py_strings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def kv_strings(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        yield from re.findall(r'"([^"]*)"', line)


def json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_strings(v)


def shown_strings() -> Iterator[tuple[str, str]]:
    for path in SHOWN_PY:
        for s in py_strings(path):
            yield path.name, s
    for path in sorted((ROOT / "screens").glob("*.kv")):
        for s in kv_strings(path):
            yield path.name, s
    for path in sorted((BUNDLED_PACK_DIR / "data").glob("*.json")):
        for s in json_strings(json.loads(path.read_text(encoding="utf-8"))):
            yield f"pack {path.name}", s
    table = json.loads((ROOT / "screens" / "data" / "pinyin_table.json").read_text("utf-8"))
    for s in json_strings(table):
        yield "pinyin candidates", s


def test_every_character_the_ui_can_show_is_in_the_cjk_font() -> None:
    cmap = font_cmap()
    missing: dict[str, set[str]] = {}
    count = 0
    for where, text in shown_strings():
        for ch in text:
            count += 1
            if ch in "\n\t\r" or ord(ch) < 0x20:
                continue
            if ord(ch) not in cmap:
                missing.setdefault(where, set()).add(ch)
    assert count > 20_000  # the pack and the screens were really read
    assert not missing, {w: "".join(sorted(chars)) for w, chars in missing.items()}


def test_the_font_draws_chinese_shapes_for_men_zhi_gu_bian() -> None:
    # Noto CJK's .ttc opens its Japanese face first; WenQuanYi is a Chinese font by design.
    path = find_cjk_font()
    assert "wqy" in path.name or "SC" in path.name or "CN" in path.name
    cmap = font_cmap()
    assert all(ord(ch) in cmap for ch in "门直骨边")
