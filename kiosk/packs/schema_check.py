"""The one place a pack's data files are checked against the pack schema.

Signature and hashes prove who made a pack and that it is intact; this proves the terminal can
actually use it. It calls the content model's own loader, so "valid" here means exactly
"the kiosk will load it".
"""

from __future__ import annotations

from pathlib import Path

from kiosk.content import PackError, load_pack


def schema_problems(directory: Path) -> list[str]:
    """Each problem as ``data/<file>.json: /json/path: what is wrong``; empty when the pack loads."""
    try:
        load_pack(directory)
    except PackError as exc:
        return list(exc.problems) or [str(exc)]
    return []
