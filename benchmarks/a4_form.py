"""A4 application form benchmark: assembly time, and 提交 → the page done at the printer.

- **assembly**: ``kiosk.printing.application_form.assemble_form`` (the case checked and parsed,
  the pack's template laid out, fpdf2 with the CJK font subset) next to **bare fpdf2** writing
  the same strings with the same font in plain cells, interleaved in the same run; ``ratio`` =
  ours / bare (medians). fpdf2's import is paid once before timing (the kiosk pays it on the
  first print only, on the print worker).
- **print**: ``FormDesk.print_current`` (assembly, the queue's health asked, ``lp`` with the PDF
  on stdin, waiting until CUPS reports the job done) against a private cupsd with the cups-pdf
  printer (``tools/cups_sandbox.py``), next to a bare ``lp`` of the same PDF bytes followed by
  the same wait. cups-pdf's Ghostscript pass dominates both; a real printer's own time adds.

Usage: .venv/bin/python benchmarks/a4_form.py [--runs N]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

# First: it puts the repository on the import path for the imports below.
from _measure import ms, ratio

from kiosk.content import load_pack
from kiosk.fonts import find_cjk_font
from kiosk.printing.a4 import CupsQueue
from kiosk.printing.application_form import (
    FormFacts,
    assemble_form,
    field_values,
    form_template,
)
from kiosk.printing.form_desk import FormDesk
from offline_cache import BUNDLED_PACK_DIR
from tests.rules.conftest import BASE_CASE, TODAY
from tools.cups_sandbox import CupsSandbox, unavailable_reason

FACTS = FormFacts("234567892343", TODAY, "演示村公共法律服务工作室", "1001")


def bare_fpdf2(strings: list[str], font: Path) -> bytes:
    """The same text with the same font, one plain cell per string: the library alone."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("cjk", fname=str(font))
    pdf.add_page()
    pdf.set_font("cjk", size=11)
    for text in strings:
        pdf.cell(180, 7, text[:60])
        pdf.ln(7)
    return bytes(pdf.output())


def bench_assembly(runs: int) -> dict[str, float]:
    pack = load_pack(BUNDLED_PACK_DIR)
    template = form_template(pack)
    values = field_values(BASE_CASE, pack, FACTS)
    labels = [c["label"] for s in template["sections"] for r in s["rows"] for c in r]
    strings = [str(template["title"]), *labels, *values.values(), str(template["declaration"])]
    font = find_cjk_font()
    assemble_form(BASE_CASE, pack, FACTS)  # imports and first-call costs out of the figures
    bare_fpdf2(strings, font)
    ours, bare = [], []
    for _ in range(runs):
        t = time.perf_counter()
        assemble_form(BASE_CASE, pack, FACTS)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        bare_fpdf2(strings, font)
        bare.append(time.perf_counter() - t)
    return {
        "assemble_ms": ms(ours),
        "bare_fpdf2_ms": ms(bare),
        "ratio": ratio(ours, bare),
    }


def bench_print(runs: int) -> dict[str, float] | str:
    reason = unavailable_reason()
    if reason:
        return reason
    pack = load_pack(BUNDLED_PACK_DIR)
    pdf = assemble_form(BASE_CASE, pack, FACTS)
    ours, bare = [], []
    with CupsSandbox() as cups:
        queue = CupsQueue(cups.queue, server=str(cups.socket), timeout_s=60, poll_s=0.05)
        desk = FormDesk(queue, lambda: pack, station=FACTS.station)
        desk.remember("legal_aid", BASE_CASE, FACTS.receipt_code, staff_id=FACTS.staff_id)
        for i in range(runs):
            t = time.perf_counter()
            result = desk.print_current()
            ours.append(time.perf_counter() - t)
            assert result.ok, result.message
            t = time.perf_counter()
            subprocess.run(
                ["lp", "-d", cups.queue, "-"],
                input=pdf,
                env=cups.client_env(),
                capture_output=True,
                check=True,
            )
            cups.wait_for_output(2 * (i + 1), timeout_s=60)
            bare.append(time.perf_counter() - t)
    return {
        "submit_to_printed_ms": ms(ours),
        "bare_lp_ms": ms(bare),
        "ratio": ratio(ours, bare),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    assembly = bench_assembly(args.runs)
    print(f"assembly: {assembly}")
    printing = bench_print(max(3, args.runs // 2))
    print(f"print: {printing}")
    print(json.dumps({"assembly": assembly, "print": printing}, ensure_ascii=False))


if __name__ == "__main__":
    main()
