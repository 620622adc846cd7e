"""Offline speech recognition with Vosk: one model, a small grammar per screen, push-to-talk.

The model is loaded with ``Model(path)`` from the configured directory on a background thread —
never downloaded (``Model(lang=...)`` would try). Until it is ready, or when it is missing, the
kiosk works by touch and :attr:`Recognizer.status` says why voice is off.

Each screen listens with a grammar: its options and their synonyms, the command words and, where
numbers are asked for, the digits. Vosk wants grammar phrases written in the model's own word
segmentation, and silently drops words it doesn't know, so every phrase is segmented against the
model's vocabulary at load time (:meth:`Recognizer.grammar`) and unknown words are reported
instead of quietly weakening the grammar. A grammar is a loop over its words, so what comes back
is still matched against the options by :mod:`voice.matching`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from voice.audio import AudioSource, MicrophoneSource, level_of
from voice.commands import COMMANDS
from voice.options import OptionLike, phrases_of
from voice.protocols import ModelStatus, Transcript

log = logging.getLogger(__name__)

DIGIT_PHRASES: tuple[str, ...] = (*"零一二三四五六七八九", "幺", "两", "叉")
UNK = "[unk]"
MAX_WORD_CHARS = 8
MAX_LISTEN_S = 12.0  # a push-to-talk turn; elderly speakers pause, but not this long


def model_problem(model_dir: Path) -> str | None:
    """Why ``model_dir`` can't serve per-screen recognition, or ``None`` if it looks right."""
    if not model_dir.is_dir():
        return (
            f"没有找到语音模型目录：{model_dir}（请按 docs/voice.md 拷入 vosk-model-small-cn-0.22）"
        )
    if not (model_dir / "am" / "final.mdl").is_file():
        return f"{model_dir} 不是完整的 Vosk 模型（缺少 am/final.mdl），请重新解压"
    missing = [n for n in ("HCLr.fst", "Gr.fst") if not (model_dir / "graph" / n).is_file()]
    if missing:
        return f"{model_dir} 不支持按界面限定词表（缺少 graph/{'、'.join(missing)}），请用小模型"
    return None


def screen_phrases(
    options: Iterable[OptionLike], *, commands: bool = True, digits: bool = False
) -> list[str]:
    """Every phrase a resident can say on a screen: options + synonyms, commands, digits."""
    found: dict[str, None] = {}
    for option in options:
        for phrase in phrases_of(option):
            found.setdefault(phrase, None)
    if commands:
        for command in COMMANDS:
            for phrase in phrases_of(command):
                found.setdefault(phrase, None)
    if digits:
        for phrase in DIGIT_PHRASES:
            found.setdefault(phrase, None)
    return list(found)


def segment(phrase: str, known: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """Split ``phrase`` into the model's words by greedy longest match; also the unknown pieces.

    Space-separated parts the model knows are kept whole; others are split (社保卡 → 社保 卡).
    A character the model doesn't know at all is returned as unknown.
    """
    words: list[str] = []
    unknown: list[str] = []
    for token in phrase.split():
        if known(token):
            words.append(token)
            continue
        i = 0
        while i < len(token):
            for j in range(min(len(token), i + MAX_WORD_CHARS), i, -1):
                if known(token[i:j]):
                    words.append(token[i:j])
                    i = j
                    break
            else:
                unknown.append(token[i])
                i += 1
    return words, unknown


@dataclass(frozen=True)
class Grammar:
    """A screen's phrases as the model will hear them."""

    phrases: tuple[str, ...]  # original wording, usable ones only
    model_phrases: tuple[str, ...]  # the same, in model words separated by spaces
    unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)  # dropped phrase -> why
    has_unk: bool = False

    def to_json(self) -> str:
        items = list(dict.fromkeys(self.model_phrases))
        if self.has_unk:
            items.append(UNK)
        return json.dumps(items, ensure_ascii=False)

    def original(self, recognized: str) -> str | None:
        """The phrase (original wording) that ``recognized`` is exactly, if any."""
        for phrase, model_phrase in zip(self.phrases, self.model_phrases, strict=True):
            if recognized == model_phrase or recognized.replace(" ", "") == phrase.replace(" ", ""):
                return phrase
        return None

    @property
    def coverage(self) -> float:
        total = len(self.phrases) + len(self.unknown)
        return len(self.phrases) / total if total else 1.0


