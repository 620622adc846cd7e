"""``kiosk-admin handwriting recognize`` — zinnia on a strokes file (kiosk/devices/handwriting)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.admin.cli import CliError, emit
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


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = sub.add_parser("handwriting", help="handwriting recognition (zinnia)")
    actions = group.add_subparsers(dest="handwriting_command", metavar="ACTION", required=True)
    p = actions.add_parser(
        "recognize",
        parents=[common],
        help="candidate characters for a strokes file, best first",
        epilog="example: kiosk-admin handwriting recognize 王.json --top 5",
    )
    p.add_argument(
        "strokes", metavar="STROKES.json", help='{"width": W, "height": H, "strokes": [...]}'
    )
    p.add_argument("--top", type=int, default=10, help="how many candidates (default 10)")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help="zinnia model file")
    p.set_defaults(func=cmd_recognize)
