"""What each slip says. Every slip is for the resident to take home, so none carries a name, an
ID number, a phone, an address or household figures — only what the slip is for, what to do
next, and where to ask. The most important line of each is the largest (``Size.KEY``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk import display_text
from kiosk.printing.slip import Block, Qr, Rule, Size, Slip, Text, slip

if TYPE_CHECKING:
    from kiosk.content import ContentPack
    from kiosk.legal_aid.assessment import Assessment
    from kiosk.notary import Checklist
    from offline_cache.bookings import Booking

NO_PERSONAL_DATA = "这张纸上没有您的姓名和身份证号，丢了也不会泄露。"
CANCEL_VISIT = (
    "不需要了或者要改时间：到本服务站找工作人员，或拨打 12348，说出回执号就能取消或改约。"
)
READY_FOR_VISIT = "请准备好：身份证、户口簿，和这件事有关的合同、欠条、照片等材料。"
TOPIC_HELP = "还有不明白的：拨打 12348 免费咨询，或者到村里的服务站问工作人员。"


def query_hint(code: str) -> str:
    """What the receipt's QR code holds: the code and how to ask about progress."""
    return f"回执号 {code}。查询进度：到村服务站终端点“查询办理进度”输入回执号，或拨打 12348。"


def hotline_hours(pack: ContentPack | None) -> str:
    """12348's hours from the pack (the hotline page says the same)."""
    if pack is None:
        return ""
    return str(pack.data("hotline")["hotline"].get("hours", ""))


def _when(moment: datetime | date) -> str:
    day = moment.date() if isinstance(moment, datetime) else moment
    return f"打印日期：{display_text.date_words(day, weekday=True)}"


def _progress(code: str, hours: str) -> list[Block]:
    return [
        Text("怎样问办到哪一步了", Size.TITLE),
        Text("① 回到本服务站的终端，点“查询办理进度”，输入上面的回执号。"),
        Text("② 拨打 12348" + (f"（{hours}）" if hours else "") + "，说出回执号。"),
        Qr(query_hint(code)),
        Text("用手机扫一扫，回执号就存到手机上。", Size.NOTE, center=True),
    ]


def _code_blocks(code: str) -> list[Block]:
    return [
        Text("回执号（请收好，凭它查询进度）", Size.BODY, center=True),
        Text(display_text.receipt_code(code), Size.KEY, center=True, one_line=True),
    ]


def receipt_slip(
    *,
    code: str,
    title: str,
    lines: Sequence[str],
    station: str,
    when: datetime | date,
    hours: str = "",
) -> Slip:
    """The receipt of a submission: what it is for, the code in 4-4 groups, how to ask."""
    blocks: list[Block] = [
        Text(station, Size.NOTE, center=True, one_line=True),
        Text(title, Size.TITLE, center=True, one_line=True),
        *_code_blocks(code),
        Rule(),
        *(Text(line) for line in lines),
        Rule(),
        *_progress(code, hours),
        Rule(),
        Text(_when(when), Size.NOTE),
        Text(NO_PERSONAL_DATA, Size.NOTE),
    ]
    return slip("receipt", blocks)


def notary_text(result: Checklist, have: Collection[str]) -> str:
    """The checklist as plain text (its QR code): what is missing first."""
    missing = [d.label for d in result.documents if d.id not in have]
    got = [d.label for d in result.documents if d.id in have]
    lines = [f"{result.matter_label}公证材料清单"]
    lines += ["还缺："] + [f"□ {x}" for x in missing] if missing else ["材料都齐了"]
    if got:
        lines += ["已有："] + [f"✓ {x}" for x in got]
    if result.office is not None:
        lines.append(f"办理：{result.office.label} {result.office.contact}")
    return "\n".join(lines)


