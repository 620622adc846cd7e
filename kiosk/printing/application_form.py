"""The filled-in legal-aid application form on A4 (document assembly, as Docassemble does it).

The layout is data: the content pack's ``legal_aid.json`` → ``application_form`` (sections of
rows of labelled cells, each naming one of :data:`FORM_FIELDS`), so administrators follow the
official Jiangsu form when it changes without a program update. It is filled from the resident's
answers — the same payload the outbox gets — into a PDF held in memory (``bytes``): nothing of it
is written to disk here; :mod:`kiosk.printing.a4` hands the bytes to CUPS on stdin.

The PDF is made with fpdf2: pure Python (no Cairo/Pango as WeasyPrint needs, no LibreOffice as a
docx route needs), small, well kept, and it embeds only the subset of the CJK font's glyphs the
form uses (a TTC face included), so the printed form has no "tofu" boxes on any printer.
The font is the one the screens use (``kiosk.fonts``).

Always on the form whatever the template says: the receipt code (``2345 6789 2345``), blank
boxes for the signature and the thumbprint (签名/按手印), and — when a staff member filled it in
for the resident — the template's ``assisted_label`` (代为填写) with the staff id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk import display_text
from kiosk.content import ContentPack
from kiosk.fonts import find_cjk_font
from kiosk.legal_aid.application import Application, application_problems, parse_application
from kiosk.validation import Problem, check_resident_id

if TYPE_CHECKING:
    from fpdf import FPDF

NOT_FILLED = "—"
NO_CODE = "未提交（样张）"  # a form made at the console from a case file that was never submitted  # a field with no answer (an agent's line when the resident applied alone)


class FormUnavailable(Exception):
    """The form can't be assembled (no template in the pack, no font); ``str()`` is plain."""


class InvalidCase(Exception):
    """The answers break the rules of ``kiosk.legal_aid``; ``problems`` name each field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"申请内容有 {len(problems)} 处问题，不能填表")
        self.problems = problems


@dataclass(frozen=True)
class FormFacts:
    """What the form says besides the answers: the code, the day, who filled it in."""

    receipt_code: str  # "" for a sample made from a case file (kiosk-admin legal-aid form)
    submitted_on: date
    station: str
    staff_id: str | None = None


@dataclass(frozen=True)
class _Filled:
    app: Application
    payload: Mapping[str, Any]
    pack: ContentPack
    facts: FormFacts


def _label(items: list[dict[str, Any]], item_id: str) -> str:
    return next((str(i["label"]) for i in items if i["id"] == item_id), item_id)


def _labels(f: _Filled, key: str, ids: tuple[str, ...]) -> str:
    la = f.pack.data("legal_aid")
    return "、".join(_label(la[key], i) for i in ids) or "无"


def _address(f: _Filled) -> str:
    a = f.app.address
    district = f.pack.district(a.district)["label"]
    town = f.pack.town(a.district, a.town)["label"]
    village = f.pack.village(a.district, a.town, a.village)["label"]
    return f"{district}{town}{village}{a.detail}"


def _birth(f: _Filled) -> str:
    born = check_resident_id(f.app.applicant.id_number, f.facts.submitted_on).birth_date
    return display_text.date_words(born) if born else NOT_FILLED


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _agent(attr: str) -> Callable[[_Filled], str]:
    def value(f: _Filled) -> str:
        return str(getattr(f.app.agent, attr)) if f.app.agent is not None else NOT_FILLED

    return value


def _money(f: _Filled) -> str:
    income = f.app.monthly_income_yuan
    if income is None:
        return NOT_FILLED
    text = f"{income:.0f}" if float(income).is_integer() else f"{income:.2f}"
    if f.app.yearly_income_yuan is not None:  # given per year (farm income): staff see both
        text += f"（按年说：一年{f.app.yearly_income_yuan:.0f}元）"
    return text


# Every field a template may name, and how it is filled: the pack schema lists the same names
# (tests/printing/test_application_form.py keeps the two equal).
FORM_FIELDS: dict[str, Callable[[_Filled], str]] = {
    "applicant.name": lambda f: f.app.applicant.name,
    "applicant.sex": lambda f: f.app.applicant.sex,
    "applicant.age": lambda f: f"{f.app.applicant.age}岁",
    "applicant.birth_date": _birth,
    "applicant.id_number": lambda f: f.app.applicant.id_number,
    "applicant.phone": lambda f: f.app.applicant.phone or NOT_FILLED,
    "applicant.address": _address,
    "applicant.migrant_worker": lambda f: _yes_no(f.app.migrant_worker),
    "agent.name": _agent("name"),
    "agent.id_number": _agent("id_number"),
    "agent.phone": _agent("phone"),
    "agent.relation": lambda f: f.app.agent_relation or NOT_FILLED,
    "matter.category": lambda f: _label(f.pack.data("legal_aid")["matters"], f.app.category),
    "matter.facts": lambda f: f.app.facts,
    "opposing_party.name": lambda f: f.app.opposing_name or NOT_FILLED,
    "opposing_party.kind": lambda f: _label(
        f.pack.data("legal_aid")["opposing_kinds"], f.app.opposing_kind
    ),
    "economy.household_size": lambda f: (
        f"{f.app.household_size}人" if f.app.household_size is not None else NOT_FILLED
    ),
    "economy.monthly_income_yuan": _money,
    "exemption_groups": lambda f: _labels(f, "exemption_groups", f.app.exemption_groups),
    "exempt_matters": lambda f: _labels(f, "exempt_matters", f.app.exempt_matters),
    "evidence": lambda f: "、".join(f.app.evidence) or "无",
    "oral": lambda f: _yes_no(f.app.oral),
    "receipt_code": lambda f: (
        display_text.receipt_code(f.facts.receipt_code) if f.facts.receipt_code else NO_CODE
    ),
    "submitted_on": lambda f: display_text.date_words(f.facts.submitted_on),
    "station": lambda f: f.facts.station,
}


def form_template(pack: ContentPack) -> dict[str, Any]:
    """The pack's form template; :class:`FormUnavailable` when the pack has none."""
    template = pack.data("legal_aid").get("application_form")
    if not isinstance(template, dict):
        raise FormUnavailable("内容包里没有法律援助申请表的模板，不能打印申请表。")
    return template


