"""The one way ``kiosk-admin`` prints: JSON with ``--json``, plain text lines otherwise, and
errors on stderr.

JSON is built from the library's own dataclasses with :func:`as_data` (``dataclasses.asdict``),
so a field added to a result reaches ``--json`` without a second list of names here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from kiosk.admin.common import PROG


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


def error(message: str, problems: Iterable[str] = ()) -> None:
    """An error or refusal on stderr, every line starting with ``kiosk-admin:``.

    One line says what was refused; a refusal with several problems (a payload, a pack's schema)
    lists each on its own line after it, indented, so ``grep kiosk-admin:`` or a log collector
    keeps them together (docs/cli.md, "Errors").
    """
    lines = message.splitlines() or [""]
    lines += [f"  - {p}" for p in problems]
    for line in lines:
        print(f"{PROG}: {line}", file=sys.stderr)
