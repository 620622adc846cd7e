"""``kiosk-admin voice match | digits | transcribe | check`` (issue 6).

A thin layer over :mod:`voice`: what an administrator needs to see whether voice works on this
terminal and why a resident's words were (or were not) understood.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.admin.cli import CliError, active_pack, config_from_args, emit
from voice.options import OptionLike, options_from_labels

MAX_UNKNOWN_LINES = 20


def _load_pack(args: argparse.Namespace) -> Any:
    """The active content pack (installed by staff), else the bundled Changzhou pack."""
    return active_pack(args)


def _screen_options(args: argparse.Namespace, screen_id: str) -> list[OptionLike]:
    pack = _load_pack(args)
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


# -- match ------------------------------------------------------------------------------------
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


# -- digits -----------------------------------------------------------------------------------
def cmd_digits(args: argparse.Namespace) -> int:
    from voice.digits import (
        spoken_amount,
        spoken_date,
        spoken_digits,
        spoken_id_number,
        spoken_phone,
    )

    text = " ".join(args.text)
    digits = spoken_digits(text)
    amount = spoken_amount(text)
    when = spoken_date(text)
    data = {
        "digits": digits,
        "phone": spoken_phone(text),
        "id_number_valid": spoken_id_number(text) is not None,
        "amount": str(amount) if amount is not None else None,
        "date": when.isoformat() if when else None,
    }
    if args.as_ == "amount":
        if amount is None:
            raise CliError(f"听不出金额：{text}")
        emit(args, str(amount), data)
    elif args.as_ == "date":
        if when is None:
            raise CliError(f"听不出日期：{text}")
        emit(args, when.isoformat(), data)
    else:
        if not digits:
            raise CliError(f"没有听出数字：{text}")
        emit(args, digits, data)
    return 0


# -- transcribe -------------------------------------------------------------------------------
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
        if args.json:
            emit(args, "", data)
        else:
            print("（没有听出在词表里的话）")
        return 1
    emit(args, transcript.text, data)
    return 0


# -- check ------------------------------------------------------------------------------------
def _tts_state() -> str | None:
    """Why read-aloud won't work here, or None."""
    import shutil

    if shutil.which("espeak-ng") is None:
        return "没有安装 espeak-ng，朗读不可用"
    try:
        from voice.tts import Pyttsx3Engine

        Pyttsx3Engine.shared()
    except Exception as exc:
        return f"pyttsx3 无法使用普通话语音（{exc}），将改用 espeak-ng 程序"
    if shutil.which("aplay") is None:
        return "没有安装 aplay（alsa-utils），朗读听不到声音"
    return None


def cmd_check(args: argparse.Namespace) -> int:
    from voice.asr import Recognizer, pack_screens
    from voice.audio import AudioError, input_devices, output_devices

    model_dir = _model_dir(args)
    recognizer = Recognizer(model_dir)
    status = recognizer.load()
    lines = [f"语音模型：{model_dir}"]
    data: dict[str, Any] = {
        "model_dir": str(model_dir),
        "model": status.state,
        "reason": status.reason,
        "load_seconds": status.load_seconds,
        "screens": {},
    }
    if status.ready:
        lines.append(f"  已加载，用时 {status.load_seconds} 秒")
        report = recognizer.check_vocabulary(pack_screens(_load_pack(args)))
        for screen_id, grammar in report.grammars.items():
            data["screens"][screen_id] = {
                "phrases": len(grammar.phrases) + len(grammar.unknown),
                "usable": len(grammar.phrases),
                "unknown": {p: list(w) for p, w in grammar.unknown.items()},
            }
        unknown_lines = [
            f"  界面 {screen_id}：模型不认识“{phrase}”里的 {'、'.join(words)}"
            for screen_id, phrase, words in report.unknown()
        ]
        lines += unknown_lines[:MAX_UNKNOWN_LINES]
        if len(unknown_lines) > MAX_UNKNOWN_LINES:
            lines.append(f"  ……还有 {len(unknown_lines) - MAX_UNKNOWN_LINES} 条（--json 列出全部）")
        covered, total, share = (
            report.phrase_count - report.unknown_count,
            report.phrase_count,
            report.coverage,
        )
        data["coverage"] = round(share, 4)
        lines.append(
            f"  词表覆盖：{covered}/{total} 个说法（{share:.1%}），{len(data['screens'])} 个界面"
        )
    else:
        lines.append(f"  不可用：{status.reason}")
    for key, title, lister, none in (
        ("microphones", "麦克风", input_devices, "没有找到录音设备（说话用不了）"),
        ("speakers", "扬声器", output_devices, "没有找到放音设备（朗读听不到）"),
    ):
        try:
            devices = lister()
            data[key] = devices
            lines.append(f"{title}：" + ("、".join(devices) if devices else none))
        except AudioError as exc:
            data[key] = []
            lines.append(f"{title}：{exc}")
    tts_problem = _tts_state()
    data["read_aloud"] = tts_problem or "ok"
    lines.append("朗读：" + (tts_problem or "普通话语音可用"))
    emit(args, "\n".join(lines), data)
    return 0 if status.ready else 1


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    voice = subparsers.add_parser("voice", help="语音：识别、匹配、数字、检查", parents=[common])
    sub = voice.add_subparsers(dest="voice_command", metavar="SUBCOMMAND")

    p = sub.add_parser("match", help="把一句话匹配到界面选项", parents=[common])
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--options", help='用 | 分开的选项，例如 "法律援助|公证|上门服务"')
    which.add_argument("--screen", help="内容包里的界面 id，例如 home、legal_aid.matter")
    p.add_argument("--commands", action="store_true", help="同时匹配 返回/上一步/是/不是 等命令词")
    p.add_argument("text", nargs="+", help="识别出来的话")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("digits", help="把说出来的数字变成数字", parents=[common])
    p.add_argument(
        "--as",
        dest="as_",
        choices=("digits", "amount", "date"),
        default="digits",
        help="digits：逐位数字（默认）；amount：金额；date：日期",
    )
    p.add_argument("text", nargs="+", help="说出来的数字，例如 幺三八 洞洞幺三 八洞洞洞")
    p.set_defaults(func=cmd_digits)

    p = sub.add_parser("transcribe", help="识别一个 WAV 录音", parents=[common])
    p.add_argument("wav", help="16 位单声道 WAV 文件（16 kHz 最好）")
    p.add_argument("--grammar", help='只在这些说法里识别，用 | 分开，例如 "法律援助|公证"')
    p.add_argument("--model", help="Vosk 模型目录（默认用配置里的 paths.voice_model_dir）")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("check", help="检查语音模型、词表覆盖、麦克风和朗读", parents=[common])
    p.add_argument("--model", help="Vosk 模型目录（默认用配置里的 paths.voice_model_dir）")
    p.set_defaults(func=cmd_check)
