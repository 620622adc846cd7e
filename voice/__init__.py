"""Offline voice: Vosk recognition, espeak-ng read-aloud, homophone-tolerant matching, spoken digits.

- :mod:`voice.asr` — model loading in the background, per-screen grammars, push-to-talk sessions;
- :mod:`voice.audio` — microphone and WAV-file sources behind one interface, the level meter;
- :mod:`voice.matching` — transcript → option (pure), after the safety rules of :mod:`voice.rules`
  (negations, questions back, page kinds) and with the pack's :mod:`voice.lexicon`;
- :mod:`voice.ask` — 问一问: a free question → vetted answers of the pack (BM25, jieba, pinyin);
- :mod:`voice.digits` — spoken digits, amounts and dates (pure);
- :mod:`voice.tts` — read-aloud on one worker thread, interruptible;
- :mod:`voice.commands` — command words as options.

Pure where possible; nothing here imports Kivy. Results reach the UI through callbacks that the
screens wrap in Kivy's Clock. See docs/voice.md.
"""
