"""Where recognition audio comes from: the microphone, or a WAV file streamed the same way.

Both sources deliver 16-bit mono PCM in blocks through :meth:`AudioSource.read`, produced on a
thread of their own (PortAudio's callback thread for the microphone, a reader thread for the
file), so the recognizer code cannot tell them apart — tests and the benchmark run exactly the
path the kiosk uses.
"""

from __future__ import annotations

import array
import logging
import math
import queue
import sys
import threading
import time
import wave
from pathlib import Path
from typing import Any, Protocol

from offline_cache.os_errors import plain_reason

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
# 0.1 s blocks: the level meter moves smoothly and the end of speech is noticed within 0.1 s;
# benchmarks/voice.py shows Vosk decodes them as fast as 0.5 s blocks.
BLOCK_FRAMES = 1600
_END = b""


class AudioError(Exception):
    """The audio can't be read; ``str()`` is a plain sentence for the administrator."""


class AudioSource(Protocol):
    """16-bit mono PCM at :attr:`sample_rate`, in blocks, from its own thread."""

    @property
    def sample_rate(self) -> int: ...

    def start(self) -> None: ...

    def read(self, timeout: float) -> bytes | None:
        """The next block; ``b""`` once the audio has ended; ``None`` if nothing came in time."""
        ...

    def stop(self) -> None: ...


def level_of(block: bytes) -> float:
    """Loudness 0.0–1.0 for the level meter: RMS on a 60 dB scale (quiet room ≈ 0.2, speech ≈ 0.6+)."""
    samples = array.array("h")
    samples.frombytes(block[: len(block) - len(block) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768.0
    if rms <= 0.0:
        return 0.0
    return max(0.0, min(1.0, (20.0 * math.log10(rms) + 60.0) / 60.0))


class WavFileSource:
    """Streams a WAV file in blocks from a reader thread, optionally at real-time pace.

    The file must be 16-bit PCM; stereo is mixed down to mono. Any sample rate works (Vosk
    resamples), though 16 kHz is what the models were trained on.
    """

    def __init__(self, path: Path, *, realtime: bool = False, block_frames: int = BLOCK_FRAMES):
        self.path = path
        self.realtime = realtime
        self.block_frames = block_frames
        try:
            with wave.open(str(path), "rb") as wav:
                self._channels = wav.getnchannels()
                self._width = wav.getsampwidth()
                self._rate = wav.getframerate()
                self.frames = wav.getnframes()
        except OSError as exc:
            raise AudioError(f"读不到录音文件 {path}：{plain_reason(exc)}") from None
        except (wave.Error, EOFError) as exc:
            log.warning("%s: not a WAV file: %s", path, exc)
            raise AudioError(f"{path} 不是 WAV 录音文件。") from None
        if self._width != 2 or self._channels not in (1, 2):
            raise AudioError(
                f"{path} 要求 16 位单声道 WAV；可用 sox {path.name} -r 16000 -c 1 -b 16 out.wav 转换"
            )
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def sample_rate(self) -> int:
        return self._rate

    @property
    def duration_s(self) -> float:
        return self.frames / self._rate if self._rate else 0.0

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._pump, name="wav-source", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        block_s = self.block_frames / self._rate
        started = time.monotonic()
        sent = 0
        try:
            with wave.open(str(self.path), "rb") as wav:
                while not self._stop.is_set():
                    data = wav.readframes(self.block_frames)
                    if not data:
                        break
                    if self._channels == 2:
                        data = _to_mono(data)
                    if self.realtime:  # pace like a microphone would
                        wait = started + sent * block_s - time.monotonic()
                        if wait > 0:
                            time.sleep(wait)
                    self._queue.put(data)
                    sent += 1
        finally:
            self._queue.put(_END)

    def read(self, timeout: float) -> bytes | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)


def _to_mono(data: bytes) -> bytes:
    samples = array.array("h")
    samples.frombytes(data)
    mono = array.array(
        "h", ((samples[i] + samples[i + 1]) // 2 for i in range(0, len(samples) - 1, 2))
    )
    return mono.tobytes()


class MicrophoneSource:
    """The microphone through ``sounddevice.RawInputStream`` (16 kHz, mono, int16).

    PortAudio calls back on its own thread with each block; blocks wait in a queue for the
    recognizer. Opening fails with :class:`AudioError` in plain words when there is no device.
    """

    def __init__(self, *, device: int | str | None = None, block_frames: int = BLOCK_FRAMES):
        self.device = device
        self.block_frames = block_frames
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._stream: Any = None

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def start(self) -> None:
        sd = _sounddevice()

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            self._queue.put(bytes(indata))

        try:
            self._stream = sd.RawInputStream(
                samplerate=SAMPLE_RATE,
                blocksize=self.block_frames,
                dtype="int16",
                channels=1,
                device=self.device,
                callback=callback,
            )
            self._stream.start()
        except Exception as exc:  # PortAudioError, ValueError: no such device
            self._stream = None
            log.warning("microphone did not open: %s", exc)
            raise AudioError("无法打开麦克风：请检查麦克风是否插好。") from None

    def read(self, timeout: float) -> bytes | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            finally:
                self._queue.put(_END)


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # libportaudio2 missing
        log.warning("sounddevice import failed: %s", exc)
        raise AudioError("缺少 PortAudio 声音库（Debian 软件包 libportaudio2）。") from None
    return sounddevice


def _devices(channels_key: str) -> list[str]:
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
    except Exception as exc:
        log.warning("query_devices failed: %s", exc)
        raise AudioError("无法列出声音设备：声音系统没有回应。") from None
    return [str(d["name"]) for d in devices if int(d.get(channels_key, 0)) > 0]


def input_devices() -> list[str]:
    """Names of capture devices, for ``kiosk-admin voice check``; raises AudioError without PortAudio."""
    return _devices("max_input_channels")


def output_devices() -> list[str]:
    """Names of playback devices (speakers), for ``kiosk-admin voice check``."""
    return _devices("max_output_channels")
