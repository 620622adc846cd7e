"""Read-aloud: espeak-ng's Mandarin voice (``cmn``), on one worker thread, interruptible.

Synthesis blocks (pyttsx3's ``runAndWait()``, or the espeak-ng program) and pyttsx3 is one engine
per process, so a single worker thread owns the engine and everything else only puts text on a
queue: ``say()`` never blocks the Kivy thread. The engine writes each utterance to a WAV file; playing that file is a separate ``aplay`` process we can kill
the moment the resident touches the screen or the screen changes (barge-in). With no sound card,
no ``aplay`` or no espeak-ng, speech is skipped silently — the kiosk must keep working.

The stand-in for tests and machines without speakers is :class:`WavWriterOutput`, which keeps
each utterance as a numbered WAV file instead of playing it.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from voice.digits import digits_to_speech
from voice.prompts import RecordedPrompts, Segment

log = logging.getLogger(__name__)

VOICE_ID = "cmn"  # espeak-ng Mandarin; "zh" silently stays English (voice-notes.md)
DEFAULT_RATE = 130  # words per minute; slower than espeak's 175 for older listeners
MIN_RATE, MAX_RATE = 60, 300
# espeak-ng's amplitude: 100 is its normal loudness, 200 its loudest before clipping.
DEFAULT_VOLUME = 100
MIN_VOLUME, MAX_VOLUME = 20, 200
SAMPLE_RATE = 22050  # what espeak-ng writes

_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?[Xx]?")


def speakable(text: str) -> str:
    """Text as it should be spoken.

    Phone, ID and receipt numbers (5+ digits, a leading 0, a trailing X, or a year before 年) are
    read digit by digit — espeak would read 13800138000 as one huge number. Short numbers such as
    amounts and counts are read as numbers (2590 → 二千五百九十).
    """

    def replace(m: re.Match[str]) -> str:
        number = m.group(0)
        after = text[m.end() : m.end() + 1]
        if (
            len(number) >= 5
            or number[-1] in "Xx"
            or (len(number) > 1 and number.startswith("0") and "." not in number)
            or (after == "年" and len(number) == 4)
        ):
            return " " + digits_to_speech(number) + " "
        try:
            import cn2an  # slow to import; only needed when a number is in the text

            return str(cn2an.an2cn(number, "low"))
        except ValueError:
            return digits_to_speech(number)

    return _NUMBER_RE.sub(replace, text).strip()


class SpeechEngine(Protocol):
    """Writes ``text`` spoken at ``rate`` words per minute and ``volume`` (espeak-ng amplitude,
    100 = normal) to a WAV file."""

    def synthesize(
        self, text: str, rate: int, path: Path, volume: int = DEFAULT_VOLUME
    ) -> None: ...


class AudioOutput(Protocol):
    """Plays a WAV file to the end, unless :meth:`stop` is called from another thread.

    ``still_wanted`` is checked under the output's own lock just before playing starts, so a
    ``stop()`` that lands between synthesis and playback can't be missed.
    """

    def play(self, path: Path, still_wanted: Callable[[], bool]) -> None: ...

    def stop(self) -> None: ...


class Pyttsx3Engine:
    """pyttsx3's espeak driver with the Mandarin voice. Use from one thread only.

    Measured on pyttsx3 2.99: a rate change is applied erratically — sometimes only from a later
    utterance, because libespeak-ng runs asynchronously under the driver — so the first rate
    given is reliable and later changes are not. :func:`default_engine` therefore prefers
    :class:`EspeakCliEngine` (the same voice and sample rate, a rate per call); this class is
    the fallback where the espeak-ng program is missing but the library is not.
    """

    _shared: Pyttsx3Engine | None = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls) -> Pyttsx3Engine:
        """The process's one instance: a second pyttsx3 espeak engine corrupts the first's output
        (measured: empty WAV files), and pyttsx3 keeps one engine per process anyway."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self, voice: str = VOICE_ID) -> None:
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver

        # The driver prints "Audio saved to <path>" on stdout, which would end up in kiosk-admin
        # output and the terminal log; shadow its print.
        setattr(espeak_driver, "print", lambda *args, **kwargs: None)  # noqa: B010
        self._engine: Any = pyttsx3.init("espeak")
        voices = {v.id for v in self._engine.getProperty("voices")}
        chosen = next((v for v in (voice, f"sit/{voice}") if v in voices), None)
        if chosen is None:
            raise RuntimeError(f"espeak-ng has no voice {voice!r}")
        # pyttsx3 2.99 queues setProperty() as a command that its espeak driver drops after the
        # first runAndWait(), so later rate changes would be ignored. The driver's own setter
        # applies at once; fall back to the public one if a future pyttsx3 moves it.
        driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
        self._set: Callable[[str, object], None] = (
            driver.setProperty if driver is not None else self._engine.setProperty
        )
        self._set("voice", chosen)
        self._done = threading.Event()
        self._engine.connect("finished-utterance", lambda **_: self._done.set())

    def synthesize(self, text: str, rate: int, path: Path, volume: int = DEFAULT_VOLUME) -> None:
        self._set("rate", rate)
        self._set("volume", volume / 100)  # the driver passes volume × 100 to espeak's amplitude
        self._done.clear()
        self._engine.save_to_file(text, str(path.resolve()))
        self._engine.runAndWait()
        # runAndWait can return just before the driver's callback has written the file.
        if not self._done.wait(timeout=30) or not path.exists():
            raise RuntimeError("speech synthesis did not finish")


