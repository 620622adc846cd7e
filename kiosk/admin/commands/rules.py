"""``kiosk-admin check-id | legal-aid assess|form | notary list|checklist | visit slots``: the rules.

``notary checklist -o SLIP.png / --print`` gives the same take-home slip the kiosk prints.

Every answer comes from the same library functions the touch screens use, with the same content
pack, so a staff member can check at the console what a resident was (or will be) told. Nothing
is written anywhere by these commands, except the PDF ``legal-aid form -o`` and the slip image
``notary checklist -o`` are asked to save.
"""

from __future__ import annotations

import argparse
import io
from datetime import date
from typing import TYPE_CHECKING

from kiosk.admin.common import (
    CliError,
    Subparsers,
    active_pack,
    add_command,
    add_group,
    config_from_args,
    pack_option,
    read_json_file,
    receipt_code,
    unwrap_submission,
    write_output,
)
from kiosk.admin.output import as_data, emit, error

if TYPE_CHECKING:
    from kiosk.notary import Checklist


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} 的日期格式应当像 2026-12-03，不能是“{text}”") from None


def _today(args: argparse.Namespace) -> date:
    """``--today``, else today by the terminal's clock (corrected by the province; the system
    date only when there is no store yet)."""
    if getattr(args, "today", None):
        return _date(args.today, "--today")
    from kiosk.config import ConfigError
    from kiosk.terminal_clock import clock_of
    from offline_cache.store import Store, StoreError

    try:
        return clock_of(Store.for_reading(config_from_args(args).db_path)).today()
    except (StoreError, ConfigError):
        return date.today()


def cmd_check_id(args: argparse.Namespace) -> int:
    from kiosk.validation import check_resident_id, mask_resident_id

    result = check_resident_id(args.id, _today(args))
    if result.problem:
        if args.json:
            emit(args, "", {"valid": False, "problem": result.problem})
        error(result.problem)
        return 1
    born = result.birth_date
    assert born is not None  # a valid number has a birth date
    data = {
        "valid": True,
        "masked": mask_resident_id(result.number),
        "birth_date": born.isoformat(),
        "age": result.age,
        "sex": result.sex,
    }
    human = [
        f"身份证号有效：{data['masked']}",
        f"出生日期：{born.year}年{born.month}月{born.day}日",
        f"年龄：{result.age}岁",
        f"性别：{result.sex}",
    ]
    emit(args, human, data)
    return 0


def cmd_legal_aid_assess(args: argparse.Namespace) -> int:
    from kiosk.legal_aid import application_problems, assess, parse_application
    from kiosk.legal_aid.assessment import assessment_lines
    from kiosk.submissions import describe

    pack, today = active_pack(args), _today(args)
    doc = read_json_file(args.case)
    kind, payload = unwrap_submission(doc, None)  # the file `kiosk-admin submit` takes, too
    if kind != "legal_aid":
        payload = doc
    problems = application_problems(payload, pack, today)
    if problems:
        if args.json:
            emit(args, "", {"ok": False, "problems": [p.to_dict() for p in problems]})
        error(f"申请内容有 {len(problems)} 处问题，不能评估：", [describe(p) for p in problems])
        return 1
    application = parse_application(payload, pack, today)
    assert application is not None  # no problems means it parses
    result = assess(application, pack, today)
    emit(args, assessment_lines(result), {"ok": True, **result.to_dict()})
    return 0


