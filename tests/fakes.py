"""Every stand-in the tests use, in one place, each with the interface of the real thing.

``tests/contracts/`` runs the same assertions on each fake and on the real class it stands in
for (ODK Collect's pattern), so a fake that drifts from the product fails there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.content import ContentPack
from kiosk.printing.a4 import PrintResult, QueueHealth
from kiosk.sync.transport import MAX_PACK_ZIP_BYTES, BatchAnswer, StatusPage, TransportFailure
from offline_cache.outbox import OutgoingItem
from voice import tts
from voice.prompts import RecordedPrompts
from voice.protocols import ModelStatus, Transcript
from voice.tts import SpeechEngine


class FakeClock:
    """A clock (``time.time``/``time.monotonic``) that moves only when a test moves it."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class FakeTurn:
    """The turn :meth:`FakeRecognizer.listen` returns: it has already ended."""

    stopped: bool = False
    cancelled: bool = False

    def stop(self) -> None:
        self.stopped = True

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeRecognizer:
    """A :class:`voice.protocols.Recognizer` that hears the next of ``heard`` at each turn.

    ``status`` starts as given; :meth:`finish_loading` is the model finishing loading in the
    background (listeners are told, as by ``voice.asr.Recognizer``).
    """

    status: ModelStatus = field(default_factory=lambda: ModelStatus("ready"))
    heard: list[str] = field(default_factory=list)
    grammars: list[Sequence[str] | None] = field(default_factory=list)
    _listeners: list[Callable[[ModelStatus], None]] = field(default_factory=list)

    def add_status_listener(self, callback: Callable[[ModelStatus], None]) -> None:
        if self.status.state == "loading":
            self._listeners.append(callback)
        else:
            callback(self.status)

    def finish_loading(self, status: ModelStatus) -> None:
        self.status = status
        listeners, self._listeners = self._listeners, []
        for callback in listeners:
            callback(status)

    def listen(
        self,
        grammar_phrases: Sequence[str] | None,
        on_result: Callable[[Transcript], None],
        *,
        on_error: Callable[[str], None] | None = None,
    ) -> FakeTurn:
        if not self.status.ready:
            raise RuntimeError(self.status.reason or "语音模型还在加载")
        phrases = None if grammar_phrases is None else [p.strip() for p in grammar_phrases]
        if phrases is not None and not any(phrases):
            raise RuntimeError("这个界面的词语模型都不认识，无法语音识别")
        self.grammars.append(grammar_phrases)
        text = self.heard.pop(0) if self.heard else ""
        on_result(
            Transcript(
                text=text,
                raw=text,
                phrase=text if phrases is not None and text in phrases else None,
                confidence=1.0 if text else 0.0,
                rejected=not text,
                audio_seconds=1.0,
            )
        )
        return FakeTurn()


@dataclass
class FakeSpeaker:
    """A :class:`voice.protocols.Speaker` that keeps what it was asked to say, in order."""

    said: list[str] = field(default_factory=list)
    stops: int = 0
    configured_rate: int = tts.DEFAULT_RATE
    configured_volume: int = tts.DEFAULT_VOLUME
    rate: int = field(init=False)
    volume: int = field(init=False)
    prompts: RecordedPrompts | None = None

    def __post_init__(self) -> None:
        self.rate = self.configured_rate
        self.volume = self.configured_volume

    def say(self, text: str) -> None:
        if text.strip():
            self.said.append(text.strip())

    def stop(self) -> None:
        self.stops += 1

    def set_rate(self, rate: int) -> None:
        self.rate = tts.clamp_rate(rate)

    def set_volume(self, volume: int) -> None:
        self.volume = tts.clamp_volume(volume)

    def reset_voice(self) -> None:
        self.rate, self.volume = self.configured_rate, self.configured_volume

    def set_prompts(self, prompts: RecordedPrompts | None) -> None:
        self.prompts = prompts


class ScriptedTransport:
    """A :class:`kiosk.sync.transport.Transport` answering each ``send_batch`` with the next
    scripted function of the items; no status updates and no pack on offer."""

    def __init__(self, *script: Callable[[Sequence[OutgoingItem]], Any]) -> None:
        self.script = list(script)
        self.batches: list[list[str]] = []

    def send_batch(self, items: Sequence[OutgoingItem]) -> BatchAnswer | TransportFailure:
        self.batches.append([i.receipt_code for i in items])
        answer: BatchAnswer | TransportFailure = self.script.pop(0)(items)
        return answer

    def status_updates(self, cursor: str, limit: int = 200) -> StatusPage | TransportFailure:
        return StatusPage([], cursor, False)

    def latest_pack_manifest(self) -> dict[str, Any] | TransportFailure | None:
        return None

    def download_pack(
        self, offer: dict[str, Any], max_bytes: int = MAX_PACK_ZIP_BYTES
    ) -> bytes | TransportFailure:
        # Nothing is ever offered, so nothing can be downloaded (as from a server with no pack).
        return TransportFailure("refused", "省系统没有提供这个内容包的下载信息")


class PendingPackSwitcher:
    """A :class:`kiosk.packs.switching.PackSwitcher` serving ``serving`` with ``pending``
    waiting to be switched in between residents (a real install needs signed zips)."""

    def __init__(self, serving: ContentPack, pending: ContentPack) -> None:
        self.pack: ContentPack | None = serving
        self.problem: str | None = None
        self._pending: ContentPack | None = pending

    def switch_if_pending(self) -> ContentPack | None:
        new, self._pending = self._pending, None
        if new is not None:
            self.pack = new
        return new


class StalledMicrophone:
    """A :class:`voice.audio.AudioSource` that opens but never delivers audio (a stalled USB
    microphone)."""

    sample_rate = 16000

    def start(self) -> None:
        pass

    def read(self, timeout: float) -> bytes | None:
        time.sleep(timeout)
        return None

    def stop(self) -> None:
        pass


class SlowEngine:
    """A :class:`voice.tts.SpeechEngine` taking 0.3 s longer than ``inner`` to synthesise (a
    long sentence), so a stop() can land mid-way."""

    def __init__(self, inner: SpeechEngine) -> None:
        self.inner = inner
        self.started = threading.Event()

    def synthesize(self, text: str, rate: int, path: Path, volume: int = 100) -> None:
        self.started.set()
        time.sleep(0.3)
        self.inner.synthesize(text, rate, path, volume)


class FakeA4Printer:
    """An A4 printer (``kiosk.printing.a4.A4Printer``) that keeps what it printed in memory.

    ``stopped``/``reachable`` play the faults of a CUPS queue; like the real queue, a job is not
    taken while the printer can't print. ``gate`` (when set) holds a print until it is set.
    """

    def __init__(self) -> None:
        self.printed: list[bytes] = []
        self.stopped = False
        self.reachable = True
        self.gate: threading.Event | None = None

    def health(self) -> QueueHealth:
        if not self.reachable:
            return QueueHealth(True, False, False, "连不上打印服务（CUPS）")
        if self.stopped:
            return QueueHealth(True, True, False, "暂停了（卡纸、缺纸或被停用），请检查打印机")
        return QueueHealth(True, True, True, "正常")

    def print_pdf(self, pdf: bytes) -> PrintResult:
        if self.gate is not None:
            self.gate.wait(10)
        state = self.health()
        if not state.ready:
            word = "连不上" if not state.reachable else "暂停了"
            return PrintResult(False, f"打印机{word}，申请表没有打印。")
        self.printed.append(pdf)
        return PrintResult(True, "申请表打印好了，请到打印机取走，签名或按手印后交给工作人员。")