class EspeakCliEngine:
    """The ``espeak-ng`` program with the Mandarin voice: every utterance gets exactly its rate."""

    def __init__(self, voice: str = VOICE_ID) -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise RuntimeError("espeak-ng is not installed")
        self._exe = exe
        self._voice = voice

    def synthesize(self, text: str, rate: int, path: Path, volume: int = DEFAULT_VOLUME) -> None:
        # Text on stdin, not argv: what is read aloud (a phone number…) stays out of `ps`.
        subprocess.run(
            [
                self._exe,
                *("-v", self._voice, "-s", str(rate), "-a", str(volume)),
                *("-w", str(path), "--stdin"),
            ],
            input=text.encode("utf-8"),
            check=True,
            capture_output=True,
            timeout=60,
        )


def default_engine() -> SpeechEngine | None:
    """The espeak-ng program, else pyttsx3 (see its note on rates), else ``None`` (no speech)."""
    factories: tuple[Callable[[], SpeechEngine], ...] = (EspeakCliEngine, Pyttsx3Engine.shared)
    for factory in factories:
        try:
            engine: SpeechEngine = factory()
            return engine
        except Exception as exc:  # any failure just means "try the next way"
            log.info("tts engine %s unavailable: %s", getattr(factory, "__name__", factory), exc)
    return None