def field_values(payload: Mapping[str, Any], pack: ContentPack, facts: FormFacts) -> dict[str, str]:
    """Every field of :data:`FORM_FIELDS` filled from ``payload`` (checked like a submission)."""
    data = dict(payload)
    problems = application_problems(data, pack, facts.submitted_on)
    app = parse_application(data, pack, facts.submitted_on) if not problems else None
    if app is None:
        raise InvalidCase(problems or [Problem("", "申请内容不完整。")])
    filled = _Filled(app, payload, pack, facts)
    return {name: fill(filled) for name, fill in FORM_FIELDS.items()}


# -- layout (millimetres on A4 portrait) -----------------------------------------------------
PAGE_W = 210.0
MARGIN = 15.0
WIDTH = PAGE_W - 2 * MARGIN
LINE_H = 7.0  # one line of 11-point text with room to read it
FONT = "cjk"
HEADER_H = 8.0  # the top line: where it was made and the receipt code


def assemble_form(payload: Mapping[str, Any], pack: ContentPack, facts: FormFacts) -> bytes:
    """The filled-in A4 form as PDF bytes (in memory; nothing is written to disk)."""
    template = form_template(pack)
    values = field_values(payload, pack, facts)
    try:
        from fpdf import FPDF
    except ImportError:  # pragma: no cover - a broken install, said plainly
        raise FormUnavailable("本机缺少制作申请表的程序库（fpdf2），请联系技术人员。") from None
    try:
        font = find_cjk_font()
    except RuntimeError as exc:
        raise FormUnavailable(str(exc)) from None

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creator("village-legal-kiosk")
    pdf.set_title(str(template["title"]))  # the title only: no personal data in metadata
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT, fname=str(font))
    pdf.add_page()
    pdf.set_y(MARGIN + HEADER_H)
    _title(pdf, template)
    for section in template["sections"]:
        _section(pdf, section, values)
    _declaration(pdf, template, values, facts)
    # The top line last: print chains that redo the text layer (cairo's PostScript) then keep
    # the code's digits readable by machines too, not only on paper.
    pdf.page = 1
    pdf.set_xy(MARGIN, MARGIN)
    _top_line(pdf, values)
    return bytes(pdf.output())


