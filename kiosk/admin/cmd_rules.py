"""``kiosk-admin`` commands for the rules: ID check, legal-aid pre-assessment, notary, visits.

A thin layer: every answer comes from the same library functions the touch screens use, so a
staff member can check at the console what a resident was (or will be) told.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.admin.cli import CliError, active_pack, config_from_args, emit
from kiosk.content import ContentPack


# -- shared ------------------------------------------------------------------------------------
def _pack(args: argparse.Namespace) -> ContentPack:
    """The pack given with ``--pack``, else the terminal's active pack, else the bundled one."""
    return active_pack(args)


def _today(args: argparse.Namespace) -> date:
    return _date(args.today, "--today") if getattr(args, "today", None) else date.today()


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} 的日期格式应当像 2026-12-03，不能是“{text}”") from None


def _mask_id(number: str) -> str:
    from kiosk.validation import mask_resident_id

    return mask_resident_id(number)


# -- check-id ------------------------------------------------------------------------------------
def cmd_check_id(args: argparse.Namespace) -> int:
    from kiosk.validation import check_resident_id

    result = check_resident_id(args.id, _today(args))
    if result.problem:
        if args.json:
            emit(args, "", {"valid": False, "problem": result.problem})
        print(f"kiosk-admin: {result.problem}", file=sys.stderr)
        return 1
    assert result.birth_date is not None
    data = {
        "valid": True,
        "masked": _mask_id(result.number),
        "birth_date": result.birth_date.isoformat(),
        "age": result.age,
        "sex": result.sex,
    }
    human = (
        f"身份证号有效：{data['masked']}\n"
        f"出生日期：{result.birth_date.year}年{result.birth_date.month}月{result.birth_date.day}日\n"
        f"年龄：{result.age}岁\n性别：{result.sex}"
    )
    emit(args, human, data)
    return 0


# -- legal-aid assess ----------------------------------------------------------------------------
def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"读不到文件 {path}：{exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CliError(f"{path} 不是有效的 UTF-8 JSON 文件（{exc}）") from None


def cmd_legal_aid_assess(args: argparse.Namespace) -> int:
    from kiosk.legal_aid import application_problems, assess, parse_application

    pack = _pack(args)
    today = _today(args)
    payload = _read_json(args.case)
    if isinstance(payload, dict) and payload.get("kind") == "legal_aid" and "payload" in payload:
        payload = payload["payload"]  # the same file `kiosk-admin submit` takes
    problems = application_problems(payload, pack, today)
    if problems:
        if args.json:
            emit(args, "", {"ok": False, "problems": [p.to_dict() for p in problems]})
        print(f"kiosk-admin: 申请内容有 {len(problems)} 处问题，不能评估：", file=sys.stderr)
        for p in problems:
            print(f"  - {p.field}：{p.message}", file=sys.stderr)
        return 1
    app = parse_application(payload, pack, today)
    assert app is not None
    result = assess(app, pack, today)
    lines = [f"初步评估：{result.outcome_label}", "理由："]
    lines += [f"  - {r}" for r in result.reasons]
    if result.referrals:
        lines.append("可以这样办：")
        lines += [f"  - {r['label']}：{r['detail']}" for r in result.referrals]
    if result.outcome != "ineligible":
        lines.append("一次性告知，请带齐：")
        lines += [f"  - {m.label}（{m.why}；{m.where}）" for m in result.materials]
        lines.append(
            f"时限：收到申请后{result.decision_days}日内决定，决定给予的{result.assignment_days}日内指派。"
        )
        if result.priority:
            lines.append(f"绿色通道：{result.green_channel_days}日内受理、审查、指派。")
        if result.one_to_one:
            lines.append("社会救助对象：“一对一”帮扶。")
    emit(args, "\n".join(lines), {"ok": True, **result.to_dict()})
    return 0


# -- notary --------------------------------------------------------------------------------------
def cmd_notary_list(args: argparse.Namespace) -> int:
    pack = _pack(args)
    matters = pack.data("notary")["matters"]
    data = [
        {
            "id": m["id"],
            "label": m["label"],
            "summary": m["summary"],
            "in_person_required": m["in_person"]["required"],
            "questions": [{"id": q["id"], "text": q["text"]} for q in m["questions"]],
        }
        for m in matters
    ]
    lines = []
    for m in data:
        lines.append(f"{m['id']:<20} {m['label']}：{m['summary']}")
        for q in m["questions"]:
            lines.append(f"    --answer {q['id']}=yes|no   {q['text']}")
    emit(args, "\n".join(lines), data)
    return 0


