"""``python -m tools.idcard_sim --cards cards.json``: print the pty path, then take commands.

Commands on stdin: ``place KEY`` (put a card down), ``lift``, ``list``, ``quit``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.idcard_sim.simulator import ReaderSimulator, load_cards

EXAMPLE_CARDS = Path(__file__).with_name("cards.json")


def _read_time(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.idcard_sim",
        description="ID-card reader simulator on a pseudo-terminal (SAM frames).",
        epilog="example: python -m tools.idcard_sim --cards tools/idcard_sim/cards.json --place wang",
    )
    parser.add_argument("--cards", type=Path, default=EXAMPLE_CARDS, help="cards JSON file")
    parser.add_argument("--place", metavar="KEY", help="card lying on the reader at start")
    parser.add_argument(
        "--read-time", type=_read_time, default=(0.5, 1.0), metavar="S[-S]",
        help="seconds a read takes, fixed or a range (default 0.5-1.0)",
    )  # fmt: skip
    parser.add_argument("--mute", action="store_true", help="answer nothing (a dead reader)")
    parser.add_argument("--sam-fault", action="store_true", help="the SAM self-test fails")
    args = parser.parse_args(argv)
    sim = ReaderSimulator(
        load_cards(args.cards), read_time_s=args.read_time, mute=args.mute, sam_fault=args.sam_fault
    )
    with sim:
        if args.place:
            sim.place(args.place)
        print(sim.path, flush=True)
        for line in sys.stdin:
            command, _, key = line.strip().partition(" ")
            if command == "place" and key in sim.cards:
                sim.place(key)
            elif command == "lift":
                sim.lift()
            elif command == "list":
                print(" ".join(sim.cards), flush=True)
            elif command == "quit":
                break
            elif command:
                print("commands: place KEY | lift | list | quit", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