class AplayOutput:
    """Plays through ALSA's ``aplay`` in a child process, killed on :meth:`stop`."""

    def __init__(self) -> None:
        self._exe = shutil.which("aplay")
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def available(self) -> bool:
        return self._exe is not None

    def play(self, path: Path, still_wanted: Callable[[], bool]) -> None:
        if self._exe is None:
            return
        with self._lock:
            if not still_wanted():
                return
            self._proc = subprocess.Popen(
                [self._exe, "-q", str(path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            proc = self._proc
        try:
            proc.wait()
        finally:
            with self._lock:
                self._proc = None

    def stop(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()


class WavWriterOutput:
    """Stand-in speaker: keeps every utterance as ``0001.wav``, ``0002.wav`` … in ``directory``.

    For tests and for a terminal without speakers during setup. The files hold speech, which may
    include what a resident entered: point it at a temporary directory, never at the data dir.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.files: list[Path] = []
        self.stopped = 0

    def play(self, path: Path, still_wanted: Callable[[], bool]) -> None:
        if not still_wanted():
            return
        target = self.directory / f"{len(self.files) + 1:04d}.wav"
        shutil.copyfile(path, target)
        self.files.append(target)

    def stop(self) -> None:
        self.stopped += 1


_STOP = object()


class Speaker:
    """Non-blocking read-aloud. ``say`` queues; ``stop`` silences at once and drops the queue.

    Thread-safe. All synthesis and playing happen on one daemon worker thread, started lazily.
    Errors (no voice, no sound card) are logged once and never raised to the caller.
    """

    def __init__(
        self,
        *,
        engine: SpeechEngine | None = None,
        output: AudioOutput | None = None,
        rate: int = DEFAULT_RATE,
        volume: int = DEFAULT_VOLUME,
        engine_factory: Callable[[], SpeechEngine | None] = default_engine,
        prompts: RecordedPrompts | None = None,
    ) -> None:
        self._engine = engine
        self._prompts = prompts
        self._engine_factory = engine_factory
        self._engine_tried = engine is not None
        self._output: AudioOutput = output if output is not None else AplayOutput()
        self._rate = clamp_rate(rate)
        self._volume = clamp_volume(volume)
        # What 大声点 / 慢一点 go back to for the next resident: the configured voice.
        self._configured = (self._rate, self._volume)
        self._queue: queue.Queue[tuple[int, str] | object] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._closed = False
        self._errors_logged: set[str] = set()
        self._tmp = Path(tempfile.mkdtemp(prefix="kiosk-tts-", dir=_ram_dir()))

    # -- public API (any thread) ---------------------------------------------------------------
    @property
    def rate(self) -> int:
        return self._rate

    def set_rate(self, rate: int) -> None:
        """Words per minute, clamped to 60–300; applies from the next utterance."""
        self._rate = clamp_rate(rate)

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, volume: int) -> None:
        """espeak-ng amplitude (100 = normal), clamped to 20–200; applies from the next utterance."""
        self._volume = clamp_volume(volume)

    def reset_voice(self) -> None:
        """Back to the rate and volume this speaker was built with (the next resident's)."""
        self._rate, self._volume = self._configured

    def set_prompts(self, prompts: RecordedPrompts | None) -> None:
        """The recordings to play instead of synthesis (a new content pack brings its own)."""
        self._prompts = prompts

    @property
    def speaking(self) -> bool:
        """True while something is queued, being prepared or playing."""
        with self._lock:
            return self._pending > 0

    def say(self, text: str) -> None:
        """Queue ``text`` after what is already being said. Never blocks, never raises."""
        text = text.strip()
        if not text or self._closed:
            return
        self._ensure_thread()
        with self._lock:
            self._pending += 1
            generation = self._generation
        self._queue.put((generation, text))

    def say_now(self, text: str) -> None:
        """Stop whatever is being said and say ``text`` (a new screen, the 朗读 button)."""
        self.stop()
        self.say(text)

    def stop(self) -> None:
        """Silence now (touch, screen change): kills playback and forgets queued text."""
        with self._lock:
            self._generation += 1
        self._output.stop()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is pending (for tests and shutdown); False on time-out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def close(self) -> None:
        """Stop speaking and end the worker thread."""
        self._closed = True
        self.stop()
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=5)
        shutil.rmtree(self._tmp, ignore_errors=True)

    # -- worker --------------------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tts", daemon=True)
                self._thread.start()

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation and not self._closed

    def _run(self) -> None:
        wav = self._tmp / "utterance.wav"
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            assert isinstance(item, tuple)
            generation, text = item
            try:
                if self._current(generation):
                    self._speak(generation, text, wav)
            except Exception as exc:  # a broken voice must never take the kiosk down
                self._log_once(type(exc).__name__, exc)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _speak(self, generation: int, text: str, wav: Path) -> None:
        prompts = self._prompts
        segments = prompts.split(text) if prompts is not None and len(prompts) else []
        if any(s.recording is not None for s in segments):
            self._speak_spliced(generation, segments, wav)
            return
        engine = self._ready_engine()
        if engine is None:
            return
        wav.unlink(missing_ok=True)
        try:
            engine.synthesize(speakable(text), self._rate, wav, volume=self._volume)
            self._output.play(wav, lambda: self._current(generation))
        finally:
            wav.unlink(missing_ok=True)  # spoken personal data doesn't linger

    def _speak_spliced(self, generation: int, segments: list[Segment], wav: Path) -> None:
        """Recorded pieces in a person's voice, the gaps (numbers, names, dates) synthesized,
        joined into one WAV so nothing is heard between them."""
        pieces: list[bytes] = []
        part = wav.with_name("part.wav")
        try:
            for segment in segments:
                if not self._current(generation):
                    return
                if segment.recording is not None:
                    pieces.append(read_pcm(segment.recording, volume=self._volume))
                    continue
                engine = self._ready_engine()
                if engine is None:
                    continue  # say the recorded parts at least
                part.unlink(missing_ok=True)
                engine.synthesize(speakable(segment.text), self._rate, part, volume=self._volume)
                pieces.append(read_pcm(part))
            write_pcm(wav, pieces)
            self._output.play(wav, lambda: self._current(generation))
        finally:
            part.unlink(missing_ok=True)
            wav.unlink(missing_ok=True)

    def _ready_engine(self) -> SpeechEngine | None:
        if not self._engine_tried:
            self._engine_tried = True
            self._engine = self._engine_factory()
        if self._engine is None:
            self._log_once("no-engine", "no speech engine (espeak-ng missing?)")
        return self._engine

    def _log_once(self, key: str, what: object) -> None:
        # Log the kind of problem only: the text may hold a resident's personal data.
        if key not in self._errors_logged:
            self._errors_logged.add(key)
            log.warning("read-aloud unavailable: %s", what if key == "no-engine" else key)


def read_pcm(path: Path, *, volume: int = DEFAULT_VOLUME) -> bytes:
    """``path``'s sound as 16-bit mono frames at :data:`SAMPLE_RATE`, louder or softer by
    ``volume`` (100 = as recorded): a recording must sound as loud as the synthesized voice
    after 大声点, and splice with it at one rate."""
    import numpy as np  # only when recordings are played

    with wave.open(str(path), "rb") as w:
        channels, rate, width = w.getnchannels(), w.getframerate(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError("only 16-bit recordings can be played")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE and len(samples) > 1:
        n = max(1, round(len(samples) * SAMPLE_RATE / rate))
        samples = np.interp(np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples)
    if volume != DEFAULT_VOLUME:
        samples = samples * (volume / DEFAULT_VOLUME)
    return bytes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())


def write_pcm(path: Path, pieces: list[bytes]) -> None:
    """One mono 16-bit WAV at :data:`SAMPLE_RATE` of ``pieces`` in order."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        for piece in pieces:
            w.writeframes(piece)


def _ram_dir() -> str | None:
    """A RAM-backed directory for the utterance WAV when there is one: what is read aloud may be
    personal data, which is never written to disk in clear."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def clamp_rate(rate: int) -> int:
    """``rate`` within what espeak-ng's Mandarin can say intelligibly (60–300 words a minute)."""
    return max(MIN_RATE, min(MAX_RATE, int(rate)))


def clamp_volume(volume: int) -> int:
    """``volume`` within 20 (still audible) and 200 (espeak-ng's loudest before clipping)."""
    return max(MIN_VOLUME, min(MAX_VOLUME, int(volume)))
