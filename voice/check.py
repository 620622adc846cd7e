"""Is voice ready on this terminal? The model, its vocabulary per screen, devices, read-aloud.

What ``kiosk-admin voice check`` reports: it loads the model (never downloads one), checks every
phrase of every screen of the content pack against the model's vocabulary, lists capture and
playback devices and tries the read-aloud voice. Touch keeps working whatever this finds.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice.asr import Recognizer, ScreenSource, pack_screens
from voice.audio import AudioError, input_devices, output_devices

MAX_UNKNOWN_LINES = 20


@dataclass(frozen=True)
class ScreenCoverage:
    """One screen's phrases: how many, how many the model can hear, the others' unknown words."""

    phrases: int
    usable: int
    unknown: dict[str, list[str]]


@dataclass(frozen=True)
class Devices:
    """Sound devices found, or why they couldn't be listed (e.g. no PortAudio)."""

    names: list[str]
    problem: str | None = None


@dataclass(frozen=True)
class VoiceCheck:
    model_dir: Path
    model: str  # loading | ready | missing (voice.asr.ModelStatus.state)
    reason: str  # why the model is missing, in plain words
    load_seconds: float | None
    screens: dict[str, ScreenCoverage]
    coverage: float | None  # share of all phrases the model knows; None without a model
    microphones: Devices
    speakers: Devices
    read_aloud: str  # "ok", or why read-aloud won't work here

    @property
    def ready(self) -> bool:
        return self.model == "ready"

    def lines(self) -> list[str]:
        """The report as plain lines for an administrator."""
        lines = [f"语音模型：{self.model_dir}"]
        if self.ready:
            lines.append(f"  已加载，用时 {self.load_seconds} 秒")
            unknown = [
                f"  界面 {screen_id}：模型不认识“{phrase}”里的 {'、'.join(words)}"
                for screen_id, screen in self.screens.items()
                for phrase, words in screen.unknown.items()
            ]
            lines += unknown[:MAX_UNKNOWN_LINES]
            if len(unknown) > MAX_UNKNOWN_LINES:
                lines.append(f"  ……还有 {len(unknown) - MAX_UNKNOWN_LINES} 条（--json 列出全部）")
            total = sum(s.phrases for s in self.screens.values())
            usable = sum(s.usable for s in self.screens.values())
            lines.append(
                f"  词表覆盖：{usable}/{total} 个说法（{self.coverage or 0.0:.1%}），"
                f"{len(self.screens)} 个界面"
            )
        else:
            lines.append(f"  不可用：{self.reason}")
        for title, devices, none in (
            ("麦克风", self.microphones, "没有找到录音设备（说话用不了）"),
            ("扬声器", self.speakers, "没有找到放音设备（朗读听不到）"),
        ):
            found = "、".join(devices.names) if devices.names else none
            lines.append(f"{title}：{devices.problem or found}")
        lines.append("朗读：" + ("普通话语音可用" if self.read_aloud == "ok" else self.read_aloud))
        return lines


def _devices(lister: Callable[[], list[str]]) -> Devices:
    try:
        return Devices(lister())
    except AudioError as exc:
        return Devices([], str(exc))


def read_aloud_problem() -> str | None:
    """Why read-aloud won't work here, or ``None``."""
    if shutil.which("espeak-ng") is None:
        return "没有安装 espeak-ng，朗读不可用"
    try:
        from voice.tts import Pyttsx3Engine

        Pyttsx3Engine.shared()
    except Exception:  # any engine failure means the fallback program is used
        return "pyttsx3 无法使用普通话语音，将改用 espeak-ng 程序"
    if shutil.which("aplay") is None:
        return "没有安装 aplay（alsa-utils），朗读听不到声音"
    return None


def check_voice(model_dir: Path, pack: Callable[[], ScreenSource]) -> VoiceCheck:
    """Load the model in ``model_dir`` and check it against ``pack()`` (loaded only if it loads)."""
    recognizer = Recognizer(model_dir)
    status = recognizer.load()
    screens: dict[str, ScreenCoverage] = {}
    coverage: float | None = None
    if status.ready:
        report = recognizer.check_vocabulary(pack_screens(pack()))
        for screen_id, grammar in report.grammars.items():
            screens[screen_id] = ScreenCoverage(
                phrases=len(grammar.phrases) + len(grammar.unknown),
                usable=len(grammar.phrases),
                unknown={p: list(w) for p, w in grammar.unknown.items()},
            )
        coverage = round(report.coverage, 4)
    return VoiceCheck(
        model_dir=model_dir,
        model=status.state,
        reason=status.reason,
        load_seconds=status.load_seconds,
        screens=screens,
        coverage=coverage,
        microphones=_devices(input_devices),
        speakers=_devices(output_devices),
        read_aloud=read_aloud_problem() or "ok",
    )
