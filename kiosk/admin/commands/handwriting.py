"""``kiosk-admin handwriting recognize``: zinnia on a strokes file (kiosk/devices/handwriting)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.admin.common import CliError, Subparsers, add_command, add_group
from kiosk.admin.output import emit
from kiosk.devices.handwriting import DEFAULT_MODEL, Ink, InkError, load_recognizer


def cmd_recognize(args: argparse.Namespace) -> int:
    try:
        ink = Ink.load(Path(args.strokes))
    except InkError as exc:
        raise CliError(str(exc)) from None
    recognizer = load_recognizer(Path(args.model))
    if recognizer.unavailable_reason:
        raise CliError(recognizer.unavailable_reason)
    try:
        candidates = recognizer.recognize(ink, args.top)
    finally:
        recognizer.close()
    human = "\n".join(f"{i}. {c.char}  {c.score:.3f}" for i, c in enumerate(candidates, 1))
    emit(args, human or "没有候选字。", {"candidates": [c.to_dict() for c in candidates]})
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(sub, "handwriting", help="手写识别（zinnia）", parents=[common])
    p = add_command(
        actions,
        "recognize",
        cmd_recognize,
        help="一个笔画文件的候选字，最像的在前",
        example="handwriting recognize 王.json --top 5",
        parents=[common],
    )
    p.add_argument(
        "strokes",
        metavar="STROKES.json",
        help='笔画文件：{"width": W, "height": H, "strokes": [...]}',
    )
    p.add_argument("--top", type=int, default=10, help="列出几个候选字（默认 10）")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help="zinnia 模型文件")
