"""Draw the kiosk's pictograms with Pillow: bold white shapes on transparent 256×256 PNGs.

White so the tile tints them (``Image.color``) to the theme's tile text colour; bold and simple
so weak eyes can tell them apart at arm's length. The PNGs are committed; re-run after editing:

    .venv/bin/python screens/tools/draw_icons.py
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
SCALE = 4  # draw large, then downsample: smooth edges without antialiasing support
W = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "icons"

Draw = ImageDraw.ImageDraw


def s(*values: float) -> list[float]:
    return [v * SCALE for v in values]


def line(d: Draw, pts: list[tuple[float, float]], width: float = 14) -> None:
    d.line(
        [(x * SCALE, y * SCALE) for x, y in pts], fill=W, width=int(width * SCALE), joint="curve"
    )
    for x, y in (pts[0], pts[-1]):
        r = width / 2
        d.ellipse(s(x - r, y - r, x + r, y + r), fill=W)


def legal_aid(d: Draw) -> None:  # scales of justice
    line(d, [(128, 40), (128, 210)])
    line(d, [(70, 212), (186, 212)])
    line(d, [(48, 70), (208, 70)])
    for cx in (64, 192):
        line(d, [(cx, 70), (cx - 34, 140)], 8)
        line(d, [(cx, 70), (cx + 34, 140)], 8)
        d.pieslice(s(cx - 40, 110, cx + 40, 170), 0, 180, fill=W)
    d.ellipse(s(116, 28, 140, 52), fill=W)


def notary(d: Draw) -> None:  # a document with a round seal
    d.rounded_rectangle(s(52, 28, 180, 220), radius=14 * SCALE, outline=W, width=12 * SCALE)
    for y in (70, 104, 138):
        line(d, [(80, y), (152, y)], 10)
    d.ellipse(s(136, 150, 220, 234), fill=W)
    d.ellipse(s(156, 170, 200, 214), fill=(0, 0, 0, 0))


def visit(d: Draw) -> None:  # a house
    d.polygon(s(128, 30, 230, 118, 26, 118), fill=W)
    d.rectangle(s(56, 112, 200, 222), fill=W)
    d.rectangle(s(108, 150, 148, 222), fill=(0, 0, 0, 0))


def status(d: Draw) -> None:  # magnifying glass over a list
    d.ellipse(s(40, 36, 160, 156), outline=W, width=16 * SCALE)
    line(d, [(146, 142), (214, 210)], 26)
    line(d, [(74, 82), (126, 82)], 10)
    line(d, [(74, 110), (112, 110)], 10)


def knowledge(d: Draw) -> None:  # an open book
    d.polygon(s(128, 70, 128, 214, 28, 190, 28, 46), outline=W, width=12 * SCALE)
    d.polygon(s(128, 70, 128, 214, 228, 190, 228, 46), outline=W, width=12 * SCALE)
    for y in (92, 124, 156):
        line(d, [(52, y - 14), (104, y)], 8)
        line(d, [(152, y), (204, y - 14)], 8)


def hotline(d: Draw) -> None:  # a telephone handset
    d.arc(s(44, 44, 212, 212), 135, 315, fill=W, width=34 * SCALE)
    for deg in (135, 315):
        x, y = _polar(128, 128, 70, deg)
        d.ellipse(s(x - 38, y - 38, x + 38, y + 38), fill=W)


def inherit(d: Draw) -> None:  # house handed down: house + arrow
    d.polygon(s(96, 30, 170, 92, 22, 92), fill=W)
    d.rectangle(s(40, 88, 152, 160), fill=W)
    line(d, [(60, 206), (200, 206)], 14)
    line(d, [(176, 182), (204, 206), (176, 230)], 14)


def entrust(d: Draw) -> None:  # two people and an arrow between them
    for cx in (64, 192):
        d.ellipse(s(cx - 26, 40, cx + 26, 92), fill=W)
        d.pieslice(s(cx - 48, 104, cx + 48, 220), 180, 360, fill=W)
    line(d, [(100, 190), (156, 190)], 12)
    line(d, [(138, 172), (158, 190), (138, 208)], 12)


def declare(d: Draw) -> None:  # speech bubble
    d.rounded_rectangle(s(26, 40, 230, 170), radius=30 * SCALE, fill=W)
    d.polygon(s(70, 160, 120, 166, 58, 226), fill=W)
    for x in (80, 128, 176):
        d.ellipse(s(x - 12, 93, x + 12, 117), fill=(0, 0, 0, 0))


def will(d: Draw) -> None:  # paper and pen
    d.rectangle(s(40, 30, 160, 222), outline=W, width=12 * SCALE)
    for y in (70, 104, 138):
        line(d, [(66, y), (134, y)], 10)
    line(d, [(224, 60), (140, 196)], 22)
    d.polygon(s(132, 190, 150, 202, 126, 226), fill=W)


def gift(d: Draw) -> None:  # a wrapped box
    d.rectangle(s(40, 100, 216, 220), fill=W)
    d.rectangle(s(28, 74, 228, 106), fill=W)
    d.rectangle(s(116, 74, 140, 220), fill=(0, 0, 0, 0))
    d.ellipse(s(72, 30, 128, 80), outline=W, width=12 * SCALE)
    d.ellipse(s(128, 30, 184, 80), outline=W, width=12 * SCALE)


def birth(d: Draw) -> None:  # a baby: big head, small body
    d.ellipse(s(78, 28, 178, 128), fill=W)
    d.rounded_rectangle(s(70, 136, 186, 226), radius=40 * SCALE, fill=W)


def marriage(d: Draw) -> None:  # two interlocking rings
    d.ellipse(s(24, 70, 140, 186), outline=W, width=16 * SCALE)
    d.ellipse(s(116, 70, 232, 186), outline=W, width=16 * SCALE)


def kinship(d: Draw) -> None:  # family: two adults and a child
    for cx, top, r in ((70, 36, 28), (186, 36, 28), (128, 112, 20)):
        d.ellipse(s(cx - r, top, cx + r, top + 2 * r), fill=W)
    for cx, top, half in ((70, 100, 44), (186, 100, 44), (128, 160, 32)):
        d.pieslice(s(cx - half, top, cx + half, top + 2 * (226 - top)), 180, 360, fill=W)


def record(d: Draw) -> None:  # a shield with a tick
    d.polygon(s(128, 24, 220, 60, 206, 160, 128, 232, 50, 160, 36, 60), fill=W)
    line_pts = [(84, 128), (116, 162), (176, 96)]
    d.line([(x * SCALE, y * SCALE) for x, y in line_pts], fill=(0, 0, 0, 0), width=20 * SCALE)


def education(d: Draw) -> None:  # a graduation cap
    d.polygon(s(128, 50, 236, 100, 128, 150, 20, 100), fill=W)
    d.rectangle(s(70, 120, 186, 190), fill=W)
    line(d, [(214, 104), (214, 188)], 10)


def ask(d: Draw) -> None:  # a speech bubble holding a question mark (问一问)
    d.rounded_rectangle(s(24, 36, 232, 180), radius=36 * SCALE, outline=W, width=12 * SCALE)
    d.polygon(s(70, 172, 112, 172, 56, 226), fill=W)
    d.arc(s(98, 56, 158, 116), 180, 90, fill=W, width=14 * SCALE)
    line(d, [(128, 116), (128, 132)], 14)
    d.ellipse(s(119, 146, 137, 164), fill=W)


def yes(d: Draw) -> None:
    line(d, [(50, 136), (108, 194), (212, 70)], 30)


def no(d: Draw) -> None:
    line(d, [(60, 60), (196, 196)], 30)
    line(d, [(196, 60), (60, 196)], 30)


def _polar(cx: float, cy: float, r: float, deg: float) -> tuple[float, float]:
    return cx + r * math.cos(math.radians(deg)), cy + r * math.sin(math.radians(deg))


ICONS: dict[str, Callable[[Draw], None]] = {
    "legal_aid": legal_aid,
    "notary": notary,
    "visit": visit,
    "status": status,
    "knowledge": knowledge,
    "hotline": hotline,
    "inherit": inherit,
    "entrust": entrust,
    "declare": declare,
    "will": will,
    "gift": gift,
    "birth": birth,
    "marriage": marriage,
    "kinship": kinship,
    "record": record,
    "education": education,
    "ask": ask,
    "yes": yes,
    "no": no,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in ICONS.items():
        big = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
        draw(ImageDraw.Draw(big))
        big.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(OUT / f"{name}.png", optimize=True)
    print(f"wrote {len(ICONS)} icons to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