def cmd_legal_aid_form(args: argparse.Namespace) -> int:
    from kiosk.printing.a4 import queue_from_config
    from kiosk.printing.application_form import (
        FormFacts,
        FormUnavailable,
        InvalidCase,
        assemble_form,
    )
    from kiosk.submissions import describe

    if not args.output and not args.print:
        raise CliError("请用 -o FORM.pdf 保存，或用 --print 送到 A4 打印机（也可以两个都用）")
    config = config_from_args(args)
    pack, today = active_pack(args), _today(args)
    doc = read_json_file(args.case)
    kind, payload = unwrap_submission(doc, None)
    if kind != "legal_aid":
        payload = doc
    code = receipt_code(args.receipt) if args.receipt else ""
    facts = FormFacts(code, today, args.station or config.station_name, args.staff)
    try:
        pdf = assemble_form(payload if isinstance(payload, dict) else {}, pack, facts)
    except InvalidCase as exc:
        error(f"{exc}：", [describe(p) for p in exc.problems])
        return 1
    except FormUnavailable as exc:
        raise CliError(str(exc)) from None
    lines, data = [], {"ok": True, "bytes": len(pdf)}
    if args.output:
        write_output(args.output, pdf)
        lines.append(f"申请表已保存到 {args.output}（{len(pdf) // 1024} KB）")
        data["output"] = args.output
    if args.print:
        queue = queue_from_config(args.queue or config.a4_queue, config.a4_server)
        if queue is None:
            raise CliError("没有设置 A4 打印机：请在配置里写 [a4_printer] queue，或用 --queue 指定")
        result = queue.print_pdf(pdf)
        data["printed"] = result.ok
        if not result.ok:
            if args.json:
                emit(args, "", {**data, "ok": False, "message": result.message})
            error(result.message)
            return 1
        lines.append(result.message)
    emit(args, lines, data)
    return 0


def cmd_notary_list(args: argparse.Namespace) -> int:
    from kiosk.notary import matter_lines, matter_summaries

    summaries = matter_summaries(active_pack(args))
    emit(args, matter_lines(summaries), [as_data(m) for m in summaries])
    return 0


def cmd_notary_checklist(args: argparse.Namespace) -> int:
    from kiosk.notary import NotaryError, checklist, checklist_lines, parse_answer

    pack = active_pack(args)
    answers: dict[str, bool] = {}
    try:
        for item in args.answer or []:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise CliError(f"--answer 要写成 问题=yes 或 问题=no，不能是“{item}”")
            answers[key.strip()] = parse_answer(value)
        result = checklist(pack, args.matter, answers, args.district)
    except NotaryError as exc:
        raise CliError(str(exc)) from None
    emit(args, checklist_lines(result), result.to_dict())
    if args.output or args.print:
        _notary_slip(args, result)
    return 0


def _notary_slip(args: argparse.Namespace, result: Checklist) -> None:
    """The take-home slip the kiosk prints: to a PNG (``-o``) and/or the slip printer."""
    from kiosk.admin.commands.printing import print_and_report
    from kiosk.devices.factory import receipt_printer_from_config
    from kiosk.printing.layouts import notary_slip
    from kiosk.printing.slip import render

    config = config_from_args(args)
    have = set(args.have or [])
    unknown = have - {d.id for d in result.documents}
    if unknown:
        ids = "、".join(d.id for d in result.documents)
        raise CliError(f"--have 只能是这些材料的 id：{ids}")
    slip = notary_slip(result, have, station=config.station_name, when=_today(args))
    if args.output:
        width = args.width or config.receipt_printer_width_mm
        png = io.BytesIO()
        render(slip, width).save(png, format="PNG")
        write_output(args.output, png.getvalue())
        if not args.json:
            print(f"小票图片已写到 {args.output}（{width} 毫米宽）")
    if args.print:
        print_and_report(args, receipt_printer_from_config(config), slip)


