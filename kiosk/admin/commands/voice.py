"""``kiosk-admin voice match | digits | transcribe | check | prompts``: is voice working, and why a
resident's words were (or were not) understood — over the same :mod:`voice` the screens use."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.admin.common import (
    CliError,
    Subparsers,
    active_pack,
    add_command,
    add_group,
    config_from_args,
    pack_option,
)
from kiosk.admin.output import as_data, emit
from voice.options import OptionLike, options_from_labels
from voice.rules import PageKind

PAGE_KINDS = tuple(PageKind)

NOT_HEARD = {"digits": "没有听出数字", "amount": "听不出金额", "date": "听不出日期"}


def _screen_options(args: argparse.Namespace, screen_id: str) -> list[OptionLike]:
    pack = active_pack(args)
    try:
        return list(pack.screen_options(screen_id))
    except KeyError:
        known = "、".join(pack.screen_ids()[:12])
        raise CliError(f"没有这个界面：{screen_id}（可用的有 {known} …）") from None


def _split_options(text: str) -> list[str]:
    labels = [part.strip() for part in text.split("|") if part.strip()]
    if not labels:
        raise CliError('--options 需要用 | 分开的选项，例如 "法律援助|公证|上门服务"')
    return labels


def _model_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "model", None):
        return Path(args.model).expanduser()
    return config_from_args(args).voice_model_dir


# What each safety rule did, in the words staff read (voice/rules.py, docs/voice.md).
RULE_NAMES = {
    "question": "反问不算回答（好不好、…吗、…伐）：终端换个说法再问一遍",
    "negated": "否定的话不选这一项（不要、勿要、伐要…）",
    "other_place": "别处的地名，这一页上没有",
    "age": "说的是岁数，按年龄段选",
    "unsure": "这一页要明确回答（同意、是/不是、确认、提交），说得不清楚就先问一句",
}


def cmd_match(args: argparse.Namespace) -> int:
    from voice.commands import COMMANDS
    from voice.lexicon import Lexicon
    from voice.matching import confirmation_prompt, match

    if args.options is not None:
        options: list[OptionLike] = list(options_from_labels(_split_options(args.options)))
    else:
        options = _screen_options(args, args.screen)
    if args.commands:
        options += list(COMMANDS)
    pack = active_pack(args) if args.screen is not None else None
    result = match(
        " ".join(args.text),
        options,
        page=PageKind(args.page),
        screen=args.screen,
        lexicon=Lexicon.from_pack(pack) if pack is not None else None,
    )
    data: dict[str, Any] = {
        "heard": result.heard,
        "option": None,
        "score": result.score,
        "needs_confirmation": result.needs_confirmation,
        "page": args.page,
        "rule": result.reason.value or None,
        "asked_back": result.asked_back,
    }
    if result.reason.value:
        data["rule_text"] = RULE_NAMES.get(result.reason.value, result.reason.value)
    if result.option is None:
        lines = []
        if result.reason.value:
            lines.append(f"安全规则：{data['rule_text']}")
        if result.say:
            data["prompt"] = result.say
            lines.append(f"终端会说：{result.say}")
        if args.json or lines:
            emit(args, lines, data)
        return 1
    data["option"] = {"id": result.option.id, "label": result.option.label}
    data["phrase"] = result.phrase
    if result.needs_confirmation:
        data["prompt"] = confirmation_prompt(result.option)
    emit(args, result.option.label, data)
    if result.needs_confirmation and not args.json:
        rule = f"（安全规则：{data['rule_text']}）" if result.reason.value else ""
        print(f"（把握不大，终端会先问：{data['prompt']}）{rule}", file=sys.stderr)
    return 0


def cmd_digits(args: argparse.Namespace) -> int:
    from voice.digits import heard_numbers

    text = " ".join(args.text)
    heard = heard_numbers(text)
    if args.as_ == "amount":
        shown = None if heard.amount is None else str(heard.amount)
    elif args.as_ == "date":
        shown = None if heard.date is None else heard.date.isoformat()
    else:
        shown = heard.digits or None
    if shown is None:
        raise CliError(f"{NOT_HEARD[args.as_]}：{text}")
    emit(args, shown, as_data(heard))
    return 0


def cmd_transcribe(args: argparse.Namespace) -> int:
    from voice.asr import Recognizer
    from voice.audio import AudioError, WavFileSource

    try:
        source = WavFileSource(Path(args.wav))
    except AudioError as exc:
        raise CliError(str(exc)) from None
    recognizer = Recognizer(_model_dir(args))
    status = recognizer.load()
    if not status.ready:
        raise CliError(status.reason)
    phrases = _split_options(args.grammar) if args.grammar is not None else None
    grammar = recognizer.grammar(phrases) if phrases is not None else None
    if grammar is not None and grammar.unknown:
        for phrase, words in grammar.unknown.items():
            print(f"注意：模型不认识“{phrase}”里的 {'、'.join(words)}，这个说法不参与识别")
    try:
        transcript = recognizer.transcribe(source, phrases)
    except RuntimeError as exc:
        raise CliError(str(exc)) from None
    data = {
        "text": transcript.text,
        "phrase": transcript.phrase,
        "confidence": round(transcript.confidence, 3),
        "audio_seconds": round(transcript.audio_seconds, 2),
        "model_load_seconds": status.load_seconds,
    }
    if transcript.empty:
        emit(args, "（没有听出在词表里的话）", data)
        return 1
    emit(args, transcript.text, data)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from voice.check import check_voice

    check = check_voice(_model_dir(args), lambda: active_pack(args))
    data = as_data(check, microphones=check.microphones.names, speakers=check.speakers.names)
    emit(args, check.lines(), data)
    return 0 if check.ready else 1


def cmd_prompts(args: argparse.Namespace) -> int:
    from voice.prompts import prompt_states

    pack = active_pack(args)
    spoken = {key: pack.spoken_template(key) for key in pack.spoken_keys()}
    states = prompt_states(spoken, pack.recorded())
    shown = [s for s in states if not args.missing or s.status != "recorded"]
    words = {
        "recorded": "有录音",
        "partial": "部分有录音",
        "missing": "没有录音",
        "stale": "录音过期",
    }
    lines = [f"{s.key}：{words[s.status]}" for s in shown]
    counts = {w: sum(1 for s in states if s.status == k) for k, w in words.items()}
    lines.append("共 " + "，".join(f"{w} {n} 句" for w, n in counts.items()))
    data = {
        "prompts": [
            {"key": s.key, "status": s.status, "covered": s.covered, "total": s.total,
             "stale": list(s.stale)}
            for s in shown
        ],
        "counts": {k: sum(1 for s in states if s.status == k) for k in words},
    }  # fmt: skip
    emit(args, lines, data)
    return 2 if counts[words["stale"]] else 0


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(sub, "voice", help="语音：识别、匹配、数字、检查", parents=[common])
    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--model", help="Vosk 模型目录（默认用配置里的 paths.voice_model_dir）")

    p = add_command(
        actions,
        "match",
        cmd_match,
        help="把识别出来的一句话匹配到界面选项（和触摸屏用同一个匹配）",
        example='voice match --options "法律援助|公证|上门服务" 嗯我想办公正\n'
        "voice match --screen legal_aid.matter 老板拖欠公子\n"
        "voice match --screen yes_no --page consent 好不好",
        parents=[common],
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--options", help='用 | 分开的选项，例如 "法律援助|公证|上门服务"')
    which.add_argument("--screen", help="内容包里的界面 id，例如 home、legal_aid.matter")
    p.add_argument("--commands", action="store_true", help="同时匹配 返回/上一步/是/不是 等命令词")
    p.add_argument(
        "--page",
        choices=[k.value for k in PAGE_KINDS],
        default="choice",
        help="这一页问的是什么：choice 选一项（默认）；yes_no 是不是；consent 同意不同意；"
        "confirm 确认；submit 提交。后四种只接受明确的回答",
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="识别出来的话")

    p = add_command(
        actions,
        "digits",
        cmd_digits,
        help="把说出来的数字变成数字（电话、身份证号、回执号码、金额、日期）",
        example="voice digits 幺三八 洞洞幺三 八洞洞洞\nvoice digits --as amount 一万二",
        parents=[common],
    )
    p.add_argument(
        "--as",
        dest="as_",
        choices=("digits", "amount", "date"),
        default="digits",
        help="digits：逐位数字（默认）；amount：金额；date：日期",
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="说出来的数字，例如 幺三八 洞洞幺三")

    p = add_command(
        actions,
        "transcribe",
        cmd_transcribe,
        help="用本机的语音模型识别一个 WAV 录音",
        example='voice transcribe /tmp/visit.wav --grammar "法律援助|公证|上门服务"',
        parents=[common, model],
    )
    p.add_argument("wav", metavar="WAV", help="16 位单声道 WAV 文件（16 kHz 最好）")
    p.add_argument("--grammar", help='只在这些说法里识别，用 | 分开，例如 "法律援助|公证"')

    p = add_command(
        actions,
        "check",
        cmd_check,
        help="检查语音模型、词表覆盖、麦克风和朗读",
        example="voice check\nvoice check --model /opt/kiosk/models/vosk-model-small-cn-0.22 --json",
        parents=[common, model],
    )

    p = add_command(
        actions,
        "prompts",
        cmd_prompts,
        help="列出朗读词有没有真人录音（录音过期时退出码 2）",
        example="voice prompts --missing\nvoice prompts --json",
        parents=[common, pack_option()],
    )
    p.add_argument("--missing", action="store_true", help="只列出还没有录全的")