def _top_line(pdf: FPDF, values: dict[str, str]) -> None:
    pdf.set_font(FONT, size=10)
    pdf.cell(WIDTH / 2, HEADER_H - 2, f"受理地点：{values['station']}")
    pdf.set_font(FONT, size=12)  # the code staff and the resident look for: larger
    pdf.cell(WIDTH / 2, HEADER_H - 2, f"回执号：{values['receipt_code']}", align="R")


def _title(pdf: FPDF, template: dict[str, Any]) -> None:
    pdf.set_font(FONT, size=20)
    pdf.cell(WIDTH, 11, str(template["title"]), align="C")
    pdf.ln(11)
    if template.get("subtitle"):
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(WIDTH, 5, str(template["subtitle"]), align="C")
    pdf.ln(3)


def _section(pdf: FPDF, section: dict[str, Any], values: dict[str, str]) -> None:
    pdf.set_font(FONT, size=12)
    pdf.set_fill_color(230, 230, 230)
    pdf.cell(WIDTH, LINE_H, str(section["title"]), border=1, fill=True)
    pdf.ln(LINE_H)
    for cells in section["rows"]:
        _row(pdf, cells, values)


def _line_count(pdf: FPDF, width: float, text: str) -> int:
    wrapped = pdf.multi_cell(width, LINE_H, text, dry_run=True, output="LINES")
    return len(wrapped) if isinstance(wrapped, list) else 1


def _row(pdf: FPDF, cells: list[dict[str, Any]], values: dict[str, str]) -> None:
    """One row of label | value boxes sharing the page width; as tall as its tallest text."""
    pdf.set_font(FONT, size=11)
    share = WIDTH / len(cells)
    label_w = [min(share * 0.45, pdf.get_string_width(str(c["label"])) + 4) for c in cells]
    lines = []
    for c, lw in zip(cells, label_w, strict=True):
        value = _line_count(pdf, share - lw, values[str(c["field"])])
        label = _line_count(pdf, lw, str(c["label"]))
        lines.append(max(value, label, int(c.get("lines", 1))))
    height = LINE_H * max(lines)
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    for c, lw in zip(cells, label_w, strict=True):
        pdf.rect(x, y, lw, height)
        pdf.rect(x + lw, y, share - lw, height)
        pdf.set_xy(x, y)
        pdf.multi_cell(lw, LINE_H, str(c["label"]), align="C")
        pdf.set_xy(x + lw, y)
        pdf.multi_cell(share - lw, LINE_H, values[str(c["field"])], align="L")
        x += share
    pdf.set_xy(MARGIN, y + height)


def _declaration(
    pdf: FPDF, template: dict[str, Any], values: dict[str, str], facts: FormFacts
) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, size=11)
    pdf.multi_cell(WIDTH, 6, str(template["declaration"]))
    pdf.ln(3)
    boxes = template["signatures"]
    box_h = 28.0
    if pdf.will_page_break(box_h + 12):
        pdf.add_page()
    share = WIDTH / len(boxes)
    x, y = MARGIN, pdf.get_y()
    for box in boxes:
        pdf.rect(x, y, share - 4, box_h)
        pdf.set_xy(x + 2, y + 2)
        pdf.set_font(FONT, size=10)
        pdf.cell(share - 8, 5, str(box["label"]))
        if box.get("kind") == "date":  # the day it was filled in; signed on paper
            pdf.set_xy(x + 2, y + box_h - 9)
            pdf.cell(share - 8, 6, values["submitted_on"])
        x += share
    pdf.set_xy(MARGIN, y + box_h + 4)
    if facts.staff_id:
        pdf.set_font(FONT, size=12)
        pdf.cell(WIDTH, 7, f"{template['assisted_label']}：工作人员工号 {facts.staff_id}")
        pdf.ln(8)
    if template.get("footer"):
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(WIDTH, 5, str(template["footer"]))