def cmd_notary_checklist(args: argparse.Namespace) -> int:
    from kiosk.notary import NotaryError, checklist, parse_answer

    pack = _pack(args)
    answers: dict[str, bool] = {}
    for item in args.answer or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--answer 要写成 问题=yes 或 问题=no，不能是“{item}”")
        try:
            answers[key.strip()] = parse_answer(value)
        except NotaryError as exc:
            raise CliError(str(exc)) from None
    try:
        result = checklist(pack, args.matter, answers, args.district)
    except NotaryError as exc:
        raise CliError(str(exc)) from None
    lines = [f"{result.matter_label}公证 — 请准备（{len(result.documents)}样）："]
    for i, d in enumerate(result.documents, 1):
        lines.append(f"  {i}. {d.label}\n     为什么：{d.why}\n     去哪里办：{d.where}")
    if result.maybe:
        lines.append("看情况（回答下面的问题后确定）：")
        for m in result.maybe:
            qs = "；".join(f"{q.id}：{q.text}" for q in m.depends_on)
            lines.append(f"  - {m.document.label}（{qs}）")
    lines.append(
        ("要本人到场：" if result.in_person_required else "可以代办：") + result.in_person_reason
    )
    if result.office is not None:
        verified = "" if result.office.verified else "（未核实）"
        lines.append(f"办理地点：{result.office.label}{verified}，{result.office.contact}")
    lines += result.notes
    lines.append(result.green_channel)
    lines.append(f"出证时间：材料齐全后一般{result.certificate_days}个工作日内。")
    if result.unanswered:
        lines.append("还没回答的问题：")
        lines += [f"  --answer {q.id}=yes|no   {q.text}" for q in result.unanswered]
    emit(args, "\n".join(lines), result.to_dict())
    return 0


# -- visit slots ---------------------------------------------------------------------------------
def cmd_visit_slots(args: argparse.Namespace) -> int:
    from kiosk.visits import BookingError, list_slots

    pack = _pack(args)
    today = _today(args)
    start = _date(args.start, "--from") if args.start else today
    if args.days < 1 or args.days > 366:
        raise CliError("--days 要在 1 到 366 之间")
    counts: dict[tuple[str, str, str], int] = {}
    config = config_from_args(args)
    if config.db_path.exists():  # read the ledger only if this terminal has one; never create it
        from datetime import timedelta

        from kiosk.visits import BookingLedger
        from offline_cache.store import Store

        counts = BookingLedger(Store(config.db_path), pack).counts(
            start, start + timedelta(days=args.days)
        )
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
    if not slots:
        human = f"从{start.isoformat()}起{args.days}天内没有可预约的时段（节假日、提前量或预约期限之外）。"
    else:
        rows = []
        for s in slots:
            mark = "" if s.calendar_confirmed else "  （节假日安排未公布，按周一至周五计）"
            rows.append(
                f"{s.date} 星期{s.weekday} {s.period_label} {s.start}-{s.end}  {s.team_label}"
                f"  余{s.remaining}/{s.capacity}{mark}"
            )
        human = "\n".join(rows)
    emit(args, human, [s.to_dict() for s in slots])
    return 0


# -- registration --------------------------------------------------------------------------------
def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    rules = argparse.ArgumentParser(add_help=False)
    rules.add_argument("--pack", help="content pack directory (default: the active pack)")
    rules.add_argument("--today", help="evaluate as on this date, YYYY-MM-DD (default: today)")

    p = sub.add_parser(
        "check-id", parents=[common, rules], help="check a resident ID number; birth date, age, sex"
    )
    p.add_argument("id", metavar="ID", help="18-character resident ID number")
    p.set_defaults(func=cmd_check_id)

    la = sub.add_parser("legal-aid", help="legal-aid rules")
    la_sub = la.add_subparsers(dest="legal_aid_command", metavar="ACTION", required=True)
    p = la_sub.add_parser(
        "assess", parents=[common, rules], help="pre-assess a legal-aid case from a JSON file"
    )
    p.add_argument("case", metavar="CASE.json", help="the application as JSON (docs/cli.md)")
    p.set_defaults(func=cmd_legal_aid_assess)

    nt = sub.add_parser("notary", help="notary checklists")
    nt_sub = nt.add_subparsers(dest="notary_command", metavar="ACTION", required=True)
    p = nt_sub.add_parser(
        "list", parents=[common, rules], help="notary matters and their questions"
    )
    p.set_defaults(func=cmd_notary_list)
    p = nt_sub.add_parser(
        "checklist", parents=[common, rules], help="documents to bring for a notary matter"
    )
    p.add_argument("matter", metavar="MATTER", help="matter id, e.g. inheritance (see notary list)")
    p.add_argument(
        "--answer",
        action="append",
        metavar="KEY=VALUE",
        help="answer a question: KEY=yes or KEY=no (repeatable)",
    )
    p.add_argument("--district", help="district id for the notary office, e.g. wujin")
    p.set_defaults(func=cmd_notary_checklist)

    vs = sub.add_parser("visit", help="home-visit booking rules")
    vs_sub = vs.add_subparsers(dest="visit_command", metavar="ACTION", required=True)
    p = vs_sub.add_parser(
        "slots", parents=[common, rules], help="bookable home-visit slots and what is left"
    )
    p.add_argument("--service", required=True, help="legal_aid, notary, appraisal, consultation")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (default today)")
    p.add_argument("--days", type=int, default=14, help="number of days to show (default 14)")
    p.add_argument("--district", help="only teams serving this district, e.g. wujin")
    p.set_defaults(func=cmd_visit_slots)
