"""Build the handwriting test fixtures from real stroke data (run once; the output is committed).

Source: the npm package ``hanzi-writer-data`` (Make Me a Hanzi stroke medians, in correct
stroke order, per character JSON; Arphic Public License). Each character's medians are flipped
into screen coordinates (Make Me a Hanzi draws y upwards with the baseline at 900 in a
1024 em) and scaled onto a square writing pad, then written as the strokes-file shape
``{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}`` that ``kiosk-admin handwriting
recognize`` and the writing pad use.

    python -m tools.build_stroke_fixtures                  # fetches the package with npm pack
    python -m tools.build_stroke_fixtures --data DIR       # an unpacked package/ folder
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "hanzi-writer-data@2.0.1"
PAD = 400  # pixels: about the writing pad's size on the 1080p screen
EM, BASELINE = 1024, 900
OUT = Path(__file__).resolve().parent.parent / "tests" / "devices" / "fixtures" / "handwriting"
# Common Changzhou surnames, then characters of addresses in the district (市区镇村路号…).
CHARACTERS = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钱"
    "常州市区镇村路号组街道武进金坛溧阳天宁钟楼新北江苏省东西南中"
)


def convert(medians: list[list[list[float]]]) -> dict[str, object]:
    scale = PAD / EM
    strokes = [
        [[round(x * scale), round((BASELINE - y) * scale)] for x, y in stroke] for stroke in medians
    ]
    return {"width": PAD, "height": PAD, "strokes": strokes}


def _unpacked(data: Path | None, workdir: Path) -> Path:
    if data is not None:
        return data
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
    archive = next(workdir.glob("hanzi-writer-data-*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="unpacked hanzi-writer-data package folder")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = _unpacked(args.data, Path(tmp))
        for char in dict.fromkeys(CHARACTERS):
            medians = json.loads((source / f"{char}.json").read_text(encoding="utf-8"))["medians"]
            (OUT / f"{char}.json").write_text(
                json.dumps(convert(medians), separators=(",", ":")) + "\n", encoding="utf-8"
            )
        shutil.copyfile(source / "ARPHICPL.TXT", OUT / "ARPHICPL.TXT")
    print(f"{len(dict.fromkeys(CHARACTERS))} characters written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