@dataclass(frozen=True)
class VocabularyReport:
    """Per screen: which phrases the model can hear, and which it can't (and why)."""

    grammars: dict[str, Grammar]

    @property
    def phrase_count(self) -> int:
        return sum(len(g.phrases) + len(g.unknown) for g in self.grammars.values())

    @property
    def unknown_count(self) -> int:
        return sum(len(g.unknown) for g in self.grammars.values())

    @property
    def coverage(self) -> float:
        total = self.phrase_count
        return (total - self.unknown_count) / total if total else 1.0

    def unknown(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """``(screen id, phrase, unknown words)`` for every phrase left out of a grammar."""
        return [
            (screen, phrase, words)
            for screen, grammar in self.grammars.items()
            for phrase, words in grammar.unknown.items()
        ]


class ScreenSource(Protocol):
    """What :func:`pack_screens` needs of a content pack (``kiosk.content.ContentPack``)."""

    def screen_ids(self) -> list[str]: ...

    def screen_options(self, screen_id: str) -> Sequence[OptionLike]: ...


def pack_screens(pack: ScreenSource, *, digits_screens: Iterable[str] = ()) -> dict[str, list[str]]:
    """Every screen of a content pack -> its grammar phrases (options, synonyms, commands)."""
    with_digits = set(digits_screens)
    return {
        screen: screen_phrases(pack.screen_options(screen), digits=screen in with_digits)
        for screen in pack.screen_ids()
    }


def _is_cjk(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo" and "\u2e80" <= ch <= "\u9fff"


def join_words(words: Sequence[str]) -> str:
    """``["社保", "卡"]`` → ``"社保卡"``; spaces stay between non-Chinese words."""
    out = ""
    for w in words:
        if out and not (_is_cjk(out[-1]) and _is_cjk(w[0])):
            out += " "
        out += w
    return out


def _transcript(result: dict[str, Any], grammar: Grammar | None, seconds: float) -> Transcript:
    details = result.get("result") or []
    words = [str(w.get("word", "")) for w in details] or str(result.get("text", "")).split()
    confs = [float(w.get("conf", 0.0)) for w in details if w.get("word") != UNK]
    kept = [w for w in words if w and w != UNK]
    raw = " ".join(kept)
    text = join_words(kept)
    return Transcript(
        text=text,
        raw=raw,
        phrase=grammar.original(raw) if grammar and raw else None,
        confidence=sum(confs) / len(confs) if confs else 0.0,
        rejected=not kept,
        audio_seconds=seconds,
    )


class ListenSession:
    """One push-to-talk turn on its own thread. Callbacks come from that thread.

    Ends by itself when Vosk detects the end of the utterance (endpointing), when the audio ends,
    or after ``max_seconds``; :meth:`stop` (button released) finishes with what was heard so far,
    :meth:`cancel` (screen changed) ends without a result.
    """

    def __init__(
        self,
        recognizer_factory: Callable[[], Any],
        grammar: Grammar | None,
        source: AudioSource,
        on_result: Callable[[Transcript], None],
        *,
        on_level: Callable[[float], None] | None = None,
        on_partial: Callable[[str], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        max_seconds: float = MAX_LISTEN_S,
        single_utterance: bool = True,
    ) -> None:
        self._single = single_utterance
        self._factory = recognizer_factory
        self._grammar = grammar
        self._source = source
        self._on_result = on_result
        self._on_level = on_level
        self._on_partial = on_partial
        self._on_error = on_error
        self._max_seconds = max_seconds
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="asr-listen", daemon=True)
        self.audio_ended_at: float | None = None  # monotonic time the last audio was fed
        self.result_at: float | None = None
        self.result: Transcript | None = None

    def start(self) -> ListenSession:
        self._thread.start()
        return self

    def stop(self) -> None:
        """The button was released: stop listening and report what was heard."""
        self._stop.set()

    def cancel(self) -> None:
        """The screen changed: stop listening and report nothing."""
        self._cancel.set()
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._listen()
        except Exception as exc:  # report, never kill the app
            log.warning("listening failed: %s", type(exc).__name__)
            if self._on_error is not None and not self._cancel.is_set():
                self._on_error(str(exc))

    def _listen(self) -> None:
        rec = self._factory()
        rate = self._source.sample_rate
        self._source.start()
        fed_frames = 0
        last_partial = ""
        result: dict[str, Any] | None = None
        pieces: list[dict[str, Any]] = []
        # A stalled microphone delivers nothing: end the turn by the clock too.
        deadline = time.monotonic() + self._max_seconds + 2.0
        try:
            while not self._stop.is_set():
                block = self._source.read(timeout=0.1)
                if block is None:
                    if time.monotonic() > deadline:
                        break
                    continue
                if block == b"":
                    break
                fed_frames += len(block) // 2
                self.audio_ended_at = time.monotonic()
                if self._on_level is not None:
                    self._on_level(level_of(block))
                if rec.AcceptWaveform(block):
                    candidate = json.loads(rec.Result())
                    if str(candidate.get("text", "")).strip():
                        pieces.append(candidate)  # Vosk found the end of an utterance
                        if self._single:
                            result = candidate
                            break
                elif self._on_partial is not None:
                    partial = str(json.loads(rec.PartialResult()).get("partial", ""))
                    if partial and partial != last_partial:
                        last_partial = partial
                        self._on_partial(join_words(partial.split()))
                if fed_frames / rate >= self._max_seconds:
                    break
        finally:
            self._source.stop()
        if self._cancel.is_set():
            return
        if result is None:
            pieces.append(json.loads(rec.FinalResult()))
            result = {
                "result": [w for p in pieces for w in p.get("result") or []],
                "text": " ".join(str(p.get("text", "")) for p in pieces).strip(),
            }
        transcript = _transcript(result, self._grammar, fed_frames / rate if rate else 0.0)
        self.result = transcript
        self.result_at = time.monotonic()
        self._on_result(transcript)


class Recognizer:
    """The Vosk model and everything that listens with it. Thread-safe.

    ``start_loading()`` at start-up; ``status`` tells the UI whether to show the 说话 button.
    """

    def __init__(
        self, model_dir: Path, *, microphone: Callable[[], AudioSource] = MicrophoneSource
    ) -> None:
        """``microphone`` makes the audio source of each turn: the real microphone, or a WAV
        file streamed the same way where there is none (tests, demos)."""
        self.model_dir = model_dir
        self._microphone = microphone
        self._model: Any = None
        self._vosk: Any = None
        self._status = ModelStatus("loading")
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._listeners: list[Callable[[ModelStatus], None]] = []
        self._done = False  # loading finished; ``_ready`` is set only after listeners have run
        self._grammars: dict[tuple[str, ...], Grammar] = {}
        self._vocabulary: VocabularyReport | None = None
        self._loader: threading.Thread | None = None

    # -- loading -------------------------------------------------------------------------------
    @property
    def status(self) -> ModelStatus:
        return self._status

    def add_status_listener(self, callback: Callable[[ModelStatus], None]) -> None:
        """``callback(status)`` from the loader thread when loading ends (at once if it has)."""
        with self._lock:
            self._listeners.append(callback)
            done = self._done
        if done:
            callback(self._status)

    def start_loading(self, screens: Mapping[str, Sequence[str]] | None = None) -> None:
        """Load the model on a background thread (idempotent).

        With ``screens`` (screen id -> phrases, see :func:`pack_screens`), every screen's grammar
        is also built right after loading — before listeners hear "ready" — so words the model
        doesn't know are found at start-up (:attr:`vocabulary`), not when a resident speaks.
        """
        with self._lock:
            if self._loader is not None:
                return
            self._loader = threading.Thread(
                target=self.load, args=(screens,), name="asr-load", daemon=True
            )
            self._loader.start()

    def wait_ready(self, timeout: float | None = None) -> ModelStatus:
        self._ready.wait(timeout)
        return self._status

    def load(self, screens: Mapping[str, Sequence[str]] | None = None) -> ModelStatus:
        """Load now on this thread (the CLI and tests); the status says how it went."""
        if self._done:
            return self._status
        started = time.monotonic()
        problem = model_problem(self.model_dir)
        if problem is not None:
            return self._finish(ModelStatus("missing", problem))
        try:
            import vosk

            vosk.SetLogLevel(-1)  # Kaldi's chatter on stderr means nothing to staff
            model = vosk.Model(str(self.model_dir))  # a path, never lang=: that would download
        except ImportError as exc:
            log.warning("vosk import failed: %s", exc)
            return self._finish(ModelStatus("missing", "没有安装 vosk 语音识别库。"))
        except Exception as exc:
            log.warning("vosk model did not load: %s", exc)
            return self._finish(ModelStatus("missing", "语音模型无法加载（文件可能损坏）。"))
        self._vosk, self._model = vosk, model
        if screens is not None:
            self.check_vocabulary(screens)
        return self._finish(ModelStatus("ready", "", round(time.monotonic() - started, 2)))

    def _finish(self, status: ModelStatus) -> ModelStatus:
        with self._lock:
            self._status = status
            self._done = True
            listeners = list(self._listeners)
        if status.state == "missing":
            log.info("语音识别没有打开：%s", status.reason)
        for callback in listeners:
            try:
                callback(status)
            except Exception:
                log.exception("voice status listener failed")
        # Only now: whoever waited on wait_ready() sees every listener already told.
        self._ready.set()
        return status

    def _require_model(self) -> Any:
        if self._model is None:
            raise RuntimeError(self._status.reason or "语音模型还在加载")
        return self._model

    # -- vocabulary ----------------------------------------------------------------------------
    @property
    def vocabulary(self) -> VocabularyReport | None:
        """The last :meth:`check_vocabulary` report (built at load time when screens were given)."""
        return self._vocabulary

    def check_vocabulary(self, screens: Mapping[str, Sequence[str]]) -> VocabularyReport:
        """Build every screen's grammar now and report phrases the model can't hear."""
        grammars = {screen: self.grammar(phrases) for screen, phrases in screens.items()}
        report = VocabularyReport(grammars)
        self._vocabulary = report
        if report.unknown_count:
            log.info("%d grammar phrase(s) unknown to the voice model", report.unknown_count)
        return report

    def knows(self, word: str) -> bool:
        """Whether ``word`` is in the model's vocabulary."""
        return int(self._require_model().vosk_model_find_word(word)) >= 0

    def grammar(self, phrases: Sequence[str]) -> Grammar:
        """The grammar for these phrases, segmented into model words; unknown words reported."""
        key = tuple(dict.fromkeys(p.strip() for p in phrases if p.strip()))
        with self._lock:
            cached = self._grammars.get(key)
        if cached is not None:
            return cached
        usable: list[str] = []
        model_phrases: list[str] = []
        unknown: dict[str, tuple[str, ...]] = {}
        for phrase in key:
            words, missing = segment(phrase, self.knows)
            if missing or not words:
                unknown[phrase] = tuple(missing) or (phrase,)
                continue
            usable.append(phrase)
            model_phrases.append(" ".join(words))
        grammar = Grammar(tuple(usable), tuple(model_phrases), unknown, self.knows(UNK))
        if unknown:
            log.info("grammar words unknown to the model: %d phrase(s)", len(unknown))
        with self._lock:
            self._grammars[key] = grammar
        return grammar

    # -- listening -----------------------------------------------------------------------------
    def _recognizer_factory(self, grammar: Grammar | None, rate: int) -> Callable[[], Any]:
        model = self._require_model()
        vosk = self._vosk

        def make() -> Any:
            if grammar is None:
                rec = vosk.KaldiRecognizer(model, float(rate))
            else:
                rec = vosk.KaldiRecognizer(model, float(rate), grammar.to_json())
            rec.SetWords(True)
            return rec

        return make

    def listen(
        self,
        grammar_phrases: Sequence[str] | None,
        on_result: Callable[[Transcript], None],
        *,
        source: AudioSource | None = None,
        on_level: Callable[[float], None] | None = None,
        on_partial: Callable[[str], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        max_seconds: float = MAX_LISTEN_S,
        single_utterance: bool = True,
    ) -> ListenSession:
        """Start one push-to-talk turn and return at once.

        ``grammar_phrases=None`` is free dictation (names, addresses, facts). Callbacks run on
        the session's thread: the UI must hand them to Kivy's Clock. Raises ``RuntimeError``
        when the model isn't ready (the UI hides the button then).
        """
        grammar = self.grammar(grammar_phrases) if grammar_phrases is not None else None
        if grammar is not None and not grammar.phrases:
            raise RuntimeError("这个界面的词语模型都不认识，无法语音识别")
        source = source if source is not None else self._microphone()
        session = ListenSession(
            self._recognizer_factory(grammar, source.sample_rate),
            grammar,
            source,
            on_result,
            on_level=on_level,
            on_partial=on_partial,
            on_error=on_error,
            max_seconds=max_seconds,
            single_utterance=single_utterance,
        )
        return session.start()

    def transcribe(
        self, source: AudioSource, grammar_phrases: Sequence[str] | None = None
    ) -> Transcript:
        """Blocking: the whole of ``source`` as one turn (CLI, tests, benchmark)."""
        box: list[Transcript] = []
        errors: list[str] = []
        session = self.listen(
            grammar_phrases,
            box.append,
            source=source,
            on_error=errors.append,
            max_seconds=float("inf"),
            single_utterance=False,
        )
        session.join()
        if errors:
            raise RuntimeError(errors[0])
        return box[0]
