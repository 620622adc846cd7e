"""The one way ``kiosk-admin`` prints: JSON with ``--json``, plain text lines otherwise.

JSON is built from the library's own dataclasses with :func:`as_data` (``dataclasses.asdict``),
so a field added to a result reaches ``--json`` without a second list of names here.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any


def emit(args: argparse.Namespace, human: str | Iterable[str], data: Any) -> None:
    """Print ``data`` as JSON with ``--json``, else the human text (a string or its lines)."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human if isinstance(human, str) else "\n".join(human))


def as_data(record: Any, *, drop: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    """``asdict(record)`` without the ``drop`` fields, with ``extra`` keys added (or replaced).

    ``drop`` and ``extra`` keep the JSON key names scripts already rely on where a field's name
    differs from the key (e.g. ``Receipt.code`` is printed as ``receipt_code``).
    """
    data = asdict(record)
    for name in drop:
        data.pop(name, None)
    data.update(extra)
    return data