def notary_slip(
    result: Checklist, have: Collection[str], *, station: str, when: datetime | date
) -> Slip:
    """The notary checklist: 还缺 first (each with where to get it), then the office, in person
    or not, and the green channel."""
    missing = [d for d in result.documents if d.id not in have]
    got = [d for d in result.documents if d.id in have]
    blocks: list[Block] = [
        Text(station, Size.NOTE, center=True, one_line=True),
        Text(f"{result.matter_label}公证材料清单", Size.TITLE, center=True, one_line=True),
    ]
    if missing:
        blocks.append(Text(f"还缺 {len(missing)} 样", Size.KEY, center=True, one_line=True))
        for i, d in enumerate(missing, 1):
            blocks.append(Text(f"{i}. {d.label}"))
            blocks.append(Text(f"去哪里开：{d.where}", Size.NOTE))
    else:
        blocks.append(Text("材料都齐了", Size.KEY, center=True, one_line=True))
    if got:
        blocks.append(Text("已经有的：" + "、".join(d.label for d in got), Size.NOTE))
    for m in result.maybe:
        blocks.append(Text(f"看情况要：{m.document.label}", Size.NOTE))
    blocks.append(Rule())
    who = "要本人到场" if result.in_person_required else "可以请人代办"
    blocks.append(Text(f"{who}：{result.in_person_reason}"))
    if result.office is not None:
        blocks.append(Text(f"到{result.office.label}办理", Size.TITLE))
        blocks.append(Text(result.office.contact))
    if result.green_channel:
        blocks.append(Text(f"绿色通道：{result.green_channel}"))
    if result.certificate_days_text or result.fees:
        blocks.append(Text(f"{result.certificate_days_text}{result.fees}", Size.NOTE))
    blocks += [
        Qr(notary_text(result, have)),
        Text("用手机扫一扫，清单就存到手机上。", Size.NOTE, center=True),
        Rule(),
        Text(_when(when), Size.NOTE),
    ]
    return slip("notary", blocks)


def visit_slip(
    *,
    code: str,
    day: date,
    today: date,
    period: str,
    hours: str,
    service: str,
    team: str,
    status: str,
    station: str,
    ready: str = READY_FOR_VISIT,
) -> Slip:
    """The home-visit booking: the day (今天/明天 or the date in words, 星期) and half-day, who
    comes, what to have ready, how to cancel, and the receipt code."""
    blocks: list[Block] = [
        Text(station, Size.NOTE, center=True, one_line=True),
        Text(f"{service}上门服务预约", Size.TITLE, center=True, one_line=True),
        Text(display_text.near_day_words(day, today), Size.KEY, center=True, one_line=True),
        Text(f"{period}" + (f" {hours}" if hours else ""), Size.TITLE, center=True),
        Text(f"谁来：{team}" if team else "谁来：工作人员确认后告诉您"),
        Text(status),
        Text(ready),
        Rule(),
        *_code_blocks(code),
        Text(CANCEL_VISIT),
        Rule(),
        *_progress(code, ""),
        Text(_when(today), Size.NOTE),
        Text(NO_PERSONAL_DATA, Size.NOTE),
    ]
    return slip("visit", blocks)


def booking_slip(booking: Booking, pack: ContentPack, *, station: str, today: date) -> Slip:
    """:func:`visit_slip` for a booking the ledger holds, its labels from the pack."""
    visits = pack.data("visits")

    def label(kind: str, item_id: str) -> dict[str, Any]:
        return next((x for x in visits[kind] if x["id"] == item_id), {"label": ""})

    period = label("periods", booking.period)
    hours = f"{period['start']}-{period['end']}" if "start" in period else ""
    return visit_slip(
        code=booking.receipt_code or "",
        day=date.fromisoformat(booking.visit_date),
        today=today,
        period=str(period["label"]),
        hours=hours,
        service=str(label("services", booking.service)["label"]),
        team=str(label("teams", booking.team)["label"]),
        status=f"现在是“{booking.status_label}”。" + str(visits["booking"]["text"]),
        station=station,
    )


