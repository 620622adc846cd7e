"""``kiosk-admin voice match | digits | transcribe | check``: is voice working, and why a
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
)
from kiosk.admin.output import as_data, emit
from voice.options import OptionLike, options_from_labels

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


def cmd_match(args: argparse.Namespace) -> int:
    from voice.commands import COMMANDS
    from voice.matching import confirmation_prompt, match

    if args.options is not None:
        options: list[OptionLike] = list(options_from_labels(_split_options(args.options)))
    else:
        options = _screen_options(args, args.screen)
    if args.commands:
        options += list(COMMANDS)
    result = match(" ".join(args.text), options)
    data: dict[str, Any] = {
        "heard": result.heard,
        "option": None,
        "score": result.score,
        "needs_confirmation": result.needs_confirmation,
    }
    if result.option is None:
        if args.json:
            emit(args, "", data)
        return 1
    data["option"] = {"id": result.option.id, "label": result.option.label}
    data["phrase"] = result.phrase
    if result.needs_confirmation:
        data["prompt"] = confirmation_prompt(result.option)
    emit(args, result.option.label, data)
    if result.needs_confirmation and not args.json:
        print(f"（把握不大，终端会先问：{data['prompt']}）", file=sys.stderr)
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


def register(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    actions = add_group(sub, "voice", help="语音：识别、匹配、数字、检查", parents=[common])

    p = add_command(
        actions,
        "match",
        cmd_match,
        help="把识别出来的一句话匹配到界面选项（和触摸屏用同一个匹配）",
        example='voice match --options "法律援助|公证|上门服务" 嗯我想办公正\n'
        "voice match --screen legal_aid.matter 老板拖欠公子",
        parents=[common],
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--options", help='用 | 分开的选项，例如 "法律援助|公证|上门服务"')
    which.add_argument("--screen", help="内容包里的界面 id，例如 home、legal_aid.matter")
    p.add_argument("--commands", action="store_true", help="同时匹配 返回/上一步/是/不是 等命令词")
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
        parents=[common],
    )
    p.add_argument("wav", metavar="WAV", help="16 位单声道 WAV 文件（16 kHz 最好）")
    p.add_argument("--grammar", help='只在这些说法里识别，用 | 分开，例如 "法律援助|公证"')
    p.add_argument("--model", help="Vosk 模型目录（默认用配置里的 paths.voice_model_dir）")

    p = add_command(
        actions,
        "check",
        cmd_check,
        help="检查语音模型、词表覆盖、麦克风和朗读",
        example="voice check\nvoice check --model /opt/kiosk/models/vosk-model-small-cn-0.22 --json",
        parents=[common],
    )
    p.add_argument("--model", help="Vosk 模型目录（默认用配置里的 paths.voice_model_dir）")