def cmd_visit_slots(args: argparse.Namespace) -> int:
    from kiosk.visits import BookingError, booked_counts, list_slots, slot_lines

    pack, today = active_pack(args), _today(args)
    start = _date(args.start, "--from") if args.start else today
    if not 1 <= args.days <= 366:
        raise CliError("--days 要在 1 到 366 之间")
    counts = booked_counts(config_from_args(args).db_path, pack, start, args.days)
    try:
        slots = list_slots(
            pack,
            args.service,
            district=args.district,
            start=start,
            days=args.days,
            today=today,
            counts=counts,
            include_full=True,
        )
    except BookingError as exc:
        raise CliError(str(exc)) from None
    emit(args, slot_lines(slots, start, args.days), [s.to_dict() for s in slots])
    return 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    rules = argparse.ArgumentParser(add_help=False, parents=[pack_option()])
    rules.add_argument("--today", metavar="YYYY-MM-DD", help="按这一天计算（默认今天）")

    p = add_command(
        sub,
        "check-id",
        cmd_check_id,
        help="检查居民身份证号码，显示出生日期、年龄、性别（号码只显示一部分）",
        example="check-id 320402195205041212 --today 2026-06-15",
        parents=[common, rules],
    )
    p.add_argument("id", metavar="ID", help="18 位身份证号码")

    actions = add_group(sub, "legal-aid", help="法律援助的规则", parents=[common])
    p = add_command(
        actions,
        "assess",
        cmd_legal_aid_assess,
        help="按终端的规则预评估一份法律援助申请（JSON 文件）",
        example="legal-aid assess case.json --today 2026-06-15",
        parents=[common, rules],
    )
    p.add_argument("case", metavar="CASE.json", help="申请内容 JSON（字段见 docs/cli.md）")
    p = add_command(
        actions,
        "form",
        cmd_legal_aid_form,
        help="按内容包里的申请表模板填好 A4 法律援助申请表（PDF），保存或打印；和终端提交时打印的一样",
        example="legal-aid form case.json -o form.pdf --receipt 234567892343",
        parents=[common, rules],
    )
    p.add_argument("case", metavar="CASE.json", help="申请内容 JSON（和 legal-aid assess 的一样）")
    p.add_argument("-o", "--output", metavar="FORM.pdf", help="把申请表保存成这个 PDF 文件")
    p.add_argument("--print", action="store_true", help="送到 A4 打印机（配置 [a4_printer]）")
    p.add_argument("--queue", metavar="NAME", help="用这个 CUPS 打印队列（默认用配置里的）")
    p.add_argument("--receipt", metavar="CODE", help="印在表上的回执号（不写就印“未提交（样张）”）")
    p.add_argument("--staff", metavar="ID", help="代为填写的工作人员工号（印“代为填写”）")
    p.add_argument("--station", metavar="NAME", help="受理地点（默认用配置里的服务站名称）")

    actions = add_group(sub, "notary", help="公证的材料清单", parents=[common])
    add_command(
        actions,
        "list",
        cmd_notary_list,
        help="列出公证事项和它们要回答的问题",
        example="notary list",
        parents=[common, rules],
    )
    p = add_command(
        actions,
        "checklist",
        cmd_notary_checklist,
        help="办理一种公证要带的材料、为什么要、去哪里办",
        example="notary checklist inheritance --answer heir_deceased=yes --answer has_will=no "
        "--district wujin\nnotary checklist inheritance --district wujin -o slip.png --print",
        parents=[common, rules],
    )
    p.add_argument("matter", metavar="MATTER", help="公证事项 id，如 inheritance（见 notary list）")
    p.add_argument(
        "--answer",
        action="append",
        metavar="KEY=VALUE",
        help="回答一个问题：KEY=yes 或 KEY=no（可多次）",
    )
    p.add_argument("--district", help="区 id，用来找公证处，如 wujin")
    p.add_argument(
        "--have",
        action="append",
        metavar="DOC",
        help="居民已经有的材料 id（可多次）；小票上先列还缺的",
    )
    p.add_argument("--print", action="store_true", help="在小票打印机上打出带回家的清单")
    p.add_argument("-o", "--output", metavar="SLIP.png", help="把小票存成图片（给人看或检查排版）")
    p.add_argument("--width", type=int, choices=(58, 80), help="图片的纸宽，毫米（默认按配置）")

    actions = add_group(sub, "visit", help="上门服务预约的规则", parents=[common])
    p = add_command(
        actions,
        "slots",
        cmd_visit_slots,
        help="可以预约的上门服务时段，以及每个时段还剩几个名额",
        example="visit slots --service legal_aid --district wujin --days 14",
        parents=[common, rules],
    )
    p.add_argument(
        "--service", required=True, help="服务：legal_aid、notary、appraisal、consultation"
    )
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="第一天（默认今天）")
    p.add_argument("--days", type=int, default=14, help="显示多少天（默认 14）")
    p.add_argument("--district", help="只看服务这个区的小组，如 wujin")