def legal_aid_slip(
    assessment: Assessment, pack: ContentPack, *, station: str, when: datetime | date
) -> Slip:
    """The legal-aid pre-assessment: the outcome in one plain sentence, the materials to bring,
    the statutory times. The reasons are left out: they quote the household's income."""
    a = assessment
    blocks: list[Block] = [
        Text(station, Size.NOTE, center=True, one_line=True),
        Text("法律援助 初步判断", Size.TITLE, center=True),
        Text(a.outcome_label, Size.KEY, center=True, one_line=True),
        Text(OUTCOME_SENTENCES.get(a.outcome, "")),
    ]
    if a.materials:
        blocks.append(Text("请一次带齐这些材料", Size.TITLE))
        blocks.append(Text(pack.spoken("legal_aid.result.bring_to"), Size.NOTE))
        for i, m in enumerate(a.materials, 1):
            blocks.append(Text(f"{i}. {m.label}"))
            blocks.append(Text(m.where, Size.NOTE))
    for r in a.referrals:
        blocks.append(Text(f"{r['label']}：{r['detail']}", Size.NOTE))
    blocks.append(Rule())
    times = {"decision_days": a.decision_days, "assignment_days": a.assignment_days}
    blocks.append(Text(pack.spoken("legal_aid.result.times", **times)))
    if a.priority and a.green_channel_days:
        days = {"green_channel_days": a.green_channel_days}
        blocks.append(Text(pack.spoken("legal_aid.result.green_channel", **days)))
    blocks += [
        Text("这是本机的初步判断，最后以法律援助机构的决定为准。", Size.NOTE),
        Text(TOPIC_HELP, Size.NOTE),
        Text(_when(when), Size.NOTE),
    ]
    return slip("legal_aid", blocks)


# One plain sentence per outcome (the screen shows the reasons; paper keeps only this).
OUTCOME_SENTENCES: Mapping[str, str] = {
    "eligible": "按您说的情况，可以申请法律援助。",
    "likely": "按您说的情况，很可能可以申请法律援助，要工作人员核实。",
    "review": "您的情况要工作人员看一看才能确定，请带上材料来问。",
    # Only the agency decides (法律援助法 Art. 43): a 不符合 here never says "you can't apply".
    "ineligible": "法律援助一般帮不了这件事，可以照下面的办法去办；您也可以照样申请。",
}


def topic_slip(topic: Mapping[str, Any], *, station: str, when: datetime | date) -> Slip:
    """A knowledge topic as a leaflet: its plain sentences, then the articles, small."""
    blocks: list[Block] = [
        Text(station, Size.NOTE, center=True, one_line=True),
        Text(str(topic["label"]), Size.KEY, center=True, one_line=True),
        *(Text(f"● {s}") for s in topic["sentences"]),
        Rule(),
        Text(TOPIC_HELP),
        Text(f"依据：{topic['basis']}", Size.NOTE),
        Text(_when(when), Size.NOTE),
    ]
    return slip("topic", blocks)


def printer_test_slip(*, station: str, printer: str, width_mm: int, when: datetime) -> Slip:
    """The printer's test slip: large and small Chinese, digits, a QR code, the paper width."""
    blocks: list[Block] = [
        Text("打印测试", Size.KEY, center=True),
        Text(station, Size.TITLE, center=True),
        Text(f"打印机：{printer}" if printer else "打印机"),
        Text(f"纸宽 {width_mm} 毫米"),
        Text("2345 6789 2345", Size.TITLE, center=True, one_line=True),
        Text("大字、小字、数字和下面的二维码都清楚，就说明打印正常。", Size.NOTE),
        Qr(f"打印测试 {station} {when:%Y-%m-%d %H:%M}"),
        Text(
            f"{display_text.date_words(when.date(), weekday=True)} {display_text.time_words(when.hour, when.minute)}",
            Size.NOTE,
        ),
    ]
    return slip("test", blocks)
