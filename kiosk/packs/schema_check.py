"""The one place a pack's data files are checked against the pack schema.

Signature and hashes prove who made a pack and that it is intact; this proves the terminal can
actually use it. It calls the content model's own loader, so "valid" here means exactly
"the kiosk will load it".
"""

from __future__ import annotations

import json
from pathlib import Path


def schema_problems(directory: Path) -> list[str]:
    """Each problem as ``data/<file>.json: /json/path: what is wrong``; empty when the pack loads."""
    try:
        from kiosk.content import PackError, load_pack
    except ModuleNotFoundError:
        return _json_problems(directory)
    try:
        load_pack(directory)
    except PackError as exc:
        return list(exc.problems) or [str(exc)]
    return []


def _json_problems(directory: Path) -> list[str]:
    # Interim until kiosk.content lands: data files must at least be JSON objects.
    problems = []
    for path in sorted((directory / "data").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"data/{path.name}: /: 不是有效的 JSON：{exc}")
            continue
        if not isinstance(doc, dict):
            problems.append(f"data/{path.name}: /: 应是一个 JSON 对象")
    return problems
